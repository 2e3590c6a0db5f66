/**
 * The whole screen as lines of text for a state and a terminal size: the
 * header, the view on top (loading, the list with the detail, the help, the
 * diff or the confirmation, the apply result), the status line and the key
 * hints. Pure: the component only draws what this returns.
 */
import { relPath } from '../output/report.js';
import type { CheckRun } from '../run/check.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import type { Finding } from '../../src/rules/types.js';
import { chosenFixes, countBySeverity, scrollStart, wrapText } from './model.js';
import { derive, window, type Layout, type State } from './state.js';
import { detailLines, diffLines, findingRows, fixMark, footerHint, helpLines, loadingLines, resultLines, rowLine, wrapRow, type Detail, type Theme } from './views.js';

/** What the screen shows beside the state: the session's settings. */
export interface ScreenContext {
  theme: Theme;
  color: boolean;
  /** The strategy asked for (`auto` unless `--strategy` says otherwise). */
  strategy: string;
  /** Whether a fix engine is there (proving fixes shows in the status line). */
  fixEngine: boolean;
  /** The fix engine's rendering of fixes' edits (the files before and after), for the diff of one option. */
  render?: (run: CheckRun, fixes: ProposedFix[]) => FileChange[];
  warnings: string[];
}

/** The detail of a finding, laid out for the width. */
export function detailFor(s: State, f: Finding, ctx: Pick<ScreenContext, 'theme' | 'strategy' | 'render' | 'color'>, width: number): Detail {
  const run = s.run!;
  return detailLines(
    {
      finding: f,
      root: run.report.root,
      kb: run.kb,
      declared: run.graphs.find((g) => g.target === f.target)?.packages.get(f.packageKey)?.declared?.features,
      fixes: s.fixes,
      fixError: s.fixError,
      selected: s.selected,
      fixCursor: s.fixCursor,
      strategy: ctx.strategy,
      explored: s.explored,
      diffOf: ctx.render ? (fix, w) => optionDiff(run, fix, ctx as ScreenContext, w) : undefined,
    },
    ctx.theme,
    width,
  );
}

const diffs = new WeakMap<ProposedFix, { width: number; color: boolean; rows: string[] }>();

/** The diff of one fix option on its own, as the engine renders it; the reason it cannot be rendered otherwise. */
function optionDiff(run: CheckRun, fix: ProposedFix, ctx: ScreenContext, width: number): string[] {
  const kept = diffs.get(fix);
  if (kept && kept.width === width && kept.color === ctx.color) return kept.rows;
  let rows: string[];
  try {
    rows = diffLines(ctx.render!(run, [fix]), run.report.root, ctx.color, width);
  } catch (e) {
    rows = wrapText(`the edits cannot be made: ${e instanceof Error ? e.message : String(e)}`, width);
  }
  diffs.set(fix, { width, color: ctx.color, rows });
  return rows;
}

export interface Drawn {
  lines: string[];
  /** The first list row shown, kept for the next drawing so that the list moves only when it must. */
  listTop: number;
}

/** The screen's lines: `layout.height` of them at most, none wider than `layout.width`. */
export function screenLines(s: State, l: Layout, ctx: ScreenContext, listTop: number): Drawn {
  const { theme } = ctx;
  const { targets } = derive(s);
  const multi = targets.length > 1;
  let lines: string[];
  let hint: string;
  if (s.error) {
    const again = s.run ? 'r to check again, ' : '';
    lines = [theme.red('error') + ': the check failed', ...wrapText(s.error, l.width - 2).map((x) => `  ${x}`), '', `${again}q to quit`];
    hint = s.run ? footerHint('error', l.width, multi) : 'q quit';
  } else if (!s.run || s.overlay === 'applying' || s.overlay === 'checking') {
    lines = s.overlay === 'applying' && !s.load.reason ? [theme.bold('Writing the changes...')] : loadingLines(s.load, theme, l.width);
    hint = footerHint('loading', l.width, multi);
  } else {
    const body = bodyLines(s, s.run, l, ctx, listTop);
    listTop = body.listTop;
    hint = body.hint;
    lines = [...header(s, s.run, theme, l.width), ...body.lines];
  }
  const footer = [...statusRows(s, ctx, l.width), theme.dim(s.filtering ? footerHint('filter', l.width, multi) : hint)];
  const room = Math.max(0, l.height - footer.length);
  while (lines.length < room) lines.push('');
  lines = [...lines.slice(0, room), ...footer].slice(-l.height);
  return { lines, listTop };
}

