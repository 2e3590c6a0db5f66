/**
 * The keys of the triage screen: what each key does in each view (the
 * filter being typed, the help, the diff, the confirmation, the apply
 * result, the list and the detail). Handlers read the latest state and
 * change it through the session; they draw nothing.
 */
import type { Key } from 'ink';
import { relPath } from '../output/report.js';
import type { EditorRun } from './editor.js';
import { chosenFixes, firstChoice, fixesFor, toggleFix } from './model.js';
import type { Session } from './session.js';
import { derive, type Layout, type State } from './state.js';
import { detailFor, type ScreenContext } from './screen.js';
import { diffLines, resultLines } from './views.js';
import type { TriageSession } from './use-session.js';

export interface KeyContext {
  triage: TriageSession;
  session: Session;
  layout: Layout;
  screen: ScreenContext;
  /** Runs the session's editor at the file's line, the terminal handed over to it meanwhile. */
  edit(file: string, line: number): EditorRun;
}

/** Keys typed faster than they are read arrive as one chunk: each character is handled as its own key. */
export function splitKeys(input: string, key: Key): [string, Key][] {
  const plain = !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.pageUp && !key.pageDown && !key.ctrl && !key.meta && !key.escape;
  if (plain && input.length > 1) return [...input].map((ch) => [ch, charKey(ch, key)]);
  return [[input, key]];
}

/** The key of one character of a chunk of typed keys. */
function charKey(ch: string, base: Key): Key {
  const k: Key = { ...base, return: false, tab: false, backspace: false, shift: /[A-Z]/.test(ch) };
  if (ch === '\r' || ch === '\n') return { ...k, return: true };
  if (ch === '\t') return { ...k, tab: true };
  if (ch === '\x7f' || ch === '\b') return { ...k, backspace: true };
  return k;
}

export function onKey(input: string, key: Key, c: KeyContext): void {
  let st = c.triage.latest();
  if (key.ctrl && input === 'c') return c.triage.quit();
  // Any key but Esc takes back the question of the first Esc.
  if (st.quitArmed && !key.escape) {
    c.triage.update({ quitArmed: false });
    st = c.triage.latest();
  }
  if (!st.run || st.error) {
    if (input === 'q') return c.triage.quit();
    if (key.escape) return escapeToQuit(st, c);
    if (input === 'r' && st.run) return void c.triage.recheck();
    return;
  }
  if (st.filtering) return filterKey(input, key, st, c);
  if (st.overlay !== 'none') return overlayKey(input, key, st, c);
  listKey(input, key, st, c);
}

const down = (input: string, key: Key) => key.downArrow || input === 'j';
const up = (input: string, key: Key) => key.upArrow || input === 'k';

function filterKey(input: string, key: Key, st: State, c: KeyContext): void {
  const { update } = c.triage;
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
}

/** The help, the diff, the confirmation, the apply result and the apply under way. */
function overlayKey(input: string, key: Key, st: State, c: KeyContext): void {
  const { update, quit } = c.triage;
  const page = c.layout.bodyHeight - 2;
  switch (st.overlay) {
    case 'applying':
      return;
    case 'checking':
      if (input === 'q') return quit();
      return;
    case 'help':
      if (input === 'q') return quit();
      return update({ overlay: 'none' });
    case 'result':
      if (input === 'q') return quit();
      if (key.return || key.escape || input === ' ') return update({ overlay: 'none' });
      if (down(input, key)) return scrollOverlay(st, 1, c);
      if (up(input, key)) return scrollOverlay(st, -1, c);
      return;
    case 'confirm':
      if (input === 'y' || input === 'Y') return void c.triage.apply();
      // [y/N]: Enter takes the default, no.
      if (input === 'n' || input === 'N' || key.return || key.escape || input === 'q') return update({ overlay: 'none', message: 'nothing applied' });
      if (down(input, key)) return scrollOverlay(st, 1, c);
      if (up(input, key)) return scrollOverlay(st, -1, c);
      return;
    case 'diff':
      if (input === 'q') return quit();
      if (key.escape || input === 'd') return update({ overlay: 'none' });
      if (input === 'a') return openDiff(st, 'confirm', c);
      if (down(input, key)) return scrollOverlay(st, 1, c);
      if (up(input, key)) return scrollOverlay(st, -1, c);
      if (key.pageDown || input === ' ') return scrollOverlay(st, page, c);
      if (key.pageUp) return scrollOverlay(st, -page, c);
      return;
  }
}

