/**
 * A sparse HTTP index (RFC 2789, the protocol cargo uses by default since
 * 1.70): `config.json` at the root, then one file per crate at its index path.
 *
 * Every file is fetched at most once per run, whatever the number of callers
 * (two locked versions of one crate share the file). A cached copy, ours or
 * cargo's, is revalidated with `If-None-Match`/`If-Modified-Since`; offline,
 * it is used as is, and a crate no cache holds is recorded as missing.
 */
import type { CargoIndexCache } from './cargo-cache.js';
import { ARCHIVE_LIMITS, cargoFolderOf, RegistryCrateFiles, type CrateId } from './crate-files.js';
import type { DiskCache } from './cache.js';
import type { Secret } from './credentials.js';
import type { HttpClient } from './http.js';
import { checkIndexFile, decodeIndexFile, parseIndexFile } from './parse.js';
import type { FetchTracker } from './progress.js';
import { CRATES_IO_INDEX_URL } from './source-id.js';
import { indexPath, isValidCrateName, NetworkError, NotCachedError, RegistryError, type CrateLookup, type CrateSource } from './types.js';

export interface SparseSourceOptions {
  /** Index URL without `sparse+`, ending in `/`. */
  url: string;
  http: Pick<HttpClient, 'get'>;
  tracker: FetchTracker;
  cache: DiskCache;
  cargoCache?: CargoIndexCache;
  offline: boolean;
  /** This registry's token; sent to its origin only, and only when it asks for authentication. */
  token?: Secret;
  /** How the user provides a token for this registry, for messages. */
  tokenHint: string;
  /** Cargo's home, whose `registry/src` and `registry/cache` may hold the crates' files; null for none. */
  cargoHome?: string | null;
  /** Download archives (for manifests) that no local copy has; default true, never offline. */
  crateDownloads?: boolean;
}

interface LoadedFile {
  text: string;
  origin: 'network' | 'cache' | 'cargo-cache';
}

interface Cached {
  body: Buffer;
  etag?: string;
  lastModified?: string;
  fromCargo: boolean;
}

type Auth = { origin: string; token: Secret } | undefined;

/** What config.json says beyond authentication: the download URL template, and whether downloads take the token. */
interface RegistryConfig {
  dl?: string;
  authRequired: boolean;
}

export class SparseSource implements CrateSource {
  readonly label: string;
  readonly files: RegistryCrateFiles;
  private readonly indexFiles = new Map<string, Promise<LoadedFile | null>>();
  private auth: Promise<Auth> | undefined;
  private config: RegistryConfig | undefined;
  private readonly downloads = new Set<Promise<unknown>>();
  /** Cache entries being written; `idle` waits for them. */
  private readonly writes = new Set<Promise<void>>();
  private downloadFailure: RegistryError | undefined;
  /** Index files asked for online that a cache (ours or cargo's) holds: what `--offline` would have. */
  private cachedCopies = 0;

  constructor(private readonly opts: SparseSourceOptions) {
    this.label = `sparse+${opts.url}`;
    this.files = new RegistryCrateFiles({
      label: this.label,
      cargoHome: opts.cargoHome ?? null,
      cargoFolder: cargoFolderOf(opts.url, opts.url === CRATES_IO_INDEX_URL),
      cache: opts.cache,
      ...(!opts.offline && opts.crateDownloads !== false && { download: (id: CrateId, what: string) => this.download(id, what) }),
    });
  }

  async getCrate(name: string, versions?: ReadonlySet<string>): Promise<CrateLookup | null> {
    try {
      if (!isValidCrateName(name)) throw new RegistryError(`\`${name}\` is not a valid crate name`, name);
      const loaded = await this.indexFile(name);
      if (!loaded) return null;
      return { versions: parseIndexFile(loaded.text, name, versions, this.what(name)), origin: loaded.origin };
    } catch (e) {
      this.opts.tracker.failed();
      // Errors raised below the source (HTTP) do not know the crate; the caller wants it.
      if (e instanceof NetworkError) {
        const error = e.forCrate(name);
        error.cache = { cached: this.cachedCopies, asked: this.indexFiles.size };
        throw error;
      }
      throw e instanceof RegistryError && e.crate === undefined ? new RegistryError(e.message, name) : e;
    }
  }

  /** Online only: offline, a read is local and quick, and a crate missing there is `getCrate`'s to report. */
  prefetch(name: string): void {
    if (!this.opts.offline && isValidCrateName(name)) this.indexFile(name).catch(() => undefined);
  }

  /** The crate's index file, read once per run however often it is asked for. */
  private indexFile(name: string): Promise<LoadedFile | null> {
    const rel = indexPath(name);
    let file = this.indexFiles.get(rel);
    if (!file) {
      file = this.settle(name, rel);
      this.indexFiles.set(rel, file);
    }
    return file;
  }

