/**
 * What the triage screen shows, as plain data: findings of one target grouped
 * by severity, the crate-name filter, inclusion paths merged into a tree, the
 * knowledge-base explanation, fixes per finding, and what changed after a
 * re-check. No terminal or React code here.
 */
import { relPath } from '../output/report.js';
import type { Finding, PathStep, Severity } from '../../src/rules/types.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';
import { withoutStaticText } from '../../src/knowledge/types.js';
import { crateAt, staticOptionsAt, type FeatureNames } from '../../src/knowledge/lookup.js';
import type { FixStrategy, ProposedFix } from '../../src/fixers/types.js';
import { reasonText } from '../../src/fixers/reasons.js';

export const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];
export const SEVERITY_LABEL: Record<Severity, string> = { error: 'errors', warning: 'warnings', info: 'notes' };

/**
 * True when the name of the finding's crate (the crate reported, e.g.
 * `openssl-sys`) contains `filter`, case-insensitively. Crates on its
 * inclusion paths and the dependency that brings it in do not count: `tok`
 * does not keep an `openssl-sys` finding reached through tokio.
 */
export function matchesFilter(f: Finding, filter: string): boolean {
  const q = filter.trim().toLowerCase();
  if (!q) return true;
  return f.package.name.toLowerCase().includes(q);
}

