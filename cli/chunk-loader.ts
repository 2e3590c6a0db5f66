/**
 * Loads the bundle (dist/bundle/, made by scripts/bundle.ts) with V8's code
 * cache. A run lasts a fraction of a second, and compiling our own code was a
 * fifth of it: every chunk's top level at each start, and each function at
 * its first call. Node 22 can keep that work between runs
 * (`module.enableCompileCache`); Node 20 can only for a script compiled with
 * `vm.Script`, whose cached code loses dynamic `import()` (V8 drops the
 * callback that resolves it). So the bundle's chunks are CommonJS, each run
 * here as a function with a `require` that loads our chunks from the bundle
 * folder and packages from node_modules; the few dynamic imports left (of
 * packages, and of our chunks) were rewritten by the bundler into calls of
 * `module.importPackage` and `module.loadChunk`, which this module answers.
 *
 * The code cache is one file per chunk under the user's cache folder
 * (`$XDG_CACHE_HOME/cargo-preflight/code`, else `~/.cache/…`), in a folder
 * named for the bundle's build, Node's version and the architecture; V8
 * checks its own version, the source's length and its flags, and refuses a
 * file that does not match, which is then compiled as without a cache. A
 * chunk compiled without one gets its file written at exit (atomically), with
 * every function the run compiled. Any failure to read or write it only costs
 * the compile. `NODE_DISABLE_COMPILE_CACHE` (Node's own switch for its cache)
 * turns it off; so does a backtrace being asked for, which loads the chunks
 * through Node's CommonJS loader so that stack traces map to the sources.
 *
 * A package that Node cannot require (an ES module before Node 20.19, or one
 * whose graph awaits at its top level, as ink's does) is imported before the
 * chunk that requires it runs: the bundle's manifest lists each chunk's
 * requires at load.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { isAbsolute, join } from 'node:path';
import vm from 'node:vm';
import { defaultCacheDir } from '../src/registry/cache.js';
import { withShortRunFlags } from './v8.js';

/** The manifest's file name in the bundle folder. */
export const MANIFEST = 'chunks.json';

/** What scripts/bundle.ts writes beside the chunks. */
export interface BundleManifest {
  /** A hash of every chunk's text: names the code cache's folder. */
  build: string;
  /** Per chunk: the chunks and the packages (as required: `react/jsx-runtime`) it requires when it runs, not those it loads later. */
  chunks: Record<string, { chunks: string[]; packages: string[] }>;
}

export interface LoaderOptions {
  /** The code cache's folder; null for none. */
  codeCache: string | null;
  /** Load through Node's CommonJS loader, whose stack traces follow source maps (no code cache). */
  sourceMaps: boolean;
}

/** What a chunk's code sees as `module`: CommonJS's, plus the two calls the bundler put in place of `import()`. */
interface ChunkModule {
  exports: Record<string, unknown>;
  loadChunk(spec: string): Promise<Record<string, unknown>>;
  importPackage(spec: string): Promise<unknown>;
}

/** The start of the function a chunk's code runs in, with CommonJS's arguments. */
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

/**
 * Why Node's require() refuses an ES module: it cannot require one at all
 * (before 20.19), or the module's graph has a top-level await (ink's has).
 */
const NOT_REQUIRABLE = ['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE'];

