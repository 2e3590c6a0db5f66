/**
 * The screens of the triage UI as lines of text (with ANSI styling when
 * colours are on). Every builder is pure: screen.ts only picks
 * which lines fit the terminal and draws them.
 */
import { LOCKFILE_COMMAND } from '../../src/fixers/index.js';
import { shownDiff } from '../output/diff.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import { reasonsText, reasonText, type Reason } from '../../src/fixers/reasons.js';
import type { FeatureNames, KnowledgeBase } from '../../src/knowledge/lookup.js';
import type { Finding, Severity } from '../../src/rules/types.js';
import type { FetchProgress } from '../../src/registry/progress.js';
import { morePathsText, relPath, shownPaths } from '../output/report.js';
import { makeStyle, type Style } from '../output/style.js';
import { programName } from '../args.js';
import {
  SEVERITY_LABEL,
  firstChoice,
  fixReasons,
  fixesFor,
  kbExplanation,
  strategyOptions,
  listRows,
  location,
  pathTree,
  treeLines,
  wrapText,
  type Explored,
  type ListRow,
  type Outcome,
} from './model.js';

export interface Theme extends Style {
  inverse(s: string): string;
  severity(s: Severity, text: string): string;
}

export function makeTheme(color: boolean): Theme {
  const base = makeStyle(color);
  return {
    ...base,
    inverse: (s) => (color ? `\x1b[7m${s}\x1b[27m` : s),
    severity: (s, text) => (s === 'error' ? base.red(text) : s === 'warning' ? base.yellow(text) : base.cyan(text)),
  };
}

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

// ---------------------------------------------------------------------------
// Loading

export interface LoadState {
  /** What is being checked (the path argument or the working directory). */
  what: string;
  fetch: FetchProgress | null;
  /** Set once the metadata is read: the target being resolved, and how many are done. */
  resolving: { target: string; done: number; total: number } | null;
  /** Shown while a re-check follows an apply. */
  reason?: string;
}