/** The findings of a target the filter keeps, in report order (severity first). */
export function visibleFindings(findings: Finding[], target: string, filter: string): Finding[] {
  const out = findings.filter((f) => f.target === target && matchesFilter(f, filter));
  return out.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** A row of the finding list: a severity heading or a finding (its index among the visible findings). */
export type ListRow = { kind: 'heading'; severity: Severity; count: number } | { kind: 'finding'; index: number; finding: Finding };

export function listRows(visible: Finding[]): ListRow[] {
  const rows: ListRow[] = [];
  for (const severity of SEVERITY_ORDER) {
    const group = visible.map((finding, index) => ({ finding, index })).filter((x) => x.finding.severity === severity);
    if (!group.length) continue;
    rows.push({ kind: 'heading', severity, count: group.length });
    for (const g of group) rows.push({ kind: 'finding', ...g });
  }
  return rows;
}

/** The first row to show so that `focus` is visible in a window of `height` rows, keeping some context around it. */
export function scrollStart(total: number, focus: number, height: number, previous = 0): number {
  if (total <= height || height <= 0) return 0;
  const margin = Math.min(2, Math.floor((height - 1) / 2));
  let start = previous;
  if (focus < start + margin) start = focus - margin;
  if (focus > start + height - 1 - margin) start = focus - height + 1 + margin;
  return Math.max(0, Math.min(start, total - height));
}

// ---------------------------------------------------------------------------
// Inclusion paths as a tree

export interface PathNode {
  name: string;
  version: string;
  /** Features of the parent that pulled this crate in (empty for a non-optional dependency). */
  via: string[];
  as?: string;
  children: PathNode[];
}

/** Merges the inclusion paths (each from a member to the crate) into trees sharing their common prefixes. */
export function pathTree(paths: PathStep[][]): PathNode[] {
  const roots: PathNode[] = [];
  for (const path of paths) {
    let level = roots;
    for (const step of path) {
      let node = level.find((n) => n.name === step.name && n.version === step.version && (n.as ?? '') === (step.as ?? '') && n.via.join(',') === step.via.join(','));
      if (!node) {
        node = { name: step.name, version: step.version, via: step.via, ...(step.as ? { as: step.as } : {}), children: [] };
        level.push(node);
      }
      level = node.children;
    }
  }
  return roots;
}

export interface TreeLine {
  /** Box-drawing prefix, e.g. `│  └─ `. */
  prefix: string;
  label: string;
  /** The feature(s) on the edge into this crate. */
  via: string[];
}

export function treeLines(nodes: PathNode[]): TreeLine[] {
  const out: TreeLine[] = [];
  const walk = (list: PathNode[], indent: string, top: boolean) => {
    list.forEach((n, i) => {
      const last = i === list.length - 1;
      const label = `${n.as ? `${n.as} (${n.name})` : n.name} v${n.version}`;
      out.push({ prefix: top ? '' : `${indent}${last ? '└─ ' : '├─ '}`, label, via: n.via });
      walk(n.children, top ? '' : `${indent}${last ? '   ' : '│  '}`, false);
    });
  };
  walk(nodes, '', true);
  return out;
}

// ---------------------------------------------------------------------------
// Knowledge base

/** Paragraphs explaining the finding's crate from the knowledge base (empty when it has no entry). */
export function kbExplanation(kb: KnowledgeBase, f: Finding, declared?: FeatureNames): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of kb.byCrate(f.package.name)) {
    if (seen.has(m.entry.id)) continue;
    seen.add(m.entry.id);
    out.push(`${m.entry.name}: ${m.entry.summary}`);
    if (m.entry.systemLibrary) out.push(`System library: ${m.entry.systemLibrary}.`);
    const said = (note?: string) => !!note && !!f.detail?.includes(note.trim());
    // The crate's facts at the finding's version and target (they can differ by release and target).
    const at = crateAt(m.crate, f.package.version, f.target, f.features);
    if (at.role === 'sys' && at.withoutStatic) {
      out.push(`${at.name}, without a static option: ${withoutStaticText(at.withoutStatic)}${at.withoutStaticNote && !said(at.withoutStaticNote) ? `: ${at.withoutStaticNote}` : '.'}`);
    }
    const options = staticOptionsAt(m.entry, m.crate, f.package.version, declared);
    if (options.length) {
      const text = options.map((o) => (o.kind === 'feature' ? `feature \`${o.feature}\`` : `${o.env}=${o.value}`) + (o.requires.length ? ` (needs ${o.requires.join(', ')})` : ''));
      out.push(`Static options of ${m.crate.name} ${f.package.version}: ${text.join('; ')}.`);
    }
    if (m.crate.note && !said(m.crate.note)) out.push(m.crate.note);
    const alts = m.entry.alternatives.map((a) => `${a.name}${a.pureRust ? ' (pure Rust)' : ''}`);
    if (alts.length) out.push(`Alternatives: ${alts.join(', ')}.`);
    if (m.entry.docs.length) out.push(`See ${m.entry.docs.join(', ')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Fixes

/** The strategies in the order the fix engine tries them (`disable` only when none of the others proves out). */
export const STRATEGY_ORDER: FixStrategy[] = ['switch', 'static', 'pin', 'disable'];

/** Proposed fixes for a finding, by strategy in the engine's order, proven ones first within a strategy. */
export function fixesFor(fixes: ProposedFix[] | null, f: Finding): ProposedFix[] {
  if (!fixes) return [];
  const mine = fixes.filter((x) => x.findingIds.includes(f.id));
  const rank = (x: ProposedFix) => STRATEGY_ORDER.indexOf(x.strategy) * 2 + (x.proven ? 0 : 1);
  return mine
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)
    .map((e) => e.x);
}

/** The fix `cargo-preflight fix` applies for the finding, as the plan marks it (the first proven one that turns nothing off). */
export function firstChoice(fixes: ProposedFix[] | null, f: Finding): ProposedFix | undefined {
  const mine = fixesFor(fixes, f);
  return mine.find((x) => x.status === 'applied' || x.status === 'not-applied') ?? mine.find((x) => x.proven && x.strategy !== 'disable');
}

/**
 * The proposals of `propose` with those of each strategy on its own: an
 * explored proposal takes the place of the one with the same id (the same
 * candidate, with the reasons of its own strategy only).
 */
export function mergeFixes(proposed: ProposedFix[], explored: ProposedFix[] | null): ProposedFix[] {
  if (!explored) return proposed;
  const byId = new Map(explored.map((x) => [x.id, x]));
  const out = proposed.map((x) => byId.get(x.id) ?? x);
  const seen = new Set(out.map((x) => x.id));
  for (const x of explored) if (!seen.has(x.id)) out.push(x), seen.add(x.id);
  return out;
}

/**
 * The reasons a fix is not proven, one per candidate tried, as text: the
 * strategy's own name, and the fix's own title, are left out in front.
 */
export function fixReasons(x: ProposedFix): string[] {
  return (x.reasons ?? []).map((r) => {
    const own = r.strategy === x.strategy;
    return reasonText({ ...r, strategy: own ? undefined : r.strategy, candidate: own && r.candidate === x.title ? undefined : r.candidate });
  });
}

/** How far the per-strategy proposals are: being proven, done, or not asked for (one `--strategy` was given). */
export type Explored = 'pending' | 'done' | 'off';

export interface StrategyOption {
  strategy: FixStrategy;
  /** The strategy's proposals for the finding, proven first (empty when there is none to show). */
  fixes: ProposedFix[];
  /** Why nothing is listed for the strategy. */
  note?: string;
}

/**
 * The fix options of a finding, one entry per strategy the engine tries
 * (switch, static, pin, disable; only the one asked for with `--strategy`).
 * Their fixes, in order, are `fixesFor` the finding.
 */
export function strategyOptions(fixes: ProposedFix[] | null, f: Finding, strategy: string, explored: Explored): StrategyOption[] {
  const mine = fixesFor(fixes, f);
  const shown = strategy === 'auto' || !STRATEGY_ORDER.includes(strategy as FixStrategy) ? STRATEGY_ORDER : [strategy as FixStrategy];
  return shown.map((s) => {
    const list = mine.filter((x) => x.strategy === s);
    if (list.length) return { strategy: s, fixes: list };
    let note: string;
    if (s === 'disable') note = 'not tried: a fix that keeps every feature is proven (features are turned off only when no other fix proves out)';
    else if (explored === 'pending') note = 'being proven...';
    else note = 'not tried';
    return { strategy: s, fixes: [], note };
  });
}

/**
 * Toggles `fix` in the selection. A fix competes with the other fixes of the
 * findings it resolves: selecting it drops those, so one finding gets one fix.
 */
export function toggleFix(selected: ReadonlySet<string>, fix: ProposedFix, all: ProposedFix[]): Set<string> {
  const next = new Set(selected);
  if (next.has(fix.id)) {
    next.delete(fix.id);
    return next;
  }
  for (const other of all) {
    if (other.id !== fix.id && other.findingIds.some((id) => fix.findingIds.includes(id))) next.delete(other.id);
  }
  next.add(fix.id);
  return next;
}

/** The selected fixes that are proven, in proposal order: the only ones that are ever applied. */
export function chosenFixes(selected: ReadonlySet<string>, fixes: ProposedFix[] | null): ProposedFix[] {
  return (fixes ?? []).filter((f) => f.proven && selected.has(f.id));
}

/** `cargo update -p ...` commands the applied fixes ask for, without repeats. */
export function lockfileCommands(applied: ProposedFix[]): string[] {
  return [...new Set(applied.map((f) => f.lockfileCommand).filter((c): c is string => !!c))];
}

// ---------------------------------------------------------------------------
// After a re-check

export interface Outcome {
  /** Findings of the previous run no longer reported. */
  gone: Finding[];
  /** Findings the new run reports that the previous did not. */
  added: Finding[];
  remaining: number;
}

export function compareRuns(before: Finding[], after: Finding[]): Outcome {
  const key = (f: Finding) => `${f.rule}\0${f.package.name}\0${f.target}`;
  const now = new Set(after.map(key));
  const was = new Set(before.map(key));
  return { gone: before.filter((f) => !now.has(key(f))), added: after.filter((f) => !was.has(key(f))), remaining: after.length };
}

export function findingLabel(f: Finding): string {
  return `${f.package.name} v${f.package.version} (${f.rule}, ${f.target})`;
}

export function location(root: string, f: Finding): string | null {
  if (!f.direct) return null;
  const m = f.direct.manifest;
  return `${relPath(root, m.path)}:${m.line}:${m.column}`;
}

// ---------------------------------------------------------------------------
// Text

/** Display width of a string without ANSI escapes (wide characters count 1: the screen uses none). */
export function plainLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Word-wraps plain text to `width` columns; words longer than the width are cut. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(rest.slice(0, w));
        rest = rest.slice(w);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= w) line += ` ${rest}`;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}
