/**
 * Crate metadata sources for one run: the lockfile names a source for every
 * package, and `openSourceSet` turns each into something that can be read,
 * applying cargo's source replacement and `--index`, sharing one HTTP client,
 * one cache and one set of counters.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cargoHome, type CargoConfig } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import { defaultCacheDir, DiskCache, registryCacheName } from './cache.js';
import { CargoIndexCache } from './cargo-cache.js';
import { registryEnvName, registryToken } from './credentials.js';
import type { GetRequest, GetResponse, HttpClient, HttpOptions, NetworkPolicy } from './http.js';
import { IndexDirSource } from './index-dir.js';
import { FetchTracker, type FetchProgress, type FetchStats } from './progress.js';
import { SourceSelector } from './select.js';
import { canonicalSparseUrl, CRATES_IO_INDEX_URL, parseIndexValue, parseLockSource, sourceKey, type SourceId } from './source-id.js';
import { SparseSource } from './sparse.js';
import type { CrateSource } from './types.js';
import { DirectorySource } from './vendor.js';

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
  const cacheRoot = opts.cacheDir ? resolve(cwd, opts.cacheDir) : defaultCacheDir(env);
  const selector = new SourceSelector(config, env, opts.index === undefined ? undefined : indexOption(opts.index, cwd));
  const sources = new Map<string, CrateSource | null>();
  let http: LazyHttpClient | undefined;
  let closing: Promise<void> | undefined;

  const sparse = (url: string): SparseSource => {
    http ??= new LazyHttpClient({
      policy: { ...cargoPolicy(config, env), ...opts.network },
      jobs,
      tracker,
      env,
      ...proxyOption(config, env),
      ...caOption(config, env, cwd),
    });
    // crates.io needs no token; any other registry gets the token of the `[registries]` entry with its URL.
    const name = selector.registries().find((r) => r.id.kind === 'sparse' && r.id.url === url)?.name;
    const token = name === undefined ? undefined : registryToken(name, config, env);
    const cargoCache = CargoIndexCache.find(cargoHome(env), url);
    return new SparseSource({
      url,
      http,
      tracker,
      cache: new DiskCache(join(cacheRoot, registryCacheName(url))),
      ...(cargoCache && { cargoCache }),
      offline,
      ...(token && { token }),
      tokenHint:
        name === undefined
          ? `name the registry in [registries] of .cargo/config.toml (index = "sparse+${url}") and set CARGO_REGISTRIES_<NAME>_TOKEN`
          : `set ${registryEnvName(name, 'TOKEN')}, or a token for [registries.${name}] in $CARGO_HOME/credentials.toml`,
    });
  };

  const create = (id: SourceId, lockSource: string): CrateSource | null => {
    switch (id.kind) {
      case 'crates-io':
        return sparse(CRATES_IO_INDEX_URL);
      case 'sparse':
        return sparse(id.url);
      case 'git-registry':
        throw gitIndexError(id.url, lockSource);
      case 'directory':
        return new DirectorySource(id.path);
      case 'local-registry':
        return new IndexDirSource(join(id.path, 'index'), `local registry \`${id.path}\``);
      case 'index-dir':
        return new IndexDirSource(id.path);
      case 'git':
        return null;
    }
  };

  return {
    offline,
    sourceFor(lockSource) {
      const id = parseLockSource(lockSource);
      if (!id) return null;
      const target = selector.resolve(id);
      const key = sourceKey(target);
      if (!sources.has(key)) sources.set(key, create(target, lockSource));
      return sources.get(key) ?? null;
    },
    stats: () => tracker.stats(),
    close() {
      closing ??= (async () => {
        const closed = http?.close();
        // Lookups still running end now (cancelled); none writes to the cache once close resolves.
        await Promise.all([...sources.values()].map((s) => (s instanceof SparseSource ? s.idle() : undefined)));
        await closed;
        tracker.finish();
      })();
      return closing;
    },
  };
}

/**
 * The run's HTTP client, loaded on the first request: the HTTP module and what
 * it needs (the concurrency limit, zlib, timers) cost start-up time that a
 * vendored or offline run, which makes no request, should not pay. `policy`
 * holds the settings that differ from `DEFAULT_POLICY`.
 */
class LazyHttpClient {
  private client: Promise<HttpClient> | undefined;
  private closed = false;

  constructor(private readonly opts: Omit<HttpOptions, 'policy'> & { policy: Partial<NetworkPolicy> }) {}

  private load(): Promise<HttpClient> {
    this.client ??= import('./http.js').then(({ DEFAULT_POLICY, HttpClient }) => {
      const client = new HttpClient({ ...this.opts, policy: { ...DEFAULT_POLICY, ...this.opts.policy } });
      // Closed before the first request: the client behaves as a closed one.
      if (this.closed) void client.close();
      return client;
    });
    return this.client;
  }

  async get(req: GetRequest): Promise<GetResponse> {
    return (await this.load()).get(req);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client) await (await this.client).close();
  }
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

/** cargo's `net.retry` and `http.timeout` (or `CARGO_NET_RETRY`, `CARGO_HTTP_TIMEOUT`). */
function cargoPolicy(config: CargoConfig, env: NodeJS.ProcessEnv): Partial<NetworkPolicy> {
  const out: Partial<NetworkPolicy> = {};
  const retry = Number(env.CARGO_NET_RETRY ?? config.get(['net', 'retry'])?.value);
  if (Number.isInteger(retry) && retry >= 0) out.retries = retry;
  const timeout = Number(env.CARGO_HTTP_TIMEOUT ?? config.get(['http', 'timeout'])?.value);
  if (Number.isFinite(timeout) && timeout > 0) out.idleTimeoutMs = timeout * 1000;
  return out;
}

/** cargo's `http.proxy` (or `CARGO_HTTP_PROXY`), which takes precedence over the proxy environment variables. */
function proxyOption(config: CargoConfig, env: NodeJS.ProcessEnv): { proxy?: string } {
  const proxy = env.CARGO_HTTP_PROXY ?? config.getString(['http', 'proxy'])?.value;
  if (!proxy) return {};
  // cargo (through curl) accepts `host:port`; undici wants a URL.
  return { proxy: /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}` };
}

/** cargo's `http.cainfo` (or `CARGO_HTTP_CAINFO`): a PEM bundle trusted instead of the system's, for registries behind a private CA. */
function caOption(config: CargoConfig, env: NodeJS.ProcessEnv, cwd: string): { ca?: string } {
  const fromConfig = config.getString(['http', 'cainfo']);
  const path = env.CARGO_HTTP_CAINFO
    ? resolve(cwd, env.CARGO_HTTP_CAINFO)
    : fromConfig && resolve(fromConfig.baseDir, fromConfig.value);
  if (!path) return {};
  try {
    return { ca: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new UserError(`cannot read the certificates of http.cainfo: ${(e as Error).message}`, {
      path: fromConfig && !env.CARGO_HTTP_CAINFO ? fromConfig.definedIn : path,
    });
  }
}
