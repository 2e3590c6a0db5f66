/**
 * The triage screen: loading progress, findings of one target grouped by
 * severity, the selected finding's detail, fix selection, the diff of the
 * chosen fixes, applying them and checking again.
 */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import type { CheckRun } from '../run/check.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import type { Finding } from '../../src/rules/types.js';
import {
  chosenFixes,
  compareRuns,
  countBySeverity,
  firstChoice,
  fixesFor,
  lockfileCommands,
  scrollStart,
  toggleFix,
  visibleFindings,
  wrapText,
  type Explored,
} from './model.js';
import type { Applied, Session } from './session.js';
import {
  detailLines,
  diffLines,
  findingRows,
  fixMark,
  footerHint,
  helpLines,
  loadingLines,
  makeTheme,
  resultLines,
  rowLine,
  type ApplyResult,
  type LoadState,
  type Theme,
} from './views.js';

export interface Size {
  columns: number;
  rows: number;
}

/** The terminal size, following resizes. */
export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

type Overlay = 'none' | 'help' | 'diff' | 'confirm' | 'applying' | 'result';

interface State {
  run: CheckRun | null;
  load: LoadState;
  error: string | null;
  /** Proposed fixes of the run; null while they are proven. */
  fixes: ProposedFix[] | null;
  fixError: string | null;
  /** Whether each strategy's own proposals are merged into `fixes` yet. */
  explored: Explored;
  targetIndex: number;
  cursor: number;
  detailOpen: boolean;
  detailScroll: number;
  fixCursor: number;
  selected: Set<string>;
  filter: string;
  filtering: boolean;
  overlay: Overlay;
  overlayScroll: number;
  changes: FileChange[];
  result: ApplyResult | null;
  message: string | null;
}

export interface AppProps {
  session: Session;
  /** Called with the last run when the user quits. */
  onExit?: (run: CheckRun | null) => void;
}

function initialState(session: Session): State {
  return {
    run: null,
    load: { what: session.what, fetch: null, resolving: null },
    error: null,
    fixes: null,
    fixError: null,
    explored: 'pending',
    targetIndex: 0,
    cursor: 0,
    detailOpen: false,
    detailScroll: 0,
    fixCursor: 0,
    selected: new Set(),
    filter: '',
    filtering: false,
    overlay: 'none',
    overlayScroll: 0,
    changes: [],
    result: null,
    message: null,
  };
}

const HEADER = 3;
const FOOTER = 2;

