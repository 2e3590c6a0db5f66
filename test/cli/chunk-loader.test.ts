/**
 * The chunk loader (cli/chunk-loader.ts) runs the bundle's CommonJS chunks
 * with V8's code cache: a second run compiles nothing it has a cache for, a
 * cache that V8 refuses is compiled again and replaced, and what the chunks
 * compute is the same either way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { type BundleManifest, codeCacheDir, MANIFEST } from '../../cli/chunk-loader.js';

/** A bundle of three chunks: the entry requires `lib` at load and loads `later` on demand, which imports a package. */
function writeBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-chunks-'));
  writeFileSync(join(dir, 'entry.cjs'), 'const lib = require("./lib.cjs");\nexports.run = async (n) => (await module.loadChunk("./later.cjs")).twice(lib.add(n, 1));\n');
  writeFileSync(join(dir, 'lib.cjs'), 'exports.add = (a, b) => a + b;\n');
  writeFileSync(join(dir, 'later.cjs'), 'let path;\nexports.twice = async (n) => { path ??= await module.importPackage("node:path"); return path.join(String(n), String(n)); };\n');
  const manifest: BundleManifest = {
    build: 'test',
    chunks: { 'entry.cjs': { chunks: ['lib.cjs'], packages: [] }, 'lib.cjs': { chunks: [], packages: [] }, 'later.cjs': { chunks: [], packages: [] } },
  };
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest));
  return dir;
}

const ROOT = resolve(__dirname, '../..');
/** The loader as built (one ES module); each run is a process of its own, as each command is (V8 keeps what it compiled for the life of a process). */
const LOADER = join(ROOT, 'dist/bundle/loader.js');
const built = existsSync(join(ROOT, 'dist/bundle', MANIFEST));

/**
 * One run of the test bundle, as the entry runs the real one: the short
 * run's flags first, and again for writing at exit. `screen`: as the triage
 * screen does, the flags are turned back before the chunk loaded on demand.
 */
