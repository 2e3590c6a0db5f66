/**
 * `cargo-preflight check` end to end on small workspaces whose vendored
 * crates carry the real crates' features and `links` (test/fixtures/projects):
 * the CLI as a user runs it, JSON output and exit codes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJson, cli, type JsonFinding } from './cli.js';
import { lineOf, project, projectCopy } from './fixtures.js';
import { treeLines } from '../../src/resolve/display.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { resolveWorkspace } from '../rules/harness.js';

/** Findings that do not depend on the machine (cross-environment does). */
const stable = (fs: JsonFinding[]) => fs.filter((f) => f.rule !== 'cross-environment');
const brief = (fs: JsonFinding[]) => stable(fs).map((f) => `${f.severity} ${f.rule} ${f.package.name}@${f.package.version}`);
const pathText = (p: JsonFinding['paths'][number]) => p.map((s, i) => (i === 0 ? s.name : `${s.name}${s.via.length ? ` [${s.via.join(',')}]` : ''}`)).join(' > ');

describe("OpenSSL through reqwest's default TLS", () => {
  const dir = project('openssl-reqwest');

  it('reports openssl-sys as an error, with the path, the Cargo.toml line and the rustls switch first', async () => {
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.schemaVersion).toBe(1);
    expect(report.targets).toEqual(['x86_64-unknown-linux-musl']);
    expect(brief(report.findings)).toEqual(['error native-library openssl-sys@0.9.107', 'info musl-behaviour reqwest@0.12.4', 'info musl-behaviour tokio@1.44.2']);
    const f = report.findings[0];
    expect(f.package.links).toBe('openssl');
    expect(f.paths.map(pathText)).toEqual([
      'openssl-reqwest > reqwest > native-tls [default-tls] > openssl-sys',
      'openssl-reqwest > reqwest > hyper-tls [default-tls] > native-tls > openssl-sys',
      'openssl-reqwest > reqwest > tokio-native-tls [default-tls] > native-tls > openssl-sys',
      // Every path, shortest first: through the openssl crate too.
      'openssl-reqwest > reqwest > native-tls [default-tls] > openssl > openssl-sys',
      'openssl-reqwest > reqwest > hyper-tls [default-tls] > tokio-native-tls > native-tls > openssl-sys',
      'openssl-reqwest > reqwest > hyper-tls [default-tls] > native-tls > openssl > openssl-sys',
      'openssl-reqwest > reqwest > tokio-native-tls [default-tls] > native-tls > openssl > openssl-sys',
      'openssl-reqwest > reqwest > hyper-tls [default-tls] > tokio-native-tls > native-tls > openssl > openssl-sys',
    ]);
    expect(f.pathCount).toBe(8);
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'reqwest =') });
    expect(f.fixes[0]).toMatchObject({ strategy: 'switch', crate: 'reqwest' });
    expect(f.fixes[0].title).toContain('remove `default-tls`; add `rustls-tls`; default-features = false with `charset`, `http2`, `macos-system-configuration` listed again');
    expect(f.fixes.map((x) => x.strategy)).toEqual(['switch', 'static', 'static', 'environment', 'disable']);
    expect(report.summary.error).toBe(1);
  });

  it('exit codes follow --fail-on', async () => {
    expect((await checkJson([dir, '--fail-on', 'never'])).code).toBe(0);
    expect((await checkJson([dir, '--fail-on', 'info'])).code).toBe(1);
    const bad = await cli(['check', dir, '--fail-on', 'sometimes', '--offline']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid value 'sometimes' for '--fail-on <LEVEL>'");
  });

  it('on a -gnu target nothing fails to link statically by definition: the same crate is still reported', async () => {
    const { report } = await checkJson([dir, '--target', 'x86_64-unknown-linux-gnu']);
    expect(brief(report.findings)).toEqual(['error native-library openssl-sys@0.9.107']);
  });
});

describe('the same with rustls', () => {
  const dir = project('rustls-reqwest');

  it('no error; ring compiles C (info)', async () => {
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(0);
    expect(brief(report.findings)).toEqual(['info builds-c-code ring@0.17.8', 'info musl-behaviour reqwest@0.12.4']);
    expect(report.findings.find((f) => f.rule === 'builds-c-code')!.paths.map(pathText)).toEqual(['rustls-reqwest > reqwest > rustls [rustls-tls] > ring [ring]']);
    expect((await checkJson([dir, '--fail-on', 'info'])).code).toBe(1);
  });
});

