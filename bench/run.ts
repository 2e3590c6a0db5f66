/**
 * `npm run bench`: every benchmark, one after another (never two at once: they
 * time wall clocks), each in its own Node process so that none inherits
 * another's warm caches or heap. Each prints its figures with their targets;
 * a summary line per benchmark follows.
 *
 *   tree-bench       tree on a 360-crate real project vs cargo tree; floor; peak memory
 *   edit-bench       Cargo.toml edits, ms per verified edit            (target < 1 ms)
 *   cfg-bench        the target table loaded and 500 cfg specs evaluated, cold (target ≤ 100 ms)
 *   registry-bench   index client: cold, warm, offline over a slow loopback index
 *   check-bench      the whole check run, cold, warm, offline
 *   archive-bench    cold check with the archives of the crates that may be proc-macros
 *   network-bench    registries that refuse, do not resolve or never answer: exit 3 within bounds
 *   fix-bench        proving fixes on the largest real project, alone and as a 6-member workspace (members × targets)
 *
 * Run: npm run bench (builds first), or node dist/bench/run.js [name ...]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

const BENCHES: { name: string; about: string }[] = [
  { name: 'tree-bench', about: 'tree vs cargo tree on cloud-image-download (target ≤ 0.8 × cargo tree, peak RSS < 150 MB)' },
  { name: 'edit-bench', about: 'Cargo.toml editor, milliseconds per verified edit (target < 1 ms per edit)' },
  { name: 'cfg-bench', about: 'the cfg evaluator, cold: the target table loaded and 500 distinct specs evaluated (target ≤ 100 ms)' },
  { name: 'registry-bench', about: 'registry client over a loopback index adding 50 ms per request (targets per row)' },
  { name: 'check-bench', about: 'the whole check run against a loopback sparse index (targets per row)' },
  { name: 'network-bench', about: 'check against a registry that refuses, does not resolve or never answers (exit 3, ≤ 5 s; stalled ≤ 27 s with a waiting line every 5 s)' },
  { name: 'fix-bench', about: 'fix --dry-run on cloud-image-download, one member and a 6-member workspace, 1 and 4 targets (every candidate proven per member and target)' },
  { name: 'archive-bench', about: 'cold check of a 580-crate real lockfile with crate archives read (target ≤ 2 s, archives for ≤ 15% of the packages)' },
];

function runChild(file: string, args: string[]): Promise<number | null> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('close', ok);
  });
}

const wanted = process.argv.slice(2);
const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown benchmark: ${wanted.filter((w) => !BENCHES.some((b) => b.name === w)).join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})`);
  process.exit(2);
}

console.log(`node ${process.version}, ${process.platform}-${process.arch}`);
const summary: string[] = [];
let crashed = false;
for (const b of selected) {
  const file = join(HERE, `${b.name}.js`);
  console.log(`\n=== ${b.name}: ${b.about}`);
  if (!existsSync(file)) {
    console.log(`(${file} not built; skipped)`);
    summary.push(`${b.name.padEnd(15)} not built`);
    continue;
  }
  const start = performance.now();
  const code = await runChild(file, []);
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  // Benchmarks that judge their figures exit 1 when one misses its target; other codes are failures.
  const state = code === 0 ? 'exit 0' : code === 1 ? 'exit 1: a target MISSED' : `FAILED (exit ${code})`;
  if (code !== 0 && code !== 1) crashed = true;
  summary.push(`${b.name.padEnd(15)} ${state} (${secs} s)`);
}
console.log('\n=== summary');
for (const s of summary) console.log(s);
if (crashed) process.exitCode = 2;
