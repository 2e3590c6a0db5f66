/**
 * Fix proposals: what the fixers hand to the CLI and the terminal UI. A fix
 * is a list of manifest edits; it is proven when resolving the patched
 * manifests again removes its findings and loses nothing else.
 */
import type { FixReason } from './reasons.js';
import type { ManifestEdit } from './toml-edit/index.js';

export type FixStrategy = 'switch' | 'static' | 'pin' | 'disable';

export interface ManifestEdits {
  /** Absolute path of the Cargo.toml to edit. */
  path: string;
  ops: ManifestEdit[];
}

export interface ProposedFix {
  /** Stable: strategy, direct dependency and finding ids. */
  id: string;
  /** Ids of the findings this fix resolves (one per target where it applies). */
  findingIds: string[];
  strategy: FixStrategy;
  /** One line, e.g. `reqwest: use rustls instead of native-tls`. */
  title: string;
  /** What changes and what it costs (build requirements, features given up). */
  description: string;
  edits: ManifestEdits[];
  proven: boolean;
  /** Why the fix is not proven, one per candidate or strategy tried (or the caveats of a proven one). */
  reasons?: FixReason[];
  /** The text of `reasons` (`reasonsText`), as reports show it. */
  reason?: string;
  /** Crates the fix brings in that Cargo.lock does not hold yet, as `name version`. */
  newCrates: string[];
  /** The command that brings Cargo.lock up to date after the edit, e.g. `cargo update -p openssl-sys`. */
  lockfileCommand: string | null;
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