/**
 * The code cache's folder for a build: `code/` in the tool's cache folder
 * (`$XDG_CACHE_HOME/cargo-preflight`, else `~/.cache/cargo-preflight`), by
 * build, Node version and architecture; null when turned off, or when there
 * is no home folder to put it in (no `HOME` and no entry for the user, as for
 * an arbitrary user id in a container; an empty `HOME`, which would put it in
 * the working folder).
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, build: string): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  let base: string;
  try {
    base = defaultCacheDir(env);
  } catch {
    return null;
  }
  return isAbsolute(base) ? join(base, 'code', `${build}-node${process.versions.node}-${process.arch}`) : null;
}

export class ChunkLoader {
  private readonly modules = new Map<string, ChunkModule>();
  /** Chunks compiled without a usable cache: their cache is written at exit. */
  private readonly fresh: { name: string; script: vm.Script }[] = [];
  /** Packages Node cannot require, imported ahead. */
  private readonly imported = new Map<string, unknown>();
  private readonly nodeRequire: NodeJS.Require;
  /** Whether this run has marked its cache folder as used. */
  private marked = false;

  constructor(
    private readonly dir: string,
    private readonly manifest: BundleManifest,
    private readonly opts: LoaderOptions,
  ) {
    this.nodeRequire = createRequire(join(dir, MANIFEST));
  }

  /** Reads the manifest of the bundle in `dir`. */
  static read(dir: string, env: NodeJS.ProcessEnv, sourceMaps: boolean): ChunkLoader {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as BundleManifest;
    return new ChunkLoader(dir, manifest, { codeCache: sourceMaps ? null : codeCacheDir(env, manifest.build), sourceMaps });
  }

  /** A chunk's exports, with the packages it needs that Node cannot require imported first. */
  async load(name: string): Promise<Record<string, unknown>> {
    await this.importAhead(name);
    return this.run(name);
  }

  /** The chunks this run compiled without a code cache (none read, or refused by V8), in load order. */
  get compiledWithoutCache(): string[] {
    return this.fresh.map((f) => f.name);
  }

  /** Writes the code cache of the chunks compiled without one. Never throws: a cache that cannot be written costs only the next run's compile. */
  writeCache(): void {
    const dir = this.opts.codeCache;
    if (!dir || this.fresh.length === 0) return;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      // No cache folder: the next run compiles again.
      this.fresh.length = 0;
      return;
    }
    // Unique across processes that share the folder (containers on one volume repeat their pids), and never an existing file.
    const unique = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
    for (const { name, script } of this.fresh) {
      const file = join(dir, `${name}.bin`);
      const tmp = `${file}.${unique}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
        renameSync(tmp, file);
      } catch {
        rmSync(tmp, { force: true });
      }
    }
    this.fresh.length = 0;
    removeOtherBuilds(dir);
  }

  private require = (spec: string): unknown => {
    if (spec.startsWith('./')) return this.run(spec.slice(2));
    return this.imported.has(spec) ? this.imported.get(spec) : this.nodeRequire(spec);
  };

  private run(name: string): Record<string, unknown> {
    const known = this.modules.get(name);
    if (known) return known.exports;
    const file = join(this.dir, name);
    const module: ChunkModule = {
      exports: {},
      loadChunk: (spec) => this.load(spec.slice(2)),
      importPackage: (spec) => import(spec),
    };
    this.modules.set(name, module);
    const source = readFileSync(file, 'utf8');
    if (this.opts.sourceMaps) return this.compileWithNode(file, source, module);
    const cached = this.readCache(name);
    const script = withShortRunFlags(() => new vm.Script(`${WRAPPER}${source}\n})`, { filename: file, ...(cached && { cachedData: cached }) }));
    if (!cached || script.cachedDataRejected) this.fresh.push({ name, script });
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, this.require, module, file, this.dir);
    return module.exports;
  }

  /** Node's CommonJS loader, which maps stack traces through the chunk's source map when source maps are on. */
  private compileWithNode(file: string, source: string, module: ChunkModule): Record<string, unknown> {
    const m = new Module(file) as Module & { _compile(source: string, file: string): void } & Partial<ChunkModule>;
    m.filename = file;
    // The same exports object from the start, as in `run`: a chunk required while it loads gets what it has defined so far.
    m.exports = module.exports;
    m.require = Object.assign((spec: string) => this.require(spec), this.nodeRequire) as NodeJS.Require;
    m.loadChunk = module.loadChunk;
    m.importPackage = module.importPackage;
    m._compile(source, file);
    module.exports = m.exports as Record<string, unknown>;
    return module.exports;
  }

  private readCache(name: string): Buffer | undefined {
    const dir = this.opts.codeCache;
    if (!dir) return undefined;
    let data: Buffer;
    try {
      data = readFileSync(join(dir, `${name}.bin`));
    } catch {
      return undefined;
    }
    if (!this.marked) {
      this.marked = true;
      markUsed(dir);
    }
    return data;
  }

  /** Imports the packages that `name` and the chunks it requires need and Node cannot require, before they run. */
  private async importAhead(name: string): Promise<void> {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (chunk: string) => {
      if (seen.has(chunk) || this.modules.has(chunk)) return;
      seen.add(chunk);
      const entry = this.manifest.chunks[chunk];
      for (const p of entry?.packages ?? []) packages.add(p);
      for (const c of entry?.chunks ?? []) visit(c);
    };
    visit(name);
    for (const spec of packages) {
      if (this.imported.has(spec) || spec.startsWith('node:')) continue;
      try {
        this.nodeRequire(spec);
      } catch (e) {
        if (!NOT_REQUIRABLE.includes((e as { code?: string }).code ?? '')) throw e;
        // As Node's require() of an ES module gives it: the namespace, marked for the bundle's interop.
        this.imported.set(spec, { __esModule: true, ...((await import(spec)) as object) });
      }
    }
  }
}

/** How long another build's code cache is kept unused: two installs (or Node versions) used in turn each keep theirs. */
const OTHER_BUILDS_KEPT_MS = 7 * 24 * 3600 * 1000;

/** A cache folder's time is its last use, brought up to date at most once a day (a run that reads it costs one `stat`). */
const USE_MARKED_MS = 24 * 3600 * 1000;

function markUsed(dir: string): void {
  try {
    if (statSync(dir).mtimeMs < Date.now() - USE_MARKED_MS) {
      const now = new Date();
      utimesSync(dir, now, now);
    }
  } catch {
    // Unmarked, the folder may go a week early: its build then compiles and writes it again.
  }
}

/** Removes the code caches of other builds not used for a week (an upgrade leaves its predecessor's behind); one that cannot be read or removed is left. */
function removeOtherBuilds(dir: string): void {
  const parent = join(dir, '..');
  const own = dir.slice(parent.length + 1);
  const before = Date.now() - OTHER_BUILDS_KEPT_MS;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === own) continue;
    const path = join(parent, name);
    try {
      if (statSync(path).mtimeMs < before) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile (another run removed it), or not ours to remove.
    }
  }
}

export { setShortRun } from './v8.js';
