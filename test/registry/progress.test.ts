import { describe, expect, it } from 'vitest';
import { progressLine } from '../../cli/progress.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import { CRATES_IO, project, server } from './setup.js';

/** A stand-in for process.stderr that records what is written. */
function terminal(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

const at = (p: Partial<FetchProgress>): FetchProgress => ({
  total: 10,
  done: 3,
  cacheHits: 2,
  failures: 0,
  requests: 4,
  finished: false,
  ...p,
});

describe('progressLine', () => {
  it('draws one line, throttled, and erases it when all is done', () => {
    const { stream, writes } = terminal(true);
    const draw = progressLine(stream, { intervalMs: 60_000 })!;
    draw(at({}));
    draw(at({ done: 4 })); // within the interval: skipped
    expect(writes).toEqual(['\r\x1b[K    Fetching index 3/10 crates, 2 from cache']);
    draw(at({ done: 10 }));
    expect(writes.at(-1)).toBe('\r\x1b[K');
    draw(at({ done: 10, finished: true })); // nothing left to erase
    expect(writes).toHaveLength(2);
  });

  it('shows failures and fits the terminal width', () => {
    const { stream, writes } = terminal(true, 40);
    const wide = terminal(true);
    progressLine(wide.stream)!(at({ failures: 2 }));
    expect(wide.writes).toEqual(['\r\x1b[K    Fetching index 3/10 crates, 2 from cache, 2 failed']);
    const draw = progressLine(stream, { intervalMs: 0 })!;
    draw(at({ failures: 2 }));
    draw(at({ total: 1000, done: 999 }));
    expect(writes).toEqual(['\r\x1b[K    Fetching index 3/10 crates, 2 from ', '\r\x1b[K    Fetching index 999/1000 crates, 2 f']);
  });

  it('stays silent with --quiet', () => {
    expect(progressLine(terminal(false).stream, { quiet: true })).toBeUndefined();
    expect(progressLine(terminal(true).stream, { quiet: true })).toBeUndefined();
  });

  it('away from a terminal, prints nothing while fetching goes on, and a plain line when it stalls', async () => {
    const { stream, writes } = terminal(false);
    const draw = progressLine(stream, { stalledMs: 40 })!;
    draw(at({ total: 166, done: 126, waitingOn: ['index.crates.io'] }));
    await new Promise((ok) => setTimeout(ok, 150));
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(writes)).toEqual(new Set(['waiting for index.crates.io: 126/166 crates\n']));
    // Progress, then the end: no more lines, no control characters.
    draw(at({ total: 166, done: 166 }));
    const count = writes.length;
    await new Promise((ok) => setTimeout(ok, 120));
    expect(writes).toHaveLength(count);
    draw(at({ total: 166, done: 166, finished: true }));
    expect(writes.join('')).not.toMatch(/\x1b|\r/);
  });

  it('is fed by a run: done reaches total, then finished', async () => {
    const srv = await server();
    const seen: FetchProgress[] = [];
    const set = project().open({ index: srv.url, progress: (p) => seen.push(p) });
    const source = set.sourceFor(CRATES_IO)!;
    await Promise.allSettled(['serde', 'libc', 'nope', 'cc'].map((n) => source.getCrate(n)));
    await set.close();
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ total: 4, done: 4, failures: 0, requests: 5, finished: true });
    expect(seen.filter((p) => p.finished)).toHaveLength(1);
    expect(seen.every((p, i) => i === 0 || p.done >= seen[i - 1]!.done)).toBe(true);
  });
});