  /** Resolves once every fetch started so far has ended, well or not. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.indexFiles.values(), this.auth, ...this.downloads]);
    // The fetches above may have queued writes up to their end.
    await Promise.all([...this.writes]);
  }

  private what(name: string): string {
    return `index entry for \`${name}\` (${this.label})`;
  }

  /** `load`, counted for progress. */
  private async settle(name: string, rel: string): Promise<LoadedFile | null> {
    const { tracker } = this.opts;
    tracker.started();
    try {
      const file = await this.load(name, rel);
      tracker.settled(!file ? 'not-found' : file.origin === 'network' ? 'network' : 'cache');
      return file;
    } catch (e) {
      tracker.settled('failed');
      throw e;
    }
  }

  private async load(name: string, rel: string): Promise<LoadedFile | null> {
    const { http, tracker } = this.opts;
    const what = this.what(name);
    if (this.opts.offline) return this.loadOffline(name, rel);
    const config = this.authentication();
    // Awaited below; this only stops an early rejection from counting as unhandled.
    config.catch(() => undefined);
    const cached = this.readCached(rel);
    if (cached) this.cachedCopies++;
    // config.json decides whether the token goes along; without a token there is nothing to
    // decide, so the file is requested alongside, saving a round trip, but its verdict (not a
    // sparse index, authentication required) still comes before the crate's.
    const auth = this.opts.token ? await config : undefined;
    const res = await http.get({
      url: this.opts.url + rel,
      what,
      ...(cached?.etag !== undefined && { etag: cached.etag }),
      ...(cached?.lastModified !== undefined && { lastModified: cached.lastModified }),
      auth,
    });
    await config;
    switch (res.status) {
      case 200: {
        const text = decodeIndexFile(res.body, name, what);
        checkIndexFile(text, name, what);
        this.store(rel, { body: res.body, etag: res.etag, lastModified: res.lastModified });
        return { text, origin: 'network' };
      }
      case 304: {
        if (!cached) throw new RegistryError(`${what}: the server answered 304 Not Modified to a request without a validator`, name);
        tracker.notModified();
        // Cargo's entry, confirmed current, becomes ours: the next run needs no cargo cache.
        if (cached.fromCargo) this.store(rel, cached);
        return { text: decodeIndexFile(cached.body, name, what), origin: cached.fromCargo ? 'cargo-cache' : 'cache' };
      }
      case 404:
        return null;
      default:
        throw this.authError(what, res.status, auth !== undefined);
    }
  }

  private async loadOffline(name: string, rel: string): Promise<LoadedFile> {
    const what = this.what(name);
    const cached = this.readCached(rel);
    if (!cached) {
      this.opts.tracker.missingOffline({ name, source: this.label });
      throw new NotCachedError(`${what}: not in any local cache, and the network is off (offline mode)`, name);
    }
    return { text: decodeIndexFile(cached.body, name, what), origin: cached.fromCargo ? 'cargo-cache' : 'cache' };
  }

  /** Our cache entry, else cargo's. */
  private readCached(rel: string): Cached | undefined {
    const ours = this.opts.cache.read(rel);
    if (ours) return { ...ours, fromCargo: false };
    const cargo = this.opts.cargoCache?.read(rel);
    if (!cargo) return undefined;
    return {
      body: Buffer.from(cargo.text),
      ...(cargo.etag !== undefined && { etag: cargo.etag }),
      ...(cargo.lastModified !== undefined && { lastModified: cargo.lastModified }),
      fromCargo: true,
    };
  }

  /** Writes a cache entry off the main thread; a failure is counted, not fatal (the next run fetches again). */
  private store(rel: string, entry: { body: Buffer; etag?: string | undefined; lastModified?: string | undefined }): void {
    const write = this.opts.cache
      .writeSoon(rel, {
        body: entry.body,
        ...(entry.etag !== undefined && { etag: entry.etag }),
        ...(entry.lastModified !== undefined && { lastModified: entry.lastModified }),
      })
      .then((ok) => {
        if (!ok) this.opts.tracker.cacheWriteFailed();
      });
    this.writes.add(write);
    write.then(() => this.writes.delete(write));
  }

  /** Reads `config.json` once: whether requests must carry the token. */
  private authentication(): Promise<Auth> {
    this.auth ??= this.readConfig();
    return this.auth;
  }

