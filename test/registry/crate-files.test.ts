/**
 * Crate files on demand over a sparse index on 127.0.0.1 serving index lines
 * and archives made by `cargo package`: the proc-macro status comes from the
 * manifests (proc-macros with ordinary names, libraries with macro-like
 * names, the old `proc_macro` spelling), the tree equals `cargo tree` run with
 * a separate CARGO_HOME, `--offline` from the tool's cache gives it again, a
 * tampered archive is refused, and cargo's own layouts (`registry/src` with
 * `.cargo-ok`, `registry/cache`, a local registry) are read without network.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { openSourceSet, type SourceSetOptions } from '../../src/registry/index.js';
import { downloadUrl } from '../../src/registry/sparse.js';
import { indexPath } from '../../src/registry/types.js';
import { treeLines } from '../../src/resolve/display.js';
import { loadProject, resolvePatched, resolveTarget } from '../../src/resolve/index.js';
import { packageCrates, type FixtureCrate, type PackagedCrate } from '../helpers/crates.js';
import { IndexServer } from '../../testkit/index-server.js';
import { cargoAvailable } from '../helpers/realworld.js';

const TARGET = 'x86_64-unknown-linux-gnu';

/** Proc-macros with ordinary names, libraries with macro-like names, and the toolkit they use. */
const CRATES: FixtureCrate[] = [
  { name: 'proc-macro2', version: '1.0.0', deps: { 'unicode-ident': '1' }, files: { 'build.rs': 'fn main() {}\n' } },
  { name: 'unicode-ident', version: '1.0.0' },
  { name: 'quote', version: '1.0.0', deps: { 'proc-macro2': '1' } },
  { name: 'syn', version: '2.0.0', deps: { 'proc-macro2': '1', quote: '1', 'unicode-ident': '1' } },
  // A proc-macro with an ordinary name, over the toolkit.
  { name: 'ordinary', version: '0.3.1', procMacro: true, deps: { syn: '2', quote: '1', 'proc-macro2': '1' } },
  // A dependency-free proc-macro with an ordinary name (as paste or rustversion).
  { name: 'plainpm', version: '1.0.2', procMacro: true },
  // The old spelling.
  { name: 'oldspell', version: '0.1.0', procMacro: true, oldSpelling: true, deps: { 'proc-macro2': '1' } },
  // Libraries named like macro crates, one using the toolkit.
  { name: 'helper-derive', version: '0.2.0', deps: { syn: '2', quote: '1' } },
  { name: 'fmt-macros', version: '0.1.0', deps: { 'unicode-ident': '1' } },
  // In the registry, not in Cargo.lock: a fix's proof brings it in.
  { name: 'freshness', version: '0.1.0', procMacro: true, deps: { 'proc-macro2': '1' } },
  // Reached only through a Windows-only dependency of the application.
  { name: 'winonly', version: '1.0.0' },
  { name: 'top', version: '1.0.0', deps: { ordinary: '0.3', plainpm: '1', oldspell: '0.1', 'helper-derive': '0.2', 'fmt-macros': '0.1' } },
];

const skip = !cargoAvailable();
/** cargo talks to the server of this process: it must not block the event loop. */
const run = promisify(execFile);

