/**
 * V8's settings for a run that lasts a fraction of a second. The command
 * turns two things off; the triage screen, a long session, turns them back
 * on. Where `node` was given either flag (`--opt`, `--no-incremental-marking`
 * and their opposites), node's own choice stands.
 *
 * - The optimizing compiler costs more than it gains: on 2 cores it competes
 *   with the run, and at exit the process waits for the compile jobs still
 *   going.
 * - Incremental marking starts a major collection when the old generation
 *   nears its first limit (19 MB here), which a run reaches only near its
 *   end: `check --offline` of 420 crates held 14 MB when marking started,
 *   and marking, on the main thread and beside it, then cost 10% of the
 *   run's instructions, to free memory the run was about to give back at
 *   exit. Off, V8 collects the old generation only when it reaches the
 *   limit, all at once.
 */
import { setFlagsFromString } from 'node:v8';

const FLAGS = [
  { given: /^--(no-)?(opt|turbofan)\b/, off: '--no-opt', on: '--opt' },
  { given: /^--(no-)?incremental-marking\b/, off: '--no-incremental-marking', on: '--incremental-marking' },
];

/**
 * Whether the flags are the short run's, kept on the process: two copies of
 * this module run in one (the chunk loader's and the bundle's).
 */
const SHORT_RUN = Symbol.for('cargo-preflight.v8-short-run');
const state = globalThis as { [SHORT_RUN]?: boolean };

export function setShortRun(short: boolean): void {
  state[SHORT_RUN] = short;
  for (const f of FLAGS) if (!process.execArgv.some((a) => f.given.test(a))) setFlagsFromString(short ? f.off : f.on);
}

/**
 * Runs `compile` with the short run's flags, and puts the flags back: V8
 * accepts a code cache only under the flags it was written with, and every
 * cache is written with these (the bytecode does not depend on either flag).
 */
export function withShortRunFlags<T>(compile: () => T): T {
  if (state[SHORT_RUN] !== false) return compile();
  setShortRun(true);
  try {
    return compile();
  } finally {
    setShortRun(false);
  }
}