  private async readConfig(): Promise<Auth> {
    const { http, cache, token } = this.opts;
    const what = `config.json of ${this.label}`;
    const origin = new URL(this.opts.url).origin;
    const withToken: Auth = token && { origin, token };
    const cached = cache.read('config.json');
    const get = (auth: Auth) =>
      http.get({
        url: `${this.opts.url}config.json`,
        what,
        urgent: true,
        ...(cached?.etag !== undefined && { etag: cached.etag }),
        ...(cached?.lastModified !== undefined && { lastModified: cached.lastModified }),
        auth,
      });
    // As cargo: ask without the token first, unless the cached config.json already said it is needed.
    let auth: Auth = cached && authRequired(cached.body) ? withToken : undefined;
    let res = await get(auth);
    if (res.status === 401 && !auth && withToken) {
      auth = withToken;
      res = await get(auth);
    }
    let body: Buffer;
    if (res.status === 200) {
      body = res.body;
    } else if (res.status === 304 && cached) {
      this.opts.tracker.notModified();
      body = cached.body;
    } else if (res.status === 404) {
      throw new RegistryError(`${this.label}: the registry has no config.json; is this the URL of a sparse index?`);
    } else {
      throw this.authError(what, res.status, auth !== undefined);
    }
    const required = authRequired(body);
    if (required === undefined) throw new RegistryError(`${what}: not a JSON object`);
    this.config = { authRequired: required, ...dlOf(body) };
    if (res.status === 200) this.store('config.json', res);
    if (!required) return auth;
    if (!withToken) {
      throw new RegistryError(`${this.label} requires authentication ("auth-required" in its config.json); ${this.opts.tokenHint}`);
    }
    return withToken;
  }

  /**
   * A crate's archive from the registry's `dl` URL. The token goes along only
   * when config.json says `auth-required` (cargo's rule), and only to the
   * origin of the `dl` URL: the HTTP client drops it on a redirect elsewhere.
   */
  private async download(id: CrateId, what: string): Promise<Buffer | null> {
    // Once the download host failed past its retries, the other archives of the run are not tried.
    if (this.downloadFailure) throw this.downloadFailure;
    const run = (async () => {
      const auth = await this.authentication();
      const config = this.config!;
      if (config.dl === undefined) throw new RegistryError(`config.json of ${this.label} has no \`dl\`: archives cannot be downloaded`);
      const url = downloadUrl(config.dl, id.name, id.version, id.checksums[0]);
      const res = await this.opts.http.get({
        url,
        what,
        archive: { maxBytes: ARCHIVE_LIMITS.compressed },
        auth: config.authRequired && auth ? { origin: new URL(url).origin, token: auth.token } : undefined,
      });
      if (res.status === 200) {
        this.opts.tracker.archive();
        return res.body;
      }
      if (res.status === 404) return null;
      if (res.status === 304) throw new RegistryError(`${what}: the server answered 304 Not Modified to a request without a validator`);
      throw this.authError(what, res.status, config.authRequired && auth !== undefined);
    })();
    this.downloads.add(run);
    try {
      return await run;
    } catch (e) {
      if (e instanceof RegistryError) this.downloadFailure ??= e;
      throw e;
    } finally {
      this.downloads.delete(run);
    }
  }

  private authError(what: string, status: number, sentToken: boolean): RegistryError {
    const why = sentToken ? `the registry refused the token (HTTP ${status}); check it (${this.opts.tokenHint})` : `the registry requires authentication (HTTP ${status}); ${this.opts.tokenHint}`;
    return new RegistryError(`${what}: ${why}`);
  }
}

/** `dl` of a config.json, when a string. */
function dlOf(body: Buffer): { dl?: string } {
  try {
    const dl = (JSON.parse(body.toString('utf8')) as Record<string, unknown>).dl;
    return typeof dl === 'string' && dl ? { dl } : {};
  } catch {
    return {};
  }
}

/**
 * A crate's download URL as cargo makes it from `dl`: the markers `{crate}`,
 * `{version}`, `{prefix}`, `{lowerprefix}` and `{sha256-checksum}` replaced,
 * or `/{crate}/{version}/download` appended when it has none.
 */
export function downloadUrl(dl: string, name: string, version: string, checksum = ''): string {
  const markers = ['{crate}', '{version}', '{prefix}', '{lowerprefix}', '{sha256-checksum}'];
  if (!markers.some((m) => dl.includes(m))) return `${dl}/${name}/${version}/download`;
  const prefix = name.length <= 2 ? String(name.length) : name.length === 3 ? `3/${name[0]}` : `${name.slice(0, 2)}/${name.slice(2, 4)}`;
  return dl.replaceAll('{crate}', name).replaceAll('{version}', version).replaceAll('{prefix}', prefix).replaceAll('{lowerprefix}', prefix.toLowerCase()).replaceAll('{sha256-checksum}', checksum);
}

/** `auth-required` of a config.json; undefined when the file is not a JSON object. */
function authRequired(body: Buffer): boolean | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  return (json as Record<string, unknown>)['auth-required'] === true;
}
