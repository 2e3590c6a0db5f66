/**
 * Crate metadata sources for one run: the lockfile names a source for every
 * package, and `openSourceSet` turns each into something that can be read,
 * applying cargo's source replacement and `--index`, sharing one HTTP client,
 * one cache and one set of counters.
 *
 * Source selection (select.ts), the fetch counters (progress.ts) and the
 * vendor directory source (vendor.ts) live here too, re-exported there: a
 * vendored run needs all of them, and one module loads faster than four.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fullTomlParser, type CargoConfig, type ConfigValue } from '../config/cargo-config.js';
import { UserError, type SourceLocation } from '../errors.js';
import { readVendoredText } from '../io/text-file.js';
import { indexFields, isProcMacro, ManifestShapeError, readAllDeps, readFeatures } from '../manifest/deps.js';
import { holdsDate, parseTomlFully } from '../manifest/positions.js';
import { forbiddenControl } from '../manifest/simple-toml.js';
import { publishedManifestDoc } from '../manifest/published.js';
import type { NetworkPolicy } from './http.js';
import { openRemote, type Remote } from './remote.js';
import { canonicalSparseUrl, CRATES_IO_INDEX_URL, gitSourceId, parseIndexValue, parseLockSource, registryEnvName, sourceKey, type SourceId } from './source-id.js';
import type { CrateLookup, CrateSource, IndexDep, IndexVersion } from './types.js';

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
  throw new UserError(
    `cargo-preflight.crate-downloads must be true or false, not \`${String(v)}\``,
    config.where(found, ['cargo-preflight', 'crate-downloads']) ?? { path: found.definedIn },
  );
}

/** Lines for `--verbose`: every host contacted, with the requests and bytes of index files and of archives. */
export function hostLines(stats: FetchStats): string[] {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return stats.hosts.map(
    (h) =>
      `       Hosts ${h.host}: index ${h.indexRequests} request${h.indexRequests === 1 ? '' : 's'}, ${kib(h.indexBytes)}; ` +
      `archives ${h.archiveRequests} request${h.archiveRequests === 1 ? '' : 's'}, ${kib(h.archiveBytes)}`,
  );
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

// ---- Source selection: replacement and --index (select.ts) ----

/**
 * Which source to read for a lockfile source: cargo's source replacement
 * (`[source.NAME] replace-with = ...`, followed through chains) and the
 * `--index` override of crates.io. Registries named in `[registries]` can be
 * replacement targets too, and give index URLs their names (for tokens).
 * https://doc.rust-lang.org/cargo/reference/source-replacement.html
 */

export interface NamedRegistry {
  name: string;
  id: SourceId;
}

export class SourceSelector {
  private registriesCache: NamedRegistry[] | undefined;

  constructor(
    private readonly config: CargoConfig,
    private readonly env: NodeJS.ProcessEnv,
    /** `--index`: replaces crates.io, wherever crates.io is asked for. */
    private readonly indexOverride?: SourceId,
  ) {}

  /** The source to read for `id` once replacement is applied. */
  resolve(id: SourceId): SourceId {
    if (id.kind === 'crates-io' && this.indexOverride) return this.indexOverride;
    const start = this.sourceNamed(id);
    if (start === undefined) return id;
    const chain = [start];
    let current: SourceId = id;
    for (let name = start; ; ) {
      const replacement = this.config.getString(['source', name, 'replace-with']);
      if (!replacement) return current;
      const next = replacement.value;
      if (chain.includes(next)) {
        throw new UserError(
          `source replacement forms a cycle: ${[...chain, next].join(' -> ')}`,
          this.config.where(replacement, ['source', name, 'replace-with']) ?? { path: replacement.definedIn },
        );
      }
      chain.push(next);
      if (this.config.tableKeys(['source']).includes(next)) {
        name = next;
        current = this.definition(next) ?? this.undefinedSource(next, replacement, name);
        if (current.kind === 'crates-io' && this.indexOverride) return this.indexOverride;
        continue;
      }
      const registry = this.registries().find((r) => r.name === next);
      if (registry) return registry.id;
      if (next === 'crates-io') return this.indexOverride ?? { kind: 'crates-io' };
      return this.undefinedSource(next, replacement, name);
    }
  }

  /**
   * cargo's own replacement chain for `id`, from `id` itself to the source
   * read (`--index` left aside: this is what cargo builds from).
   */
  chain(id: SourceId): SourceId[] {
    const out: SourceId[] = [id];
    const start = this.sourceNamed(id);
    if (start === undefined) return out;
    const names = [start];
    for (let name = start; ; ) {
      const replacement = this.config.getString(['source', name, 'replace-with']);
      if (!replacement) return out;
      const next = replacement.value;
      if (names.includes(next)) return out;
      names.push(next);
      if (this.config.tableKeys(['source']).includes(next)) {
        const def = this.definition(next);
        if (!def) return out;
        out.push(def);
        name = next;
        continue;
      }
      const registry = this.registries().find((r) => r.name === next);
      if (registry) out.push(registry.id);
      else if (next === 'crates-io') out.push({ kind: 'crates-io' });
      return out;
    }
  }

  /** The registry a vendored chain replaces: `--index` when given, else the last registry of the chain before the vendored source. */
  upstreamOf(chain: SourceId[]): SourceId | undefined {
    if (this.indexOverride) return this.indexOverride;
    for (let i = chain.length - 2; i >= 0; i--) {
      const k = chain[i]!.kind;
      if (k === 'crates-io' || k === 'sparse' || k === 'index-dir') return chain[i];
    }
    return undefined;
  }

  /** `[registries.NAME] index` (or `CARGO_REGISTRIES_NAME_INDEX`) for every registry the configuration names. */
  registries(): NamedRegistry[] {
    if (!this.registriesCache) {
      const out: NamedRegistry[] = [];
      for (const name of this.config.tableKeys(['registries'])) {
        const index = this.config.getWithEnv(['registries', name, 'index'], registryEnvName(name, 'INDEX'), this.env)?.value;
        if (typeof index === 'string' && index) out.push({ name, id: parseIndexValue(index) });
      }
      // Registries defined only through the environment: the name is what the variable spells.
      for (const [key, value] of Object.entries(this.env)) {
        const m = /^CARGO_REGISTRIES_(.+)_INDEX$/.exec(key);
        if (!m || !value || out.some((r) => registryEnvName(r.name, 'INDEX') === key)) continue;
        out.push({ name: m[1]!.toLowerCase(), id: parseIndexValue(value) });
      }
      this.registriesCache = out;
    }
    return this.registriesCache;
  }

  /** The `[source.NAME]` that defines `id`, if any. crates.io is `crates-io` even without a definition. */
  private sourceNamed(id: SourceId): string | undefined {
    const key = sourceKey(id);
    const names = this.config.tableKeys(['source']);
    if (id.kind === 'crates-io' && names.includes('crates-io')) return 'crates-io';
    return names.find((n) => {
      const def = this.definition(n);
      return def !== undefined && sourceKey(def) === key;
    });
  }

  /** What `[source.NAME]` points at: `registry`, `directory`, `local-registry` or `git` (+ `branch`/`tag`/`rev`). */
  private definition(name: string): SourceId | undefined {
    const get = (key: string): ConfigValue<string> | undefined => this.config.getString(['source', name, key]);
    const registry = get('registry');
    if (registry) return parseIndexValue(registry.value);
    const directory = get('directory');
    if (directory) return { kind: 'directory', path: resolve(directory.baseDir, directory.value), definedAt: this.config.where(directory, ['source', name, 'directory']) };
    const local = get('local-registry');
    if (local) return { kind: 'local-registry', path: resolve(local.baseDir, local.value) };
    const git = get('git');
    if (git) {
      let reference = '';
      for (const key of ['branch', 'tag', 'rev']) {
        const v = get(key);
        if (v) reference = `${key}=${v.value}`;
      }
      return gitSourceId(git.value, reference);
    }
    return name === 'crates-io' ? { kind: 'crates-io' } : undefined;
  }

  /** `[source.FROM] replace-with = "NAME"` where NAME is no source: an error at the key. */
  private undefinedSource(name: string, at: ConfigValue<string>, from: string): never {
    throw new UserError(
      `\`replace-with = "${name}"\` names a source that is defined neither in [source] (with registry, directory, local-registry or git) nor in [registries]`,
      this.config.where(at, ['source', from, 'replace-with']) ?? { path: at.definedIn },
    );
  }
}

// ---- Fetch counters and the progress line (progress.ts) ----

/**
 * Counters of index fetching, for the progress line, the report and the bench.
 * One tracker is shared by every source of a run.
 */

/** Snapshot handed to a progress callback after every change. */
export interface FetchProgress {
  /** Index files asked for so far (one per crate name). */
  total: number;
  /** Index files settled: fetched, served from a cache, not found, or failed. */
  done: number;
  /** Files served from a cache (offline, or after a 304 Not Modified). */
  cacheHits: number;
  /** Lookups that failed. */
  failures: number;
  /** HTTP requests sent (retries and redirects included). */
  requests: number;
  /** True once, when the source set is closed. */
  finished: boolean;
  /** The hosts that requests are waiting on (sent, not yet answered), in the order first contacted. */
  waitingOn?: string[];
}

/** A crate whose index data was needed but could not be had offline. */
export interface MissingCrate {
  name: string;
  /** Label of the source, e.g. `sparse+https://index.crates.io/`. */
  source: string;
}

export interface FetchStats {
  /** HTTP requests sent, retries, redirects and `config.json` included. */
  requests: number;
  /** Response body bytes received, as sent on the wire (compressed). */
  bytes: number;
  /** Index files served from a cache: offline, or revalidated by a 304. */
  cacheHits: number;
  /** 304 Not Modified responses. */
  notModified: number;
  /** Requests retried after a network error, a 5xx or a 429. */
  retries: number;
  /** Lookups that failed: network failure after retries, rejected data, missing offline. */
  failures: number;
  /** Cache entries that could not be written (the run goes on; the next one refetches). */
  cacheWriteFailures: number;
  /** Crates needed while offline that no cache holds. */
  missingOffline: MissingCrate[];
  /** Crate archives downloaded (for their manifests), and their bytes. */
  archives: number;
  archiveBytes: number;
  /** Per host contacted: requests and bytes, index files and archives apart. */
  hosts: HostStats[];
}

export interface HostStats {
  host: string;
  indexRequests: number;
  indexBytes: number;
  archiveRequests: number;
  archiveBytes: number;
}

export type Outcome = 'network' | 'cache' | 'not-found' | 'failed';

export class FetchTracker {
  private total = 0;
  private done = 0;
  private readonly counts: Omit<FetchStats, 'missingOffline' | 'hosts'> = {
    requests: 0,
    bytes: 0,
    cacheHits: 0,
    notModified: 0,
    retries: 0,
    failures: 0,
    cacheWriteFailures: 0,
    archives: 0,
    archiveBytes: 0,
  };
  private readonly missing: MissingCrate[] = [];
  private readonly hosts = new Map<string, HostStats>();
  /** Requests in flight, by host. */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly onProgress?: (p: FetchProgress) => void) {}

  started(): void {
    this.total++;
    this.emit(false);
  }

  settled(outcome: Outcome): void {
    this.done++;
    if (outcome === 'cache') this.counts.cacheHits++;
    this.emit(false);
  }

  /** A lookup threw (its file failed to load, or its lines were rejected). */
  failed(): void {
    this.counts.failures++;
    this.emit(false);
  }

  request(host?: string, archive = false): void {
    this.counts.requests++;
    if (host !== undefined) {
      this.inFlight.set(host, (this.inFlight.get(host) ?? 0) + 1);
      const h = this.host(host);
      if (archive) h.archiveRequests++;
      else h.indexRequests++;
    }
    this.emit(false);
  }

  /** A request to `host` was answered, or failed. */
  requestEnded(host: string): void {
    const n = (this.inFlight.get(host) ?? 1) - 1;
    if (n > 0) this.inFlight.set(host, n);
    else this.inFlight.delete(host);
  }

  bytes(n: number, host?: string, archive = false): void {
    this.counts.bytes += n;
    if (archive) this.counts.archiveBytes += n;
    if (host === undefined) return;
    const h = this.host(host);
    if (archive) h.archiveBytes += n;
    else h.indexBytes += n;
  }

  /** An archive was downloaded and read. */
  archive(): void {
    this.counts.archives++;
  }

  private host(host: string): HostStats {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { host, indexRequests: 0, indexBytes: 0, archiveRequests: 0, archiveBytes: 0 }));
    return h;
  }

  retry(): void {
    this.counts.retries++;
  }

  notModified(): void {
    this.counts.notModified++;
  }

  cacheWriteFailed(): void {
    this.counts.cacheWriteFailures++;
  }

  missingOffline(crate: MissingCrate): void {
    this.missing.push(crate);
  }

  stats(): FetchStats {
    return { ...this.counts, missingOffline: [...this.missing], hosts: [...this.hosts.values()].map((h) => ({ ...h })) };
  }

  finish(): void {
    this.emit(true);
  }

  private emit(finished: boolean): void {
    this.onProgress?.({
      total: this.total,
      done: this.done,
      cacheHits: this.counts.cacheHits,
      failures: this.counts.failures,
      requests: this.counts.requests,
      finished,
      waitingOn: [...this.inFlight.keys()],
    });
  }
}

