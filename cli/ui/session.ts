/**
 * What the triage screen runs: the same check as `cargo-preflight check`
 * (`runCheck`), and the fix engine of `--fix` (propose, render, apply).
 */
import type { ParsedArgs } from '../args.js';
import type { CheckRun } from '../commands/check.js';
import { runCheck } from '../commands/check.js';
import type { CommandContext } from '../main.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';

export interface FixEngine {
  /** Every fix for the run's findings, each proven or carrying the reason it is not. */
  propose(run: CheckRun): Promise<ProposedFix[]>;
  /** The files the fixes change, before and after. */
  render(fixes: ProposedFix[]): FileChange[];
  /**
   * Proves the proven fixes together and writes those that hold together
   * (each file atomically, refused when it changed since it was read).
   */
  apply(run: CheckRun, fixes: ProposedFix[]): Promise<Applied>;
}

export interface Applied {
  written: string[];
  /** The fixes written. */
  kept: ProposedFix[];
  /** Fixes left out because they do not prove out together with the others. */
  dropped: { fix: ProposedFix; reason: string }[];
  /** Crates Cargo.lock will have to add. */
  newCrates: string[];
}

export interface CheckEvents {
  fetch(p: FetchProgress): void;
  /** Before each target is resolved; resolution goes on once the promise settles (after the screen is drawn). */
  resolving(p: { target: string; done: number; total: number }): Promise<void>;
}

export interface Session {
  /** What is checked, for the loading screen. */
  what: string;
  /** Loads, resolves every target and lints, as `check` does; a new resolution every call. */
  check(events: CheckEvents): Promise<CheckRun>;
  /** Null when no fix engine is available. */
  fixes: FixEngine | null;
  color: boolean;
  /** Warnings of the runs (shown on screen, printed on stderr after the screen closes). */
  warnings: string[];
}

export function checkSession(args: ParsedArgs, ctx: CommandContext, color: boolean, fixes: FixEngine | null): Session {
  const warnings: string[] = [];
  return {
    what: args.positionals[0] ?? (args.options['manifest-path'] as string | undefined) ?? ctx.cwd,
    color,
    fixes,
    warnings,
    check: async (events) => {
      const run = await runCheck(args, {
        ...ctx,
        progress: (p) => events.fetch(p),
        resolving: (p) => events.resolving(p),
        warn: (m) => {
          if (!warnings.includes(m)) warnings.push(m);
        },
      });
      for (const w of run.report.warnings) if (!warnings.includes(w)) warnings.push(w);
      for (const u of run.report.unresolved) {
        const w = `could not read the metadata of \`${u.name} v${u.version}\`: ${u.reason}; its dependencies are not checked`;
        if (!warnings.includes(w)) warnings.push(w);
      }
      return run;
    },
  };
}
