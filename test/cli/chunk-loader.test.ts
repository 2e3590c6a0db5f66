/**
 * The chunk loader (cli/chunk-loader.ts) runs the bundle's CommonJS chunks
 * with V8's code cache: a second run compiles nothing it has a cache for, a
 * cache that V8 refuses is compiled again and replaced, and what the chunks
 * compute is the same either way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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

function runOnce(dir: string, cache: string): { result: unknown; compiled: string[] } {
  const script = `
    const { ChunkLoader } = await import(${JSON.stringify(pathToFileURL(LOADER).href)});
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(${JSON.stringify(join(dir, MANIFEST))}, 'utf8'));
    const loader = new ChunkLoader(${JSON.stringify(dir)}, manifest, { codeCache: ${JSON.stringify(cache)}, sourceMaps: false });
    const result = await (await loader.load('entry.cjs')).run(20);
    const compiled = loader.compiledWithoutCache;
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

  it("removes other builds' caches not written for a week when it writes its own, and works with no cache folder at all", () => {
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
  });
});

const BIN = join(ROOT, 'bin/cargo-preflight.js');
const EXAMPLE = join(ROOT, 'example');

describe.skipIf(!built)('the command', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []) =>
    spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: EXAMPLE, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });

  it('writes its code cache on the first run and gives the same report from it', () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'cargo-preflight-xdg-'));
    const args = ['check', '--offline', '--format', 'json'];
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

  it('runs where Node cannot require an ES module: the packages that are only ES modules are imported first', () => {
    const flag = '--no-experimental-require-module';
    const probe = spawnSync(process.execPath, [flag, '-e', 'process.exit(process.features.require_module ? 1 : 0)']);
    if (probe.status !== 0) return;
    // The fix service parses Cargo.toml with toml-eslint-parser, an ES module the fixers' chunk requires.
    const r = run(['fix', '--dry-run', '--offline'], {}, [flag]);
    expect(r.stderr).toContain('Finished dry run: nothing written');
    expect(r.stdout).toContain('+rusqlite = { version = "0.34", features = ["bundled"] }');
  });
});
