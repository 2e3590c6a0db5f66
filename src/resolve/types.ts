/**
 * The resolved artifact graph for one target: what `cargo tree --target T
 * -e normal,no-proc-macro` shows, with the reasons behind every edge so that
 * reports can say why a crate is there.
 */
import type { DepKind, IndexDep } from '../registry/types.js';

export { packageKey, type PackageKey } from '../lockfile/key.js';
export type { DeclarationSite } from '../manifest/site.js';
import type { PackageKey } from '../lockfile/key.js';
import type { DeclarationSite } from '../manifest/site.js';
import type { UnresolvedCause } from './packages.js';

export interface GraphPackage {
  key: PackageKey;
  name: string;
  version: string;
  /** Lockfile source string, or null for path packages. */
  source: string | null;
  /** Activated features, sorted. */
  features: string[];
  links: string | null;
  /** A workspace member selected for this run. */
  isRoot: boolean;
  /** Workspace member (selected or not). */
  isMember: boolean;
  procMacro: boolean;
  /** Manifest path for path packages (members and other path dependencies). */
  manifestPath?: string;
  /** What the locked version declares (its index entry or manifest); absent when its metadata could not be read. */
  declared?: DeclaredMetadata;
}

/**
 * What a locked version declares, as cargo reads it: references into the
 * resolver's summaries, shared by every target graph, never copies.
 */
export interface DeclaredMetadata {
  /** `[features]` plus the implicit feature of every optional dependency not named as `dep:x`. */
  features: ReadonlyMap<string, readonly string[]>;
  /** Its dependencies, every kind, optional ones Cargo.lock does not hold included. */
  deps: readonly IndexDep[];
  /** sha256 of its archive, where its index entry gives one. */
  cksum?: string;
}

export interface GraphEdge {
  from: PackageKey;
  to: PackageKey;
  /** Dependency name in the dependent's manifest (the rename key when renamed). */
  depName: string;
  kind: DepKind;
  optional: boolean;
  /** `cfg(...)` or triple of a target-specific dependency. */
  target: string | null;
  /**
   * For an optional dependency: the features of the dependent a user would turn
   * off to drop it (e.g. `["default-tls"]`, flate2's `["zlib"]` rather than its
   * implicit feature `libz-sys`), in activation order. Empty for a non-optional one.
   */
  activatedBy: string[];
  /** Features this declaration asks of the dependency (without `default`). */
  features: string[];
  defaultFeatures: boolean;
  /** Where a workspace member declares this dependency. */
  declaration?: DeclarationSite;
}

export interface TargetGraph {
  target: string;
  resolver: 1 | 2 | 3;
  /** Selected workspace members, in workspace order. */
  roots: PackageKey[];
  /** Every package in the artifact graph. */
  packages: Map<PackageKey, GraphPackage>;
  /** Outgoing normal edges of every package in the graph, in manifest order. */
  edges: Map<PackageKey, GraphEdge[]>;
  /**
   * For every activated feature `pkgKey -> feature -> cause`: the feature
   * (`from` package and its feature, or a dependency declaration) that first
   * activated it. Lets `why` and reports name the feature on each edge.
   */
  featureCauses: Map<PackageKey, Map<string, FeatureCause>>;
  /** Crates whose metadata could not be found; resolution went on with their declared defaults. */
  unresolved: { name: string; version: string; source: string | null; reason: string; cause: UnresolvedCause }[];
  /** Optional dependencies the graph turns on that Cargo.lock does not hold (it is out of date): left out of this graph. */
  lockGaps?: { package: string; version: string; dependency: string; manifestPath?: string }[];
}

export type { UnresolvedCause } from './packages.js';

export type FeatureCause =
  | { kind: 'cli' }
  | { kind: 'default' }
  /**
   * A dependency declaration of `from` asked for it; `viaFeature` when the ask came from
   * one of `from`'s features (`dep:x`, `x/feat`, `x?/feat`) rather than the declaration itself.
   */
  | { kind: 'dependency'; from: PackageKey; depName: string; viaFeature?: string }
  | { kind: 'feature'; from: PackageKey; feature: string };

/**
 * What is known of crates' proc-macro status by name and version (from the
 * knowledge layer, which the caller asks): the index carries no flag, and
 * these answer before the guess does.
 */
export interface ProcMacroHints {
  /** Proc-macro crates whose name or dependencies do not give them away. */
  procMacros: ReadonlySet<string>;
  /** Crates whose names look like proc-macros but are libraries. */
  libraries: ReadonlySet<string>;
  /** Crates that were proc-macros in some versions only: whether a version is one. */
  byVersion: ReadonlyMap<string, (version: string) => boolean>;
}
