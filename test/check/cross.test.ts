/**
 * `cross`: what a Cross.toml changes (image, a pre-build that installs
 * `-dev` packages, variables passed through), said by `doctor` and next to
 * `check`'s findings; and a container engine that answers, with docker or
 * podman present or not (stand-ins on PATH).
 */
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installedPackages } from '../../src/config/cross-config.js';
import { cli } from './cli.js';

const EXAMPLE = resolve(import.meta.dirname, '../../example');
const TARGET = 'aarch64-unknown-linux-musl';

const CROSS_TOML = `[build.env]
passthrough = ["RUST_LOG", "OPENSSL_STATIC"]

[target.${TARGET}]
image = "ghcr.io/cross-rs/${TARGET}:main"
pre-build = [
    "dpkg --add-architecture $CROSS_DEB_ARCH",
    "apt-get update && apt-get install --assume-yes libssl-dev:$CROSS_DEB_ARCH libsqlite3-dev:$CROSS_DEB_ARCH",
]
`;

/** A copy of the example with a Cross.toml. */
function project(crossToml = CROSS_TOML): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-cross-'));
  for (const f of ['Cargo.toml', 'Cargo.lock', 'src', 'vendor', '.cargo']) cpSync(join(EXAMPLE, f), join(dir, f), { recursive: true });
  writeFileSync(join(dir, 'Cross.toml'), crossToml);
  return dir;
}

/** A folder of stand-in executables: each prints its text and exits with its code. */
function bin(tools: Record<string, { out: string; code: number }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-bin-'));
  for (const [name, t] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\necho "${t.out}" ${t.code ? '>&2' : ''}\nexit ${t.code}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

interface Check {
  id: string;
  ok: boolean;
  needed: boolean;
  found: string;
  fix: string[];
  note?: string;
}

async function doctorChecks(dir: string, path: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; checks: Check[] }> {
  const r = await cli(['doctor', '--target', TARGET, '--format', 'json', '--offline'], { cwd: dir, env: { PATH: path, ...env } });
  return { code: r.code, checks: (JSON.parse(r.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks };
}

describe('Cross.toml', () => {
  it('reads the packages a pre-build installs, whatever the package manager', () => {
    expect(installedPackages(['apt-get update && apt-get install --assume-yes libssl-dev:$CROSS_DEB_ARCH zlib1g-dev'])).toEqual(['libssl-dev', 'zlib1g-dev']);
    expect(installedPackages(['dpkg --add-architecture $CROSS_DEB_ARCH', 'apk add --no-cache openssl-dev', 'yum install -y sqlite-devel'])).toEqual(['openssl-dev', 'sqlite-devel']);
    expect(installedPackages(['echo install libssl-dev'])).toEqual([]);
  });

  it('doctor says what it changes: the image, the system libraries the pre-build installs, the variables passed through', async () => {
    const dir = project();
    try {
      const { checks } = await doctorChecks(dir, bin({ docker: { out: '27.1.1', code: 0 } }));
      const cross = checks.find((c) => c.id === 'cross-config')!;
      expect(cross.found).toBe(`image ghcr.io/cross-rs/${TARGET}:main; pre-build installs libssl-dev, libsqlite3-dev; passes RUST_LOG, OPENSSL_STATIC into the container`);
      expect(cross.note).toMatch(
        /^under `cross build`, `libssl-dev` \(OpenSSL \(libssl, libcrypto\)\), `libsqlite3-dev` \(SQLite 3 \(libsqlite3\)\) are in the image: .* link the image's system library/,
      );
      // Another target: the default image, the [build] settings only.
      const other = await cli(['doctor', '--target', 'x86_64-unknown-linux-musl', '--format', 'json', '--offline'], { cwd: dir, env: { PATH: bin({ docker: { out: '27.1.1', code: 0 } }) } });
      const found = (JSON.parse(other.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks.find((c) => c.id === 'cross-config')!.found;
      expect(found).toBe('the default image; passes RUST_LOG, OPENSSL_STATIC into the container');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check names it next to the findings it concerns', async () => {
    const dir = project();
    try {
      const r = await cli(['check', '--target', TARGET, '--quiet', '--offline'], { cwd: dir, env: { PATH: bin({}) } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `warning: Cross.toml: the pre-build for ${TARGET} installs \`libssl-dev\`: under \`cross build\`, \`openssl-sys v0.9.107\` links the image's OpenSSL (libssl, libcrypto) (as its build script chooses, often dynamically) rather than failing; the native-library finding stands for a static binary`,
      );
      expect(r.stderr).toContain("installs `libsqlite3-dev`: under `cross build`, `libsqlite3-sys v0.32.0` links the image's SQLite 3 (libsqlite3)");
      // Not for a target whose pre-build installs nothing.
      const other = await cli(['check', '--target', 'x86_64-unknown-linux-musl', '--quiet', '--offline'], { cwd: dir, env: { PATH: bin({}) } });
      expect(other.stderr).not.toContain('Cross.toml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a container engine for cross', () => {
  const dir = project();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is ok when docker answers', async () => {
    const { checks } = await doctorChecks(dir, bin({ docker: { out: '27.1.1', code: 0 } }));
    expect(checks.find((c) => c.id === 'container-engine')).toMatchObject({ ok: true, needed: true, found: 'docker answers (version 27.1.1)' });
  });

  it('fails, with what to do, when docker does not answer, or when there is none; podman is taken too', async () => {
    const down = await doctorChecks(dir, bin({ docker: { out: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', code: 1 } }));
    const check = down.checks.find((c) => c.id === 'container-engine')!;
    expect(down.code).toBe(1);
    expect(check.ok).toBe(false);
    expect(check.found).toMatch(/^docker is on PATH \(.*\) but does not answer: Cannot connect to the Docker daemon/);
    expect(check.fix[0]).toContain('sudo systemctl start docker');
    const none = await doctorChecks(dir, bin({}));
    expect(none.checks.find((c) => c.id === 'container-engine')).toMatchObject({ ok: false, found: 'neither docker nor podman on PATH' });
    const podman = await doctorChecks(dir, bin({ podman: { out: '5.2.0', code: 0 } }));
    expect(podman.checks.find((c) => c.id === 'container-engine')).toMatchObject({ ok: true, found: 'podman answers (version 5.2.0)' });
    // CROSS_CONTAINER_ENGINE names the engine cross uses.
    const chosen = await doctorChecks(dir, bin({ docker: { out: '27.1.1', code: 0 }, podman: { out: '5.2.0', code: 0 } }), { CROSS_CONTAINER_ENGINE: 'podman' });
    expect(chosen.checks.find((c) => c.id === 'container-engine')!.found).toBe('podman answers (version 5.2.0)');
  });

  it('is checked when cross is on PATH without a Cross.toml, and not at all without either', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'cargo-preflight-nocross-'));
    const withCross = await cli(['doctor', '--no-project', '--target', TARGET, '--format', 'json'], { cwd: plain, env: { PATH: bin({ cross: { out: '', code: 0 } }) } });
    const checks = (JSON.parse(withCross.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks;
    expect(checks.some((c) => c.id === 'cross-config')).toBe(false);
    expect(checks.find((c) => c.id === 'container-engine')).toMatchObject({ ok: false, found: 'neither docker nor podman on PATH' });
    const without = await cli(['doctor', '--no-project', '--target', TARGET, '--format', 'json'], { cwd: plain, env: { PATH: bin({}) } });
    expect((JSON.parse(without.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks.some((c) => c.id === 'container-engine')).toBe(false);
  });
});