export function App({ session, onExit }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const theme = makeTheme(session.color);
  const [state, setState] = useState<State>(() => initialState(session));
  // The latest state, for key handlers and async steps (renders may lag behind it).
  const stateRef = useRef(state);
  // Computed from the latest state at once, so that several keys handled in one batch see each other's effect.
  const update = useCallback((patch: Partial<State> | ((s: State) => Partial<State>)) => {
    const s = stateRef.current;
    const next = { ...s, ...(typeof patch === 'function' ? patch(s) : patch) };
    stateRef.current = next;
    setState(next);
  }, []);
  const runToken = useRef(0);
  const listTop = useRef(0);
  const alive = useRef(true);

  // One line less than the terminal, so that drawing never scrolls it; tiny terminals get what fits.
  const height = Math.max(1, rows - 1);
  const width = Math.max(1, columns);
  const bodyHeight = Math.max(1, height - HEADER - FOOTER);

  /** Runs the check (a new resolution), then proves fixes for it. */
  const check = useCallback(
    async (reason?: string): Promise<CheckRun | null> => {
      const token = ++runToken.current;
      update({ load: { what: session.what, fetch: null, resolving: null, ...(reason ? { reason } : {}) } });
      let run: CheckRun;
      try {
        run = await session.check({
          fetch: (p: FetchProgress) => {
            if (!alive.current || token !== runToken.current) return;
            update((s) => ({ load: { ...s.load, fetch: p } }));
          },
          resolving: async (p) => {
            if (!alive.current || token !== runToken.current) return;
            update((s) => ({ load: { ...s.load, resolving: p } }));
            // Let the screen draw (ink draws at most every 1/30 s) before resolution takes the thread.
            await new Promise((r) => setTimeout(r, 40));
          },
        });
      } catch (e) {
        if (alive.current && stateRef.current.run) update({ error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      if (!alive.current) {
        await run.loaded.sources.close();
        return null;
      }
      const previous = stateRef.current.run;
      update({
        run,
        fixes: session.fixes ? null : [],
        fixError: session.fixes ? null : 'the fix engine is not available in this build',
        explored: session.fixes?.strategy === 'auto' ? 'pending' : 'off',
        selected: new Set(),
        cursor: 0,
        detailScroll: 0,
        fixCursor: 0,
      });
      if (previous && previous !== run) await previous.loaded.sources.close();
      if (session.fixes) {
        const engine = session.fixes;
        engine.plan(run).then(
          (plan) => {
            if (!alive.current || token !== runToken.current) return;
            update({ fixes: plan.fixes, explored: session.fixes?.strategy === 'auto' ? 'done' : 'off' });
          },
          (e: unknown) => {
            if (alive.current && token === runToken.current) update({ fixes: [], fixError: e instanceof Error ? e.message : String(e), explored: 'off' });
          },
        );
      }
      return run;
    },
    [session, update],
  );

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

  const quit = () => {
    alive.current = false;
    onExit?.(stateRef.current.run);
    exit();
  };

  // -------------------------------------------------------------------------
  // Derived view data

  const s = state;
  const run = s.run;
  const { targets, target, visible, current } = derive(s);

  const detailFor = (st: State, f: Finding) =>
    detailLines(
      {
        finding: f,
        root: st.run!.report.root,
        kb: st.run!.kb,
        declared: st.run!.graphs.find((g) => g.target === f.target)?.packages.get(f.packageKey)?.declared?.features,
        fixes: st.fixes,
        fixError: st.fixError,
        selected: st.selected,
        fixCursor: st.fixCursor,
        strategy: session.fixes?.strategy ?? 'auto',
        explored: st.explored,
      },
      theme,
      width,
    );

  const listHeightWithDetail = Math.min(Math.max(3, Math.floor(bodyHeight / 4)), Math.max(3, findingRows(visible).length));
  const detailHeight = bodyHeight - listHeightWithDetail - 1;

  // -------------------------------------------------------------------------
  // Keys

  const apply = async () => {
    const st = stateRef.current;
    const engine = session.fixes;
    const before = st.run;
    if (!engine || !before) return;
    const chosen = chosenFixes(st.selected, st.fixes);
    update({ overlay: 'applying', overlayScroll: 0, load: { what: session.what, fetch: null, resolving: null } });
    const failed = (e: unknown): ApplyResult => ({
      fixes: chosen,
      written: [],
      dropped: [],
      outcome: null,
      lockfileCommands: [],
      newCrates: [],
      error: e instanceof Error ? e.message : String(e),
    });
    let applied: Applied;
    try {
      applied = await engine.apply(before, chosen);
    } catch (e) {
      if (alive.current) update({ overlay: 'result', result: failed(e) });
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
      if (alive.current) update({ overlay: 'result', result });
      return;
    }
    let after: CheckRun | null = null;
    try {
      // A new resolution of the edited manifests, as a fresh `check` would do.
      after = await check('checking again');
    } catch (e) {
      if (alive.current) update({ overlay: 'result', result, message: `the check after applying failed: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    if (!after || !alive.current) return;
    update({ overlay: 'result', overlayScroll: 0, result: { ...result, outcome: compareRuns(before.report.findings, after.report.findings) } });
  };

  const moveCursor = (st: State, to: number): Partial<State> => {
    const vis = derive(st).visible;
    const cursor = Math.max(0, Math.min(vis.length - 1, to));
    return { cursor: Math.max(0, cursor), detailScroll: 0, fixCursor: 0, message: null };
  };

  const toggleSelection = (st: State) => {
    const { current } = derive(st);
    if (!current) return;
    if (!st.fixes) return update({ message: 'fixes are still being proven' });
    if (st.fixError && !st.fixes.length) return update({ message: `no fixes: ${st.fixError}` });
    const mine = fixesFor(st.fixes, current);
    if (!mine.length) return update({ message: `no fix proposed for ${current.package.name}` });
    // From the list, space takes the selected fix or the first proven one that gives nothing up;
    // a fix that turns features off is only chosen in the detail, where what it loses is shown.
    const fix = st.detailOpen
      ? mine[Math.min(st.fixCursor, mine.length - 1)]
      : (mine.find((x) => st.selected.has(x.id)) ?? firstChoice(st.fixes, current));
    if (!fix) {
      return update({
        message: mine.some((x) => x.proven)
          ? 'the proven fix turns features off: open the detail (Enter) to choose it'
          : `no proven fix for ${current.package.name}: Enter shows why`,
      });
    }
    if (!fix.proven) return update({ message: `not proven, so it cannot be applied: ${fix.reason ?? 'no reason given'}` });
    const selected = toggleFix(st.selected, fix, st.fixes);
    update({ selected, message: selected.has(fix.id) ? `selected: ${fix.title}` : `unselected: ${fix.title}` });
  };

  const openDiff = (st: State, overlay: 'diff' | 'confirm') => {
    const engine = session.fixes;
    const chosen = chosenFixes(st.selected, st.fixes);
    if (!engine) return update({ message: 'the fix engine is not available in this build' });
    if (!chosen.length || !st.run) return update({ message: 'no fix selected: select a proven fix with space' });
    try {
      update({ overlay, overlayScroll: 0, changes: engine.render(st.run, chosen), message: null });
    } catch (e) {
      update({ message: `the edits cannot be made: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  const scrollDetail = (st: State, delta: number) => {
    const { current } = derive(st);
    if (!current) return;
    const d = detailFor(st, current);
    const max = Math.max(0, d.lines.length - detailHeight);
    update({ detailScroll: Math.max(0, Math.min(max, st.detailScroll + delta)) });
  };

  const moveFixCursor = (st: State, delta: number) => {
    const { current } = derive(st);
    const currentFixes = current ? fixesFor(st.fixes, current) : [];
    if (!current || !currentFixes.length) return;
    const fixCursor = (st.fixCursor + delta + currentFixes.length) % currentFixes.length;
    const d = detailFor({ ...st, fixCursor }, current);
    const line = d.fixLines[fixCursor] ?? 0;
    let detailScroll = st.detailScroll;
    if (line < detailScroll) detailScroll = line;
    if (line >= detailScroll + detailHeight - 2) detailScroll = Math.max(0, line - detailHeight + 3);
    update({ fixCursor, detailScroll });
  };

  /** Scrolls the diff, the confirmation or the apply result, within its lines. */
  const scrollOverlay = (st: State, delta: number) => {
    if (!st.run) return;
    const total =
      st.overlay === 'result' && st.result
        ? resultLines(st.result, st.run.report.root, theme, width).length - bodyHeight
        : diffLines(st.changes, st.run.report.root, session.color, width).length - (bodyHeight - 1);
    update({ overlayScroll: Math.max(0, Math.min(Math.max(0, total), st.overlayScroll + delta)) });
  };

  useInput((input: string, key: Key) => {
    // Keys typed faster than they are read arrive as one chunk: handle them one by one.
    const plain = !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.pageUp && !key.pageDown && !key.ctrl && !key.meta && !key.escape;
    if (plain && input.length > 1) {
      for (const ch of input) onKey(ch, charKey(ch, key));
      return;
    }
    onKey(input, key);
  });

  function onKey(input: string, key: Key): void {
    const st = stateRef.current;
    if (key.ctrl && input === 'c') return quit();

    if (!st.run || st.error) {
      if (input === 'q' || key.escape) quit();
      return;
    }

    if (st.filtering) {
      if (key.return) return update({ filtering: false });
      if (key.escape) return update({ filtering: false, filter: '', ...moveCursor({ ...st, filter: '' }, 0) });
      if (key.backspace || key.delete) {
        const filter = st.filter.slice(0, -1);
        return update({ filter, ...moveCursor({ ...st, filter }, 0) });
      }
      if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) {
        const filter = st.filter + input.replace(/[\r\n\t]/g, '');
        return update({ filter, ...moveCursor({ ...st, filter }, 0) });
      }
      return;
    }

    switch (st.overlay) {
      case 'applying':
        return;
      case 'help':
        if (input === 'q') return quit();
        return update({ overlay: 'none' });
      case 'result':
        if (input === 'q') return quit();
        if (key.return || key.escape || input === ' ') return update({ overlay: 'none' });
        if (key.downArrow || input === 'j') return scrollOverlay(st, 1);
        if (key.upArrow || input === 'k') return scrollOverlay(st, -1);
        return;
      case 'confirm':
        if (input === 'y' || input === 'Y') {
          void apply();
          return;
        }
        // [y/N]: Enter takes the default, no.
        if (input === 'n' || input === 'N' || key.return || key.escape || input === 'q') return update({ overlay: 'none', message: 'nothing applied' });
        if (key.downArrow || input === 'j') return scrollOverlay(st, 1);
        if (key.upArrow || input === 'k') return scrollOverlay(st, -1);
        return;
      case 'diff':
        if (input === 'q') return quit();
        if (key.escape || input === 'd') return update({ overlay: 'none' });
        if (input === 'a') return openDiff(st, 'confirm');
        if (key.downArrow || input === 'j') return scrollOverlay(st, 1);
        if (key.upArrow || input === 'k') return scrollOverlay(st, -1);
        if (key.pageDown || input === ' ') return scrollOverlay(st, bodyHeight - 2);
        if (key.pageUp) return scrollOverlay(st, -(bodyHeight - 2));
        return;
      case 'none':
        break;
    }

    if (input === 'q') return quit();
    if (key.escape) {
      if (st.detailOpen) return update({ detailOpen: false, message: null });
      if (st.filter) return update({ filter: '', ...moveCursor({ ...st, filter: '' }, 0) });
      return quit();
    }
    if (key.upArrow || input === 'k') return update(moveCursor(st, st.cursor - 1));
    if (key.downArrow || input === 'j') return update(moveCursor(st, st.cursor + 1));
    if (key.home || input === 'g') return update(moveCursor(st, 0));
    if (key.end || input === 'G') return update(moveCursor(st, Number.MAX_SAFE_INTEGER));
    if (key.pageDown) return st.detailOpen ? scrollDetail(st, detailHeight - 1) : update(moveCursor(st, st.cursor + bodyHeight - 1));
    if (key.pageUp) return st.detailOpen ? scrollDetail(st, -(detailHeight - 1)) : update(moveCursor(st, st.cursor - bodyHeight + 1));
    if (key.return) return update({ detailOpen: !st.detailOpen, detailScroll: 0, fixCursor: 0, message: null });
    if (key.tab || key.rightArrow) return st.detailOpen ? moveFixCursor(st, key.shift ? -1 : 1) : undefined;
    if (key.leftArrow) return st.detailOpen ? moveFixCursor(st, -1) : undefined;
    if (input === ' ') return toggleSelection(st);
    if (input === 'd') return openDiff(st, 'diff');
    if (input === 'a') return openDiff(st, 'confirm');
    if (input === '/') return update({ filtering: true, message: null });
    if (input === '?') return update({ overlay: 'help' });
    if (input === 't' || input === 'T') {
      const { targets, target } = derive(st);
      if (targets.length < 2) return update({ message: `one target: ${target}` });
      const targetIndex = (st.targetIndex + (input === 't' ? 1 : targets.length - 1)) % targets.length;
      return update({ targetIndex, cursor: 0, detailScroll: 0, fixCursor: 0, message: null });
    }
  }

  // -------------------------------------------------------------------------
  // Drawing

  let lines: string[];
  let hint: string;
  if (s.error) {
    lines = [theme.red('error') + ': the check failed', ...wrapText(s.error, width - 2).map((l) => `  ${l}`), '', 'q to quit'];
    hint = 'q quit';
  } else if (!run || s.overlay === 'applying') {
    lines = s.overlay === 'applying' && !s.load.reason ? [theme.bold('Writing the changes...')] : loadingLines(s.load, theme, width);
    hint = footerHint('loading', width, targets.length > 1);
  } else {
    lines = [...header(run, target, targets, visible, s, theme, width)];
    let body: string[];
    if (s.overlay === 'help') {
      body = helpLines(theme, target);
      hint = footerHint('help', width, targets.length > 1);
    } else if (s.overlay === 'diff' || s.overlay === 'confirm') {
      // Long lines go on in the rows below (marked), so the whole edit reads at any width.
      const diff = diffLines(s.changes, run.report.root, session.color, width);
      const n = chosenFixes(s.selected, s.fixes).length;
      const title =
        s.overlay === 'confirm'
          ? theme.bold(`Apply ${n} fix${n === 1 ? '' : 'es'} to ${s.changes.length} file${s.changes.length === 1 ? '' : 's'}? [y/N]`)
          : theme.bold(`Diff of ${n} selected fix${n === 1 ? '' : 'es'} (${s.changes.length} file${s.changes.length === 1 ? '' : 's'})`);
      body = [title, ...window(diff, s.overlayScroll, bodyHeight - 1)];
      hint = footerHint(s.overlay, width, targets.length > 1);
    } else if (s.overlay === 'result' && s.result) {
      body = window(resultLines(s.result, run.report.root, theme, width), s.overlayScroll, bodyHeight);
      hint = footerHint('result', width, targets.length > 1);
    } else {
      const rowsAll = findingRows(visible);
      const focusRow = rowsAll.findIndex((r) => r.kind === 'finding' && r.index === s.cursor);
      const listHeight = s.detailOpen && current ? listHeightWithDetail : bodyHeight;
      const top = scrollStart(rowsAll.length, Math.max(0, focusRow), listHeight, listTop.current);
      listTop.current = top;
      const marks = (f: Finding) => fixMark(f, s.fixes, s.selected);
      body = rowsAll.slice(top, top + listHeight).map((r) => rowLine(r, s.cursor, marks, theme));
      if (!visible.length) {
        body = [
          s.filter
            ? `no finding for ${target} matches "${s.filter}"`
            : run.report.findings.length
              ? `no findings for ${target}; ${targets.length > 1 ? 't shows another target' : ''}`
              : theme.green(`ok: static build for ${target} is ready`),
        ];
      }
      if (s.detailOpen && current) {
        while (body.length < listHeight) body.push('');
        body.push(theme.dim('─'.repeat(width)));
        const d = detailFor(s, current);
        body.push(...window(d.lines, s.detailScroll, detailHeight));
        hint = footerHint('detail', width, targets.length > 1);
      } else {
        hint = footerHint('list', width, targets.length > 1);
      }
    }
    while (body.length < bodyHeight) body.push('');
    lines.push(...body.slice(0, bodyHeight));
  }
  while (lines.length < height - FOOTER) lines.push('');
  lines = lines.slice(0, Math.max(0, height - FOOTER));
  const status = s.filtering
    ? `/${s.filter}${theme.inverse(' ')}`
    : s.message
      ? s.message
      : run && s.fixes === null && session.fixes
        ? theme.dim('proving fixes...')
        : run && s.explored === 'pending' && session.fixes
          ? theme.dim('proving each strategy on its own...')
        : session.warnings.length
          ? theme.yellow(`warning: ${session.warnings[session.warnings.length - 1]}`)
          : '';
  lines.push(status, theme.dim(s.filtering ? footerHint('filter', width, targets.length > 1) : hint));
  if (lines.length > height) lines = height > FOOTER ? [...lines.slice(0, height - FOOTER), ...lines.slice(-FOOTER)] : lines.slice(0, height);

  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
}

/** The targets, the current one, the findings the filter keeps and the one under the cursor. */
function derive(s: State): { targets: string[]; target: string; visible: Finding[]; current: Finding | undefined } {
  const targets = s.run?.loaded.targets ?? [];
  const target = targets[Math.min(s.targetIndex, Math.max(0, targets.length - 1))] ?? '';
  const visible = s.run ? visibleFindings(s.run.report.findings, target, s.filter) : [];
  return { targets, target, visible, current: visible[Math.min(s.cursor, visible.length - 1)] };
}

/** The key of one character of a chunk of typed keys. */
function charKey(ch: string, base: Key): Key {
  const k: Key = { ...base, return: false, tab: false, backspace: false, shift: /[A-Z]/.test(ch) };
  if (ch === '\r' || ch === '\n') return { ...k, return: true };
  if (ch === '\t') return { ...k, tab: true };
  if (ch === '\x7f' || ch === '\b') return { ...k, backspace: true };
  return k;
}

function window(lines: string[], top: number, height: number): string[] {
  const start = Math.max(0, Math.min(top, lines.length - height));
  return lines.slice(start, start + height);
}

function header(run: CheckRun, target: string, targets: string[], visible: Finding[], s: State, theme: Theme, width: number): string[] {
  const roots = run.graphs[0]?.roots.map((k) => run.graphs[0].packages.get(k)?.name ?? k) ?? [];
  const name = roots.length > 2 ? `${roots.slice(0, 2).join(', ')} +${roots.length - 2}` : roots.join(', ');
  const t = targets.length > 1 ? `${target} (target ${targets.indexOf(target) + 1}/${targets.length})` : target;
  const all = run.report.findings.filter((f) => f.target === target);
  const c = countBySeverity(all);
  const counts = `${theme.red(`${c.error} error${c.error === 1 ? '' : 's'}`)}, ${theme.yellow(`${c.warning} warning${c.warning === 1 ? '' : 's'}`)}, ${theme.cyan(`${c.info} note${c.info === 1 ? '' : 's'}`)}`;
  const nSel = chosenFixes(s.selected, s.fixes).length;
  const n = run.report.unresolved.length;
  const extra = [
    s.filter ? `filter "${s.filter}": ${visible.length} shown` : '',
    nSel ? `${nSel} fix${nSel === 1 ? '' : 'es'} selected` : '',
    n ? theme.yellow(`${n} crate${n === 1 ? '' : 's'} not checked`) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  // The target always shows; the tool's name and then the members' names give way on narrow screens.
  let title = `${theme.bold('cargo-preflight')} · ${name} · ${t}`;
  if (`cargo-preflight · ${name} · ${t}`.length > width) title = `${name} · ${t}`;
  if (`${name} · ${t}`.length > width) title = `${name.slice(0, Math.max(1, width - t.length - 4))}… · ${t}`;
  return [title, `${counts}${extra ? ` · ${extra}` : ''}`, theme.dim('─'.repeat(width))];
}
