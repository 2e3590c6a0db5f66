/**
 * What the triage screen runs: the same check as `cargo-preflight check`
 * (`runCheck`), and the fix engine of `--fix` (propose, render, apply).
 */
import type { CommandContext } from '../context.js';
import { runCheck, type CheckRun } from '../run/check.js';
import type { CheckArgs } from '../run/options.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import type { Reason } from '../../src/fixers/reasons.js';
import type { FixPlan, StrategyChoice } from '../../src/fixers/service.js';
import { editorCommand } from './editor.js';

export interface FixEngine {
  /** The strategy asked for (`--strategy`, default `auto`: switch, then static, then pin). */
  strategy: StrategyChoice;
  /**
   * The fix service's plan for the run: every strategy's candidates for each
   * finding's crate, proven or with every reason, the one `fix` applies
   * marked (`applied`), as `fix` and `check` report them.
   */
  plan(run: CheckRun): Promise<FixPlan>;
  /** The files the fixes change, before and after. */
  render(run: CheckRun, fixes: ProposedFix[]): FileChange[];
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
  dropped: { fix: ProposedFix; reason: Reason }[];
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
  /**
   * Starts the first check before the screen is up (while ink loads); the
   * next `check` call takes it over, with the progress it has made so far.
   */
  start(): void;
  /** Null when no fix engine is available. */
  fixes: FixEngine | null;
  color: boolean;
  /** The editor `e` opens (`$VISUAL`, else `$EDITOR`); null when neither is set. */
  editor: string | null;
  /** The environment and directory the editor runs with. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Warnings of the runs (shown on screen, printed on stderr after the screen closes). */
  warnings: string[];
}

export function checkSession(args: CheckArgs, ctx: CommandContext, color: boolean, fixes: FixEngine | null): Session {
  const warnings: string[] = [];
  const note = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const run = async (events: CheckEvents): Promise<CheckRun> => {
    const result = await runCheck(args, { ...ctx, progress: (p) => events.fetch(p), resolving: (p) => events.resolving(p), warn: note });
    for (const w of result.report.warnings) note(w);
    for (const u of result.report.unresolved) note(`could not read the metadata of \`${u.name} v${u.version}\`: ${u.reason}; its dependencies are not checked`);
    return result;
  };

  // A check started before anyone listens: events are kept until `check` takes it over.
  interface Early {
    promise: Promise<CheckRun>;
    listener: CheckEvents | null;
    lastFetch: FetchProgress | null;
  }
  let early: Early | null = null;
  return {
    what: args.positionals[0] ?? args.options['manifest-path'] ?? ctx.cwd,
    color,
    fixes,
    warnings,
    editor: editorCommand(ctx.env),
    env: ctx.env,
    cwd: ctx.cwd,
    start: () => {
      if (early) return;
      const e = { listener: null, lastFetch: null } as unknown as Early;
      e.promise = run({
        fetch: (p) => {
          e.lastFetch = p;
          e.listener?.fetch(p);
        },
        resolving: async (p) => {
          if (e.listener) await e.listener.resolving(p);
        },
      });
      // Failures are reported through the `check` call that takes the run over.
      e.promise.catch(() => {});
      early = e;
    },
    check: (events) => {
      if (early && !early.listener) {
        early.listener = events;
        if (early.lastFetch) events.fetch(early.lastFetch);
        return early.promise;
      }
      return run(events);
    },
  };
}
