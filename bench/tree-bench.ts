/**
 * `tree` speed on a real project: cloud-image-download from the real-world
 * corpus (../shared/realworld, 360 vendored crates), extracted once, both
 * tools warm, measured in the same run with their runs interleaved:
 *
 *   cargo-preflight tree --offline --target T                    target ≤ 0.8 × cargo tree
 *   cargo tree --offline --locked --target T -e normal,no-proc-macro
 *     (the same work: one target, normal edges without proc-macros, which
 *     is all the tool's tree prints; T is x86_64-unknown-linux-musl by default)
 *   floor: `node -e 0` plus reading and parsing Cargo.lock and every
 *          vendored Cargo.toml with the same TOML parser (what any Node tool
 *          doing this job pays at least)
 *   peak memory of the tool's process                  target < 150 MB
 *
 * Times are medians of wall time, child process start to exit. The tool's
 * output is checked against cargo's before timing.
 *
 * Run after `npm run build`: node dist/bench/tree-bench.js [runs] [target]
 * Also importable: `treeBench(options)` returns the figures, `printTreeBench` prints them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchEnv, median, timedRun, type Exit } from './child.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = resolve(HERE, '../../..');
const BIN = join(ROOT, 'bin/cargo-preflight.js');
const PROJECT = 'cloud-image-download';
export const TREE_RATIO_TARGET = 0.8;
export const TREE_RSS_TARGET_MB = 150;

export interface TreeBenchOptions {
  runs?: number;
  target?: string;
  /** Folder holding the corpus archives (default: ../shared/realworld beside the repository). */
  corpus?: string;
}

export interface TreeBenchResult {
  project: string;
  crates: number;
  target: string;
  runs: number;
  toolMs: number;
  cargoMs: number | null;
  nodeMs: number;
  floorMs: number;
  peakRssMb: number;
  cargoPeakRssMb: number | null;
  /** One-minute load average before and after the timed runs: the machine may be shared, and contention inflates every figure. */
  load: [number, number];
  times: Record<'tool' | 'cargo' | 'node' | 'floor', number[]>;
}

/** Both tools run without NODE_EXTRA_CA_CERTS (`benchEnv`), as check-bench runs in a minimal environment. */
const RUN_ENV = benchEnv({ CARGO_TERM_COLOR: 'never', NO_COLOR: '1' });
const run = (cmd: string, args: string[], cwd: string): Promise<Exit> => timedRun(cmd, args, cwd, RUN_ENV);

