import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { which } from '../../cli/environment.js';
import { cli } from './cli.js';

function installedTargets(): string[] | null {
  try {
    return execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return null;
  }
}

interface DoctorJson {
  host: string;
  targets: { target: string; checks: { id: string; ok: boolean; needed: boolean; found: string; fix: string[] }[] }[];
}

describe('cargo-preflight doctor', () => {
  it('reports the standard library as rustup has it, and the command that installs it', async () => {
    const target = 'aarch64-unknown-linux-musl';
    const r = await cli(['doctor', '--no-project', '--format', 'json', '--target', target]);
    const out = JSON.parse(r.stdout) as DoctorJson;
    const std = out.targets[0].checks.find((c) => c.id === 'std')!;
    const installed = installedTargets();
    const has = installed?.includes(target) ?? false;
    expect(std.ok).toBe(has);
    if (!has) expect(std.fix).toEqual([`rustup target add ${target}`]);
    if (installed) expect(std.found).toContain(has ? 'installed' : `rustup has ${installed.join(', ')}`);
    expect(r.code).toBe(out.targets[0].checks.some((c) => c.needed && !c.ok) ? 1 : 0);
  });

  it('takes the C compiler from CC_<target> and the linker from CARGO_TARGET_<T>_LINKER', async () => {
    const target = 'aarch64-unknown-linux-musl';
    const cc = which('cc', process.env) ?? '/usr/bin/cc';
    const r = await cli(['doctor', '--no-project', '--format', 'json', '--target', target], {
      env: { CC_aarch64_unknown_linux_musl: cc, CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER: cc },
    });
    const checks = (JSON.parse(r.stdout) as DoctorJson).targets[0].checks;
    expect(checks.find((c) => c.id === 'c-compiler')).toMatchObject({ ok: true, found: `CC_aarch64_unknown_linux_musl=${cc}` });
    expect(checks.find((c) => c.id === 'linker')).toMatchObject({ ok: true, needed: true, found: `\`${cc}\` (environment variable CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER)` });
  });

  it('a linker given with --config wins over CARGO_TARGET_<T>_LINKER, as for cargo', async () => {
    const r = await cli(['doctor', '--no-project', '--format', 'json', '--target', 'aarch64-unknown-linux-musl', '--config', 'target.aarch64-unknown-linux-musl.linker="from-cli-gcc"'], {
      env: { CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER: 'from-env-gcc' },
    });
    const linker = (JSON.parse(r.stdout) as DoctorJson).targets[0].checks.find((c) => c.id === 'linker')!;
    expect(linker.found).toContain('`from-cli-gcc` (--config argument `target.aarch64-unknown-linux-musl.linker="from-cli-gcc"`)');
  });

  it('a linker from .cargo/config.toml names the file', async () => {
    const { writeProject } = await import('../helpers/project.js');
    const dir = writeProject({ '.cargo/config.toml': '[target.aarch64-unknown-linux-musl]\nlinker = "aarch64-linux-musl-gcc"\n' });
    const r = await cli(['doctor', '--no-project', '--format', 'json', '--target', 'aarch64-unknown-linux-musl'], { cwd: dir, env: { CARGO_HOME: dir } });
    const linker = (JSON.parse(r.stdout) as DoctorJson).targets[0].checks.find((c) => c.id === 'linker')!;
    expect(linker.ok).toBe(true);
    expect(linker.found).toMatch(/^`aarch64-linux-musl-gcc` \(.*\.cargo\/config\.toml\)$/);
  });

  it('human output: every check with what it found, fixes under failures, exit 1 when one fails', async () => {
    const r = await cli(['doctor', '--no-project', '--target', 'aarch64-unknown-linux-musl'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Checking the environment for aarch64-unknown-linux-musl');
    expect(r.stdout).toMatch(/FAIL linker for aarch64-unknown-linux-musl: none configured, no `aarch64-linux-musl-gcc` on PATH\n\s+fix: install a cross toolchain/);
    expect(r.stdout).toMatch(/error: \d+ checks? failed/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('refuses an unknown target as check does (exit 2, no report)', async () => {
    const r = await cli(['doctor', '--no-project', '--target', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown target `nosuch`');
    expect(r.stdout).toBe('');
    const near = await cli(['doctor', '--no-project', '--target', 'x86_64-unknown-linux-mus']);
    expect(near.code).toBe(2);
    expect(near.stderr).toContain('`x86_64-unknown-linux-musl`');
  });

  it('windows-msvc: asks for cargo-xwin or the Visual Studio tools, not a `<triple>-gcc`', async () => {
    const r = await cli(['doctor', '--no-project', '--target', 'x86_64-pc-windows-msvc'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cargo xwin build --target x86_64-pc-windows-msvc');
    expect(r.stdout).not.toMatch(/windows-msvc-gcc|cargo zigbuild|cross build/);
  });

  it('windows-gnu: the MinGW-w64 gcc on PATH is the linker and the C compiler', async () => {
    const { writeProject } = await import('../helpers/project.js');
    const bin = writeProject({ 'x86_64-w64-mingw32-gcc': '#!/bin/sh\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(`${bin}/x86_64-w64-mingw32-gcc`, 0o755);
    const r = await cli(['doctor', '--no-project', '--format', 'json', '--target', 'x86_64-pc-windows-gnu'], { env: { PATH: bin } });
    const checks = (JSON.parse(r.stdout) as DoctorJson).targets[0].checks;
    expect(checks.find((c) => c.id === 'linker')).toMatchObject({ ok: true, found: expect.stringContaining('which rustc uses for x86_64-pc-windows-gnu by default') });
    expect(checks.find((c) => c.id === 'c-compiler')).toMatchObject({ ok: true, found: expect.stringContaining('`x86_64-w64-mingw32-gcc` on PATH') });
  });

  it('rejects an unknown option with exit 2', async () => {
    const r = await cli(['doctor', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unexpected argument '--bogus'");
  });
});

describe('cargo-preflight doctor in a project', () => {
  it('names the crates that compile C and what their bundled builds need', async () => {
    const { project } = await import('./fixtures.js');
    const r = await cli(['doctor', project('sqlite-bundled'), '--format', 'json', '--offline', '--quiet']);
    const out = JSON.parse(r.stdout) as DoctorJson;
    const cc = out.targets[0].checks.find((c) => c.id === 'c-compiler')!;
    expect(cc.needed).toBe(true);
    expect((JSON.parse(r.stdout) as { targets: { checks: { title: string }[] }[] }).targets[0].checks.map((c) => c.title)).toContain('C compiler for x86_64-unknown-linux-musl, for libsqlite3-sys');
  });

  it("a target the workspace's settings name that is no target: an error where they name it, as check gives it", async () => {
    const { projectCopy } = await import('./fixtures.js');
    const dir = projectCopy('zlib-system', { 'cargo-preflight.toml': '# targets to check\ntargets = ["x86_64-unknown-linux-musl", "sparc-nowhere"]\n' });
    for (const command of ['check', 'doctor']) {
      const r = await cli([command, dir, '--offline', '--quiet']);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toMatch(new RegExp(`^${dir}/cargo-preflight\\.toml:2:1: error: .*sparc-nowhere`));
    }
    // `explain` in the project reads them the same way.
    const explain = await cli(['explain', 'libz-sys', '--offline', '--quiet'], { cwd: dir });
    expect(explain.code).toBe(2);
    expect(explain.stderr).toMatch(new RegExp(`^${dir}/cargo-preflight\\.toml:2:1: error: .*sparc-nowhere`));
  });

  it('a project without C code does not need a C compiler', async () => {
    const { project } = await import('./fixtures.js');
    const r = await cli(['doctor', project('sqlite-system'), '--format', 'json', '--offline', '--quiet']);
    const cc = (JSON.parse(r.stdout) as DoctorJson).targets[0].checks.find((c) => c.id === 'c-compiler')!;
    expect(cc.needed).toBe(false);
  });
});
