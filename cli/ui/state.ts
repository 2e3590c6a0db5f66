/**
 * The state of the triage screen as plain data: what the session has
 * (the run, its fixes), where the user is (target, finding, fix option,
 * filter, the view on top), and how the terminal's rows are shared.
 */
import type { CheckRun } from '../run/check.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import type { Finding } from '../../src/rules/types.js';
import { findingRows, type ApplyResult, type LoadState } from './views.js';
import { visibleFindings, type Explored } from './model.js';

/** The view over the list: `checking` while `r` or `e` checks again, `applying` while fixes are written and checked. */
export type Overlay = 'none' | 'help' | 'diff' | 'confirm' | 'applying' | 'checking' | 'result';

export interface State {
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
  /** The manifests that changed on disk since the run read them. */
  stale: string[];
  /** Esc was pressed with nothing left to close: a second Esc quits. */
  quitArmed: boolean;
}

export function initialState(what: string): State {
  return {
    run: null,
    load: { what, fetch: null, resolving: null },
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
    stale: [],
    quitArmed: false,
  };
}

export interface Derived {
  targets: string[];
  target: string;
  visible: Finding[];
  current: Finding | undefined;
}

/** The targets, the current one, the findings the filter keeps and the one under the cursor. */
export function derive(s: State): Derived {
  const targets = s.run?.loaded.targets ?? [];
  const target = targets[Math.min(s.targetIndex, Math.max(0, targets.length - 1))] ?? '';
  const visible = s.run ? visibleFindings(s.run.report.findings, target, s.filter) : [];
  return { targets, target, visible, current: visible[Math.min(s.cursor, visible.length - 1)] };
}

export const HEADER = 3;
export const FOOTER = 2;

/** How the terminal's rows are shared between the header, the list, the detail and the footer. */
export interface Layout {
  width: number;
  /** One row less than the terminal, so that drawing never scrolls it. */
  height: number;
  /** The status rows (a long status goes on in a second or third row) and the key hints. */
  footer: number;
  bodyHeight: number;
  /** The rows of the list above an open detail. */
  listHeightWithDetail: number;
  detailHeight: number;
}

export function layout(columns: number, rows: number, s: State, statusRows = 1): Layout {
  const height = Math.max(1, rows - 1);
  const width = Math.max(1, columns);
  const footer = FOOTER - 1 + statusRows;
  const bodyHeight = Math.max(1, height - HEADER - footer);
  // A quarter of the rows for the list (at least 3, fewer on a tiny terminal), the rest for the detail under a rule.
  const wanted = Math.min(Math.max(3, Math.floor(bodyHeight / 4)), Math.max(3, findingRows(derive(s).visible).length));
  const listHeightWithDetail = Math.max(1, Math.min(wanted, bodyHeight - 2));
  return { width, height, footer, bodyHeight, listHeightWithDetail, detailHeight: Math.max(0, bodyHeight - listHeightWithDetail - 1) };
}

/** The rows of `lines` from `top` that fit `height`, never past the end. */
export function window(lines: string[], top: number, height: number): string[] {
  const start = Math.max(0, Math.min(top, lines.length - height));
  return lines.slice(start, start + height);
}
