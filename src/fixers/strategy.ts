/**
 * What every strategy works on and gives back: a native crate of the graph
 * (with the findings about it on each target) in, candidate edits out. A
 * candidate is not yet proven; `proposeFixes` proves it.
 */
import type { Project } from '../resolve/index.js';
import type { GraphPackage, PackageKey, TargetGraph } from '../resolve/types.js';
import type { KnowledgeBase } from '../knowledge/lookup.js';
import type { KnowledgeBaseEntry } from '../knowledge/types.js';
import type { Finding } from '../rules/types.js';
import type { Reason } from './reasons.js';
import type { FixStrategy, ManifestEdits } from './types.js';

export type PinScope = 'all' | 'target';

/** A native crate the findings are about, on every target where it is reported. */
export interface NativeTarget {
  name: string;
  version: string;
  key: PackageKey;
  /** The knowledge-base family it belongs to. */
  entry: KnowledgeBaseEntry;
  findings: Finding[];
  /** The graphs of the targets where it is reported, with its package there. */
  graphs: { graph: TargetGraph; pkg: GraphPackage }[];
}

export interface StrategyInput {
  project: Project;
  kb: KnowledgeBase;
  target: NativeTarget;
  /** Every selected target triple (for `--pin-scope target`). */
  targets: string[];
  pinScope: PinScope;
  /**
   * With several members selected: those whose own build (`cargo build -p M`)
   * reports the crate, each of which the fix must reach; absent when one
   * member is selected.
   */
  linking?: ReadonlySet<PackageKey>;
}

export interface Candidate {
  strategy: FixStrategy;
  title: string;
  description: string;
  edits: ManifestEdits[];
  /** `crate/feature` (or `crate`) the fix means to give up: the replaced backend's features. */
  giveUp: Set<string>;
  /** Direct dependencies (as member keys) the fix edits or adds, for the fix id. */
  deps: string[];
  lost?: string[];
  /** What the build then needs, in words (a C compiler for the target, perl, make). */
  needs?: string;
  /** The edits only turn features off: every graph after them is a part of the one before. */
  narrows?: true;
}

/** Candidates in order of preference, and why the strategy has no (other) candidate. */
export interface StrategyResult {
  candidates: Candidate[];
  refused: Reason[];
}

export const code = (s: string) => `\`${s}\``;

export function list(items: readonly string[], conj = 'and'): string {
  const q = items.map(code);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${conj} ${q.at(-1)}`;
}
