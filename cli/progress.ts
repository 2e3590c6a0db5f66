/**
 * What the user sees of index fetching: the progress line on a terminal, the
 * `waiting for …` line of a stalled fetch away from one, and the hosts
 * contacted (`--verbose`), drawn from the counts the registry reports.
 */
import type { FetchProgress, FetchStats } from '../src/registry/progress.js';

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
export function progressLine(stream: ProgressStream = process.stderr, opts: ProgressLineOptions = {}): ((p: FetchProgress) => void) | undefined {
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

/** Lines for `--verbose`: every host contacted, with the requests and bytes of index files and of archives. */
export function hostLines(stats: FetchStats): string[] {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return stats.hosts.map(
    (h) =>
      `       Hosts ${h.host}: index ${h.indexRequests} request${h.indexRequests === 1 ? '' : 's'}, ${kib(h.indexBytes)}; ` +
      `archives ${h.archiveRequests} request${h.archiveRequests === 1 ? '' : 's'}, ${kib(h.archiveBytes)}`,
  );
}