describe.skipIf(skip)('crate files from a sparse registry', () => {
  let dir: string;
  let server: IndexServer;
  let packaged: PackagedCrate[];
  let app: string;
  let cargoHome: string;
  let cargoLines: string[];

  const configToml = () => `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${server.url}"\n`;

  /** A cargo home with only the configuration (no cache of any kind). */
  const freshHome = (name: string) => {
    const home = join(dir, name);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'config.toml'), configToml());
    return home;
  };

  /** `targets`: those the graphs will be asked for (as the CLI gives them), or null for every platform. */
  const toolTree = async (home: string, opts: Partial<SourceSetOptions> = {}, targets: string[] | null = [TARGET]) => {
    const env = { HOME: dir, CARGO_HOME: home };
    const config = CargoConfig.load(app, env);
    const set = openSourceSet({ cwd: app, config, env, cacheDir: join(dir, 'tool-cache'), ...opts });
    try {
      const project = await loadProject(app, undefined, (s) => set.sourceFor(s), {}, { cargoHome: home, ...(targets && { targetsFor: () => targets }) });
      const lines = treeLines(resolveTarget(project, targets?.[0] ?? TARGET).graph.packages.values());
      return { lines, project, stats: set.stats(), summaries: project.packages.summaries };
    } finally {
      await set.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cp-cratefiles-'));
    packaged = packageCrates(join(dir, 'packages'), CRATES);
    server = await IndexServer.start({ compression: 'gzip' });
    server.setFile('config.json', JSON.stringify({ dl: `${server.url}dl/{prefix}/{crate}/{version}/{sha256-checksum}.crate` }));
    for (const p of packaged) {
      server.setFile(indexPath(p.crate.name), p.indexLine + '\n');
      server.setFile(new URL(downloadUrl(`${server.url}dl/{prefix}/{crate}/{version}/{sha256-checksum}.crate`, p.crate.name, p.crate.version, p.sha256)).pathname.slice(1), p.archive);
    }
    app = join(dir, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntop = "1"\n\n[target.\'cfg(windows)\'.dependencies]\nwinonly = "1"\n');
    writeFileSync(join(app, 'src', 'main.rs'), 'fn main() {}\n');
    cargoHome = freshHome('cargo-home');
    const env = { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: 'never' };
    await run('cargo', ['generate-lockfile'], { cwd: app, env });
    const { stdout: out } = await run('cargo', ['tree', '--locked', '--target', TARGET, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe'], {
      cwd: app,
      env,
      encoding: 'utf8',
    });
    cargoLines = [...new Set(out.split('\n').filter(Boolean))].sort();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the proc-macro status from the manifests, downloading the archives of the crates that may be proc-macros', async () => {
    server.log.length = 0;
    const home = freshHome('tool-home');
    const { lines, summaries, stats, project } = await toolTree(home, {}, null);
    expect(lines).toEqual(cargoLines);
    const byName = new Map([...summaries.values()].map((s) => [s.name, s]));
    for (const c of CRATES.filter((x) => x.name !== 'freshness')) {
      const s = byName.get(c.name)!;
      expect({ name: c.name, procMacro: s.procMacro, guessed: s.procMacroGuessed ?? false }).toEqual({ name: c.name, procMacro: c.procMacro === true, guessed: false });
    }
    expect(project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
    // Only the crates that may be proc-macros: not unicode-ident's or top's... and each once.
    const downloads = server.log.filter((r) => r.path.startsWith('dl/')).map((r) => r.path.split('/')[3]);
    // Every platform's graph may reach `winonly`: read too.
    expect(downloads.sort()).toEqual(['fmt-macros', 'helper-derive', 'oldspell', 'ordinary', 'plainpm', 'quote', 'syn', 'unicode-ident', 'winonly'].sort());
    expect(stats.archives).toBe(downloads.length);
    const host = stats.hosts.find((h) => h.host === new URL(server.url).host)!;
    expect(host.archiveRequests).toBe(downloads.length);
    expect(host.archiveBytes).toBeGreaterThan(0);
    expect(host.indexRequests).toBeGreaterThan(0);
  });

  it('reads manifests only for what the targets asked for may reach: no Windows-only crate for a Linux target', async () => {
    server.log.length = 0;
    const linux = await toolTree(freshHome('tool-home-linux'), { cacheDir: join(dir, 'tool-cache-linux') });
    expect(linux.lines).toEqual(cargoLines);
    expect(linux.project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
    const downloads = () =>
      server.log
        .filter((r) => r.path.startsWith('dl/'))
        .map((r) => r.path.split('/')[3])
        .sort();
    expect(downloads()).toEqual(['fmt-macros', 'helper-derive', 'oldspell', 'ordinary', 'plainpm', 'quote', 'syn', 'unicode-ident'].sort());
    // For Windows it is read, and its graph has it.
    server.log.length = 0;
    const windows = await toolTree(freshHome('tool-home-windows'), { cacheDir: join(dir, 'tool-cache-windows') }, ['x86_64-pc-windows-msvc']);
    expect(downloads()).toContain('winonly');
    expect(windows.lines.some((l) => l.startsWith('winonly '))).toBe(true);
    expect(windows.project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
    // A graph of a platform not read for (a fix also checks some) guesses without a warning of the run.
    resolveTarget(linux.project, 'x86_64-pc-windows-msvc');
    expect(linux.project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
  });

  it('says when an archive could not be downloaded, with what to do, and guesses that crate alone', async () => {
    server.fault((path) => path.startsWith('dl/') && path.includes('/plainpm/'), { kind: 'status', status: 500 });
    try {
      const { project, stats } = await toolTree(freshHome('tool-home-dlfail'), { cacheDir: join(dir, 'tool-cache-dlfail'), network: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      const failed = project.packages.warnings.filter((w) => w.startsWith('could not download'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toContain('`plainpm v1.0.2`');
      expect(failed[0]).toContain('500');
      expect(failed[0]).toContain('cargo fetch');
      // The other archives were read: plainpm alone is guessed.
      const guessed = [...project.lockfile.packages.keys()]
        .map((k) => project.packages.summaries.get(k))
        .filter((x) => x?.procMacroGuessed)
        .map((x) => x!.name);
      expect(guessed).toEqual(['plainpm']);
      expect(stats.archives).toBeGreaterThan(0);
    } finally {
      server.clearFaults();
    }
  });

  it('gives the same graph offline, from its own cache, with no request', async () => {
    server.log.length = 0;
    const { lines, stats, project } = await toolTree(freshHome('tool-home-offline'), { offline: true });
    expect(lines).toEqual(cargoLines);
    expect(server.log).toEqual([]);
    expect(stats.requests).toBe(0);
    expect(project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
  });

  it('without downloads or a cache, falls back to the guess, with its warning', async () => {
    const { project, lines, stats } = await toolTree(freshHome('tool-home-nodl'), { crateDownloads: false, cacheDir: join(dir, 'empty-cache') });
    expect(project.packages.warnings.some((w) => w.includes('guessed'))).toBe(true);
    expect(stats.archives).toBe(0);
    // The guess takes `ordinary` (an ordinary name) for a library: it enters the graph, which cargo's lacks.
    expect(lines).not.toEqual(cargoLines);
    expect(lines.some((l) => l.startsWith('ordinary v0.3.1'))).toBe(true);
    expect(cargoLines.some((l) => l.startsWith('ordinary v0.3.1'))).toBe(false);
  });

  it('refuses a tampered archive, naming both sums', async () => {
    const p = packaged.find((x) => x.crate.name === 'ordinary')!;
    const path = new URL(downloadUrl(`${server.url}dl/{prefix}/{crate}/{version}/{sha256-checksum}.crate`, p.crate.name, p.crate.version, p.sha256)).pathname.slice(1);
    const other = packaged.find((x) => x.crate.name === 'plainpm')!;
    // Another real archive, renamed into this one's place.
    const fake = packageCrates(join(dir, 'fake'), [{ ...other.crate, name: 'ordinary', version: '0.3.1' }])[0]!;
    server.setFile(path, fake.archive);
    try {
      await expect(toolTree(freshHome('tool-home-tampered'), { cacheDir: join(dir, 'cache-tampered') })).rejects.toThrow(
        new RegExp(`archive of \`ordinary 0\\.3\\.1\`.*expected sha256 ${p.sha256}, the archive has ${fake.sha256}`),
      );
    } finally {
      server.setFile(path, p.archive);
    }
  });

  it("reads cargo's registry/src (when .cargo-ok says it finished) and registry/cache without network", async () => {
    // cargo's home after `cargo tree`: every crate unpacked and its archive cached.
    const home = join(dir, 'cargo-copy');
    cpSync(cargoHome, home, { recursive: true });
    const [srcFolder] = readdirSync(join(home, 'registry', 'src'));
    expect(srcFolder).toMatch(/^127\.0\.0\.1-[0-9a-f]{16}$/);
    expect(readFileSync(join(home, 'registry', 'src', srcFolder!, 'ordinary-0.3.1', '.cargo-ok'), 'utf8')).toBe('{"v":1}');
    server.log.length = 0;
    const fromSrc = await toolTree(home, { cacheDir: join(dir, 'cache-src') });
    expect(fromSrc.lines).toEqual(cargoLines);
    expect(server.log.filter((r) => r.path.startsWith('dl/'))).toEqual([]);

    // An unpacking cut short (empty marker) is not trusted; the archive in registry/cache is read instead.
    writeFileSync(join(home, 'registry', 'src', srcFolder!, 'ordinary-0.3.1', '.cargo-ok'), '');
    writeFileSync(join(home, 'registry', 'src', srcFolder!, 'ordinary-0.3.1', 'Cargo.toml'), '[package]\nname = "ordinary"\nversion = "0.3.1"\n');
    rmSync(join(home, 'registry', 'src', srcFolder!, 'plainpm-1.0.2'), { recursive: true });
    server.log.length = 0;
    const fromCache = await toolTree(home, { cacheDir: join(dir, 'cache-cache') });
    expect(fromCache.lines).toEqual(cargoLines);
    expect(server.log.filter((r) => r.path.startsWith('dl/'))).toEqual([]);
    const byName = new Map([...fromCache.summaries.values()].map((s) => [s.name, s]));
    expect(byName.get('ordinary')!.procMacro).toBe(true);
    expect(byName.get('plainpm')!.procMacro).toBe(true);
  });

  it("gives the build script with the manifest: from a download, the tool's cache, cargo's registry/src and registry/cache", async () => {
    const p = packaged.find((x) => x.crate.name === 'proc-macro2')!;
    const id = { name: 'proc-macro2', version: '1.0.0', checksums: [p.sha256] };
    const filesOf = async (home: string, cache: string, offline: boolean) => {
      const env = { HOME: dir, CARGO_HOME: home };
      const set = openSourceSet({ cwd: app, config: CargoConfig.load(app, env), env, offline, cacheDir: join(dir, cache) });
      try {
        return await set.sourceFor('registry+https://github.com/rust-lang/crates.io-index')!.files!.read(id);
      } finally {
        await set.close();
      }
    };
    const build = { path: 'build.rs', text: 'fn main() {}\n' };
    const downloaded = await filesOf(freshHome('build-home'), 'cache-build', false);
    expect({ from: downloaded!.from, build: downloaded!.build }).toEqual({ from: 'download', build });
    expect(downloaded!.manifest).toContain('name = "proc-macro2"');
    const cached = await filesOf(freshHome('build-home-2'), 'cache-build', true);
    expect({ from: cached!.from, build: cached!.build }).toEqual({ from: 'cache', build });
    const fromSrc = await filesOf(cargoHome, 'cache-build-3', true);
    expect({ from: fromSrc!.from, build: fromSrc!.build }).toEqual({ from: 'cargo-src', build });
    const noSrc = join(dir, 'cargo-home-no-src');
    cpSync(cargoHome, noSrc, { recursive: true });
    rmSync(join(noSrc, 'registry', 'src'), { recursive: true });
    const fromCache = await filesOf(noSrc, 'cache-build-4', true);
    expect({ from: fromCache!.from, build: fromCache!.build }).toEqual({ from: 'cargo-cache', build });
    // Nothing local, offline: nothing.
    expect(await filesOf(freshHome('build-home-5'), 'cache-build-5', true)).toBeNull();
  });

  it("reads the manifest of a crate Cargo.lock does not hold yet when a fix's proof brings it in", async () => {
    const proof = async (crateDownloads: boolean, name: string) => {
      const env = { HOME: dir, CARGO_HOME: freshHome(name) };
      const set = openSourceSet({ cwd: app, config: CargoConfig.load(app, env), env, cacheDir: join(dir, `cache-${name}`), crateDownloads });
      try {
        const project = await loadProject(app, undefined, (x) => set.sourceFor(x), {}, { cargoHome: env.CARGO_HOME });
        const manifest = join(app, 'Cargo.toml');
        const overlay = new Map([[manifest, readFileSync(manifest, 'utf8').replace('top = "1"\n', 'top = "1"\nfreshness = "0.1"\n')]]);
        const r = await resolvePatched(project, overlay, (x) => set.sourceFor(x), [TARGET]);
        return { r, names: treeLines(r.results[0]!.graph.packages.values()).map((l) => l.split(' ')[0]) };
      } finally {
        await set.close();
      }
    };
    const exact = await proof(true, 'proof-home');
    expect(exact.r.newCrates.map((c) => c.name)).toEqual(['freshness']);
    // A proc-macro: not in the artifact graph.
    expect(exact.names).not.toContain('freshness');
    // Guessed from its shape (an ordinary name over proc-macro2), it would be taken for a library.
    const guessed = await proof(false, 'proof-home-nodl');
    expect(guessed.names).toContain('freshness');
  });

  it('sends the token with downloads only when config.json says auth-required, and never along a redirect to another origin', async () => {
    const TOKEN = 'secret-token-for-dl';
    const other = await IndexServer.start();
    const dl = (srv: IndexServer) => `${srv.url}dl/{crate}/{version}/download`;
    const serve = async (authRequired: boolean) => {
      const srv = await IndexServer.start({ requireToken: authRequired ? TOKEN : undefined });
      srv.setFile('config.json', JSON.stringify({ dl: dl(srv), 'auth-required': authRequired }));
      for (const p of packaged) {
        srv.setFile(indexPath(p.crate.name), p.indexLine + '\n');
        srv.setFile(`dl/${p.crate.name}/${p.crate.version}/download`, p.archive);
        other.setFile(`moved/${p.crate.name}`, p.archive);
      }
      return srv;
    };
    const treeWithToken = async (srv: IndexServer, name: string) => {
      const home = join(dir, name);
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, 'config.toml'), `[source.crates-io]\nreplace-with = "corp"\n\n[registries.corp]\nindex = "sparse+${srv.url}"\n`);
      const env = { HOME: dir, CARGO_HOME: home, CARGO_REGISTRIES_CORP_TOKEN: TOKEN };
      const config = CargoConfig.load(app, env);
      const set = openSourceSet({ cwd: app, config, env, cacheDir: join(dir, `cache-${name}`) });
      try {
        const project = await loadProject(app, undefined, (x) => set.sourceFor(x), {}, { cargoHome: home });
        return treeLines(resolveTarget(project, TARGET).graph.packages.values());
      } finally {
        await set.close();
      }
    };
    try {
      const open = await serve(false);
      expect(await treeWithToken(open, 'auth-open')).toEqual(cargoLines);
      const openDl = open.log.filter((r) => r.path.startsWith('dl/'));
      expect(openDl.length).toBeGreaterThan(0);
      expect(openDl.every((r) => r.headers.authorization === undefined)).toBe(true);
      await open.close();

      const closed = await serve(true);
      // One archive moved to another origin: the redirect is followed, without the token.
      closed.fault('dl/ordinary/0.3.1/download', { kind: 'redirect', location: `${other.url}moved/ordinary` });
      expect(await treeWithToken(closed, 'auth-required')).toEqual(cargoLines);
      const closedDl = closed.log.filter((r) => r.path.startsWith('dl/'));
      expect(closedDl.length).toBeGreaterThan(0);
      expect(closedDl.every((r) => r.headers.authorization === TOKEN)).toBe(true);
      const moved = other.log.filter((r) => r.path === 'moved/ordinary');
      expect(moved).toHaveLength(1);
      expect(moved[0]!.headers.authorization).toBeUndefined();
      await closed.close();
    } finally {
      await other.close();
    }
  });

  it("makes download URLs with cargo's markers, or appends /{crate}/{version}/download", () => {
    expect(downloadUrl('https://dl.example/api/v1/crates', 'Serde_Json', '1.0.0')).toBe('https://dl.example/api/v1/crates/Serde_Json/1.0.0/download');
    const t = 'https://dl.example/{prefix}/{lowerprefix}/{crate}/{crate}-{version}.crate?sum={sha256-checksum}';
    expect(downloadUrl(t, 'Serde_Json', '1.0.0', 'ab12')).toBe('https://dl.example/Se/rd/se/rd/Serde_Json/Serde_Json-1.0.0.crate?sum=ab12');
    expect(downloadUrl(t, 'a', '1.0.0', 'x')).toBe('https://dl.example/1/1/a/a-1.0.0.crate?sum=x');
    expect(downloadUrl(t, 'ab', '1.0.0', 'x')).toBe('https://dl.example/2/2/ab/ab-1.0.0.crate?sum=x');
    expect(downloadUrl(t, 'Abc', '1.0.0', 'x')).toBe('https://dl.example/3/A/3/a/Abc/Abc-1.0.0.crate?sum=x');
  });

  it('turns downloads off with cargo-preflight.crate-downloads (or its variable); a value not a boolean is refused', async () => {
    server.log.length = 0;
    const home = freshHome('tool-home-key');
    writeFileSync(join(home, 'config.toml'), configToml() + '\n[cargo-preflight]\ncrate-downloads = false\n');
    const off = await toolTree(home, { cacheDir: join(dir, 'cache-key') });
    expect(off.stats.archives).toBe(0);
    expect(server.log.filter((r) => r.path.startsWith('dl/'))).toEqual([]);
    const env = { HOME: dir, CARGO_HOME: freshHome('tool-home-var'), CARGO_PREFLIGHT_CRATE_DOWNLOADS: 'maybe' };
    expect(() => openSourceSet({ cwd: app, config: CargoConfig.load(app, env), env })).toThrow(/crate-downloads must be true or false/);
  });

  it("reads a git dependency from cargo's checkout (a workspace repository, inheritance and a path dependency inside it), offline", async () => {
    const repo = join(dir, 'git-repo');
    const write = (rel: string, text: string) => {
      mkdirSync(join(repo, rel, '..'), { recursive: true });
      writeFileSync(join(repo, rel), text);
    };
    write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nversion = "0.7.0"\nedition = "2021"\n\n[workspace.dependencies]\nunicode-ident = "1"\n');
    write(
      'crates/gitlib/Cargo.toml',
      '[package]\nname = "gitlib"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\ngitmacro = { path = "../gitmacro" }\nunicode-ident.workspace = true\nfmt-macros = "0.1"\n',
    );
    write('crates/gitlib/src/lib.rs', '');
    write('crates/gitmacro/Cargo.toml', '[package]\nname = "gitmacro"\nversion.workspace = true\nedition.workspace = true\n\n[lib]\nproc-macro = true\n\n[dependencies]\nquote = "1"\n');
    write('crates/gitmacro/src/lib.rs', '');
    const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: repo });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'init');

    const gitApp = join(dir, 'git-app');
    mkdirSync(join(gitApp, 'src'), { recursive: true });
    writeFileSync(join(gitApp, 'Cargo.toml'), `[package]\nname = "git-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ngitlib = { git = "file://${repo}" }\n`);
    writeFileSync(join(gitApp, 'src', 'main.rs'), 'fn main() {}\n');
    const home = freshHome('git-cargo-home');
    const env = { ...process.env, CARGO_HOME: home, CARGO_TERM_COLOR: 'never' };
    await run('cargo', ['generate-lockfile'], { cwd: gitApp, env });
    const { stdout } = await run('cargo', ['tree', '--locked', '--target', TARGET, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe'], {
      cwd: gitApp,
      env,
      encoding: 'utf8',
    });
    const expected = [...new Set(stdout.split('\n').filter(Boolean))].sort();
    expect(expected.some((l) => l.startsWith('gitlib v0.7.0'))).toBe(true);
    expect(readdirSync(join(home, 'git', 'checkouts'))).toHaveLength(1);

    const toolEnv = { HOME: dir, CARGO_HOME: home };
    const set = openSourceSet({ cwd: gitApp, config: CargoConfig.load(gitApp, toolEnv), env: toolEnv, offline: true, cacheDir: join(dir, 'cache-git') });
    try {
      server.log.length = 0;
      const project = await loadProject(gitApp, undefined, (x) => set.sourceFor(x), {}, { cargoHome: home });
      const lines = treeLines(resolveTarget(project, TARGET).graph.packages.values()).map((l) => l.replace(gitApp, '').replace(/ \(\)/, ''));
      expect(lines).toEqual(expected.map((l) => l.replace(gitApp, '').replace(/ \(\)/, '')));
      const gitlib = [...project.packages.summaries.values()].find((x) => x.name === 'gitlib')!;
      expect(gitlib.unresolved).toBeUndefined();
      expect([...project.packages.summaries.values()].find((x) => x.name === 'gitmacro')!.procMacro).toBe(true);
      expect(server.log).toEqual([]);
    } finally {
      await set.close();
    }
  });

  it('reads a local registry made by hand from the same archives, offline', async () => {
    const reg = join(dir, 'local-registry');
    for (const p of packaged) {
      const file = join(reg, 'index', indexPath(p.crate.name));
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, p.indexLine + '\n');
      writeFileSync(join(reg, `${p.crate.name}-${p.crate.version}.crate`), p.archive);
    }
    const home = join(dir, 'local-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'config.toml'), `[source.crates-io]\nreplace-with = "local"\n\n[source.local]\nlocal-registry = "${reg}"\n`);
    const env = { HOME: dir, CARGO_HOME: home };
    const config = CargoConfig.load(app, env);
    const set = openSourceSet({ cwd: app, config, env, cacheDir: join(dir, 'cache-local'), offline: true });
    try {
      const project = await loadProject(app, undefined, (s) => set.sourceFor(s), {}, { cargoHome: home });
      expect(treeLines(resolveTarget(project, TARGET).graph.packages.values())).toEqual(cargoLines);
      expect(project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
    } finally {
      await set.close();
    }
  });
});
