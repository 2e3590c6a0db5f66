/**
 * Static options and switches read from the locked version, end to end: a
 * registry of real archives (`cargo package`) and index lines served on
 * 127.0.0.1, the command line run against it with a CARGO_HOME of its own,
 * and real cargo (another CARGO_HOME) as the oracle of what the fix turns on.
 *
 * - a `-sys` release newer than every release the knowledge base checked
 *   (libz-sys 2.0.0; the knowledge base checked up to 1.1.17) that declares
 *   its static feature: reported as `native-library`, with a note on how far
 *   the meaning was checked, and fixed; `cargo tree -e features` shows the
 *   feature on;
 * - a wrapper release newer than the knowledge base (reqwest 0.13.0; checked
 *   up to 0.12.15) that declares `rustls-tls`: offered and applied as a
 *   switch, what it brings (ring) read from its dependencies;
 * - a wrapper release older than every recorded recipe (reqwest 0.11.4, its
 *   TLS features as the index lists them) that declares `rustls-tls`:
 *   switched, where the screen said it had no switch away from OpenSSL;
 * - a `-sys` release without the feature (curl-sys 0.4.12): the first newer
 *   release that declares it (0.4.13) is read from the served index lines,
 *   online and offline from the cache; from a vendor directory alone, which
 *   holds only the locked version, no release is named.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CommandContext } from '../../cli/main.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { IndexServer } from '../../testkit/index-server.js';
import { packageVendor } from '../helpers/crates.js';
import { vendoredCrate, VENDOR_CONFIG } from '../helpers/project.js';
import { cargoAvailable } from '../helpers/realworld.js';

/** cargo talks to the server of this process: it must not block the event loop. */
const run = promisify(execFile);
const MUSL = 'x86_64-unknown-linux-musl';

/** Versions of the TLS crates reqwest 0.11.4 takes (stubs). */
const STUBS: Record<string, string> = { 'hyper-rustls': '0.22.1', 'hyper-tls': '0.5.0', rustls: '0.19.1', 'tokio-native-tls': '0.3.0', 'tokio-rustls': '0.22.0', 'webpki-roots': '0.21.1' };

/** Every crate of the registry, as vendored crates (normalized manifests). */
const CRATES: Record<string, string> = {
  ...vendoredCrate('libz-sys', '2.0.0', 'links = "z"\n\n[features]\ndefault = ["libc"]\nlibc = []\nstatic = []\nzlib-ng = []\n'),
  // curl-sys 0.4.13 is the first release with `static-curl` (cu/rl/curl-sys in the crates.io index).
  ...vendoredCrate('curl-sys', '0.4.12', 'links = "curl"\n', 'curl-sys-0.4.12'),
  ...vendoredCrate('curl-sys', '0.4.13', 'links = "curl"\n\n[features]\nstatic-curl = []\n', 'curl-sys-0.4.13'),
  ...vendoredCrate('openssl-sys', '0.9.103', 'links = "openssl"\n\n[features]\nvendored = []\n'),
  ...vendoredCrate('native-tls', '0.2.14', '[dependencies.openssl-sys]\nversion = "0.9.100"\n\n[features]\nvendored = ["openssl-sys/vendored"]\n'),
  ...vendoredCrate('ring', '0.17.14', 'links = "ring_core_0_17_14_"\n\n[features]\ndefault = ["alloc"]\nalloc = []\n'),
  ...vendoredCrate('rustls', '0.23.20', '[dependencies.ring]\nversion = "0.17"\noptional = true\n\n[features]\ndefault = ["std"]\nstd = []\nring = ["dep:ring"]\n'),
  ...vendoredCrate(
    'reqwest',
    '0.13.0',
    [
      '[dependencies.native-tls-crate]',
      'version = "0.2.14"',
      'optional = true',
      'package = "native-tls"',
      '',
      '[dependencies.rustls]',
      'version = "0.23"',
      'optional = true',
      'default-features = false',
      '',
      '[features]',
      'default = ["default-tls", "charset"]',
      'charset = []',
      'default-tls = ["dep:native-tls-crate"]',
      'native-tls = ["default-tls"]',
      'native-tls-vendored = ["native-tls", "native-tls-crate/vendored"]',
      'rustls-tls = ["__rustls-ring"]',
      '__rustls-ring = ["rustls/ring", "rustls/std"]',
      '',
    ].join('\n'),
  ),
  // reqwest 0.11.4, older than every recipe's range: its TLS features as the crates.io index lists them
  // (re/qw/reqwest), the other features and their dependencies left out; the TLS crates are stubs.
  ...vendoredCrate(
    'reqwest',
    '0.11.4',
    [
      ...['hyper-rustls', 'hyper-tls', 'rustls', 'tokio-native-tls', 'tokio-rustls', 'webpki-roots'].flatMap((d) => [`[dependencies.${d}]`, `version = "${STUBS[d]}"`, 'optional = true', '']),
      '[dependencies.native-tls-crate]',
      'version = "0.2.7"',
      'optional = true',
      'package = "native-tls"',
      '',
      '[features]',
      '__rustls = ["hyper-rustls", "tokio-rustls", "rustls", "__tls"]',
      '__tls = []',
      'default = ["default-tls"]',
      'default-tls = ["hyper-tls", "native-tls-crate", "__tls", "tokio-native-tls"]',
      'native-tls = ["default-tls"]',
      'native-tls-alpn = ["native-tls", "native-tls-crate/alpn"]',
      'native-tls-vendored = ["native-tls", "native-tls-crate/vendored"]',
      'rustls-tls = ["rustls-tls-webpki-roots"]',
      'rustls-tls-manual-roots = ["__rustls"]',
      'rustls-tls-webpki-roots = ["webpki-roots", "__rustls"]',
      '',
    ].join('\n'),
    'reqwest-0.11.4',
  ),
  ...vendoredCrate('hyper-tls', '0.5.0', '[dependencies.native-tls]\nversion = "0.2"\n'),
  ...vendoredCrate('tokio-native-tls', '0.3.0', '[dependencies.native-tls]\nversion = "0.2"\n'),
  ...vendoredCrate('hyper-rustls', '0.22.1'),
  ...vendoredCrate('tokio-rustls', '0.22.0'),
  ...vendoredCrate('webpki-roots', '0.21.1'),
  ...vendoredCrate('rustls', '0.19.1', '[dependencies.ring]\nversion = "0.17"\n', 'rustls-0.19.1'),
};

