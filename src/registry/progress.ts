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
}

export type Outcome = 'network' | 'cache' | 'not-found' | 'failed';

export class FetchTracker {
  private total = 0;
  private done = 0;
  private readonly counts: Omit<FetchStats, 'missingOffline'> = {
    requests: 0,
    bytes: 0,
    cacheHits: 0,
    notModified: 0,
    retries: 0,
    failures: 0,
    cacheWriteFailures: 0,
  };
  private readonly missing: MissingCrate[] = [];

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

  request(): void {
    this.counts.requests++;
    this.emit(false);
  }

  bytes(n: number): void {
    this.counts.bytes += n;
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
    return { ...this.counts, missingOffline: [...this.missing] };
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
    });
  }
}

export interface ProgressLineOptions {
  quiet?: boolean;
  /** Minimum time between two redraws. */
  intervalMs?: number;
}

/**
 * A progress callback drawing one line on a terminal (`Fetching index 120/431
 * crates, 97 from cache`), erased when everything asked for is done. Returns
 * undefined with `quiet` or when the stream is not a TTY, so that logs and
 * pipes never see control characters.
 */
/** What the progress line needs of a stream: process.stderr, or a command's own. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function progressLine(
  stream: ProgressStream = process.stderr,
  opts: ProgressLineOptions = {},
): ((p: FetchProgress) => void) | undefined {
  if (opts.quiet || !stream.isTTY) return undefined;
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