export function bar(done: number, total: number, width: number): string {
  const w = Math.max(4, width);
  const filled = total > 0 ? Math.round((done / total) * w) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(w - filled)}]`;
}

export function loadingLines(s: LoadState, theme: Theme, width: number): string[] {
  const out = [theme.bold(`cargo-preflight: ${s.reason ?? 'checking'} ${s.what}`), ''];
  const f = s.fetch;
  if (f && f.total > 0) {
    const counts = `${f.done}/${f.total} crates, ${f.cacheHits} from cache${f.failures ? `, ${f.failures} failed` : ''}`;
    out.push(`  ${theme.cyan('Fetching index')} ${counts}`);
    out.push(`  ${bar(f.done, f.total, Math.min(50, width - 6))}`);
  } else {
    out.push(`  ${theme.cyan('Reading')} Cargo.lock, manifests and crate metadata`);
    out.push('');
  }
  const r = s.resolving;
  if (r) out.push(`  ${theme.cyan('Resolving')} features and cfg: ${r.done}/${r.total} target${r.total === 1 ? '' : 's'} done, now ${r.target}`);
  return out;
}

// ---------------------------------------------------------------------------
// Finding list

export type FixMark = 'selected' | 'available' | 'loses' | 'unproven' | 'none' | 'pending';

export function fixMark(f: Finding, fixes: ProposedFix[] | null, selected: ReadonlySet<string>): FixMark {
  if (!fixes) return 'pending';
  const mine = fixesFor(fixes, f);
  if (mine.some((x) => selected.has(x.id))) return 'selected';
  if (mine.some((x) => x.proven && x.strategy !== 'disable')) return 'available';
  if (mine.some((x) => x.proven)) return 'loses';
  return mine.length ? 'unproven' : 'none';
}

const MARK: Record<FixMark, string> = { selected: '[x]', available: '[ ]', loses: '[!]', unproven: '[-]', none: '   ', pending: '   ' };

export function rowLine(row: ListRow, cursor: number, marks: (f: Finding) => FixMark, theme: Theme): string {
  if (row.kind === 'heading') {
    return theme.severity(row.severity, `${SEVERITY_LABEL[row.severity]} (${row.count})`);
  }
  const f = row.finding;
  const here = row.index === cursor;
  const name = `${f.package.name} v${f.package.version}`;
  const allowed = f.allowed ? ' (allowed)' : '';
  const via = f.direct && f.direct.dependency !== f.package.name ? ` via ${f.direct.dependency}` : '';
  const text = `${here ? '>' : ' '} ${MARK[marks(f)]} ${name}  ${f.rule}${via}${allowed}`;
  return here ? theme.inverse(text) : `${text.slice(0, 6)}${theme.severity(f.severity, name)}${text.slice(6 + name.length)}`;
}

export function findingRows(visible: Finding[]): ListRow[] {
  return listRows(visible);
}

// ---------------------------------------------------------------------------
// Detail

export interface DetailInput {
  finding: Finding;
  root: string;
  kb: KnowledgeBase;
  /** The features the finding's package declares at its version, when read. */
  declared?: FeatureNames;
  /** null while fixes are being proven. */
  fixes: ProposedFix[] | null;
  /** Why no fixes can be shown (the fix engine failed), if so. */
  fixError: string | null;
  selected: ReadonlySet<string>;
  fixCursor: number;
  /** The strategy asked for (`auto` unless `--strategy` says otherwise). */
  strategy: string;
  /** Whether each strategy's own proposals are in `fixes` yet. */
  explored: Explored;
  /** The diff of a fix's own edits as rows of at most `width` columns (shown under the highlighted option, proven or not). */
  diffOf?: (fix: ProposedFix, width: number) => string[];
}

/** What each strategy does, beside its name in the detail. */
const STRATEGY_ABOUT: Record<string, string> = {
  switch: 'another backend of the dependency',
  static: "the dependency's static option",
  pin: 'the -sys crate pinned with its static option',
  disable: 'turn off the feature that brings the crate in',
};

export interface Detail {
  lines: string[];
  /** Line index of each fix option, for scrolling to the highlighted one. */
  fixLines: number[];
  /** The line after each fix option's last (its reasons and, when highlighted, its diff). */
  fixEnds: number[];
}

export function detailLines(d: DetailInput, theme: Theme, width: number): Detail {
  const f = d.finding;
  const w = Math.max(20, width - 4);
  const lines: string[] = [];
  const para = (text: string, indent = '  ') => {
    for (const l of wrapText(text, w - (indent.length - 2))) lines.push(`${indent}${l}`);
  };
  const heading = (t: string) => lines.push(theme.bold(t));

  lines.push(`${theme.severity(f.severity, `${LABEL[f.severity]}[${f.rule}]`)} ${theme.bold(`${f.package.name} v${f.package.version}`)} for ${f.target}`);
  para(f.message);
  const loc = location(d.root, f);
  if (loc && f.direct) {
    for (const [i, l] of wrapText(`--> ${loc} (dependency \`${f.direct.dependency}\` of ${f.direct.member})`, w).entries()) lines.push(i === 0 ? `  ${theme.cyan('-->')}${l.slice(3)}` : `      ${l}`);
  }
  if (f.direct?.inheritedFrom) {
    const i = f.direct.inheritedFrom;
    lines.push(`  ${theme.cyan('-->')} ${relPath(d.root, i.path)}:${i.line}:${i.column} (workspace.dependencies)`);
  }
  if (f.features.length) para(`features: ${f.features.join(', ')}`);
  if (f.allowed) para(`allowed: ${f.allowed.reason}`);

  if (f.detail) {
    heading('Why');
    para(f.detail);
  }

  if (f.paths.length) {
    heading('Inclusion paths');
    const shown = shownPaths(f);
    for (const t of treeLines(pathTree(shown.length ? shown : f.paths))) {
      const via = t.via.length ? ` ${theme.yellow(`[${t.via.join(', ')}]`)}` : '';
      lines.push(`  ${theme.dim(t.prefix)}${t.label}${via}`);
    }
    const more = morePathsText(f, `${programName()} why`);
    if (more) para(more);
  }

  const kb = kbExplanation(d.kb, f, d.declared);
  if (kb.length) {
    heading('Knowledge base');
    for (const p of kb) para(p);
  }

  heading('Fix options');
  const fixLines: number[] = [];
  const fixEnds: number[] = [];
  if (d.fixError) {
    para(`fixes could not be proposed: ${d.fixError}`);
  } else if (!d.fixes) {
    para('proving fixes (resolving the patched manifests again)...');
  } else {
    const options = strategyOptions(d.fixes, f, d.strategy, d.explored);
    const first = firstChoice(d.fixes, f);
    let i = 0;
    for (const o of options) {
      lines.push(`  ${theme.bold(o.strategy)} ${theme.dim(`(${STRATEGY_ABOUT[o.strategy]})`)}`);
      if (o.note) for (const l of wrapText(o.note, w - 6)) lines.push(`      ${theme.dim(l)}`);
      for (const x of o.fixes) {
        fixLines.push(lines.length);
        const here = i === d.fixCursor;
        i++;
        const box = d.selected.has(x.id) ? '[x]' : x.proven ? '[ ]' : '[-]';
        const status = x.proven ? (x.strategy === 'disable' ? 'proven, turns features off' : 'proven') : 'not proven';
        const paint = x.proven ? theme.green : theme.red;
        const head = `${here ? '>' : ' '} ${box}`;
        const title = x.edits.length ? x.title : 'no candidate';
        for (const [j, l] of wrapText(`${status}: ${title}`, w - 4).entries())
          lines.push(j === 0 ? `  ${here ? theme.inverse(head) : head} ${paint(status)}${l.slice(status.length)}` : `        ${l}`);
        const sub = (text: string) => {
          for (const l of wrapText(text, w - 8)) lines.push(`        ${l}`);
        };
        if (x === first && x.status === 'not-applied' && x.notApplied) sub(`what \`${programName()} fix\` would apply; not applied: ${reasonText({ ...x.notApplied, strategy: undefined })}`);
        else if (x === first) sub(`what \`${programName()} fix\` applies`);
        if (x.edits.length && x.description) sub(x.description);
        if (x.proven) {
          if (x.reasons?.length) sub(`note: ${reasonsText(x.reasons)}`);
        } else {
          const reasons = fixReasons(x);
          if (!reasons.length) sub('reason: not proven');
          for (const r of reasons) sub(`reason: ${r}`);
        }
        if (x.newCrates.length) sub(`new crates: ${x.newCrates.join(', ')}`);
        if (x.lockfileCommand) sub(`then: ${x.lockfileCommand}`);
        if (here && x.edits.length && d.diffOf) for (const row of d.diffOf(x, w - 4)) lines.push(`        ${row}`);
        fixEnds.push(lines.length);
      }
    }
    if (d.strategy !== 'auto') para(`other strategies not tried (--strategy ${d.strategy})`);
  }
  lines.push(`${theme.dim('docs:')} ${f.docs}`);
  return { lines, fixLines, fixEnds };
}