interface Registry {
  work: string;
  server: IndexServer;
  /** A CARGO_HOME whose crates.io is the loopback server (cargo's or the tool's: each its own). */
  home(name: string): string;
}

let registry: Registry;

beforeAll(async () => {
  if (!cargoAvailable()) return;
  const work = mkdtempSync(join(tmpdir(), 'preflight-locked-options-'));
  const src = join(work, 'src');
  for (const [rel, text] of Object.entries(CRATES)) {
    mkdirSync(join(src, rel, '..'), { recursive: true });
    writeFileSync(join(src, rel), text);
  }
  const server = await IndexServer.start({ root: join(work, 'index') });
  const archives = packageVendor(join(src, 'vendor'), join(work, 'packages'));
  indexFromVendor(join(src, 'vendor'), join(work, 'index'));
  for (const file of indexFiles(join(work, 'index'))) {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) l.cksum = archives.get(`${l.name} ${l.vers}`)!.sha256;
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
  writeFileSync(join(work, 'index', 'config.json'), JSON.stringify({ dl: `${server.url}api/v1/crates` }));
  for (const [key, a] of archives) server.setFile(`api/v1/crates/${key.replace(' ', '/')}/download`, a.archive);
  const home = (name: string) => {
    const h = join(work, name);
    mkdirSync(h, { recursive: true });
    writeFileSync(join(h, 'config.toml'), `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${server.url}"\n`);
    return h;
  };
  registry = { work, server, home };
}, 120_000);

afterAll(async () => {
  if (!registry) return;
  await registry.server.close();
  rmSync(registry.work, { recursive: true, force: true });
});

function indexFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'config.json')
    .map((e) => join(e.parentPath, e.name));
}

