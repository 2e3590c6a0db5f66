/**
 * Build-script evidence end to end: fixture crates packaged by `cargo
 * package`, served as a sparse registry on 127.0.0.1 and also vendored by
 * `cargo vendor`:
 *
 * - `sneaky-crypto`, no `links`, whose build script probes libcrypto with
 *   pkg-config and prints `cargo:rustc-link-lib=crypto` (the case);
 * - `bundled-c`, no `links`, compiling only the C it ships with `cc`;
 * - `sysonly-sys`, `links = "sysonly"`, linking a system-only library with
 *   a `SYSONLY_STATIC` switch;
 * - `plain` and `with-script` (a script that only sets a cfg), which show no
 *   native sign and must not be downloaded for their scripts.
 *
 * Checked: the rules and messages, the evidence (`<name>-<version>/build.rs:L:C`,
 * or the vendored path), which archives are downloaded, the tool's cache
 * offline, an unreadable script (downloads off), the finding ids (the same
 * registry or vendored: evidence is not part of them), SARIF related
 * locations, and `[target.<triple>.<links>]` overrides.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadUrl } from '../../src/registry/sparse.js';
import { indexPath } from '../../src/registry/types.js';
import { IndexServer } from '../../testkit/index-server.js';
import { packageCrates, type FixtureCrate } from '../helpers/crates.js';
import { cargoAvailable } from '../helpers/realworld.js';
import { cli } from './cli.js';

const TARGET = 'x86_64-unknown-linux-musl';
const run = promisify(execFile);

const CRATES: FixtureCrate[] = [
  { name: 'pkg-config', version: '0.3.30' },
  { name: 'cc', version: '1.0.90' },
  { name: 'helper', version: '1.0.0' },
  {
    name: 'sneaky-crypto',
    version: '0.1.0',
    buildDeps: { 'pkg-config': '0.3' },
    files: {
      'build.rs':
        'fn main() {\n    // Links libcrypto behind the back of a vendored openssl-sys.\n    pkg_config::probe_library("libcrypto").unwrap();\n    println!("cargo:rustc-link-lib=crypto");\n}\n',
    },
  },
  {
    name: 'bundled-c',
    version: '0.2.0',
    buildDeps: { cc: '1' },
    files: {
      'build.rs': 'mod sources;\n\nfn main() {\n    sources::build();\n}\n',
      'sources.rs': 'pub fn build() {\n    cc::Build::new().file("c/foo.c").compile("foo");\n}\n',
      'c/foo.c': 'int foo(void) { return 1; }\n',
    },
  },
  {
    name: 'sysonly-sys',
    version: '1.0.0',
    links: 'sysonly',
    files: {
      'build.rs':
        'use std::env;\n\nfn main() {\n    if let Ok(dir) = env::var("SYSONLY_LIB_DIR") {\n        println!("cargo:rustc-link-search=native={}", dir);\n    }\n    let kind = if env::var("SYSONLY_STATIC").is_ok() { "static" } else { "dylib" };\n    println!("cargo:rustc-link-lib={}=sysonly", kind);\n}\n',
    },
  },
  { name: 'plain', version: '1.0.0', deps: { helper: '1' } },
  { name: 'with-script', version: '1.0.0', deps: { helper: '1' }, files: { 'build.rs': 'fn main() {\n    println!("cargo:rustc-cfg=has_thing");\n}\n' } },
];

const DEPS = ['sneaky-crypto = "0.1"', 'bundled-c = "0.2"', 'sysonly-sys = "1"', 'plain = "1"', 'with-script = "1"'];

interface Finding {
  id: string;
  rule: string;
  severity: string;
  package: { name: string };
  messageId: string;
  detailId?: string;
  detailData?: Record<string, string>;
  evidence?: { file: string; line: number; column: number; text: string; inWorkspace?: boolean }[];
}

describe.skipIf(!cargoAvailable())('build-script evidence end to end', () => {
  let dir: string;
  let server: IndexServer;
  let app: string;
  let vendored: string;
  let cargoHome: string;

  const dl = () => `${server.url}dl/{prefix}/{crate}/{version}/{sha256-checksum}.crate`;

  const check = async (cwd: string, cache: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const home = join(dir, `home-${cache}`);
    mkdirSync(home, { recursive: true });
    const r = await cli(['check', '--format', 'json', '--quiet', '--target', TARGET, '--cache-dir', join(dir, cache), ...args], { cwd, env: { HOME: dir, CARGO_HOME: home, ...env } });
    if (!r.stdout.trim()) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.rule !== 'cross-environment' && f.rule !== 'musl-behaviour');
    return { code: r.code, findings, stderr: r.stderr };
  };
  const byCrate = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.package.name, f]));
  const downloaded = () =>
    server.log
      .filter((r) => r.path.startsWith('dl/'))
      .map((r) => r.path.split('/')[3]!)
      .sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cp-buildscripts-'));
    const packaged = packageCrates(join(dir, 'packages'), CRATES);
    server = await IndexServer.start({ compression: 'gzip' });
    server.setFile('config.json', JSON.stringify({ dl: dl() }));
    for (const p of packaged) {
      server.setFile(indexPath(p.crate.name), p.indexLine + '\n');
      server.setFile(new URL(downloadUrl(dl(), p.crate.name, p.crate.version, p.sha256)).pathname.slice(1), p.archive);
    }
    const manifest = `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${DEPS.join('\n')}\n`;
    const replace = `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${server.url}"\n`;
    app = join(dir, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    mkdirSync(join(app, '.cargo'), { recursive: true });
    writeFileSync(join(app, 'Cargo.toml'), manifest);
    writeFileSync(join(app, 'src', 'main.rs'), 'fn main() {}\n');
    writeFileSync(join(app, '.cargo', 'config.toml'), replace);
    cargoHome = join(dir, 'cargo-home');
    mkdirSync(cargoHome, { recursive: true });
    const env = { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' };
    await run('cargo', ['generate-lockfile'], { cwd: app, env });
    // The same project, vendored by cargo itself.
    vendored = join(dir, 'vendored');
    mkdirSync(join(vendored, 'src'), { recursive: true });
    mkdirSync(join(vendored, '.cargo'), { recursive: true });
    writeFileSync(join(vendored, 'Cargo.toml'), manifest);
    writeFileSync(join(vendored, 'src', 'main.rs'), 'fn main() {}\n');
    writeFileSync(join(vendored, '.cargo', 'config.toml'), replace);
    await run('cargo', ['generate-lockfile'], { cwd: vendored, env });
    await run('cargo', ['vendor', '--locked', '--respect-source-config', 'vendor'], { cwd: vendored, env });
    writeFileSync(join(vendored, '.cargo', 'config.toml'), '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n');
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let registryIds: Record<string, string> = {};

  it('reports a crate without `links` that links a system library, one that compiles its own C, and a `links` crate with a static switch, with evidence', async () => {
    server.log.length = 0;
    const { code, findings } = await check(app, 'cache-a');
    expect(code).toBe(1);
    const f = byCrate(findings);
    expect(Object.keys(f).sort()).toEqual(['bundled-c', 'sneaky-crypto', 'sysonly-sys']);

    expect(f['sneaky-crypto']).toMatchObject({ rule: 'no-static-option', severity: 'error', messageId: 'buildScriptSystem', detailId: 'buildScriptNote' });
    expect(f['sneaky-crypto']!.evidence).toEqual([
      { file: 'sneaky-crypto-0.1.0/build.rs', line: 3, column: 5, text: 'pkg_config::probe_library("libcrypto")' },
      { file: 'sneaky-crypto-0.1.0/build.rs', line: 4, column: 5, text: 'println!("cargo:rustc-link-lib=crypto")' },
    ]);

    expect(f['bundled-c']).toMatchObject({ rule: 'builds-c-code', severity: 'info', messageId: 'bundledByBuildScript' });
    // The build script's module is read too.
    expect(f['bundled-c']!.evidence).toEqual([{ file: 'bundled-c-0.2.0/sources.rs', line: 2, column: 5, text: 'cc::Build' }]);

    expect(f['sysonly-sys']).toMatchObject({ rule: 'native-library', severity: 'error', messageId: 'buildScriptSystem' });
    expect(f['sysonly-sys']!.evidence!.map((e) => `${e.file}:${e.line}:${e.column}: ${e.text}`)).toEqual([
      'sysonly-sys-1.0.0/build.rs:4:22: env::var("SYSONLY_LIB_DIR")',
      'sysonly-sys-1.0.0/build.rs:7:19: env::var("SYSONLY_STATIC")',
      'sysonly-sys-1.0.0/build.rs:8:5: println!("cargo:rustc-link-lib={}=sysonly", kind)',
    ]);

    // Archives: the proc-macro candidate (`helper`: no dependency, no feature) and the three with a native sign; never `plain` or `with-script`.
    expect(downloaded()).toEqual(['bundled-c', 'helper', 'sneaky-crypto', 'sysonly-sys']);
    registryIds = Object.fromEntries(findings.map((x) => [x.package.name, x.id]));
  });

  it("gives the same findings offline from the tool's cache, with no request", async () => {
    server.log.length = 0;
    const { findings } = await check(app, 'cache-a', ['--offline']);
    expect(server.log).toEqual([]);
    expect(Object.fromEntries(findings.map((x) => [x.package.name, x.id]))).toEqual(registryIds);
    expect(byCrate(findings)['bundled-c']!.evidence![0]!.file).toBe('bundled-c-0.2.0/sources.rs');
  });

  it('says when a script that matters could not be read (downloads off), never silently', async () => {
    server.log.length = 0;
    const { findings } = await check(app, 'cache-empty', ['--no-crate-downloads']);
    expect(downloaded()).toEqual([]);
    const f = byCrate(findings);
    expect(f['sneaky-crypto']).toMatchObject({ rule: 'unknown-native', messageId: 'unknownBuildScript', detailId: 'scriptUnreadable' });
    expect(f['bundled-c']).toMatchObject({ rule: 'unknown-native', messageId: 'unknownBuildScript', detailId: 'scriptUnreadable' });
    expect(f['sysonly-sys']).toMatchObject({ rule: 'unknown-native', messageId: 'unknownLinks', detailId: 'scriptUnreadable' });
    expect(f['sneaky-crypto']!.detailData!.reason).toMatch(/downloads are off/);
  });

  it('reads vendored scripts in place: the same findings and ids, evidence at the vendored path', async () => {
    server.log.length = 0;
    const { findings } = await check(vendored, 'cache-v', ['--offline']);
    expect(server.log).toEqual([]);
    const f = byCrate(findings);
    expect(Object.fromEntries(findings.map((x) => [x.package.name, `${x.rule}/${x.messageId}`]))).toEqual({
      'bundled-c': 'builds-c-code/bundledByBuildScript',
      'sneaky-crypto': 'no-static-option/buildScriptSystem',
      'sysonly-sys': 'native-library/buildScriptSystem',
    });
    // Ids depend on rule, crate, target and the direct dependency: not on where the evidence is.
    expect(Object.fromEntries(findings.map((x) => [x.package.name, x.id]))).toEqual(registryIds);
    expect(f['sneaky-crypto']!.evidence![0]).toEqual({ file: 'vendor/sneaky-crypto/build.rs', line: 3, column: 5, text: 'pkg_config::probe_library("libcrypto")', inWorkspace: true });
    // In the human report, as a note after the finding.
    const human = await cli(['check', '--quiet', '--offline', '--target', TARGET], { cwd: vendored, env: { HOME: dir, CARGO_HOME: join(dir, 'home-cache-v'), NO_COLOR: '1' } });
    if (process.env.SHOW_HUMAN) process.stderr.write(human.stdout);
    expect(human.stdout).toContain('= note: build script: vendor/sneaky-crypto/build.rs:3:5: pkg_config::probe_library("libcrypto")\n');
    expect(human.stdout).toContain('vendor/sneaky-crypto/build.rs:4:5: println!("cargo:rustc-link-lib=crypto")');
  });

  it('puts the evidence in SARIF as related locations, the primary location staying the Cargo.toml line', async () => {
    const home = join(dir, 'home-sarif');
    mkdirSync(home, { recursive: true });
    const r = await cli(['check', '--format', 'sarif', '--quiet', '--offline', '--target', TARGET, '--cache-dir', join(dir, 'cache-a')], { cwd: app, env: { HOME: dir, CARGO_HOME: home } });
    const sarif = JSON.parse(r.stdout) as {
      runs: {
        results: {
          properties: { crate: string };
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          relatedLocations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[];
        }[];
        originalUriBaseIds: Record<string, unknown>;
      }[];
    };
    const result = sarif.runs[0]!.results.find((x) => x.properties.crate === 'sneaky-crypto')!;
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/Cargo\.toml$/);
    const related = result.relatedLocations!.filter((l) => l.physicalLocation.artifactLocation.uriBaseId === 'CRATE_SOURCES');
    expect(related.map((l) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region.startLine}`)).toEqual(['sneaky-crypto-0.1.0/build.rs:3', 'sneaky-crypto-0.1.0/build.rs:4']);
    expect(sarif.runs[0]!.originalUriBaseIds).toHaveProperty('CRATE_SOURCES');
  });

  it("honours cargo's [target.<triple>.<links>] override: a static archive is nothing to report, a shared library is", async () => {
    const config = join(vendored, '.cargo', 'config.toml');
    const base = '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n';
    try {
      writeFileSync(config, `${base}\n[target.${TARGET}.sysonly]\nrustc-link-lib = ["static=sysonly"]\nrustc-link-search = ["/opt/sysonly/lib"]\n`);
      const a = byCrate((await check(vendored, 'cache-v', ['--offline'])).findings);
      expect(a['sysonly-sys']).toBeUndefined();
      expect(a['sneaky-crypto']).toBeDefined();

      writeFileSync(config, `${base}\n[target.${TARGET}.sysonly]\nrustc-link-lib = ["sysonly"]\n`);
      const b = byCrate((await check(vendored, 'cache-v', ['--offline'])).findings);
      expect(b['sysonly-sys']).toMatchObject({ rule: 'no-static-option', messageId: 'buildScriptSystem' });
      expect(b['sysonly-sys']!.evidence).toEqual([{ file: '.cargo/config.toml', line: 8, column: 1, text: 'rustc-link-lib = ["sysonly"]', inWorkspace: true }]);

      // For another target the script is read as before.
      const other = await cli(['check', '--format', 'json', '--quiet', '--offline', '--target', 'aarch64-unknown-linux-musl'], {
        cwd: vendored,
        env: { HOME: dir, CARGO_HOME: join(dir, 'home-cache-v') },
      });
      const o = byCrate((JSON.parse(other.stdout) as { findings: Finding[] }).findings);
      expect(o['sysonly-sys']).toMatchObject({ rule: 'native-library', messageId: 'buildScriptSystem' });
    } finally {
      writeFileSync(config, base);
    }
  });
});
