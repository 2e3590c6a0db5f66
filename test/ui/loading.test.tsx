/**
 * The loading view while the index is fetched: the example's crates served
 * by the test sparse-index server on 127.0.0.1 (with latency so that the
 * screen shows intermediate states), first with an empty cache, then with
 * the cache revalidated.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { IndexServer } from '../../testkit/index-server.js';
import { main } from '../../cli/main.js';
import { REPO, captured, openScreen, type Screen } from './helpers.js';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

let work: string;
let server: IndexServer;
let crates: number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cargo-preflight-ui-loading-'));
  crates = new Set(indexFromVendor(join(REPO, 'example', 'vendor'), join(work, 'index')).map((c) => c.name)).size;
  server = await IndexServer.start({ root: join(work, 'index'), latencyMs: 25 });
});

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The example without its vendor configuration: every crate's metadata comes from the server. */
function project(): string {
  const dir = mkdtempSync(join(work, 'project-'));
  for (const f of ['Cargo.toml', 'Cargo.lock', 'src']) cpSync(join(REPO, 'example', f), join(dir, f), { recursive: true });
  writeFileSync(join(dir, 'cargo-preflight.toml'), '[severity]\ncross-environment = "off"\n');
  mkdirSync(join(dir, '.cargo-home'));
  return dir;
}

/** Every `done/total crates, hits from cache` the screen showed. */
function progressShown(s: Screen): { done: number; total: number; hits: number }[] {
  const out: { done: number; total: number; hits: number }[] = [];
  for (const f of s.stdout.frames) {
    const m = /Fetching index (\d+)\/(\d+) crates, (\d+) from cache/.exec(plain(f));
    if (m) out.push({ done: Number(m[1]), total: Number(m[2]), hits: Number(m[3]) });
  }
  return out;
}

describe('loading view', () => {
  it('shows index fetching done/total and cache hits, then the findings', async () => {
    const dir = project();
    const cache = join(work, 'cache');
    const argv = ['--index', server.url, '--cache-dir', cache, '-j', '8'];

    const first = openScreen(dir, argv);
    let shown: ReturnType<typeof progressShown> = [];
    try {
      await first.waitFor((f) => plain(f).includes('errors (2)'), 'the findings after fetching');
      shown = progressShown(first);
      expect(shown.length).toBeGreaterThan(0);
      // Intermediate states: fewer done than asked for, nothing from the (empty) cache.
      expect(shown.some((p) => p.done < p.total)).toBe(true);
      expect(shown.every((p) => p.hits === 0)).toBe(true);
      expect(Math.max(...shown.map((p) => p.total))).toBeLessThanOrEqual(crates);
      const bar = first.stdout.frames.map(plain).find((f) => /Fetching index/.test(f))!;
      expect(bar).toMatch(/\[#*\.*\]/);
      expect(bar).toContain('cargo-preflight: checking');
      // Once every file is in, resolution runs.
      const total = shown.at(-1)!.total;
      expect(
        first.stdout.frames.map(plain).some((f) => f.includes(`Fetching index ${total}/${total} crates`) && f.includes('Resolving features and cfg: 0/1 target done, now x86_64-unknown-linux-musl')),
      ).toBe(true);
    } finally {
      first.unmount();
    }

    // From the command line at a terminal, the check starts while ink loads; the screen picks up its progress.
    const c = captured(dir, true);
    const exit = main([...argv, '--cache-dir', join(work, 'cache-cli')], c.ctx);
    const end = Date.now() + 20_000;
    while (!plain(c.out()).includes('errors (2)')) {
      if (Date.now() > end) throw new Error(`no findings on the screen: ${plain(c.out()).slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(plain(c.out())).toMatch(new RegExp(`Fetching index \\d+/${shown.at(-1)?.total ?? crates} crates, 0 from cache`));
    (c.ctx.stdin as unknown as NodeJS.WritableStream).write('q');
    expect(await exit).toBe(1);

    // Again on the same cache: the files are revalidated (304) and counted as cache hits.
    const second = openScreen(dir, argv);
    try {
      await second.waitFor((f) => plain(f).includes('errors (2)'), 'the findings after revalidating');
      const again = progressShown(second);
      expect(again.some((p) => p.hits > 0)).toBe(true);
      expect(again.every((p) => p.hits <= p.done)).toBe(true);
    } finally {
      second.unmount();
    }
  });
});
