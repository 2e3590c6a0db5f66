/**
 * Fix proposals: what the fixers hand to the CLI and the terminal UI. A fix
 * is a list of manifest edits; it is proven when resolving the patched
 * manifests again removes its findings and loses nothing else.
 */
import type { FixReason } from './reasons.js';
import type { ManifestEdit } from './toml-edit/index.js';

export type FixStrategy = 'switch' | 'static' | 'pin' | 'disable';

/**
 * What became of a candidate in the fix service's plan:
 * - `applied`: the one chosen for its crate (the first proven, in the order of
 *   the strategies), kept with the others: `fix` writes it;
 * - `not-applied`: chosen, but left out (with the others it does not prove
 *   out, or it changes Cargo.lock under `--locked`): `notApplied` says why;
 * - `proven`: proven too, but an earlier candidate is chosen;
 * - `not-proven`: tried and not proven: `reasons` says why;
 * - `refused`: the strategy has no candidate for the crate: `reasons` says why (no edits);
 * - `suggestion`: turning a feature off, proven, never applied (`lost` says what goes).
 */
export type FixStatus = 'applied' | 'not-applied' | 'proven' | 'not-proven' | 'refused' | 'suggestion';

export interface ManifestEdits {
  /** Absolute path of the Cargo.toml to edit. */
  path: string;
  ops: ManifestEdit[];
}

export interface ProposedFix {
  /** Stable: strategy, direct dependency and finding ids. */
  id: string;
  /** The native crate the fix is for, `name` and `version`. */
  crate: { name: string; version: string };
  /** What the plan made of it (see `FixStatus`). */
  status: FixStatus;
  /** Ids of the findings this fix resolves (one per target where it applies). */
  findingIds: string[];
  strategy: FixStrategy;
  /** One line, e.g. `reqwest: use rustls instead of native-tls`. */
  title: string;
  /** What changes and what it costs (build requirements, features given up). */
  description: string;
  edits: ManifestEdits[];
  proven: boolean;
  /**
   * Not proven only for want of crate metadata (the vendor directory or an
   * offline cache lacks a crate the fix needs): it may be right, and
   * `--allow-unproven` applies it.
   */
  undecided?: boolean;
  /** Why the fix is not proven, or why the strategy has none (`refused`); for a proven fix, its caveats. */
  reasons?: FixReason[];
  /** The text of `reasons` (`reasonsText`), as reports show it. */
  reason?: string;
  /** Crates the fix brings in that Cargo.lock does not hold yet, as `name version`. */
  newCrates: string[];
  /** The command that brings Cargo.lock up to date after the edit, e.g. `cargo update -p openssl-sys`. */
  lockfileCommand: string | null;
  /** What the build then needs (a C compiler for the target, perl, ...), as text. */
  needs?: string;
  /** Why a chosen fix is left out (`not-applied`). */
  notApplied?: FixReason;
  /** After applying: what else to run besides the lockfile command (`cargo vendor` for crates the vendor directory lacks). */
  then?: string[];
  /** For `disable`: what the user gives up. */
  lost?: string[];
  /** Features the fix means to turn off (`crate/feature`): the replaced backend's; the proof allows these to go. */
  giveUp?: string[];
}

/** The text of every file a set of fixes changes, before and after. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}