describe('SQLite', () => {
  it('system SQLite: libsqlite3-sys is an error, fixed by `bundled`', async () => {
    const dir = project('sqlite-system');
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(brief(report.findings)).toEqual(['error native-library libsqlite3-sys@0.32.0']);
    const f = report.findings[0];
    expect(f.features).toEqual(['default', 'min_sqlite_version_3_14_0', 'pkg-config', 'vcpkg']);
    expect(f.fixes.map((x) => x.title)).toContain('enable feature `bundled` of `libsqlite3-sys` (declare `libsqlite3-sys = { version = "0.32", features = ["bundled"] }`; features unify)');
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'rusqlite =') });
  });

  it('bundled SQLite: only the C compiler note', async () => {
    const { code, report } = await checkJson([project('sqlite-bundled')]);
    expect(code).toBe(0);
    expect(brief(report.findings)).toEqual(['info builds-c-code libsqlite3-sys@0.32.0']);
    expect(report.findings.find((f) => f.rule === 'builds-c-code')).toMatchObject({ messageId: 'bundledByOption', data: { option: 'its feature `bundled` is on' } });
  });
});

describe('zlib', () => {
  it('libz-sys without `static`: an error (pkg-config may find a shared zlib)', async () => {
    const { code, report } = await checkJson([project('zlib-system')]);
    expect(code).toBe(1);
    expect(brief(report.findings)).toEqual(['error native-library libz-sys@1.1.16']);
    expect(report.findings[0].paths.map(pathText)).toEqual(['zlib-system > flate2 > libz-sys [zlib]']);
    expect(report.findings[0].fixes.map((x) => x.title)).toEqual([
      "switch `flate2` to miniz_oxide (flate2's default backend): remove `zlib`; add `rust_backend`",
      'switch `flate2` to zlib-rs: replace `zlib` by `zlib-rs`',
      'enable feature `static` of `libz-sys` (declare `libz-sys = { version = "1", features = ["static"] }`; features unify)',
      'set LIBZ_SYS_STATIC=1 for the build (`[env]` in .cargo/config.toml)',
      'turn off feature `zlib` of `flate2`',
    ]);
  });

  it('libz-sys with `static`: the C compiler note only', async () => {
    const { code, report } = await checkJson([project('zlib-static')]);
    expect(code).toBe(0);
    expect(brief(report.findings)).toEqual(['info builds-c-code libz-sys@1.1.16']);
  });
});

describe('native crates outside the artifact graph', () => {
  const dir = project('scoped');

  it('dev-dependencies, another platform, build scripts and proc-macros are not reported', async () => {
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(0);
    expect(brief(report.findings)).toEqual([]);
  });

  it('--include-dev counts dev-dependencies', async () => {
    const { code, report } = await checkJson([dir, '--include-dev']);
    expect(code).toBe(1);
    expect(brief(report.findings)).toEqual(['error native-library libz-sys@1.1.16']);
    expect(report.findings[0].manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'libz-sys =') });
  });

  it('the windows-only dependency appears for windows', async () => {
    const { report } = await checkJson([dir, '--target', 'x86_64-pc-windows-msvc']);
    expect(brief(report.findings)).toEqual(['error native-library openssl-sys@0.9.107']);
  });

  it('several targets: one finding per crate and target', async () => {
    const { report } = await checkJson([dir, '--include-dev', '--target', 'x86_64-unknown-linux-musl', '--target', 'aarch64-unknown-linux-musl']);
    expect(report.targets).toEqual(['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl']);
    expect(stable(report.findings).map((f) => `${f.target} ${f.package.name}`)).toEqual(['aarch64-unknown-linux-musl libz-sys', 'x86_64-unknown-linux-musl libz-sys']);
    expect(new Set(report.findings.map((f) => f.id)).size).toBe(report.findings.length);
  });
});

describe('machine-dependent findings, made deterministic by configuration', () => {
  it('--fail-on warning: 0 with cross-environment off, and a dlopen-free graph', async () => {
    const dir = projectCopy('rustls-reqwest', { 'cargo-preflight.toml': '[severity]\ncross-environment = "off"\n' });
    const { code, report } = await checkJson([dir, '--fail-on', 'warning']);
    expect(report.findings.some((f) => f.rule === 'cross-environment')).toBe(false);
    expect(code).toBe(0);
  });
});

describe("the fixture graphs are cargo's", () => {
  it.skipIf(!cargoAvailable())('every fixture workspace resolves as `cargo tree` does, for musl and windows', async () => {
    for (const name of ['openssl-reqwest', 'rustls-reqwest', 'sqlite-system', 'sqlite-bundled', 'zlib-system', 'zlib-static', 'scoped']) {
      for (const target of ['x86_64-unknown-linux-musl', 'x86_64-pc-windows-msvc']) {
        const graph = await resolveWorkspace(project(name), target);
        expect(treeLines(graph.packages.values()), `${name} ${target}`).toEqual(cargoTreeLines(project(name), target));
      }
    }
  });
});