/** The list, and the detail under it when open. */
function listKey(input: string, key: Key, st: State, c: KeyContext): void {
  const { update, quit } = c.triage;
  const { bodyHeight, detailHeight } = c.layout;
  if (input === 'q') return quit();
  // Esc closes what is on top: the detail, then the filter, then the status line; with nothing left, it asks.
  if (key.escape) {
    if (st.detailOpen) return update({ detailOpen: false, message: null });
    if (st.filter) return update({ filter: '', ...moveCursor({ ...st, filter: '' }, 0) });
    if (st.message) return update({ message: null });
    return escapeToQuit(st, c);
  }
  if (input === 'r') return void c.triage.recheck();
  if (input === 'e') return edit(st, c);
  if (up(input, key)) return update(moveCursor(st, st.cursor - 1));
  if (down(input, key)) return update(moveCursor(st, st.cursor + 1));
  if (key.home || input === 'g') return update(moveCursor(st, 0));
  if (key.end || input === 'G') return update(moveCursor(st, Number.MAX_SAFE_INTEGER));
  if (key.pageDown) return st.detailOpen ? scrollDetail(st, detailHeight - 1, c) : update(moveCursor(st, st.cursor + bodyHeight - 1));
  if (key.pageUp) return st.detailOpen ? scrollDetail(st, -(detailHeight - 1), c) : update(moveCursor(st, st.cursor - bodyHeight + 1));
  if (key.return) return update({ detailOpen: !st.detailOpen, detailScroll: 0, fixCursor: 0, message: null });
  if (key.tab || key.rightArrow) return st.detailOpen ? moveFixCursor(st, key.shift ? -1 : 1, c) : undefined;
  if (key.leftArrow) return st.detailOpen ? moveFixCursor(st, -1, c) : undefined;
  if (input === ' ') return toggleSelection(st, c);
  if (input === 'd') return openDiff(st, 'diff', c);
  if (input === 'a') return openDiff(st, 'confirm', c);
  if (input === '/') return update({ filtering: true, message: null });
  if (input === '?') return update({ overlay: 'help' });
  if (input === 't' || input === 'T') {
    const { targets, target } = derive(st);
    if (targets.length < 2) return update({ message: `one target: ${target}` });
    const targetIndex = (st.targetIndex + (input === 't' ? 1 : targets.length - 1)) % targets.length;
    return update({ targetIndex, cursor: 0, detailScroll: 0, fixCursor: 0, message: null });
  }
}

/** The first Esc with nothing to close asks; the second quits. */
function escapeToQuit(st: State, c: KeyContext): void {
  if (st.quitArmed) return c.triage.quit();
  c.triage.update({ quitArmed: true });
}

/** Opens the editor at the declaration that brings the finding's crate in, then checks again. */
function edit(st: State, c: KeyContext): void {
  const { update } = c.triage;
  const { current } = derive(st);
  if (!current || !st.run) return;
  const m = current.direct?.manifest;
  if (!m) return update({ message: `no declaration in a Cargo.toml brings in ${current.package.name}` });
  const at = `${relPath(st.run.report.root, m.path)}:${m.line}`;
  if (!c.session.editor) return update({ message: `set $VISUAL or $EDITOR to edit ${at} from here` });
  const r = c.edit(m.path, m.line);
  if (r.error) return update({ message: `could not open the editor: ${r.error}` });
  void c.triage.recheck(r.status ? `the editor exited with status ${r.status}` : undefined);
}

function moveCursor(st: State, to: number): Partial<State> {
  const vis = derive(st).visible;
  const cursor = Math.max(0, Math.min(vis.length - 1, to));
  return { cursor: Math.max(0, cursor), detailScroll: 0, fixCursor: 0, message: null };
}

