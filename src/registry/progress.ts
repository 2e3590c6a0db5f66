/**
 * Counters of index fetching, for the report and the bench, and progress as
 * data: a callback receives a snapshot of the counts after every change (the
 * CLI draws its progress line from them). One tracker is shared by every
 * source of a run.
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
