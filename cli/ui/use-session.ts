/**
 * The session of the triage screen as a React hook: the state, the check
 * (a new resolution each time, then the fix service's plan for it), applying
 * the chosen fixes and the check that follows, and quitting. Async steps
 * that finish after a newer check started, or after the screen closed, are
 * dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckRun } from '../run/check.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import { chosenFixes, compareRuns, lockfileCommands } from './model.js';
import type { Applied, Session } from './session.js';
import { derive, initialState, type State } from './state.js';
import { changedOnDisk, WATCH_INTERVAL_MS } from './watch.js';
import type { ApplyResult } from './views.js';

export type Patch = Partial<State> | ((s: State) => Partial<State>);

export interface TriageSession {
  state: State;
  /** The latest state, for key handlers and async steps (renders may lag behind it). */
  latest(): State;
  update(patch: Patch): void;
  /** Runs the check again (a new resolution), then proves fixes for it. */
  check(reason?: string): Promise<CheckRun | null>;
  /** Checks again from the list (`r`, or after the editor), then shows the list with `note` in the status line. */
  recheck(note?: string): Promise<void>;
  /** Applies the chosen fixes through the fix engine, then checks again. */
  apply(): Promise<void>;
  quit(): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useTriageSession(session: Session, exit: (error?: Error) => void, onExit?: (run: CheckRun | null) => void): TriageSession {
  const [state, setState] = useState<State>(() => initialState(session.what));
  const stateRef = useRef(state);
  // Computed from the latest state at once, so that several keys handled in one batch see each other's effect.
  const update = useCallback((patch: Patch) => {
    const s = stateRef.current;
    const next = { ...s, ...(typeof patch === 'function' ? patch(s) : patch) };
    stateRef.current = next;
    setState(next);
  }, []);
  const runToken = useRef(0);
  const alive = useRef(true);

  const check = useCallback(
    async (reason?: string): Promise<CheckRun | null> => {
      const token = ++runToken.current;
      const current = () => alive.current && token === runToken.current;
      update({ load: { what: session.what, fetch: null, resolving: null, ...(reason ? { reason } : {}) } });
      let run: CheckRun;
      try {
        run = await session.check({
          fetch: (p: FetchProgress) => {
            if (current()) update((s) => ({ load: { ...s.load, fetch: p } }));
          },
          resolving: async (p) => {
            if (!current()) return;
            update((s) => ({ load: { ...s.load, resolving: p } }));
            // Let the screen draw (ink draws at most every 1/30 s) before resolution takes the thread.
            await new Promise((r) => setTimeout(r, 40));
          },
        });
      } catch (e) {
        if (alive.current && stateRef.current.run) update({ error: message(e) });
        throw e;
      }
      if (!alive.current) {
        await run.loaded.sources.close();
        return null;
      }
      const previous = stateRef.current.run;
      update((s) => ({
        run,
        fixes: session.fixes ? null : [],
        fixError: session.fixes ? null : 'the fix engine is not available in this build',
        explored: session.fixes?.strategy === 'auto' ? 'pending' : 'off',
        selected: new Set(),
        cursor: cursorAfter(s, run),
        detailScroll: 0,
        fixCursor: 0,
        stale: [],
      }));
      if (previous && previous !== run) await previous.loaded.sources.close();
      if (session.fixes) {
        const auto = session.fixes.strategy === 'auto';
        session.fixes.plan(run).then(
          (plan) => {
            if (current()) update({ fixes: plan.fixes, explored: auto ? 'done' : 'off' });
          },
          (e: unknown) => {
            if (current()) update({ fixes: [], fixError: message(e), explored: 'off' });
          },
        );
      }
      return run;
    },
    [session, update],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per session; the check it starts reads the session's current state itself.
  useEffect(() => {
    alive.current = true;
    // A failed first check ends the screen with the error, reported as `check` reports it.
    check().catch((e: unknown) => {
      alive.current = false;
      exit(e instanceof Error ? e : new Error(String(e)));
    });
    return () => {
      alive.current = false;
    };
  }, []);

  // A manifest edited outside the screen makes the findings out of date: say so until the next check.
  useEffect(() => {
    const run = state.run;
    if (!run) return;
    const timer = setInterval(() => {
      if (stateRef.current.run !== run) return;
      const stale = changedOnDisk(run);
      if (stale.join('\n') !== stateRef.current.stale.join('\n')) update({ stale });
    }, WATCH_INTERVAL_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [state.run, update]);

  const recheck = useCallback(
    async (note?: string) => {
      update({ overlay: 'checking', message: null, error: null });
      try {
        await check('checking again');
      } catch {
        // Shown as the screen's error, from which r checks again.
      }
      if (alive.current) update((s) => ({ overlay: s.overlay === 'checking' ? 'none' : s.overlay, message: note ?? null }));
    },
    [update, check],
  );

  const quit = useCallback(() => {
    alive.current = false;
    onExit?.(stateRef.current.run);
    exit();
  }, [exit, onExit]);

  const apply = useCallback(() => applyChosen(session, stateRef.current, { update, check, alive: () => alive.current }), [session, update, check]);

  return { state, latest: () => stateRef.current, update, check, recheck, apply, quit };
}

/** The cursor on a new run: on the same finding when it is still there, else at the same place in the list. */
function cursorAfter(s: State, run: CheckRun): number {
  if (!s.run) return 0;
  const was = derive(s).current?.id;
  const visible = derive({ ...s, run }).visible;
  const same = was === undefined ? -1 : visible.findIndex((f) => f.id === was);
  return same >= 0 ? same : Math.max(0, Math.min(s.cursor, visible.length - 1));
}

interface ApplySteps {
  update(patch: Patch): void;
  check(reason?: string): Promise<CheckRun | null>;
  alive(): boolean;
}

/** Applies the chosen fixes through the fix engine, then checks again and says what is gone. */
async function applyChosen(session: Session, st: State, { update, check, alive }: ApplySteps): Promise<void> {
  const engine = session.fixes;
  const before = st.run;
  if (!engine || !before) return;
  const chosen = chosenFixes(st.selected, st.fixes);
  update({ overlay: 'applying', overlayScroll: 0, load: { what: session.what, fetch: null, resolving: null } });
  let applied: Applied;
  try {
    applied = await engine.apply(before, chosen);
  } catch (e) {
    const failed: ApplyResult = { fixes: chosen, written: [], dropped: [], outcome: null, lockfileCommands: [], newCrates: [], error: message(e) };
    if (alive()) update({ overlay: 'result', result: failed });
    return;
  }
  const result: ApplyResult = {
    fixes: applied.kept,
    written: applied.written,
    dropped: applied.dropped,
    outcome: null,
    lockfileCommands: lockfileCommands(applied.kept),
    newCrates: applied.newCrates,
    error: applied.kept.length ? null : 'the selected fixes do not prove out together; nothing was written',
  };
  if (!applied.written.length) {
    if (alive()) update({ overlay: 'result', result });
    return;
  }
  let after: CheckRun | null = null;
  try {
    // A new resolution of the edited manifests, as a fresh `check` would do.
    after = await check('checking again');
  } catch (e) {
    if (alive()) update({ overlay: 'result', result, message: `the check after applying failed: ${message(e)}` });
    return;
  }
  if (!after || !alive()) return;
  update({ overlay: 'result', overlayScroll: 0, result: { ...result, outcome: compareRuns(before.report.findings, after.report.findings) } });
}
