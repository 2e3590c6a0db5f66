/**
 * V8's optimizing compiler for this process. A run lasts a fraction of a
 * second: the compiler costs more than it gains there (on 2 cores it competes
 * with the run, and at exit the process waits for the compile jobs still
 * going), so the command turns it off; the triage screen, a long session,
 * turns it back on. Run as `node --opt …` (or `--no-opt`), node's own choice stands.
 */
import { setFlagsFromString } from 'node:v8';

export function setOptimizingCompiler(on: boolean): void {
  if (!process.execArgv.some((f) => /^--(no-)?(opt|turbofan)\b/.test(f))) setFlagsFromString(on ? '--opt' : '--no-opt');
}
