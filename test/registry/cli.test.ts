/**
 * The registry end to end, through the real command line (`main` with a
 * captured context, or the built binary under a pseudo-terminal) against
 * the test index server on 127.0.0.1. The project is the bundled example:
 * its vendored crates are turned into the index lines a registry would
 * serve, so the vendored run is the expected result of every sparse run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { main, type CommandContext } from '../../cli/main.js';
import { readLockfile } from '../../src/lockfile/index.js';
import { indexPath } from '../../src/registry/types.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { IndexServer, type IndexServerOptions } from '../../testkit/index-server.js';
import { connectProxy } from '../helpers/proxy.js';
import { cargoAvailable } from '../helpers/realworld.js';
import { FIXTURE_INDEX } from './setup.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'example');
const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process, with its own streams, directory and environment. */
async function cli(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; tty?: boolean }): Promise<Output> {
  let stdout = '';
  let stderr = '';
  const out = { write: (s: string | Uint8Array) => ((stdout += String(s)), true) };
  const err = { write: (s: string | Uint8Array) => ((stderr += String(s)), true), isTTY: opts.tty === true, columns: 120 };
  const ctx = {
    cwd: opts.cwd,
    env: opts.env,
    stdout: out,
    stderr: err,
    warn: (m: string) => void (stderr += `warning: ${m}\n`),
  } as unknown as CommandContext;
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}

let work: string;
let indexDir: string;
/** Names of the crates.io packages of the example's Cargo.lock. */
let lockedNames: string[];
/** The vendored run: what every sparse run must print. */
let expectedTree: string;
let expectedCheck: Output;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'preflight-cli-registry-'));
  indexDir = join(work, 'index');
  // The index holds every vendored crate, some of which a fix may need though Cargo.lock does not.
  indexFromVendor(join(EXAMPLE, 'vendor'), indexDir);
  lockedNames = [...new Set([...readLockfile(join(EXAMPLE, 'Cargo.lock')).packages.values()].filter((p) => p.source === CRATES_IO).map((p) => p.name))];
  const env = { HOME: work, CARGO_HOME: join(work, 'no-cargo-home'), NO_COLOR: '1', PATH: process.env.PATH };
  const tree = await cli(['tree', '--format', 'json'], { cwd: EXAMPLE, env });
  expect(tree.code).toBe(0);
  expectedTree = tree.stdout;
  expectedCheck = await cli(['check', '--format', 'json'], { cwd: EXAMPLE, env });
  expect(JSON.parse(expectedCheck.stdout).unresolved).toEqual([]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Fixture {
  dir: string;
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  cargoHome: string;
  run(argv: string[], more?: { env?: NodeJS.ProcessEnv; tty?: boolean }): Promise<Output>;
}

/** A copy of the example without its vendor configuration, with its own cargo home and cache. */
function fixture(cargoConfig?: string): Fixture {
  const base = mkdtempSync(join(work, 'run-'));
  const dir = join(base, 'project');
  mkdirSync(dir);
  for (const f of ['Cargo.toml', 'Cargo.lock', 'src']) cpSync(join(EXAMPLE, f), join(dir, f), { recursive: true });
  if (cargoConfig !== undefined) {
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, '.cargo', 'config.toml'), cargoConfig);
  }
  const cargoHome = join(base, 'cargo-home');
  mkdirSync(cargoHome);
  const cacheDir = join(base, 'cache');
  const env = { HOME: base, CARGO_HOME: cargoHome, XDG_CACHE_HOME: cacheDir, NO_COLOR: '1', PATH: process.env.PATH };
  return {
    dir,
    env,
    cacheDir,
    cargoHome,
    run: (argv, more = {}) => cli(argv, { cwd: dir, env: { ...env, ...more.env }, ...(more.tty !== undefined && { tty: more.tty }) }),
  };
}

async function indexServer(opts: IndexServerOptions = {}): Promise<IndexServer> {
  const s = await IndexServer.start({ root: indexDir, ...opts });
  onTestFinished(() => s.close());
  return s;
}

