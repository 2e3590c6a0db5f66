/**
 * The whole `check` run against a sparse index: the real command line as a
 * child process (wall time includes node's start-up), on a generated project
 * whose Cargo.lock holds 420 distinct crates.io crates (the generator locks
 * them as cargo does), served by a loopback index server adding 50 ms to
 * every request, gzip on. Three runs over one cache folder:
 *
 *   cold     empty cache, every index file fetched     target ≤ 2.0 s
 *   warm     unchanged index, every answer a 304        target ≤ 1.2 s
 *   offline  --offline, from the cache, no request      target ≤ 0.5 s
 *
 * Each is repeated (fresh cache for every cold run) and the median shown,
 * with the requests the server answered and the body bytes it sent. Every
 * run must report the same findings and no unresolved crate.
 *
 * Run after `npm run build`: node dist/bench/check-bench.js [crates] [latency-ms] [repeats]
 * Also importable: `checkBench(options)` returns the rows, `printCheckBench` prints them.
 */
import { median, timedRun, type Exit } from './child.js';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateProject } from '../testkit/registry-gen.js';
import { IndexServer } from '../testkit/index-server.js';

export interface CheckBenchOptions {
  crates?: number;
  latencyMs?: number;
  repeats?: number;
}

export interface CheckBenchRow {
  run: 'cold' | 'warm' | 'offline';
  /** Median wall time of the repeats, child process start to exit. */
  ms: number;
  /** Every repeat's time. */
  times: number[];
  targetMs: number;
  /** Requests the server answered in one run (config.json included). */
  requests: number;
  /** Response body bytes sent in one run (compressed). */
  bytes: number;
  notModified: number;
}

export interface CheckBenchResult {
  crates: number;
  latencyMs: number;
  indexBytes: number;
  nodeStartMs: number;
  rows: CheckBenchRow[];
}

const TARGETS = { cold: 2000, warm: 1200, offline: 500 } as const;
const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/cargo-preflight.js');

const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Exit> => timedRun(process.execPath, args, cwd, env);

export async function checkBench(opts: CheckBenchOptions = {}): Promise<CheckBenchResult> {
  const crates = opts.crates ?? 420;
  const latencyMs = opts.latencyMs ?? 50;
  const repeats = opts.repeats ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'preflight-check-bench-'));
  try {
    const generated = generateProject(dir, crates, 42);
    const server = await IndexServer.start({ root: generated.indexDir, latencyMs, compression: 'gzip' });
    await server.preload();
    const indexBytes = readdirSync(generated.indexDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
    const cargoHome = join(dir, 'cargo-home');
    mkdirSync(cargoHome);
    const env = { PATH: process.env.PATH, HOME: dir, CARGO_HOME: cargoHome, NO_COLOR: '1' };
    const nodeStart = [];
    for (let i = 0; i < repeats; i++) nodeStart.push((await run(['-e', '0'], dir, env)).ms);

    let expected: string | undefined;
    const once = async (name: CheckBenchRow['run'], cacheDir: string) => {
      server.log.length = 0;
      const args = [BIN, 'check', '--index', server.url, '--cache-dir', cacheDir, '--format', 'json', '--quiet'];
      if (name === 'offline') args.push('--offline');
      const exit = await run(args, generated.projectDir, env);
      if (exit.code !== 0 && exit.code !== 1) throw new Error(`${name} run: exit ${exit.code}\n${exit.stderr}`);
      const report = JSON.parse(exit.stdout) as { unresolved: unknown[] };
      if (report.unresolved.length) throw new Error(`${name} run: unresolved crates ${JSON.stringify(report.unresolved)}`);
      expected ??= exit.stdout;
      if (exit.stdout !== expected) throw new Error(`${name} run: the report differs from the first run's`);
      return {
        ms: exit.ms,
        requests: server.log.length,
        bytes: server.log.reduce((n, r) => n + r.bytes, 0),
        notModified: server.log.filter((r) => r.status === 304).length,
      };
    };
    const samples: Record<CheckBenchRow['run'], Awaited<ReturnType<typeof once>>[]> = { cold: [], warm: [], offline: [] };
    for (let i = 0; i < repeats; i++) {
      const cacheDir = join(dir, `cache-${i}`);
      samples.cold.push(await once('cold', cacheDir));
      samples.warm.push(await once('warm', cacheDir));
      samples.offline.push(await once('offline', cacheDir));
    }
    await server.close();
    const rows = (['cold', 'warm', 'offline'] as const).map((name): CheckBenchRow => {
      const s = samples[name];
      const last = s.at(-1)!;
      return {
        run: name,
        ms: median(s.map((x) => x.ms)),
        times: s.map((x) => x.ms),
        targetMs: TARGETS[name],
        requests: last.requests,
        bytes: last.bytes,
        notModified: last.notModified,
      };
    });
    return { crates: generated.locked.length, latencyMs, indexBytes, nodeStartMs: median(nodeStart), rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);

/** Prints the figures with their targets; returns false when one misses its target. */
export function printCheckBench(r: CheckBenchResult, log: (line: string) => void = console.log): boolean {
  log(
    `check bench: ${r.crates} crates in Cargo.lock (index ${kb(r.indexBytes)}), ${r.latencyMs} ms added per request, gzip, ` +
      `node ${process.version}, ${availableParallelism()} CPUs; \`node -e 0\` takes ${r.nodeStartMs.toFixed(0)} ms`,
  );
  log('run       median    target       requests   bytes received   304s   all runs');
  for (const row of r.rows) {
    const ok = row.ms <= row.targetMs ? 'ok' : 'SLOW';
    log(
      `${row.run.padEnd(9)} ${`${row.ms.toFixed(0)} ms`.padStart(7)}  ${`${row.targetMs} ms`.padStart(8)} ${ok.padEnd(4)} ` +
        `${String(row.requests).padStart(8)}   ${kb(row.bytes).padStart(14)}   ${String(row.notModified).padStart(4)}   ` +
        row.times.map((t) => t.toFixed(0)).join(', '),
    );
  }
  const online = r.rows.find((row) => row.run === 'warm');
  if (online) {
    const waves = Math.ceil(online.requests / 64);
    log(`(at --jobs 64, ${online.requests} requests take at least ${waves} round trips of ${r.latencyMs} ms: ${waves * r.latencyMs} ms of every online run is waiting)`);
  }
  return r.rows.every((row) => row.ms <= row.targetMs);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [crates, latencyMs, repeats] = process.argv.slice(2).map(Number);
  const result = await checkBench({
    ...(crates && { crates }),
    ...(latencyMs !== undefined && !Number.isNaN(latencyMs) && { latencyMs }),
    ...(repeats && { repeats }),
  });
  if (!printCheckBench(result)) process.exitCode = 1;
}