function runOnce(dir: string, cache: string, screen = false): { result: unknown; compiled: string[] } {
  const script = `
    const { ChunkLoader, setShortRun } = await import(${JSON.stringify(pathToFileURL(LOADER).href)});
    const { readFileSync } = await import('node:fs');
    setShortRun(true);
    const manifest = JSON.parse(readFileSync(${JSON.stringify(join(dir, MANIFEST))}, 'utf8'));
    const loader = new ChunkLoader(${JSON.stringify(dir)}, manifest, { codeCache: ${JSON.stringify(cache)}, sourceMaps: false });
    const entry = await loader.load('entry.cjs');
    if (${screen}) setShortRun(false);
    const result = await entry.run(20);
    const compiled = loader.compiledWithoutCache;
    setShortRun(true);
    loader.writeCache();
    process.stdout.write(JSON.stringify({ result, compiled }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { result: unknown; compiled: string[] };
}

describe.skipIf(!built)('the chunk loader', () => {
  it('compiles each chunk once, then runs it from the code cache with the same result', () => {
    const dir = writeBundle();
    const cache = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-code-')), 'build-a');
    const first = runOnce(dir, cache);
    expect(first.result).toBe(join('21', '21'));
    expect(first.compiled).toEqual(['entry.cjs', 'lib.cjs', 'later.cjs']);
    expect(readdirSync(cache).sort()).toEqual(['entry.cjs.bin', 'later.cjs.bin', 'lib.cjs.bin']);
    const second = runOnce(dir, cache);
    expect(second).toEqual({ result: join('21', '21'), compiled: [] });
  });

  it('keeps using its cache where the triage screen turns the flags back before a chunk loads', () => {
    const dir = writeBundle();
    const cache = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-code-')), 'build-a');
    expect(runOnce(dir, cache, true).compiled).toEqual(['entry.cjs', 'lib.cjs', 'later.cjs']);
    expect(runOnce(dir, cache, true).compiled).toEqual([]);
    expect(runOnce(dir, cache, false).compiled).toEqual([]);
  });

  it('compiles again a chunk whose cache V8 refuses, and replaces that cache', () => {
    const dir = writeBundle();
    const cache = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-code-')), 'build-a');
    runOnce(dir, cache);
    writeFileSync(join(cache, 'lib.cjs.bin'), 'not a code cache');
    const again = runOnce(dir, cache);
    expect(again).toEqual({ result: join('21', '21'), compiled: ['lib.cjs'] });
    expect(readFileSync(join(cache, 'lib.cjs.bin')).toString()).not.toBe('not a code cache');
    expect(runOnce(dir, cache).compiled).toEqual([]);
  });

  it("removes other builds' caches not used for a week when it writes its own, and works with no cache folder at all", () => {
    const dir = writeBundle();
    const root = mkdtempSync(join(tmpdir(), 'cargo-preflight-code-'));
    for (const [name, daysAgo] of [
      ['build-old', 8],
      ['build-recent', 6],
    ] as const) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'entry.cjs.bin'), 'old');
      const at = new Date(Date.now() - daysAgo * 24 * 3600 * 1000);
      utimesSync(join(root, name), at, at);
    }
    runOnce(dir, join(root, 'build-new'));
    expect(readdirSync(root).sort()).toEqual(['build-new', 'build-recent']);
    const unwritable = join(dir, 'entry.cjs', 'cache');
    expect(runOnce(dir, unwritable).result).toBe(join('21', '21'));
    expect(existsSync(unwritable)).toBe(false);
  });

  it("keeps its cache in the user's cache folder, per build, Node version and architecture, unless Node's switch turns it off", () => {
    const dir = codeCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'abc');
    expect(dir).toBe(join('/x/cache', 'cargo-preflight', 'code', `abc-node${process.versions.node}-${process.arch}`));
    expect(codeCacheDir({ HOME: '/home/u' }, 'abc')).toBe(join('/home/u', '.cache', 'cargo-preflight', 'code', `abc-node${process.versions.node}-${process.arch}`));
    expect(codeCacheDir({ HOME: '/home/u', NODE_DISABLE_COMPILE_CACHE: '1' }, 'abc')).toBeNull();
    // A relative home is no place for it (it would be the working folder's).
    expect(codeCacheDir({ HOME: 'home' }, 'abc')).toBeNull();
    // A relative XDG_CACHE_HOME is ignored, as the XDG specification says.
    expect(codeCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/home/u' }, 'abc')).toBe(join('/home/u', '.cache', 'cargo-preflight', 'code', `abc-node${process.versions.node}-${process.arch}`));
  });

  it('marks the cache folder it reads as used, at most once a day', () => {
    const dir = writeBundle();
    const cache = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-code-')), 'build-a');
    runOnce(dir, cache);
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    utimesSync(cache, old, old);
    runOnce(dir, cache);
    expect(statSync(cache).mtimeMs).toBeGreaterThan(Date.now() - 3600 * 1000);
    const recent = new Date(Date.now() - 3600 * 1000);
    utimesSync(cache, recent, recent);
    runOnce(dir, cache);
    expect(Math.abs(statSync(cache).mtimeMs - recent.getTime())).toBeLessThan(1000);
  });
});

const BIN = join(ROOT, 'bin/cargo-preflight.js');
const EXAMPLE = join(ROOT, 'example');

describe.skipIf(!built)('the command', () => {
  it('runs with no home folder to keep a cache in, and writes none in the working folder', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cargo-preflight-nohome-'));
    const r = spawnSync(process.execPath, [BIN, 'explain', 'openssl-sys'], { cwd, env: { PATH: process.env.PATH, HOME: '', XDG_CACHE_HOME: '', NO_COLOR: '1' }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('openssl-sys');
    expect(readdirSync(cwd)).toEqual([]);
  });

  const run = (args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []) => {
    const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete base.NODE_DISABLE_COMPILE_CACHE;
    return spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: EXAMPLE, env: { ...base, ...env }, encoding: 'utf8' });
  };
  const requireModuleSwitch = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', 'process.exit(process.features.require_module ? 1 : 0)']).status === 0;

  it('writes its code cache on the first run and gives the same report from it', () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'cargo-preflight-xdg-'));
    const args = ['check', '--offline', '--format', 'json'];
    // A run that only prints the version or help compiles little of a command: it writes no cache.
    for (const info of [['--version'], ['help'], ['check', '--help']]) expect(run(info, { XDG_CACHE_HOME: cacheHome }).status, info.join(' ')).toBe(0);
    expect(existsSync(join(cacheHome, 'cargo-preflight', 'code'))).toBe(false);
    const first = run(args, { XDG_CACHE_HOME: cacheHome });
    const [build] = readdirSync(join(cacheHome, 'cargo-preflight', 'code'));
    const files = readdirSync(join(cacheHome, 'cargo-preflight', 'code', build!));
    expect(files).toContain('core.cjs.bin');
    expect(files).toContain('check2.cjs.bin');
    const second = run(args, { XDG_CACHE_HOME: cacheHome });
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(first.status);
    const off = mkdtempSync(join(tmpdir(), 'cargo-preflight-xdg-'));
    expect(run(args, { XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' }).stdout).toBe(first.stdout);
    expect(existsSync(join(off, 'cargo-preflight', 'code'))).toBe(false);
  });

  it.skipIf(!requireModuleSwitch)('runs where Node cannot require an ES module: the packages that are only ES modules are imported first', () => {
    // The fix service parses Cargo.toml with toml-eslint-parser, an ES module the fixers' chunk requires.
    const r = run(['fix', '--dry-run', '--offline'], {}, ['--no-experimental-require-module']);
    expect(r.stderr).toContain('Finished dry run: nothing written');
    expect(r.stdout).toContain('+rusqlite = { version = "0.34", features = ["bundled"] }');
  });
});
