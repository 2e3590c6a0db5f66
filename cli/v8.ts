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

export function setShortRun(short: boolean): void {
  for (const f of FLAGS) if (!process.execArgv.some((a) => f.given.test(a))) setFlagsFromString(short ? f.off : f.on);
}