/** A member depending on `deps`, locked by real cargo against the loopback registry. */
async function project(name: string, deps: string): Promise<{ dir: string; cargoHome: string }> {
  const dir = join(registry.work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`);
  writeFileSync(join(dir, 'src/main.rs'), 'fn main() {}\n');
  const cargoHome = registry.home(`${name}-cargo-home`);
  await run('cargo', ['generate-lockfile'], { cwd: dir, env: { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' } });
  return { dir, cargoHome };
}

/** The command line in this process, with a CARGO_HOME and cache of its own. */
async function tool(dir: string, argv: string[], home: string, cache = join(home, 'cache')): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (on: (s: string) => void) => ({ write: (s: string | Uint8Array) => (on(typeof s === 'string' ? s : Buffer.from(s).toString()), true), isTTY: false });
  const ctx = {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: home, CARGO_HOME: home, NO_COLOR: '1' },
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    warn: (m: string) => void (stderr += `warning: ${m}\n`),
  } as unknown as CommandContext;
  const code = await main([...argv, '--cache-dir', cache, '--target', MUSL], ctx);
  return { code, stdout, stderr };
}

interface JsonFinding {
  rule: string;
  package: { name: string; version: string };
  message: string;
  detail?: string;
  detailId?: string;
  fixes: { strategy: string; title: string; requires?: string[] }[];
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

/** `cargo tree -e features` lines of the project for the target, with cargo's own home. */
async function cargoFeatures(dir: string, cargoHome: string): Promise<string> {
  const { stdout } = await run('cargo', ['tree', '--target', MUSL, '-e', 'features', '--prefix', 'none', '--no-dedupe'], {
    cwd: dir,
    env: { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' },
    encoding: 'utf8',
  });
  return stdout;
}

describe.skipIf(!cargoAvailable())('options and switches read from the locked version (a registry on 127.0.0.1, real cargo)', () => {
  it('a -sys release newer than every one checked that declares its static feature: native-library, fixed, on in cargo', async () => {
    const { dir, cargoHome } = await project('newer-sys', 'libz-sys = "2"\n');
    const home = registry.home('newer-sys-tool-home');
    const checked = await tool(dir, ['check', dir, '--format', 'json'], home);
    expect(checked.stderr).not.toContain('error:');
    const libz = findings(checked.stdout).filter((f) => f.package.name === 'libz-sys');
    expect(libz.map((f) => f.rule)).toEqual(['native-library']);
    expect(libz[0]!.detailId).toBe('knowledgeBaseNoteUnchecked');
    expect(libz[0]!.detail).toContain('v2.0.0 is newer than every release checked: the meaning of `static` was checked up to v1.1.17');
    expect(libz[0]!.fixes.map((f) => f.title)).toEqual(['enable feature `static` of `libz-sys` (what it does was checked up to 1.1.17)']);

    expect(await cargoFeatures(dir, cargoHome)).not.toContain('libz-sys feature "static"');
    const fixed = await tool(dir, ['fix', dir], home);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    // The applied fix says how far the meaning was checked (fix reports on stderr).
    expect(fixed.stderr).toContain('Note: `libz-sys` v2.0.0 declares `static`; what it does was checked up to v1.1.17.');
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain('libz-sys = { version = "2", features = ["static"] }');
    expect(await cargoFeatures(dir, cargoHome)).toContain('libz-sys feature "static"');
    const again = await tool(dir, ['check', dir, '--format', 'json'], home);
    expect(findings(again.stdout).filter((f) => f.package.name === 'libz-sys' && f.rule === 'native-library')).toEqual([]);
  }, 120_000);

  it('a wrapper release newer than the knowledge base with its rustls feature: offered and applied as a switch', async () => {
    const { dir, cargoHome } = await project('newer-wrapper', 'reqwest = "0.13"\n');
    const home = registry.home('newer-wrapper-tool-home');
    const checked = await tool(dir, ['check', dir, '--format', 'json'], home);
    const openssl = findings(checked.stdout).filter((f) => f.package.name === 'openssl-sys');
    expect(openssl.map((f) => f.rule)).toEqual(['native-library']);
    const switchFix = openssl[0]!.fixes.find((f) => f.strategy === 'switch');
    expect(switchFix?.title).toBe('switch `reqwest` to rustls: remove `default-tls`; add `rustls-tls`; default-features = false with `charset` listed again (what it does was checked up to 0.12.15)');
    // What rustls-tls brings is read from reqwest 0.13.0's dependencies: `rustls/ring`.
    expect(switchFix?.requires).toEqual(['a C compiler for the target']);

    const fixed = await tool(dir, ['fix', dir, '--strategy', 'switch'], home);
    expect(fixed.stderr).not.toContain('has no switch away from OpenSSL');
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain('the switch for `reqwest` v0.13.0 is read from the features it declares; what they do was checked up to v0.12.15');
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain('reqwest = { version = "0.13", default-features = false, features = ["rustls-tls", "charset"] }');
    // The notes are this version's: the recipe's note on reqwest 0.12's rustls is left out.
    expect(fixed.stderr).not.toContain('reqwest 0.12.4');
    // As the report asks: the lock gains rustls and ring.
    expect(fixed.stderr).toContain('new: rustls 0.23.20, ring 0.17.14');
    await run('cargo', ['update', '--workspace'], { cwd: dir, env: { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' } });
    const tree = await cargoFeatures(dir, cargoHome);
    expect(tree).toContain('reqwest feature "rustls-tls"');
    expect(tree).toContain('rustls feature "ring"');
    expect(tree).not.toContain('openssl-sys');
  }, 120_000);

  it('reqwest 0.11.4, older than every recorded recipe, declares `rustls-tls`: switched (no "has no switch away from OpenSSL")', async () => {
    const { dir, cargoHome } = await project('older-wrapper', 'reqwest = "=0.11.4"\n');
    const home = registry.home('older-wrapper-tool-home');
    const fixed = await tool(dir, ['fix', dir, '--strategy', 'switch'], home);
    expect(fixed.stderr).not.toContain('has no switch away from OpenSSL');
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain('reqwest = { version = "=0.11.4", default-features = false, features = ["rustls-tls"] }');
    // rustls 0.19 takes ring unconditionally: the recipe's record says what it brings.
    expect(fixed.stderr).toContain('The new backend needs a C compiler for the target to build.');
    await run('cargo', ['update', '--workspace'], { cwd: dir, env: { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' } });
    const tree = await cargoFeatures(dir, cargoHome);
    expect(tree).toContain('reqwest feature "rustls-tls"');
    expect(tree).not.toContain('openssl-sys');
  }, 120_000);

  it('a -sys release without a static option: the first newer release that declares one is read from the index lines', async () => {
    const { dir } = await project('older-sys', 'curl-sys = "=0.4.12"\n');
    const home = registry.home('older-sys-tool-home');
    const expected = 'has no static option at v0.4.12; 0.4.13 is the first newer release with feature `static-curl`';
    const online = await tool(dir, ['check', dir, '--format', 'json'], home);
    const curl = findings(online.stdout).filter((f) => f.package.name === 'curl-sys');
    expect(curl.map((f) => f.rule)).toEqual(['no-static-option']);
    expect(curl[0]!.message).toContain(expected);
    expect(curl[0]!.fixes.map((f) => f.title)).toContain('update `curl-sys` to 0.4.13 or newer, which has feature `static-curl` (`cargo update -p curl-sys`), then enable it');

    // Offline, the same lines come from the tool's cache.
    const requests = registry.server.log.length;
    const offline = await tool(dir, ['check', dir, '--format', 'json', '--offline'], home);
    expect(registry.server.log.length).toBe(requests);
    expect(findings(offline.stdout).find((f) => f.package.name === 'curl-sys')!.message).toContain(expected);

    // A vendor directory holds the locked version only: which release first has the feature is not known, and not invented.
    const vendored = join(registry.work, 'older-sys-vendored');
    cpSync(dir, vendored, { recursive: true });
    mkdirSync(join(vendored, '.cargo'), { recursive: true });
    writeFileSync(join(vendored, '.cargo', 'config.toml'), VENDOR_CONFIG['.cargo/config.toml']);
    cpSync(join(registry.work, 'src', 'vendor', 'curl-sys-0.4.12'), join(vendored, 'vendor', 'curl-sys'), { recursive: true });
    const checksum = /checksum = "([0-9a-f]+)"/.exec(readFileSync(join(vendored, 'Cargo.lock'), 'utf8'))![1];
    writeFileSync(join(vendored, 'vendor', 'curl-sys', '.cargo-checksum.json'), JSON.stringify({ files: {}, package: checksum }));
    const local = await tool(vendored, ['check', vendored, '--format', 'json', '--offline'], registry.home('older-sys-vendored-home'));
    const message = findings(local.stdout).find((f) => f.package.name === 'curl-sys')!.message;
    expect(message).toContain('the knowledge base knows feature `static-curl` of other releases (which release first declares it is unknown');
    expect(message).not.toContain('0.4.13');
  }, 120_000);
});
