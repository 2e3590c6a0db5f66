/**
 * Crate metadata sources for one run: the lockfile names a source for every
 * package, and `openSourceSet` turns each into something that can be read,
 * applying cargo's source replacement and `--index`, sharing one HTTP client,
 * one cache and one set of counters.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CargoConfig } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import type { NetworkPolicy } from './http.js';
import { FetchTracker, type FetchProgress, type FetchStats } from './progress.js';
import type { Remote } from './remote.js';
import { SourceSelector } from './select.js';
import { canonicalSparseUrl, CRATES_IO_INDEX_URL, parseIndexValue, parseLockSource, sourceKey, type SourceId } from './source-id.js';
import type { CrateSource } from './types.js';
import { DirectorySource } from './vendor.js';

type RemoteModule = typeof import('./remote.js');

/**
 * The remote sources' module (sparse HTTP, index folders, caches, tokens),
 * loaded with require() the first time a run needs it: sourceFor is
 * synchronous, and a run reading vendored sources only never loads it.
 * Where require() cannot load it (a Node without require of ES modules, or
 * the sources run under a TypeScript loader, with no remote.js beside this
 * file), it is loaded with the rest at start-up.
 */
let remoteModule: RemoteModule | undefined =
  (process.features as { require_module?: boolean }).require_module && existsSync(fileURLToPath(new URL('./remote.js', import.meta.url)))
    ? undefined
    : await import('./remote.js');

function remoteSources(): RemoteModule {
  return (remoteModule ??= createRequire(import.meta.url)('./remote.js') as RemoteModule);
}

export { progressLine, type FetchProgress, type FetchStats, type MissingCrate, type ProgressStream } from './progress.js';
export type { NetworkPolicy } from './http.js';

export interface SourceSetOptions {
  cwd: string;
  config: CargoConfig;
  /** Defaults to the configuration's environment. */
  env?: NodeJS.ProcessEnv;
  /** `--index URL|DIR`: a sparse index URL or a folder in the index layout, read instead of crates.io. */
  index?: string;
  /** `--offline`; cargo's `net.offline` and `CARGO_NET_OFFLINE` apply too. */
  offline?: boolean;
  /** `--cache-dir`; defaults to `$XDG_CACHE_HOME/cargo-preflight` or `~/.cache/cargo-preflight`. */
  cacheDir?: string;
  /** `--jobs`: HTTP requests in flight at most (default 64), plus one config.json per registry. */
  jobs?: number;
  progress?: (p: FetchProgress) => void;
  /** Retries and timeouts; defaults come from cargo's `net.retry` and `http.timeout`, then `DEFAULT_POLICY`. */
  network?: Partial<NetworkPolicy>;
}

export interface SourceSet {
  /**
   * The source to read for a lockfile package source string, after `[source]`
   * replacement and `--index`; null for sources that carry no metadata (a git
   * or path source not replaced). Throws `UserError` for a git-protocol index.
   */
  sourceFor(lockSource: string): CrateSource | null;
  /** True when no request will be made (`--offline`, `net.offline`, `CARGO_NET_OFFLINE`). */
  readonly offline: boolean;
  /** Counters for reports and the bench, with the crates found missing offline. */
  stats(): FetchStats;
  /** Cancels the lookups still running, ends the progress line, closes the connections. */
  close(): Promise<void>;
}

export const DEFAULT_JOBS = 64;

export function openSourceSet(opts: SourceSetOptions): SourceSet {
  const { config, cwd } = opts;
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs must be a positive integer, not ${jobs}`);
  const env = opts.env ?? config.env;
  const offline = opts.offline === true || config.offline;
  const tracker = new FetchTracker(opts.progress);
  const selector = new SourceSelector(config, env, opts.index === undefined ? undefined : indexOption(opts.index, cwd));
  const sources = new Map<string, CrateSource | null>();
  /** The source found for each lockfile source string: hundreds of packages share a handful. */
  const byLockSource = new Map<string, CrateSource | null>();
  let remote: Remote | undefined;
  let closing: Promise<void> | undefined;

  const remoteFor = (): Remote =>
    (remote ??= remoteSources().openRemote({ cwd, config, env, offline, cacheDir: opts.cacheDir, jobs, tracker, selector, network: opts.network }));

  const create = (id: SourceId, lockSource: string): CrateSource | null => {
    switch (id.kind) {
      case 'crates-io':
        return remoteFor().sparse(CRATES_IO_INDEX_URL);
      case 'sparse':
        return remoteFor().sparse(id.url);
      case 'git-registry':
        throw gitIndexError(id.url, lockSource);
      case 'directory':
        return new DirectorySource(id.path);
      case 'local-registry':
        return remoteFor().indexDir(join(id.path, 'index'), `local registry \`${id.path}\``);
      case 'index-dir':
        return remoteFor().indexDir(id.path);
      case 'git':
        return null;
    }
  };

  return {
    offline,
    sourceFor(lockSource) {
      const known = byLockSource.get(lockSource);
      if (known !== undefined) return known;
      const id = parseLockSource(lockSource);
      if (!id) return null;
      const target = selector.resolve(id);
      const key = sourceKey(target);
      if (!sources.has(key)) sources.set(key, create(target, lockSource));
      const source = sources.get(key) ?? null;
      byLockSource.set(lockSource, source);
      return source;
    },
    stats: () => tracker.stats(),
    close() {
      closing ??= (async () => {
        const closed = remote?.close();
        // Lookups still running end now (cancelled); none writes to the cache once close resolves.
        await Promise.all([...sources.values()].map((s) => (s as { idle?: () => Promise<void> } | null)?.idle?.()));
        await closed;
        tracker.finish();
      })();
      return closing;
    },
  };
}

/** `--index`: `sparse+URL` or an http(s) URL (sparse), `file://` or a path (index folder). */
function indexOption(value: string, cwd: string): SourceId {
  if (value.startsWith('registry+') || /^https?:\/\/.*\.git\/?$/.test(value)) throw gitIndexError(value, '--index');
  if (/^(sparse\+)?https?:\/\//.test(value)) {
    return parseIndexValue(`sparse+${canonicalSparseUrl(value.replace(/^sparse\+/, ''))}`);
  }
  const path = value.startsWith('file://') ? fileURLToPath(value) : resolve(cwd, value);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UserError(`--index ${value}: neither an http(s) URL nor an existing folder`);
  return { kind: 'index-dir', path };
}

function gitIndexError(url: string, where: string): UserError {
  return new UserError(
    `${where}: \`${url}\` is a git index; cargo-preflight reads sparse indexes only (the protocol cargo uses by default since 1.70)`,
    undefined,
    'if the registry also serves the sparse protocol, set its index to `sparse+https://…` in [registries] or [source], or pass --index',
  );
}
