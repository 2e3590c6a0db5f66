/**
 * Registry client speed: a loopback index server adding 50 ms to every
 * request, 420 distinct crates, every crate asked for at once (as the
 * resolver does with a lockfile). Three runs over one cache folder:
 *
 *   cold     empty cache, everything fetched      target ≤ 1.5 s
 *   warm     unchanged index, every answer a 304  target ≤ 1.0 s
 *   offline  from the cache, no request           target ≤ 0.3 s
 *
 * The server runs in a worker thread, with its files read and gzipped before
 * the first run (as a CDN serves from a warm cache), so that its work does
 * not take turns with the client's on one event loop. Times include loading
 * the HTTP modules (on the first request) and closing the source set; bytes are the
 * compressed bytes received.
 *
 * Run after `npm run build`: node dist/bench/registry-bench.js [crates] [latency-ms]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CargoConfig } from '../src/config/cargo-config.js';
import { openSourceSet } from '../src/registry/index.js';
import { generateIndex, type GeneratedCrate } from '../testkit/registry-gen.js';
import { IndexServer } from '../testkit/index-server.js';

const CRATES = Number(process.argv[2] ?? 420);
const LATENCY_MS = Number(process.argv[3] ?? 50);
const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

interface Row {
  run: string;
  ms: number;
  target: number;
  requests: number;
  bytes: number;
  notModified: number;
  cacheHits: number;
}

async function run(name: string, target: number, crates: GeneratedCrate[], opts: { dir: string; index: string; offline: boolean }): Promise<Row> {
  const env = { HOME: opts.dir, CARGO_HOME: join(opts.dir, 'cargo-home') };
  const config = CargoConfig.load(opts.dir, env);
  const start = performance.now();
  const set = openSourceSet({ cwd: opts.dir, config, env, index: opts.index, offline: opts.offline, cacheDir: join(opts.dir, 'cache') });
  const source = set.sourceFor(CRATES_IO)!;
  // The resolver asks for the locked version of every crate, all at once.
  const results = await Promise.all(crates.map((c) => source.getCrate(c.name, new Set([c.versions.at(-1)!]))));
  await set.close();
  const ms = performance.now() - start;
  const missing = results.filter((r) => r?.versions.length !== 1).length;
  if (missing) throw new Error(`${name}: ${missing} crates without their locked version`);
  const s = set.stats();
  return { run: name, ms, target, requests: s.requests, bytes: s.bytes, notModified: s.notModified, cacheHits: s.cacheHits };
}

/** Starts the index server in a worker thread; resolves to its URL and a way to stop it. */
async function startServer(root: string): Promise<{ url: string; stop: () => Promise<number> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { root, latencyMs: LATENCY_MS } });
  const url = await new Promise<string>((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  return { url, stop: () => worker.terminate() };
}

async function serve(): Promise<void> {
  const { root, latencyMs } = workerData as { root: string; latencyMs: number };
  const server = await IndexServer.start({ root, latencyMs, compression: 'gzip' });
  await server.preload();
  parentPort!.postMessage(server.url);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-registry-bench-'));
  try {
    const indexDir = join(dir, 'index');
    const crates = generateIndex(indexDir, CRATES, 42);
    const server = await startServer(indexDir);
    const common = { dir, index: server.url };
    const rows = [
      await run('cold', 1500, crates, { ...common, offline: false }),
      await run('warm', 1000, crates, { ...common, offline: false }),
      await run('offline', 300, crates, { ...common, offline: true }),
    ];
    await server.stop();
    console.log(`registry bench: ${CRATES} crates, ${LATENCY_MS} ms added per request, gzip, node ${process.version}`);
    console.log('run       time      target   requests   bytes received   304s   cache hits');
    for (const r of rows) {
      const ok = r.ms <= r.target ? 'ok' : 'SLOW';
      console.log(
        `${r.run.padEnd(9)} ${`${r.ms.toFixed(0)} ms`.padStart(8)}  ${`${r.target} ms`.padStart(7)} ${ok.padEnd(4)} ${String(r.requests).padStart(5)}   ${String(r.bytes).padStart(14)}   ${String(r.notModified).padStart(4)}   ${String(r.cacheHits).padStart(10)}`,
      );
    }
    if (rows.some((r) => r.ms > r.target)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await (isMainThread ? main() : serve());