// ---------------------------------------------------------------------------
// Diff, apply result, help

/** Starts each row a long line continues on (then a space): the row goes on the line above, it is not a line of its own. */
export const CONTINUATION = '\u21aa';

/**
 * The diff of the changes as screen rows of at most `width` columns: a line
 * longer than that goes on in the rows below, each starting with
 * `CONTINUATION` and a space, in the line's colour. Nothing is cut off.
 */
export function diffLines(changes: FileChange[], root: string, color: boolean, width = Number.MAX_SAFE_INTEGER): string[] {
  const out: string[] = [];
  for (const c of changes) {
    for (const line of shownDiff(relPath(root, c.path), c.before, c.after, color).replace(/\n$/, '').split('\n')) out.push(...wrapRow(line, width));
  }
  return out;
}

/**
 * Cuts a line (possibly with ANSI styling) into rows of at most `width`
 * visible columns; rows after the first start with `CONTINUATION` and a
 * space. Styling open at a cut is closed at the end of the row and opened
 * again after the continuation mark, so every row draws on its own.
 */
export function wrapRow(line: string, width: number): string[] {
  const w = Math.max(4, width);
  const tokens = line.match(/\x1b\[[0-9;]*m|[\s\S]/gu) ?? [];
  const rows: string[] = [];
  let active: string[] = [];
  let row = '';
  let used = 0;
  let room = w;
  for (const t of tokens) {
    if (t.startsWith('\x1b[')) {
      if (/^\x1b\[0?m$/.test(t)) active = [];
      else active.push(t);
      row += t;
      continue;
    }
    if (used === room) {
      rows.push(active.length ? `${row}\x1b[0m` : row);
      row = `${CONTINUATION} ${active.join('')}`;
      used = 0;
      room = w - 2;
    }
    row += t;
    used++;
  }
  rows.push(row);
  return rows;
}

export interface ApplyResult {
  /** The fixes written. */
  fixes: ProposedFix[];
  written: string[];
  dropped: { fix: ProposedFix; reason: Reason }[];
  outcome: Outcome | null;
  lockfileCommands: string[];
  newCrates: string[];
  error: string | null;
}

export function resultLines(r: ApplyResult, root: string, theme: Theme, width: number): string[] {
  const out: string[] = [];
  const para = (t: string, indent = '  ') => {
    for (const l of wrapText(t, width - indent.length - 1)) out.push(`${indent}${l}`);
  };
  const dropped = () => {
    for (const d of r.dropped) {
      out.push(`  ${theme.yellow('not applied')}: ${d.fix.title}`);
      para(reasonText(d.reason), '    ');
    }
  };
  if (r.error) {
    out.push(theme.red('Nothing written'));
    para(r.error);
    dropped();
    return out;
  }
  out.push(theme.green(`Applied ${r.fixes.length} fix${r.fixes.length === 1 ? '' : 'es'}`) + `: wrote ${r.written.map((p) => relPath(root, p)).join(', ')}`);
  for (const f of r.fixes) para(`- ${f.title}`);
  dropped();
  if (r.outcome) {
    out.push(theme.bold(`Gone after a new resolution (${r.outcome.gone.length})`));
    if (!r.outcome.gone.length) para('none');
    const item = (f: Finding) => `${theme.severity(f.severity, LABEL[f.severity])}[${f.rule}] ${f.package.name} v${f.package.version} for ${f.target}`;
    for (const g of r.outcome.gone) out.push(`  ${theme.green('-')} ${item(g)}`);
    if (r.outcome.added.length) {
      out.push(theme.bold(`New (${r.outcome.added.length})`));
      for (const a of r.outcome.added) out.push(`  ${theme.red('+')} ${item(a)}`);
    }
    para(`${r.outcome.remaining} finding${r.outcome.remaining === 1 ? '' : 's'} remain${r.outcome.remaining === 1 ? 's' : ''}`);
  }
  if (r.lockfileCommands.length) {
    out.push(theme.bold(`Cargo.lock will change${r.newCrates.length ? ` (new: ${r.newCrates.join(', ')})` : ''}; update it with`));
    for (const c of r.lockfileCommands) out.push(`  ${theme.cyan(c)}`);
  } else {
    out.push(theme.bold('Cargo.lock: no locked crate or edge changes; should cargo ask, refresh it with'));
    out.push(`  ${theme.cyan(LOCKFILE_COMMAND)}`);
  }
  out.push('');
  out.push(theme.dim('Enter or Esc: back to the findings'));
  return out;
}

export const KEYS: [string, string][] = [
  ['up/down, k/j', 'move between findings'],
  ['PgUp/PgDn', 'scroll the detail, the diff or the list'],
  ['Enter', 'open or close the detail of the finding'],
  ['Tab, left/right', 'in the detail: highlight another fix option (its diff shows)'],
  ['space', 'select the fix to apply (proven fixes only)'],
  ['d / a', 'show the diff of / apply the selected fixes, then check again'],
  ['e', 'edit the declaration ($VISUAL or $EDITOR), then check again'],
  ['r', 'check again (say, after an edit elsewhere)'],
  ['t / T', 'next / previous target'],
  ['/', "filter by the finding's crate name (Enter keeps, Esc clears)"],
  ['?', 'show or hide this help'],
  ['Esc', 'close the view on top, the filter or the status line'],
  ['Esc Esc, q', 'quit'],
];

/**
 * The keys, the fix marks, and the two-step CI use for the target shown
 * (`check` before the build, `verify --expect static` after it): 18 rows,
 * what a 24-row terminal shows under the header (the footer says that any
 * key closes it).
 */
export function helpLines(theme: Theme, target: string): string[] {
  const out = [theme.bold('Keys')];
  for (const [k, v] of KEYS) out.push(`  ${theme.cyan(k.padEnd(17))} ${v}`);
  out.push(`  ${theme.bold('[x]')} selected  ${theme.bold('[ ]')} proven fix  ${theme.bold('[-]')} none  ${theme.bold('[!]')} only a fix turning features off`);
  out.push(`${theme.bold('In CI')}: \`check\` before the build, \`verify --expect static\` on what it built`);
  out.push(`  ${theme.cyan(`cargo-preflight check --target ${target} --format github`)}`);
  out.push(`  ${theme.cyan(`cargo-preflight verify --target ${target} --expect static`)}`);
  return out;
}

type HintMode = 'list' | 'detail' | 'diff' | 'confirm' | 'result' | 'help' | 'filter' | 'loading' | 'error';

/** A key hint: its text, a shorter text for narrow terminals, and its priority (lower gives way first). */
type Hint = [text: string, short: string, priority: number];

/** Key hints per view, in display order. */
const HINTS: Record<HintMode, Hint[]> = {
  list: [
    ['j/k move', 'j/k', 1],
    ['Enter detail', '↵ detail', 9],
    ['space select', 'spc select', 8],
    ['d diff', 'd diff', 5],
    ['a apply', 'a apply', 7],
    ['e edit', 'e edit', 6],
    ['r re-check', 'r check', 4],
    ['t target', 't tgt', 3],
    ['/ filter', '/ find', 2],
    ['? keys', '? keys', 11],
    ['q quit', 'q quit', 10],
  ],
  detail: [
    ['j/k finding', 'j/k', 1],
    ['Tab fix', 'Tab fix', 8],
    ['space select', 'spc select', 7],
    ['PgUp/PgDn scroll', 'PgUp/Dn', 3],
    ['d diff', 'd diff', 4],
    ['a apply', 'a apply', 6],
    ['e edit', 'e edit', 5],
    ['r re-check', 'r check', 2],
    ['Esc close', 'Esc close', 9],
    ['? keys', '? keys', 11],
  ],
  diff: [
    ['j/k scroll', 'j/k', 5],
    ['a apply', 'a apply', 8],
    ['d or Esc close', 'Esc close', 9],
    ['q quit', 'q quit', 7],
  ],
  confirm: [
    ['y apply', 'y apply', 9],
    ['n or Esc cancel', 'n cancel', 8],
  ],
  result: [
    ['Enter or Esc back', 'Esc back', 9],
    ['q quit', 'q quit', 8],
  ],
  help: [['any key closes', 'any key closes', 9]],
  filter: [
    ["matches the finding's crate name", 'crate name', 7],
    ['Enter keep', '↵ keep', 9],
    ['Esc clear', 'Esc clear', 8],
  ],
  loading: [['q quit', 'q quit', 9]],
  error: [
    ['r check again', 'r check', 8],
    ['q quit', 'q quit', 9],
  ],
};

/**
 * The key hints of a view in at most `width - 1` columns: hints are shortened
 * first, lowest priority first, and only when every one is short does the
 * lowest-priority hint give way (`?` lists every key). A hint is never cut.
 */
export function footerHint(mode: HintMode, width = 80, multiTarget = true): string {
  let items = HINTS[mode].filter(([t]) => multiTarget || t !== 't target').map(([long, short, priority]) => ({ text: long, short, priority }));
  const text = () => items.map((i) => i.text).join('  ');
  const byPriority = [...items].sort((a, b) => a.priority - b.priority);
  for (const item of byPriority) {
    if (text().length <= width - 1) break;
    item.text = item.short;
  }
  while (text().length > width - 1 && items.length > 1) {
    const lowest = items.reduce((a, b) => (b.priority < a.priority ? b : a));
    items = items.filter((i) => i !== lowest);
  }
  return text();
}