function toggleSelection(st: State, c: KeyContext): void {
  const { update } = c.triage;
  const { current } = derive(st);
  if (!current) return;
  if (!st.fixes) return update({ message: 'fixes are still being proven' });
  if (st.fixError && !st.fixes.length) return update({ message: `no fixes: ${st.fixError}` });
  const mine = fixesFor(st.fixes, current);
  if (!mine.length) return update({ message: `no fix proposed for ${current.package.name}` });
  // From the list, space takes the selected fix or the first proven one that gives nothing up;
  // a fix that turns features off is only chosen in the detail, where what it loses is shown.
  const fix = st.detailOpen ? mine[Math.min(st.fixCursor, mine.length - 1)] : (mine.find((x) => st.selected.has(x.id)) ?? firstChoice(st.fixes, current));
  if (!fix) {
    return update({
      message: mine.some((x) => x.proven) ? 'the proven fix turns features off: open the detail (Enter) to choose it' : `no proven fix for ${current.package.name}: Enter shows why`,
    });
  }
  if (!fix.proven) return update({ message: `not proven, so it cannot be applied: ${fix.reason ?? 'no reason given'}` });
  const selected = toggleFix(st.selected, fix, st.fixes);
  update({ selected, message: selected.has(fix.id) ? `selected: ${fix.title}` : `unselected: ${fix.title}` });
}

function openDiff(st: State, overlay: 'diff' | 'confirm', c: KeyContext): void {
  const { update } = c.triage;
  const engine = c.session.fixes;
  const chosen = chosenFixes(st.selected, st.fixes);
  if (!engine) return update({ message: 'the fix engine is not available in this build' });
  if (!chosen.length || !st.run) return update({ message: 'no fix selected: select a proven fix with space' });
  try {
    update({ overlay, overlayScroll: 0, changes: engine.render(st.run, chosen), message: null });
  } catch (e) {
    update({ message: `the edits cannot be made: ${e instanceof Error ? e.message : String(e)}` });
  }
}

/** Scrolls the detail; a highlighted fix option scrolled wholly out of view gives the highlight to the nearest one in view. */
function scrollDetail(st: State, delta: number, c: KeyContext): void {
  const { current } = derive(st);
  if (!current) return;
  const { detailHeight, width } = c.layout;
  const d = detailFor(st, current, c.screen, width);
  const max = Math.max(0, d.lines.length - detailHeight);
  const detailScroll = Math.max(0, Math.min(max, st.detailScroll + delta));
  // An option is in view while any of its lines is (its diff may be read on past its title).
  const shown = (i: number) => (d.fixLines[i] ?? -1) < detailScroll + detailHeight && (d.fixEnds[i] ?? -1) > detailScroll;
  let fixCursor = st.fixCursor;
  if (d.fixLines.length && !shown(fixCursor)) {
    const inView = d.fixLines.map((_, i) => i).filter(shown);
    if (inView.length) fixCursor = delta > 0 ? inView[0]! : inView[inView.length - 1]!;
  }
  c.triage.update({ detailScroll, fixCursor });
}

/** Highlights another fix option and scrolls the detail so that the whole option shows (its start when it is taller than the view). */
function moveFixCursor(st: State, delta: number, c: KeyContext): void {
  const { current } = derive(st);
  const currentFixes = current ? fixesFor(st.fixes, current) : [];
  if (!current || !currentFixes.length) return;
  const { detailHeight, width } = c.layout;
  const fixCursor = (st.fixCursor + delta + currentFixes.length) % currentFixes.length;
  const d = detailFor({ ...st, fixCursor }, current, c.screen, width);
  c.triage.update({ fixCursor, detailScroll: scrollTo(st.detailScroll, d.fixLines[fixCursor] ?? 0, d.fixEnds[fixCursor] ?? 0, detailHeight) });
}

/** The first line to show so that lines [start, end) are in a view of `height` lines, moving as little as it can. */
export function scrollTo(top: number, start: number, end: number, height: number): number {
  if (end - start >= height) return start;
  if (start < top) return start;
  if (end > top + height) return end - height;
  return top;
}

/** Scrolls the diff, the confirmation or the apply result, within its lines. */
function scrollOverlay(st: State, delta: number, c: KeyContext): void {
  if (!st.run) return;
  const { width, bodyHeight } = c.layout;
  const total =
    st.overlay === 'result' && st.result
      ? resultLines(st.result, st.run.report.root, c.screen.theme, width).length - bodyHeight
      : diffLines(st.changes, st.run.report.root, c.screen.color, width).length - (bodyHeight - 1);
  c.triage.update({ overlayScroll: Math.max(0, Math.min(Math.max(0, total), st.overlayScroll + delta)) });
}