/**
 * A check report with the fix proofs' failed lookups left out: where a crate
 * the lock lacks was asked for (the vendor directory's registry, the
 * `--index`, nowhere offline) is in their reasons' words, not in the findings.
 */
function withoutLookups(o: Output): Output {
  const doc = JSON.parse(o.stdout) as { findings: { proposedFixes?: { reasons?: string[]; why?: unknown }[] }[] };
  for (const f of doc.findings) for (const x of f.proposedFixes ?? []) delete x.reasons, delete x.why;
  return { ...o, stdout: JSON.stringify(doc) };
}

/** Index files requested, by path, in request order. */
const indexRequests = (s: IndexServer) => s.requests().map((r) => r.path);

describe('crates.io through --index', () => {
  it('gives the tree and findings of the vendored sources; then revalidates with 304s only; then works offline with no request', async () => {
    const srv = await indexServer();
    const f = fixture();
    const index = ['--index', srv.url];

    const tree = await f.run(['tree', '--format', 'json', ...index]);
    expect(tree.stderr).toBe('');
    expect(tree.stdout).toBe(expectedTree);
    // Every crate's file asked for once (two versions of a crate share it), config.json once.
    expect(indexRequests(srv).sort()).toEqual(lockedNames.map(indexPath).sort());
    expect(srv.log.filter((r) => r.path === 'config.json')).toHaveLength(1);
    expect(srv.requests().every((r) => r.status === 200)).toBe(true);

    srv.log.length = 0;
    const check = await f.run(['check', '--format', 'json', ...index]);
    expect(withoutLookups(check)).toEqual(withoutLookups(expectedCheck));
    // The locked crates revalidated; a fix's proof also asks for the crates it needs that the lock lacks (webpki-roots).
    const locked = srv.requests().filter((r) => lockedNames.map(indexPath).includes(r.path));
    expect(locked).toHaveLength(lockedNames.length);
    expect(locked.every((r) => r.headers['if-none-match'] !== undefined && r.status === 304)).toBe(true);

    srv.log.length = 0;
    for (const offline of [['--offline'], []]) {
      const more = offline.length ? {} : { env: { CARGO_NET_OFFLINE: 'true' } };
      expect(withoutLookups(await f.run(['check', '--format', 'json', ...index, ...offline], more))).toEqual(withoutLookups(expectedCheck));
      expect(await f.run(['tree', '--format', 'json', ...index, ...offline], more)).toEqual({ code: 0, stdout: expectedTree, stderr: '' });
    }
    expect(srv.log).toHaveLength(0);
  });

  it("takes cargo's net.offline, and caches under XDG_CACHE_HOME without --cache-dir", async () => {
    const srv = await indexServer();
    const f = fixture('[net]\noffline = true\n');
    const online = await f.run(['tree', '--format', 'json', '--index', srv.url], { env: { CARGO_NET_OFFLINE: 'false' } });
    expect(online.stdout).toBe(expectedTree);
    expect(existsSync(join(f.cacheDir, 'cargo-preflight'))).toBe(true);
    srv.log.length = 0;
    expect((await f.run(['tree', '--format', 'json', '--index', srv.url])).stdout).toBe(expectedTree);
    expect(srv.log).toHaveLength(0);
  });

  it('offline with a cold cache, reports every crate whose data is missing, and sends nothing', async () => {
    const srv = await indexServer();
    const f = fixture();
    const run = await f.run(['check', '--format', 'json', '--index', srv.url, '--offline']);
    expect(srv.log).toHaveLength(0);
    // The artifact graph stops at the member's direct dependencies, each unresolved; the warning counts every crate.
    const report = JSON.parse(run.stdout) as { unresolved: { name: string; reason: string }[] };
    expect(report.unresolved.map((u) => u.name).sort()).toEqual(['reqwest', 'rusqlite', 'serde', 'serde_json', 'tokio']);
    expect(report.unresolved.every((u) => u.reason === 'no local cache holds its index entry, and the network is off (offline mode)')).toBe(true);
    expect(run.stderr).toContain(`warning: offline: ${lockedNames.length} crates have no cached index data (addr2line, adler2, `);
    expect(run.stderr).toContain(` and ${lockedNames.length - 10} more); run once with the network on to cache them`);
    const verbose = await f.run(['check', '--format', 'json', '--index', srv.url, '--offline', '--verbose']);
    const listed = /offline: \d+ crates have no cached index data \(([^)]*)\)/.exec(verbose.stderr)?.[1]?.split(', ');
    expect(listed).toEqual([...lockedNames].sort());

    // Each unread crate of the artifact graph is an error: the check cannot say the build is ready.
    const human = await f.run(['check', '--index', srv.url, '--offline']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('error[metadata-missing]: the metadata of `serde v1.0.219` could not be read (offline and not cached)');
  });

  it('reports a crate the index does not have (404, 410) as unresolved, not as a crash', async () => {
    const srv = await indexServer();
    srv.fault(indexPath('base64'), { kind: 'status', status: 404 });
    srv.fault(indexPath('ryu'), { kind: 'status', status: 410 });
    const f = fixture();
    const tree = await f.run(['tree', '--index', srv.url]);
    expect(tree.code).toBe(0);
    expect(tree.stderr).toContain(`warning: \`base64 v0.22.1\` is unresolved (not in sparse+${srv.url})`);
    expect(tree.stderr).toContain(`warning: \`ryu v1.0.20\` is unresolved (not in sparse+${srv.url})`);
    const check = await f.run(['check', '--format', 'json', '--index', srv.url]);
    expect(check.code).not.toBe(2);
    expect(JSON.parse(check.stdout).unresolved).toEqual([
      { name: 'base64', version: '0.22.1', source: CRATES_IO, reason: `not in sparse+${srv.url}` },
      { name: 'ryu', version: '1.0.20', source: CRATES_IO, reason: `not in sparse+${srv.url}` },
    ]);
  });

  it('reads gzip and brotli responses', async () => {
    for (const compression of ['gzip', 'br'] as const) {
      const srv = await indexServer({ compression });
      const run = await fixture().run(['tree', '--format', 'json', '--index', srv.url]);
      expect(run.stdout).toBe(expectedTree);
      expect(srv.requests().every((r) => r.headers['accept-encoding'] === 'gzip, br')).toBe(true);
    }
  });

  it('retries 5xx, 429 and dropped connections, and gets the same result', async () => {
    const srv = await indexServer();
    srv.fault(indexPath('serde'), { kind: 'status', status: 503 }, 1);
    srv.fault(indexPath('tokio'), { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, 1);
    srv.fault(indexPath('libc'), { kind: 'drop' }, 1);
    srv.fault(indexPath('rusqlite'), { kind: 'truncate' }, 1);
    const run = await fixture().run(['tree', '--format', 'json', '--index', srv.url]);
    expect(run).toEqual({ code: 0, stdout: expectedTree, stderr: '' });
    for (const c of ['serde', 'tokio', 'libc', 'rusqlite']) expect(srv.requests(indexPath(c))).toHaveLength(2);
  });

  it('rejects hostile index data with a clear message and no backtrace', async () => {
    const cases: [string, string][] = [
      [`{"name":"base64","vers":"0.22.1","deps":[],"cksum":"","features":{},"pad":"${'x'.repeat(50 * 2 ** 20)}"}\n`, 'line 1 is longer than 8 MiB; refusing the index file'],
      ['{"name":"evil","vers":"0.22.1","deps":[],"cksum":"","features":{}}\n', 'line 1: the entry is for crate `evil`, not `base64`'],
      [`{"name":"base64","vers":"0.22.1","deps":[],"cksum":"","features":{},"x":${'['.repeat(5000)}${']'.repeat(5000)}}\n`, 'line 1: JSON nested deeper than 16 levels'],
    ];
    for (const [body, message] of cases) {
      const srv = await indexServer();
      srv.setFile(indexPath('base64'), body);
      const run = await fixture().run(['tree', '--index', srv.url, '--verbose']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toBe(`error: index entry for \`base64\` (sparse+${srv.url}): ${message}`);
    }
  });
});

describe('sources from cargo configuration', () => {
  it('follows [source] replace-with chains to a sparse mirror', async () => {
    const srv = await indexServer();
    const f = fixture(
      `[source.crates-io]\nreplace-with = "company"\n\n[source.company]\nregistry = "sparse+https://old-mirror.example/index/"\nreplace-with = "mirror"\n\n[source.mirror]\nregistry = "sparse+${srv.url}"\n`,
    );
    expect(await f.run(['tree', '--format', 'json'])).toEqual({ code: 0, stdout: expectedTree, stderr: '' });
    expect(indexRequests(srv)).toHaveLength(lockedNames.length);
  });

  it('explains that a git index is not supported, wherever it is named', async () => {
    const viaSource = fixture('[source.crates-io]\nreplace-with = "corp"\n\n[source.corp]\nregistry = "https://git.example.com/corp/index"\n');
    const viaFlag = fixture();
    const viaLockfile = fixture();
    const lock = join(viaLockfile.dir, 'Cargo.lock');
    writeFileSync(
      lock,
      readFileSync(lock, 'utf8').replace(`name = "base64"\nversion = "0.22.1"\nsource = "${CRATES_IO}"`, 'name = "base64"\nversion = "0.22.1"\nsource = "registry+https://github.com/corp/index"'),
    );
    const runs = [await viaSource.run(['tree']), await viaFlag.run(['tree', '--index', 'https://github.com/corp/index.git']), await viaLockfile.run(['tree', '--index', 'http://127.0.0.1:9/'])];
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: .*`https:\/\/(git\.example\.com\/corp\/index|github\.com\/corp\/index(\.git)?)` is a git index; cargo-preflight reads sparse indexes only/);
      expect(run.stderr).toContain('help: if the registry also serves the sparse protocol, set its index to `sparse+https://…`');
      expect(run.stderr).not.toContain('    at ');
    }
  });
});

