/**
 * Crate metadata sources for one run: the lockfile names a source for every
 * package, and `openSourceSet` turns each into something that can be read,
 * applying cargo's source replacement and `--index`, sharing one HTTP client,
 * one cache and one set of counters. Source selection is `select.ts`, the
 * counters `progress.ts`, the vendor directory source `vendor.ts`.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CargoConfig } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import type { NetworkPolicy } from './http.js';
import { FetchTracker, type FetchProgress, type FetchStats } from './progress.js';
import { openRemote, type Remote } from './remote.js';
import { SourceSelector } from './select.js';
import { canonicalSparseUrl, CRATES_IO_INDEX_URL, parseIndexValue, parseLockSource, sourceKey, type SourceId } from './source-id.js';
import type { CrateSource } from './types.js';
import { DirectorySource } from './vendor.js';

export type { NetworkPolicy } from './http.js';
export type { FetchProgress, FetchStats } from './progress.js';

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
  /** Download crate archives (for their manifests) that no local copy has; default true. */
  crateDownloads?: boolean;
  /** Each retry and its reason (level 1, `-v`), the underlying network errors (level 2, `-vv`). */
  log?: (level: 1 | 2, line: string) => void;
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
  /**
   * For a lockfile source cargo reads from a vendor directory (or a local
   * registry): the vendored source and the registry it replaces (the last
   * registry of the replacement chain, crates.io unless the chain names
   * another; `--index` when given), to ask for a crate a fix needs that the
   * directory lacks. `registry` is null offline. Null for a source that is
   * not vendored.
   */
  vendoredFor(lockSource: string): { vendor: CrateSource; label: string; registry: CrateSource | null } | null;
  /** Counters for reports and the bench, with the crates found missing offline. */
  stats(): FetchStats;
  /** Cancels the lookups still running, closes the connections, and reports the progress as finished. */
  close(): Promise<void>;
}

export const DEFAULT_JOBS = 64;

export function openSourceSet(opts: SourceSetOptions): SourceSet {
  const { config, cwd } = opts;
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs must be a positive integer, not ${jobs}`);
  const env = opts.env ?? config.env;
  const offline = opts.offline === true || config.offline;
  const crateDownloads = opts.crateDownloads !== false && crateDownloadsSetting(config, env);
  const tracker = new FetchTracker(opts.progress);
  const selector = new SourceSelector(config, env, opts.index === undefined ? undefined : indexOption(opts.index, cwd));
  const sources = new Map<string, CrateSource | null>();
  /** The source found for each lockfile source string: hundreds of packages share a handful. */
  const byLockSource = new Map<string, CrateSource | null>();
  let remote: Remote | undefined;
  let closing: Promise<void> | undefined;

  const remoteFor = (): Remote =>
    (remote ??= openRemote({ cwd, config, env, offline, cacheDir: opts.cacheDir, jobs, tracker, selector, network: opts.network, crateDownloads, ...(opts.log && { log: opts.log }) }));

  const create = (id: SourceId, lockSource: string): CrateSource | null => {
    switch (id.kind) {
      case 'crates-io':
        return remoteFor().sparse(CRATES_IO_INDEX_URL);
      case 'sparse':
        return remoteFor().sparse(id.url);
      case 'git-registry':
        throw gitIndexError(id.url, lockSource);
      case 'directory':
        return new DirectorySource(id.path, id.definedAt);
      case 'local-registry':
        return remoteFor().indexDir(join(id.path, 'index'), `local registry \`${id.path}\``, id.path);
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
    vendoredFor(lockSource) {
      const id = parseLockSource(lockSource);
      if (!id) return null;
      // cargo's own source, whatever `--index` says: the vendor directory the build reads.
      const chain = selector.chain(id);
      const end = chain.at(-1)!;
      if (end.kind !== 'directory' && end.kind !== 'local-registry') return null;
      const vendorKey = sourceKey(end);
      if (!sources.has(vendorKey)) sources.set(vendorKey, create(end, lockSource));
      const vendor = sources.get(vendorKey);
      if (!vendor) return null;
      const label = end.path;
      if (offline) return { vendor, label, registry: null };
      const upstream = selector.upstreamOf(chain);
      if (!upstream) return { vendor, label, registry: null };
      const key = sourceKey(upstream);
      if (!sources.has(key)) sources.set(key, create(upstream, lockSource));
      return { vendor, label, registry: sources.get(key) ?? null };
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

/**
 * Whether crate archives may be downloaded (for manifests no local copy has):
 * `cargo-preflight.crate-downloads` of cargo's configuration (a `--config`
 * argument, `.cargo/config.toml`, `$CARGO_HOME/config.toml`) or
 * `CARGO_PREFLIGHT_CRATE_DOWNLOADS`, beside cargo's own network settings.
 */
function crateDownloadsSetting(config: CargoConfig, env: NodeJS.ProcessEnv): boolean {
  const found = config.getWithEnv(['cargo-preflight', 'crate-downloads'], 'CARGO_PREFLIGHT_CRATE_DOWNLOADS', env);
  if (!found) return true;
  const v = found.value;
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  throw new UserError(`cargo-preflight.crate-downloads must be true or false, not \`${String(v)}\``, config.where(found, ['cargo-preflight', 'crate-downloads']) ?? { path: found.definedIn });
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