function cargoAvailable(): boolean {
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Prints the child's peak resident set (bytes of KiB, as getrusage gives it) on exit. */
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss-kib='+process.resourceUsage().maxRSS+'\\n'))`;

export async function treeBench(opts: TreeBenchOptions = {}): Promise<TreeBenchResult | { skipped: string }> {
  const corpus = opts.corpus ?? process.env.CARGO_PREFLIGHT_REALWORLD ?? resolve(ROOT, '../shared/realworld');
  const archive = join(corpus, `${PROJECT}.tar.xz`);
  if (!existsSync(archive)) return { skipped: `${archive} not found` };
  const runs = opts.runs ?? 21;
  const target = opts.target ?? 'x86_64-unknown-linux-musl';
  const work = mkdtempSync(join(tmpdir(), 'cargo-preflight-tree-bench-'));
  try {
    execFileSync('tar', ['-xJf', archive, '-C', work]);
    const dir = join(work, PROJECT);
    const crates = readdirSync(join(dir, 'vendor')).length;
    const withCargo = cargoAvailable();

    // Both sides resolve the same target and print the same edges (the tool's tree is cargo's `-e normal,no-proc-macro`).
    const toolArgs = [BIN, 'tree', '--offline', '--quiet', '--target', target];
    const cargoArgs = ['tree', '--offline', '--locked', '--target', target, '-e', 'normal,no-proc-macro'];
    const tool = () => run(process.execPath, toolArgs, dir);
    const cargo = () => run('cargo', cargoArgs, dir);
    const node = () => run(process.execPath, ['-e', '0'], dir);
    const floor = () => run(process.execPath, [HERE, '--floor', dir], dir);

    // The same tree, or the comparison means nothing.
    const mine = await tool();
    if (mine.code !== 0) throw new Error(`cargo-preflight tree failed: ${mine.stderr}`);
    if (withCargo) {
      const theirs = await cargo();
      if (theirs.code !== 0) throw new Error(`cargo tree failed: ${theirs.stderr}`);
      if (theirs.stdout !== mine.stdout) throw new Error('cargo-preflight tree and cargo tree disagree on this project');
    }
    const floorCheck = await floor();
    if (floorCheck.code !== 0) throw new Error(`floor run failed: ${floorCheck.stderr}`);

    const kinds: ('tool' | 'cargo' | 'node' | 'floor')[] = withCargo ? ['tool', 'cargo', 'node', 'floor'] : ['tool', 'node', 'floor'];
    const runners = { tool, cargo, node, floor };
    const times: TreeBenchResult['times'] = { tool: [], cargo: [], node: [], floor: [] };
    const loadBefore = loadavg()[0];
    for (let i = 0; i < 3; i++) for (const k of kinds) await runners[k]();
    for (let i = 0; i < runs; i++) {
      // Rotate the order so that no command always runs right after another.
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[(i + j) % kinds.length];
        times[k].push((await runners[k]()).ms);
      }
    }

    const loadAfter = loadavg()[0];

    // Peak memory: the largest of a few runs.
    let rssKib = 0;
    for (let i = 0; i < 3; i++) {
      const r = await run(process.execPath, ['--import', RSS_HOOK, ...toolArgs], dir);
      const m = /maxrss-kib=(\d+)/.exec(r.stderr);
      if (m) rssKib = Math.max(rssKib, Number(m[1]));
    }
    let cargoRssKib: number | null = null;
    if (withCargo && existsSync('/usr/bin/time')) {
      for (let i = 0; i < 3; i++) {
        const r = await run('/usr/bin/time', ['-f', 'maxrss-kib=%M', 'cargo', ...cargoArgs], dir);
        const m = /maxrss-kib=(\d+)/.exec(r.stderr);
        if (m) cargoRssKib = Math.max(cargoRssKib ?? 0, Number(m[1]));
      }
    }

    return {
      project: PROJECT,
      crates,
      target,
      runs,
      toolMs: median(times.tool),
      cargoMs: withCargo ? median(times.cargo) : null,
      nodeMs: median(times.node),
      floorMs: median(times.floor),
      peakRssMb: rssKib / 1024,
      cargoPeakRssMb: cargoRssKib === null ? null : cargoRssKib / 1024,
      load: [loadBefore, loadAfter],
      times,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Prints the figures; returns whether every target was met. */
export function printTreeBench(r: TreeBenchResult | { skipped: string }, log: (line: string) => void = console.log): boolean {
  if ('skipped' in r) {
    log(`tree-bench skipped: ${r.skipped}`);
    return true;
  }
  const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
  log(`tree on ${r.project} (${r.crates} vendored crates), --target ${r.target} on both sides (cargo with -e normal,no-proc-macro): median wall time of ${r.runs} interleaved runs, warm`);
  log(`  (load average ${r.load[0].toFixed(2)} before the timed runs, ${r.load[1].toFixed(2)} after, on ${availableParallelism()} CPUs)`);
  if (process.env.NODE_EXTRA_CA_CERTS) log('  (NODE_EXTRA_CA_CERTS, set here, is left out of both runs: node would read its bundle at start-up, though no run opens a connection)');
  log(`  cargo-preflight tree      ${ms(r.toolMs)}`);
  let ok = true;
  if (r.cargoMs !== null) {
    const ratio = r.toolMs / r.cargoMs;
    const met = ratio <= TREE_RATIO_TARGET;
    ok &&= met;
    log(`  cargo tree                ${ms(r.cargoMs)}`);
    log(`  ratio                     ${ratio.toFixed(2).padStart(7)} × cargo tree     target ≤ ${TREE_RATIO_TARGET.toFixed(2)}   ${met ? 'met' : 'MISSED'}`);
  } else log('  cargo tree                (cargo not found: no ratio)');
  log(`  node -e 0                 ${ms(r.nodeMs)}`);
  log(
    `  floor                     ${ms(r.floorMs)}   (node -e 0 + reading and parsing Cargo.lock and ${r.crates} manifests)` +
      (r.cargoMs !== null ? `, ${(r.floorMs / r.cargoMs).toFixed(2)} × cargo tree` : ''),
  );
  const over = r.toolMs - r.floorMs;
  log(`  tool / floor              ${(r.toolMs / r.floorMs).toFixed(2).padStart(7)} ×   (${Math.abs(over).toFixed(1)} ms ${over >= 0 ? 'above' : 'below'} the floor)`);
  const rssMet = r.peakRssMb < TREE_RSS_TARGET_MB;
  ok &&= rssMet;
  log(
    `  peak RSS                  ${r.peakRssMb.toFixed(1).padStart(7)} MB       target < ${TREE_RSS_TARGET_MB} MB   ${rssMet ? 'met' : 'MISSED'}` +
      (r.cargoPeakRssMb !== null ? `   (cargo tree: ${r.cargoPeakRssMb.toFixed(1)} MB)` : ''),
  );
  return ok;
}

/** The floor: what reading and parsing the inputs costs a Node process, and nothing else. */
async function floorRun(dir: string): Promise<void> {
  const { parse } = await import('smol-toml');
  parse(readFileSync(join(dir, 'Cargo.lock'), 'utf8'));
  const vendor = join(dir, 'vendor');
  for (const d of readdirSync(vendor)) parse(readFileSync(join(vendor, d, 'Cargo.toml'), 'utf8'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (process.argv[2] === '--floor') {
    await floorRun(process.argv[3]);
  } else {
    const r = await treeBench({ runs: process.argv[2] ? Number(process.argv[2]) : undefined, target: process.argv[3] });
    if (!printTreeBench(r)) process.exitCode = 1;
  }
}