/** The status line, a long one going on in the rows below (up to three), so that nothing is cut. */
export function statusRows(s: State, ctx: ScreenContext, width: number): string[] {
  const rows = wrapRow(statusLine(s, ctx), Math.max(4, width - 1));
  return rows.length > 3 ? [...rows.slice(0, 2), rows[2]!.replace(/.$/u, '…')] : rows;
}

function statusLine(s: State, ctx: ScreenContext): string {
  const { theme } = ctx;
  if (s.filtering) return `/${s.filter}${theme.inverse(' ')}`;
  if (s.quitArmed) return theme.bold('press Esc again to quit (q quits at once)');
  if (s.message) return s.message;
  if (s.stale.length && s.run) return theme.yellow(`${staleText(s.stale, s.run.report.root)} changed on disk since the check; press r`);
  if (s.run && s.fixes === null && ctx.fixEngine) return theme.dim('proving fixes...');
  if (s.run && s.explored === 'pending' && ctx.fixEngine) return theme.dim('proving each strategy on its own...');
  if (ctx.warnings.length) return theme.yellow(`warning: ${ctx.warnings[ctx.warnings.length - 1]}`);
  return '';
}

function staleText(paths: string[], root: string): string {
  const names = paths.map((p) => relPath(root, p));
  return names.length > 2 ? `${names[0]} and ${names.length - 1} other manifests` : names.join(' and ');
}

/** The rows under the header: the view on top, `bodyHeight` of them, and its key hints. */
function bodyLines(s: State, run: CheckRun, l: Layout, ctx: ScreenContext, listTop: number): { lines: string[]; hint: string; listTop: number } {
  const { theme } = ctx;
  const { targets, target, visible, current } = derive(s);
  const multi = targets.length > 1;
  let body: string[];
  let hint: string;
  if (s.overlay === 'help') {
    body = helpLines(theme, target);
    hint = footerHint('help', l.width, multi);
  } else if (s.overlay === 'diff' || s.overlay === 'confirm') {
    // Long lines go on in the rows below (marked), so the whole edit reads at any width.
    const diff = diffLines(s.changes, run.report.root, ctx.color, l.width);
    const n = chosenFixes(s.selected, s.fixes).length;
    const files = `${s.changes.length} file${s.changes.length === 1 ? '' : 's'}`;
    const title = s.overlay === 'confirm' ? theme.bold(`Apply ${n} fix${n === 1 ? '' : 'es'} to ${files}? [y/N]`) : theme.bold(`Diff of ${n} selected fix${n === 1 ? '' : 'es'} (${files})`);
    body = [title, ...window(diff, s.overlayScroll, l.bodyHeight - 1)];
    hint = footerHint(s.overlay, l.width, multi);
  } else if (s.overlay === 'result' && s.result) {
    body = window(resultLines(s.result, run.report.root, theme, l.width), s.overlayScroll, l.bodyHeight);
    hint = footerHint('result', l.width, multi);
  } else {
    const rowsAll = findingRows(visible);
    const focusRow = rowsAll.findIndex((r) => r.kind === 'finding' && r.index === s.cursor);
    const listHeight = s.detailOpen && current ? l.listHeightWithDetail : l.bodyHeight;
    listTop = scrollStart(rowsAll.length, Math.max(0, focusRow), listHeight, listTop);
    const marks = (f: Finding) => fixMark(f, s.fixes, s.selected);
    body = rowsAll.slice(listTop, listTop + listHeight).map((r) => rowLine(r, s.cursor, marks, theme));
    if (!visible.length) {
      body = [
        s.filter
          ? `no finding for ${target} matches "${s.filter}"`
          : run.report.findings.length
            ? `no findings for ${target}; ${multi ? 't shows another target' : ''}`
            : theme.green(`ok: static build for ${target} is ready`),
      ];
    }
    if (s.detailOpen && current) {
      while (body.length < listHeight) body.push('');
      body.push(theme.dim('─'.repeat(l.width)));
      body.push(...window(detailFor(s, current, ctx, l.width).lines, s.detailScroll, l.detailHeight));
      hint = footerHint('detail', l.width, multi);
    } else {
      hint = footerHint('list', l.width, multi);
    }
  }
  while (body.length < l.bodyHeight) body.push('');
  return { lines: body.slice(0, l.bodyHeight), hint, listTop };
}

function header(s: State, run: CheckRun, theme: Theme, width: number): string[] {
  const { targets, target, visible } = derive(s);
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
