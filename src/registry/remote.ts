/**
 * The sources that need more than a folder: sparse HTTP indexes (with their
 * HTTP client, disk cache, cargo's cache and tokens) and index folders. Kept
 * apart from `index.ts`, and loaded on first use, so that a run reading
 * vendored sources only loads none of it. It is loaded with require(), so
 * neither it nor what it imports may use top-level await (the HTTP client,
 * loaded with import() on the first request, may).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cargoHome, type CargoConfig } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import { defaultCacheDir, DiskCache, registryCacheName } from './cache.js';
import { CargoIndexCache } from './cargo-cache.js';
import { registryToken } from './credentials.js';
import type { GetRequest, GetResponse, HttpClient, HttpOptions, NetworkPolicy } from './http.js';
import { RegistryCrateFiles } from './crate-files.js';
import { IndexDirSource } from './index-dir.js';
import type { FetchTracker } from './progress.js';
import type { SourceSelector } from './select.js';
import { registryEnvName } from './source-id.js';
import { SparseSource } from './sparse.js';
import type { CrateSource } from './types.js';

export interface RemoteOptions {
  cwd: string;
  config: CargoConfig;
  env: NodeJS.ProcessEnv;
  offline: boolean;
  cacheDir?: string;
  jobs: number;
  tracker: FetchTracker;
  selector: SourceSelector;
  network?: Partial<NetworkPolicy>;
  /** Download crate archives (for their manifests) that no local copy has; default true. */
  crateDownloads?: boolean;
  log?: HttpOptions['log'];
}

export interface Remote {
  /** The source for a sparse index URL (without `sparse+`, ending in `/`). */
  sparse(url: string): SparseSource;
  /** A folder in the index layout; with `localRegistry`, the folder of a local registry's `.crate` files. */
  indexDir(path: string, label?: string, localRegistry?: string): CrateSource;
  /** Ends the requests in flight, closes the connections. */
  close(): Promise<void>;
}

/** One run's remote sources: one HTTP client, made on the first sparse source, shared by all. */
export function openRemote(opts: RemoteOptions): Remote {
  const { config, env, cwd, tracker, selector } = opts;
  const cacheRoot = opts.cacheDir ? resolve(cwd, opts.cacheDir) : defaultCacheDir(env);
  let http: LazyHttpClient | undefined;
  return {
    sparse(url) {
      http ??= new LazyHttpClient({
        policy: { ...cargoPolicy(config, env), ...opts.network },
        jobs: opts.jobs,
        tracker,
        env,
        ...(opts.log && { log: opts.log }),
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
        offline: opts.offline,
        cargoHome: cargoHome(env),
        crateDownloads: opts.crateDownloads !== false,
        ...(token && { token }),
        tokenHint:
          name === undefined
            ? `name the registry in [registries] of .cargo/config.toml (index = "sparse+${url}") and set CARGO_REGISTRIES_<NAME>_TOKEN`
            : `set ${registryEnvName(name, 'TOKEN')}, or a token for [registries.${name}] in $CARGO_HOME/credentials.toml`,
      });
    },
    indexDir: (path, label, localRegistry) =>
      new IndexDirSource(path, label, localRegistry === undefined ? undefined : new RegistryCrateFiles({ label: label ?? localRegistry, cargoHome: null, cargoFolder: () => false, localRegistry })),
    close: async () => http?.close(),
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

/** cargo's `net.retry`, `http.timeout` and `http.low-speed-limit` (or `CARGO_NET_RETRY`, `CARGO_HTTP_TIMEOUT` and `HTTP_TIMEOUT`, `CARGO_HTTP_LOW_SPEED_LIMIT`). */
function cargoPolicy(config: CargoConfig, env: NodeJS.ProcessEnv): Partial<NetworkPolicy> {
  const out: Partial<NetworkPolicy> = {};
  const retry = Number(config.getWithEnv(['net', 'retry'], 'CARGO_NET_RETRY', env)?.value);
  if (Number.isInteger(retry) && retry >= 0) out.retries = retry;
  // cargo also reads `HTTP_TIMEOUT`, below its own variable.
  const timeout = Number(config.getWithEnv(['http', 'timeout'], 'CARGO_HTTP_TIMEOUT', env)?.value ?? env.HTTP_TIMEOUT);
  if (Number.isFinite(timeout) && timeout > 0) out.idleTimeoutMs = timeout * 1000;
  const lowSpeed = Number(config.getWithEnv(['http', 'low-speed-limit'], 'CARGO_HTTP_LOW_SPEED_LIMIT', env)?.value);
  if (Number.isInteger(lowSpeed) && lowSpeed >= 0) out.lowSpeedLimit = lowSpeed;
  return out;
}

/** cargo's `http.proxy` (or `CARGO_HTTP_PROXY`), which takes precedence over the proxy environment variables. */
function proxyOption(config: CargoConfig, env: NodeJS.ProcessEnv): { proxy?: string } {
  const value = config.getWithEnv(['http', 'proxy'], 'CARGO_HTTP_PROXY', env)?.value;
  const proxy = typeof value === 'string' ? value : undefined;
  // `host:port` as cargo (through curl) accepts it: the transport reads it as an http:// proxy.
  return proxy ? { proxy } : {};
}

/** cargo's `http.cainfo` (or `CARGO_HTTP_CAINFO`): a PEM bundle trusted instead of the system's, for registries behind a private CA. */
function caOption(config: CargoConfig, env: NodeJS.ProcessEnv, cwd: string): { ca?: string } {
  const found = config.getWithEnv(['http', 'cainfo'], 'CARGO_HTTP_CAINFO', env, cwd);
  if (!found || typeof found.value !== 'string' || !found.value) return {};
  const path = resolve(found.baseDir, found.value);
  try {
    return { ca: readFileSync(path, 'utf8') };
  } catch (e) {
    // A file of cargo's configuration is named as where the bad value is; else the path itself.
    const inFile = !found.definedIn.startsWith('environment variable') && !found.definedIn.startsWith('--config');
    throw new UserError(`cannot read the certificates of http.cainfo: ${(e as Error).message}`, (inFile ? config.where(found, ['http', 'cainfo']) : undefined) ?? { path });
  }
}
