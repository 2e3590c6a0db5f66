/**
 * The cfg evaluator: the target table loaded and 500 distinct `cfg(...)`
 * specs evaluated against a target, cold (a fresh process, as a run meets
 * them). Every dependency table of a lockfile's crates names such specs.
 *
 *   500 distinct specs, cold     target ≤ 100 ms
 *
 * Run after `npm run build`: node dist/bench/cfg-bench.js
 */
import { platformMatches, targetInfo } from '../src/cfg/index.js';

const TARGET_MS = 100;

export function cfgBench(): { ms: number; specs: number } {
  const start = performance.now();
  const info = targetInfo('riscv64gc-unknown-linux-musl');
  let matched = 0;
  const specs = 500;
  for (let i = 0; i < specs; i++) if (platformMatches(`cfg(any(target_os = "os${i}", all(unix, not(target_env = "musl"))))`, info)) matched++;
  // Every spec is false for a musl target: a run that says otherwise measured something else.
  if (matched !== 0) throw new Error(`${matched} specs matched riscv64gc-unknown-linux-musl; none should`);
  return { ms: performance.now() - start, specs };
}

const r = cfgBench();
const ok = r.ms <= TARGET_MS;
console.log(`cfg bench: target table loaded and ${r.specs} distinct cfg specs evaluated, cold: ${r.ms.toFixed(1)} ms (target ≤ ${TARGET_MS} ms) ${ok ? 'ok' : 'SLOW'}`);
if (!ok) process.exitCode = 1;