export interface ProgressLineOptions {
  quiet?: boolean;
  /** Minimum time between two redraws. */
  intervalMs?: number;
  /** Away from a terminal: after this long without progress, a `waiting for HOST: 126/166 crates` line (default 5 s), and again after as long. */
  stalledMs?: number;
}

/** What the progress line needs of a stream: process.stderr, or a command's own. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A progress callback. On a terminal, one line (`Fetching index 120/431
 * crates, 97 from cache`), erased when everything asked for is done. Away
 * from one (CI logs, pipes), nothing while fetching goes on, and a plain
 * line every `stalledMs` without progress (`waiting for index.crates.io:
 * 126/166 crates`), so that a stalled server is seen in a log: no control
 * characters there. Undefined with `quiet`.
 */
export function progressLine(
  stream: ProgressStream = process.stderr,
  opts: ProgressLineOptions = {},
): ((p: FetchProgress) => void) | undefined {
  if (opts.quiet) return undefined;
  if (!stream.isTTY) return stallLine(stream, opts.stalledMs ?? 5_000);
  const interval = opts.intervalMs ?? 80;
  let lastDraw = 0;
  let shown = false;
  return (p) => {
    if (p.finished || p.done === p.total) {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (now - lastDraw < interval) return;
    lastDraw = now;
    let text = `    Fetching index ${p.done}/${p.total} crates, ${p.cacheHits} from cache`;
    if (p.failures) text += `, ${p.failures} failed`;
    // A pseudo-terminal without a size (e.g. under `script`) says 0 columns.
    const width = stream.columns || 80;
    stream.write(`\r\x1b[K${text.slice(0, Math.max(0, width - 1))}`);
    shown = true;
  };
}

/** The line of a fetch without progress for `stalledMs`, away from a terminal: `waiting for HOST: 126/166 crates`. */
export function waitingLine(p: FetchProgress): string {
  const hosts = p.waitingOn?.length ? p.waitingOn.join(', ') : 'the registry';
  return `waiting for ${hosts}: ${p.done}/${p.total} crates`;
}

function stallLine(stream: ProgressStream, stalledMs: number): (p: FetchProgress) => void {
  let last: FetchProgress | undefined;
  let since = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return (p) => {
    if (p.finished) return stop();
    if (!last || p.done !== last.done || p.total !== last.total) since = Date.now();
    last = p;
    if (p.done === p.total) return stop();
    // A timer while something is asked for and not in: it never keeps the process alive.
    timer ??= setInterval(
      () => {
        if (!last || Date.now() - since < stalledMs) return;
        stream.write(`${waitingLine(last)}\n`);
        since = Date.now();
      },
      Math.min(1_000, stalledMs),
    ).unref();
  };
}

// ---- The vendor directory source (vendor.ts) ----

/**
 * A `cargo vendor` directory as a crate source: every sub-directory holds one
 * crate (`name` or `name-version`) with its published, normalized Cargo.toml.
 * The manifest carries everything the index would (dependencies, features,
 * links) and one thing it does not: whether the crate is a proc-macro.
 */
export class DirectorySource implements CrateSource {
  readonly label: string;
  private entries: Set<string> | undefined;
  private readonly cache = new Map<string, IndexVersion | null>();
  /** The manifests read, by folder: the build-script reader wants them again. */
  private readonly texts = new Map<string, string>();

  constructor(
    readonly dir: string,
    /** Where the configuration names the directory: a folder that cannot be read is an error there. */
    private readonly definedAt?: SourceLocation,
  ) {
    this.label = `directory source \`${dir}\``;
  }

  private listing(): Set<string> {
    if (!this.entries) {
      try {
        this.entries = new Set(readdirSync(this.dir));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
        if (this.definedAt) throw new UserError(`cannot read the vendored sources in \`${this.dir}\`: ${why}`, this.definedAt);
        throw new UserError(`cannot read vendored sources: ${why}`, { path: this.dir });
      }
    }
    return this.entries;
  }

  async getCrate(name: string, versions?: ReadonlySet<string>): Promise<CrateLookup | null> {
    return this.getCrateSync(name, versions);
  }

  /** Synchronous lookup: a vendor directory is local, so no need to yield. */
  getCrateSync(name: string, versions?: ReadonlySet<string>): CrateLookup | null {
    const found: IndexVersion[] = [];
    const dirs = new Set<string>();
    if (versions) for (const v of versions) dirs.add(`${name}-${v}`);
    dirs.add(name);
    const listed = this.listing();
    let all = false;
    // Without a version list (or when a wanted version is not where cargo vendor
    // puts it), scan every `name-*` directory.
    if (!versions || [...versions].some((v) => !listed.has(`${name}-${v}`) && !listed.has(name))) all = true;
    if (all) {
      const prefix = `${name}-`;
      for (const e of listed) if (e.startsWith(prefix) && /^\d/.test(e.slice(prefix.length))) dirs.add(e);
    }
    for (const d of dirs) {
      if (!listed.has(d)) continue;
      const v = this.readCrateDir(d);
      if (v && v.name === name && !found.some((f) => f.vers === v.vers)) found.push(v);
    }
    return found.length ? { versions: found, origin: 'vendor' } : null;
  }

  /** The folder of a vendored crate's version and its manifest's text, or null when it is not vendored. */
  crateFolder(name: string, version: string): { dir: string; manifest: string } | null {
    const dir = this.crateDir(name, version);
    const text = dir === null ? undefined : this.texts.get(dir.slice(this.dir.length + 1));
    return dir === null || text === undefined ? null : { dir, manifest: text };
  }

  /** The folder of a vendored crate's version (`name-version` or `name`), or null when it is not vendored. */
  crateDir(name: string, version: string): string | null {
    const at = (d: string) => {
      if (!this.listing().has(d)) return false;
      const v = this.readCrateDir(d);
      return v !== null && v.name === name && v.vers === version;
    };
    for (const d of [`${name}-${version}`, name]) if (at(d)) return join(this.dir, d);
    const prefix = `${name}-`;
    for (const d of this.listing()) if (d.startsWith(prefix) && at(d)) return join(this.dir, d);
    return null;
  }

  private readCrateDir(d: string): IndexVersion | null {
    const cached = this.cache.get(d);
    if (cached !== undefined) return cached;
    const path = join(this.dir, d, 'Cargo.toml');
    let text: string;
    try {
      text = readVendoredText(path);
    } catch (e) {
      if (e instanceof UserError) throw e;
      this.cache.set(d, null);
      return null;
    }
    const v = publishedManifestToIndex(text, path);
    this.cache.set(d, v);
    this.texts.set(d, text);
    return v;
  }
}

const DROPPED_SECTION = /^\[\[|^\[\s*(?:package\s*\.\s*metadata|badges|profile|lints|workspace|patch|replace|(?:target\s*\.\s*(?:"[^"]*"|'[^']*'|[^.\]]+)\s*\.\s*)?dev[-_]dependencies)\b/;

/**
 * Drops the sections of a published manifest that never matter here (targets
 * like `[[example]]`, metadata, dev-dependencies): most of a vendored
 * Cargo.toml, and most of the time spent parsing it. Headers are always at the
 * start of a line in a normalized manifest; a file with multi-line strings,
 * where a line may start with `[` inside a string, is left whole.
 */
export function relevantSections(text: string): string {
  if (text.includes('"""') || text.includes("'''")) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let keep = true;
  for (const line of lines) {
    if (line.startsWith('[')) keep = !DROPPED_SECTION.test(line);
    if (keep) out.push(line);
  }
  return out.join('\n');
}

/**
 * A published manifest the fast reader declines, by the full parser. An error
 * is reported as cargo would, at its place in the file: the sections dropped
 * before parsing shift the lines, so the whole file is parsed for the place.
 */
function parseWhole(text: string, path: string): Record<string, unknown> {
  const { parse, TomlError } = fullTomlParser();
  // The whole text: what the fast reader declined is read strictly, sections it would skip included.
  try {
    const data = parse(text) as Record<string, unknown>;
    // An impossible date smol-toml takes is refused, at its place, by the parser that checks dates.
    if (holdsDate(data)) parseTomlFully(text, path);
    return data;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const detail = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new UserError(`invalid TOML: ${detail}`, { path, line: e.line, column: e.column });
  }
}

/** A published (normalized) Cargo.toml as an index record. */
export function publishedManifestToIndex(text: string, path: string): IndexVersion {
  const control = forbiddenControl(text);
  if (control) throw new UserError(`invalid TOML: ${control.message}`, { path, line: control.line, column: control.column });
  const doc = publishedManifestDoc(text) ?? parseWhole(text, path);
  const pkg = doc.package as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new UserError('vendored manifest has no `[package]` name and version', { path, ...locate(text, path, ['package']) });
  }
  try {
    const deps: IndexDep[] = readAllDeps(doc).map(indexFields);
    return {
      name: pkg.name,
      vers: pkg.version,
      deps,
      features: readFeatures(doc),
      links: typeof pkg.links === 'string' ? pkg.links : null,
      yanked: false,
      rust_version: typeof pkg['rust-version'] === 'string' ? (pkg['rust-version'] as string) : null,
      proc_macro: isProcMacro(doc),
    };
  } catch (e) {
    if (e instanceof ManifestShapeError) throw new UserError(`${e.message} (at \`${e.keyPath.join('.')}\`)`, { path, ...locate(text, path, e.keyPath) });
    throw e;
  }
}

/**
 * Where a key of a vendored manifest is, for an error: the fast reader keeps
 * no positions, so the text is parsed again with them, only then (line 1 when
 * even that cannot say).
 */
function locate(text: string, path: string, keyPath: string[]): { line: number; column: number } {
  try {
    return parseTomlFully(text, path).positions.find(keyPath) ?? { line: 1, column: 1 };
  } catch {
    return { line: 1, column: 1 };
  }
}
