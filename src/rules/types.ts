/**
 * Rules turn an artifact graph into findings. A rule is data in, findings out:
 * it reads the graph, the knowledge base and an environment snapshot, and does
 * no I/O of its own (ESLint's model: one module per rule with `meta`).
 */
import type { GraphPackage, PackageKey, TargetGraph } from '../resolve/types.js';
import type { KnowledgeBase } from '../knowledge/lookup.js';
import type { BuildScriptReading, Evidence } from '../evidence/build-script.js';

export type { BuildScriptReading, Evidence };

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule reports. */
  description: string;
  /** Longer text for SARIF's fullDescription and `--explain`. */
  details: string;
  docs: string;
  /**
   * The messages the rule reports, by id (ESLint's `meta.messages`): text with
   * `{{name}}` placeholders that the engine fills from a finding's `data`.
   */
  messages: Record<string, string>;
}

/** What the machine offers for building a target, gathered by the CLI before rules run. */
export interface EnvironmentSnapshot {
  host: string;
  target: string;
  /** `rustup target list --installed` (null when rustup is absent). */
  installedTargets: string[] | null;
  /** Whether the active toolchain's sysroot has the target's standard library (`lib/rustlib/<target>/lib`); null when rustc could not be asked. */
  stdInstalled?: boolean | null;
  /** The sysroot it looked in. */
  sysroot?: string | null;
  /** `[target.T] linker` from cargo configuration, or `CARGO_TARGET_<T>_LINKER`. */
  configuredLinker: { value: string; definedIn: string } | null;
  /** Executables found on PATH, by name (only the names the rules ask about). */
  onPath: Record<string, string | null>;
  /** `CC_<target>`, `CC_<target_with_underscores>`, `TARGET_CC`, `CC` as set. */
  ccVariables: Record<string, string>;
}

/** A published release of a crate and the features it declares (implicit ones included), as its index line says. */
export interface ReleaseFeatures {
  version: string;
  yanked: boolean;
  features: ReadonlySet<string>;
}

export interface RuleContext {
  graph: TargetGraph;
  kb: KnowledgeBase;
  /**
   * Every release of some locked crates, by package key, read from their index
   * lines (the `-sys` crates whose locked version declares no static option):
   * the first newer release that declares one is computed from them. Absent
   * for a crate whose index lines could not be had (vendored only, offline
   * without a cache).
   */
  releases?: ReadonlyMap<PackageKey, readonly ReleaseFeatures[]>;
  /** Present for targets the environment was inspected for (`cross-environment`). */
  environment?: EnvironmentSnapshot;
  /** The host triple when known (from the environment snapshots); absent: unknown, assume a cross build. */
  host?: string;
  /**
   * What the build scripts of the graph's crates without a knowledge-base
   * entry (or with a links-only one) show, by package; absent when none was
   * read (the rules then judge by `links` and the knowledge base alone).
   */
  buildScripts?: ReadonlyMap<PackageKey, BuildScriptReading>;
}

/** A fix a user could apply, as the knowledge base describes it; the fixers prove and apply them. */
export interface FixSuggestion {
  strategy: 'switch' | 'static' | 'pin' | 'disable' | 'environment';
  /** One line, e.g. "use rustls: reqwest features = [\"rustls-tls\"], default-features = false". */
  title: string;
  /** The crate whose declaration the fix edits (a direct dependency or the -sys crate to pin). */
  crate?: string;
  /** Build requirements the fix brings (a C compiler, perl, cmake, ...). */
  requires?: string[];
  /** It needs a newer release of the crate (a static option the locked version lacks), which the fixers do not update to. */
  newerRelease?: boolean;
}

export interface FindingDraft {
  package: GraphPackage;
  /** A key of the rule's `meta.messages`. */
  messageId: string;
  /** A value for every placeholder of the message. */
  data?: Record<string, string>;
  /** Why it matters and what to know (often from the knowledge base): a message of the rule, as `messageId` is. */
  detail?: { messageId: string; data?: Record<string, string> };
  fixes?: FixSuggestion[];
  /** Overrides the rule's default severity for this finding (e.g. an unknown crate seen only as info). */
  severity?: Severity;
  docs?: string;
  /** Where in the crate's sources the finding was read (its build script), never part of the id. */
  evidence?: Evidence[];
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext, report: (d: FindingDraft) => void): void;
}

/** One step of an inclusion path: a package, and the feature(s) of its parent that pulled it in. */
export interface PathStep {
  name: string;
  version: string;
  /** Features of the parent that activated this optional dependency (empty when not optional). */
  via: string[];
  /** Dependency name in the parent's manifest when renamed. */
  as?: string;
}

export interface ManifestLocation {
  path: string;
  line: number;
  column: number;
}

export interface Finding {
  /** Stable fingerprint: rule, crate, target and the responsible direct dependency (never line numbers). */
  id: string;
  rule: string;
  severity: Severity;
  target: string;
  package: { name: string; version: string; source: string | null; links: string | null };
  features: string[];
  /** The message's text: the template of `messageId` filled from `data`. */
  message: string;
  messageId: string;
  data: Record<string, string>;
  /** The note on why it matters: the template of `detailId` filled from `detailData`. */
  detail?: string;
  detailId?: string;
  detailData?: Record<string, string>;
  docs: string;
  /** The paths from a member to the package, shortest first (the best attributed one first), up to `PATHS_LISTED`. */
  paths: PathStep[][];
  /** How many paths there are (more than `paths` lists only past `PATHS_LISTED`, or where the graph is too dense to list them all). */
  pathCount: number;
  /** The member's dependency that brings the package in, and where it is declared. */
  direct: { member: string; dependency: string; manifest: ManifestLocation; inheritedFrom?: ManifestLocation } | null;
  /**
   * The feature of the direct dependency that brings the package in (absent when
   * nothing optional is on the way): e.g. `default-tls` of reqwest, a default feature.
   */
  cause?: { feature: string; viaDefault?: boolean; explicit?: boolean };
  /** Where the package is in Cargo.lock. */
  lockfile: ManifestLocation | null;
  fixes: FixSuggestion[];
  /** Set when config allows this crate: the finding is shown with its reason and does not fail the run. */
  allowed?: { reason: string };
  packageKey: PackageKey;
  /**
   * Where in the crate's own sources the finding was read, e.g.
   * `foo-sys-1.2.3/build.rs:44:20` and the text there (machine-independent:
   * `<name>-<version>/…`, or the vendored folder relative to the workspace).
   * Not part of `id`.
   */
  evidence?: Evidence[];
  /**
   * Set for a problem that only members built on their own have (`cargo build
   * -p M`): the selection built together unifies a feature that removes it.
   * The members whose own build has it.
   */
  builtAlone?: string[];
}