describe('a private registry', () => {
  const TOKEN = 'corp-token-8f2b1c9d0e7a';
  const LINE = {
    name: 'secret-sauce',
    vers: '1.0.0',
    deps: [{ name: 'libc', req: '^0.2', features: [], optional: false, default_features: true, target: null, kind: 'normal', registry: 'https://github.com/rust-lang/crates.io-index' }],
    cksum: '0'.repeat(64),
    features: {},
    yanked: false,
  };

  /** A member using `secret-sauce` from registry `corp` (token required) and libc from crates.io (--index). */
  async function setup(opts: { config?: string; credentials?: string } = {}) {
    const corp = await IndexServer.start({ requireToken: TOKEN });
    onTestFinished(() => corp.close());
    corp.setFile('config.json', JSON.stringify({ dl: 'https://corp.example/dl', 'auth-required': true }));
    corp.setFile(indexPath('secret-sauce'), `${JSON.stringify(LINE)}\n`);
    const cratesIo = await IndexServer.start({ root: FIXTURE_INDEX });
    onTestFinished(() => cratesIo.close());
    const base = mkdtempSync(join(work, 'private-'));
    const dir = join(base, 'app');
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, 'src', 'main.rs'), 'fn main() {}\n');
    writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nsecret-sauce = { version = "1", registry = "corp" }\n');
    writeFileSync(
      join(dir, 'Cargo.lock'),
      [
        'version = 4',
        '',
        '[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "secret-sauce",\n]',
        `[[package]]\nname = "libc"\nversion = "0.2.155"\nsource = "${CRATES_IO}"`,
        `[[package]]\nname = "secret-sauce"\nversion = "1.0.0"\nsource = "sparse+${corp.url}"\ndependencies = [\n "libc",\n]`,
        '',
      ].join('\n\n'),
    );
    writeFileSync(join(dir, '.cargo', 'config.toml'), opts.config ?? `[registries.corp]\nindex = "sparse+${corp.url}"\n`);
    const cargoHome = join(base, 'cargo-home');
    mkdirSync(cargoHome);
    if (opts.credentials) writeFileSync(join(cargoHome, 'credentials.toml'), opts.credentials);
    const env = { HOME: base, CARGO_HOME: cargoHome, NO_COLOR: '1', PATH: process.env.PATH };
    const run = (argv: string[], more: NodeJS.ProcessEnv = {}) =>
      cli(['tree', '--format', 'json', '--index', cratesIo.url, '--cache-dir', join(base, 'cache'), ...argv], { cwd: dir, env: { ...env, ...more } });
    return { corp, cratesIo, run };
  }

  const packages = (out: Output) => (JSON.parse(out.stdout) as { packages: { name: string; source: string | null }[] }).packages.map((p) => `${p.name} ${p.source}`);

  it('sends the token from CARGO_REGISTRIES_<NAME>_TOKEN to that registry only, and never prints it', async () => {
    const { corp, cratesIo, run } = await setup();
    const out = await run(['-v', '-v'], { CARGO_REGISTRIES_CORP_TOKEN: TOKEN });
    expect(out.code).toBe(0);
    expect(packages(out)).toEqual(['app null', `libc ${CRATES_IO}`, `secret-sauce sparse+${corp.url}`]);
    expect(corp.log.map((r) => [r.path, r.status, r.headers.authorization])).toEqual([
      ['config.json', 401, undefined],
      ['config.json', 200, TOKEN],
      [indexPath('secret-sauce'), 200, TOKEN],
    ]);
    expect(cratesIo.log.length).toBeGreaterThan(0);
    expect(cratesIo.log.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  it('reads the token from $CARGO_HOME/credentials.toml', async () => {
    const { corp, run } = await setup({ credentials: `[registries.corp]\ntoken = "${TOKEN}"\n` });
    const out = await run([]);
    expect(out.code).toBe(0);
    expect(corp.requests().map((r) => r.headers.authorization)).toEqual([TOKEN]);
  });

  it('does not send the token along a redirect to another origin', async () => {
    const { corp, cratesIo, run } = await setup();
    cratesIo.setFile('moved/secret-sauce', `${JSON.stringify(LINE)}\n`);
    corp.fault(indexPath('secret-sauce'), { kind: 'redirect', location: `${cratesIo.url}moved/secret-sauce` });
    const out = await run([], { CARGO_REGISTRIES_CORP_TOKEN: TOKEN });
    expect(out.code).toBe(0);
    expect(cratesIo.requests('moved/secret-sauce')).toHaveLength(1);
    expect(cratesIo.log.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('says how to provide a missing token, and that a token was refused without showing it', async () => {
    const { run } = await setup();
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('requires authentication');
    expect(missing.stderr).toContain('set CARGO_REGISTRIES_CORP_TOKEN');
    const wrong = 'corp-token-wrong-31337';
    const refused = await run(['-v', '-v'], { CARGO_REGISTRIES_CORP_TOKEN: wrong });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the registry refused the token (HTTP 401)');
    expect(refused.stderr).not.toContain(wrong);
  });
});

describe('network settings', () => {
  it('goes through HTTP_PROXY, unless NO_PROXY names the host', async () => {
    const srv = await indexServer();
    const p = await connectProxy();
    const host = new URL(srv.url).host;
    // The fixture's archives are at example.invalid, which no proxy reaches: index requests only.
    const through = await fixture().run(['tree', '--format', 'json', '--index', srv.url, '--no-crate-downloads'], { env: { HTTP_PROXY: p.url } });
    expect(through.stdout).toBe(expectedTree);
    expect(p.targets.length).toBeGreaterThan(0);
    expect(p.targets.every((t) => t === host)).toBe(true);
    p.targets.length = 0;
    const direct = await fixture().run(['tree', '--format', 'json', '--index', srv.url, '--no-crate-downloads'], { env: { HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' } });
    expect(direct.stdout).toBe(expectedTree);
    expect(p.targets).toEqual([]);
  });
});

describe('--verbose', () => {
  it('lists every host contacted with its index and archive requests and bytes', async () => {
    const srv = await indexServer();
    const f = fixture();
    const out = await f.run(['tree', '--index', srv.url, '-v']);
    expect(out.code).toBe(0);
    const host = new URL(srv.url).host;
    const line = out.stderr.split('\n').find((l) => l.includes(`Hosts ${host}:`));
    // The fixture's registry has no archives: each download asked for is a 404, counted apart from the index.
    const index = srv.log.filter((r) => !r.path.startsWith('dl/'));
    const archives = srv.log.filter((r) => r.path.startsWith('dl/'));
    expect(archives.length).toBeGreaterThan(0);
    expect(archives.every((r) => r.status === 404)).toBe(true);
    const served = index.filter((r) => r.status === 200).reduce((n, r) => n + r.bytes, 0);
    expect(line).toBe(`       Hosts ${host}: index ${index.length} requests, ${(served / 1024).toFixed(1)} KiB; archives ${archives.length} requests, 0.0 KiB`);
    // Without -v, nothing.
    expect((await f.run(['tree', '--index', srv.url])).stderr).not.toContain('Hosts');
  });
});

describe('progress', () => {
  it('draws a progress line on a terminal and erases it; nothing with --quiet or off a terminal', async () => {
    const srv = await indexServer({ latencyMs: 5 });
    const tty = await fixture().run(['tree', '--index', srv.url, '-j', '4'], { tty: true });
    expect(tty.stderr).toMatch(/\r\x1b\[K {4}Fetching index \d+\/\d+ crates, 0 from cache/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect((await fixture().run(['tree', '--index', srv.url, '-j', '4', '--quiet'], { tty: true })).stderr).toBe('');
    expect((await fixture().run(['tree', '--index', srv.url, '-j', '4'])).stderr).toBe('');
  });

  const bin = join(ROOT, 'bin', 'cargo-preflight.js');
  const built = existsSync(join(ROOT, 'dist', 'bundle', 'cargo-preflight.cjs'));
  const canPty = built && existsSync('/usr/bin/script');
  it.skipIf(!canPty)('draws it on a real terminal (the built binary under `script`)', async () => {
    const srv = await indexServer({ latencyMs: 5 });
    const f = fixture();
    const command = (extra: string) => `${process.execPath} ${bin} tree --index ${srv.url} -j 4 ${extra} >/dev/null`;
    // Only stderr reaches the terminal's output: stdout goes to /dev/null inside the pseudo-terminal.
    const pty = async (extra: string) => (await promisify(execFile)('script', ['-qec', command(extra), '/dev/null'], { cwd: f.dir, env: { ...f.env, TERM: 'xterm' } })).stdout;
    expect(await pty('')).toContain('Fetching index ');
    expect(await pty('--quiet')).not.toContain('Fetching index');
  });

  it.skipIf(!built)('a registry refusing connections gives one clear error and no runtime warning (the built binary)', async () => {
    // A port nothing listens on: bound, then closed.
    const srv = await IndexServer.start({ root: indexDir });
    const url = srv.url;
    await srv.close();
    const f = fixture();
    const run = await promisify(execFile)(process.execPath, [bin, 'tree', '--index', url], { cwd: f.dir, env: { ...f.env, CARGO_NET_RETRY: '1' } }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    // Exit code 3: the data could not be had (CI may retry this one alone).
    expect(run).toMatchObject({ code: 3 });
    // Every lookup in flight listens for the run's end: many at once are no leak to warn of.
    // One error naming the host and what failed, in plain words, then what to do.
    const [first, ...help] = run.stderr.trimEnd().split('\n');
    expect(first).toMatch(
      /^error: (index entry for `[\w-]+` \(sparse\+http:\/\/127\.0\.0\.1:\d+\/\)|config\.json of sparse\+http:\/\/127\.0\.0\.1:\d+\/): cannot reach 127\.0\.0\.1:\d+: the connection was refused \(2 attempts\)$/,
    );
    expect(help.every((l) => l.startsWith('  help: '))).toBe(true);
    expect(help.join('\n')).toMatch(/`--offline` reads only the caches: they hold 0 of the \d+ index entries/);
    for (const words of ['`cargo fetch`', '`cargo vendor`', 'HTTPS_PROXY', '`http.proxy`', '`--index URL|DIR`']) expect(help.join('\n')).toContain(words);
  });
});

describe('a registry that cannot be reached', () => {
  it('exits 3; under --format json the error is also a JSON document on stdout; -v shows each retry with its reason', async () => {
    const srv = await IndexServer.start({ root: indexDir });
    const url = srv.url;
    await srv.close();
    const f = fixture();
    const json = await f.run(['tree', '--format', 'json', '--index', url, '-v']);
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout) as { error: { message: string; kind: string; exitCode: number; host: string; help: string[] } };
    expect(doc.error).toMatchObject({ kind: 'network', exitCode: 3, host: new URL(url).host });
    expect(doc.error.message).toMatch(/cannot reach 127\.0\.0\.1:\d+: the connection was refused \(2 attempts\)$/);
    expect(doc.error.help).toHaveLength(4);
    expect(json.stderr).toContain(`error: ${doc.error.message}\n`);
    expect(json.stderr).toMatch(/^Retrying .* \(attempt 2 of 2\): cannot reach 127\.0\.0\.1:\d+: the connection was refused$/m);
    // Never an error code nor a stack trace below -vv.
    expect(json.stderr).not.toMatch(/UND_ERR|ERR_|ECONNREFUSED|_TIMEOUT|caused by|\n\s+at /);
    const vv = await f.run(['tree', '--index', url, '-vv']);
    expect(vv.stderr).toContain('ECONNREFUSED');
    // A usage error under --format json is a document too, with exit code 2.
    const usage = await f.run(['why', 'no-such-crate-anywhere', '--format', 'json', '--index', url, '--jobs', '0']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ kind: 'usage', exitCode: 2 });
  });
});

describe.skipIf(!cargoAvailable())("cargo's own index cache", () => {
  it('is reused read-only: offline with no cache of ours, then revalidated with the validators cargo stored', async () => {
    const srv = await indexServer();
    const f = fixture();
    // Real cargo, pointed at the test server, fills its cache while locking a copy of the project.
    const copy = join(f.dir, '..', 'locked-by-cargo');
    cpSync(f.dir, copy, { recursive: true });
    rmSync(join(copy, 'Cargo.lock'));
    mkdirSync(join(copy, '.cargo'));
    writeFileSync(join(copy, '.cargo', 'config.toml'), `[source.crates-io]\nreplace-with = "test"\n\n[source.test]\nregistry = "sparse+${srv.url}"\n`);
    // rustup, when cargo is its proxy, finds its toolchains from the real home.
    const rustupHome = process.env.RUSTUP_HOME ?? join(homedir(), '.rustup');
    // Asynchronously: the server answers from this process.
    await promisify(execFile)('cargo', ['generate-lockfile'], { cwd: copy, env: { ...f.env, RUSTUP_HOME: rustupHome, CARGO_TERM_COLOR: 'never' } });
    // The index lines are the vendored manifests: cargo locks exactly what the example's Cargo.lock says.
    expect(execFileSync('diff', [join(copy, 'Cargo.lock'), join(f.dir, 'Cargo.lock')], { encoding: 'utf8' })).toBe('');
    const cargoFiles = execFileSync('find', [join(f.cargoHome, 'registry', 'index'), '-type', 'f', '-printf', '%p %s %T@\n'], { encoding: 'utf8' });
    srv.log.length = 0;

    const offline = await f.run(['tree', '--format', 'json', '--index', srv.url, '--offline']);
    expect(offline).toEqual({ code: 0, stdout: expectedTree, stderr: '' });
    expect(srv.log).toHaveLength(0);

    const online = await f.run(['tree', '--format', 'json', '--index', srv.url]);
    expect(online.stdout).toBe(expectedTree);
    const files = srv.requests();
    expect(files).toHaveLength(lockedNames.length);
    expect(files.every((r) => r.headers['if-none-match'] !== undefined && r.status === 304)).toBe(true);
    // Read, never written.
    expect(execFileSync('find', [join(f.cargoHome, 'registry', 'index'), '-type', 'f', '-printf', '%p %s %T@\n'], { encoding: 'utf8' })).toBe(cargoFiles);
  });
});
