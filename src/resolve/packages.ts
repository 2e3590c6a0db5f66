/**
 * Turns the lockfile and crate metadata into package summaries: for every
 * locked package its dependency declarations (each matched to the locked
 * package it resolved to), its feature map with cargo's implicit features,
 * `links`, and whether it is a proc-macro.
 */
import { relative, resolve } from 'node:path';
import { platformMatches, type TargetInfo } from '../cfg/index.js';
import { UserError } from '../errors.js';
import { CRATES_IO_REGISTRY, type Lockfile, type LockedPackage } from '../lockfile/index.js';
import type { MemberDep, PackageManifest, Workspace } from '../manifest/workspace.js';
import { indexFields } from '../manifest/deps.js';
import type { CrateFiles } from '../registry/crate-files.js';
import { NotCachedError, RegistryError, type CrateLookup, type CrateSource, type IndexDep, type IndexVersion } from '../registry/types.js';
import { DirectorySource } from '../registry/vendor.js';
import type { DeclarationSite, PackageKey, ProcMacroHints } from './types.js';
import { compareVersions, satisfies } from './semver-req.js';

export interface SummaryDep extends IndexDep {
  /** The locked package this declaration resolved to. */
  to: PackageKey;
  site?: DeclarationSite;
}

export interface Summary {
  key: PackageKey;
  name: string;
  version: string;
  source: string | null;
  deps: SummaryDep[];
  /** Declared features plus the implicit feature of every optional dependency not hidden by `dep:`. */
  features: Map<string, string[]>;
  /**
   * Every dependency the version declares, as the index or its manifest has it
   * (dev ones and optional ones Cargo.lock does not hold included): the same
   * array, not a copy. Absent for an unresolved package.
   */
  declaredDeps?: readonly IndexDep[];
  links: string | null;
  /** sha256 of the version's archive, as its index entry gives it. */
  cksum?: string;
  procMacro: boolean;
  /** `procMacro` is a guess (the index does not say, and cargo has not unpacked the crate). */
  procMacroGuessed?: boolean;
  isMember: boolean;
  manifest?: PackageManifest;
  /** Metadata could not be found; the package is treated as a leaf. */
  unresolved?: string;
  /** Why, as data (`unresolved` is its text). */
  unresolvedCause?: UnresolvedCause;
  /**
   * A dependency Cargo.lock does not hold (a fix asks for it): stands in until
   * the feature resolver shows it is needed, then the newest matching version
   * replaces it (see `augment.ts`).
   */
  placeholder?: { name: string; req: string; source: string };
  /** Optional dependencies Cargo.lock does not hold, left out (nothing could turn them on while it is up to date). */
  unlockedOptional?: string[];
}

export interface LoadOptions {
  /**
   * Dependencies missing from Cargo.lock become placeholders instead of errors
   * (members) or being skipped (optional dependencies of locked packages).
   */
  allowNew?: boolean;
  /**
   * Cargo's home, whose `registry/src` holds the manifests of unpacked crates
   * (their `[lib] proc-macro`) and `git/checkouts` the git dependencies; the
   * caller reads it from its environment. Absent or null: none is read.
   */
  cargoHome?: string | null;
  /** What is known of crates' proc-macro status by name and version (from the knowledge layer); none when not given. */
  procMacroHints?: ProcMacroHints;
  /**
   * The targets whose artifact graphs will be asked for: manifests are read
   * only for crates one of them may reach (a `windows_*` crate is never read
   * for a Linux target). Absent: every platform.
   */
  platforms?: readonly TargetInfo[];
  /**
   * The registry lookups of an earlier load of the same Cargo.lock (a fix's
   * proof loads the project again with edited manifests): each crate's index
   * entry is then parsed once per run, its proc-macro status read once.
   */
  lookups?: RegistryLookups;
}

/** Registry lookups by crate, source and locked versions: what the source answered (offline and not cached: the error). */
export type RegistryLookups = Map<string, Promise<CrateLookup | null | NotCachedError>>;

/** A member's dependency Cargo.lock does not list, taken as the locked package cargo will use for it. */
export interface OutdatedEdge {
  member: string;
  dependency: string;
  to: PackageKey;
  site: DeclarationSite;
}

/** What brings Cargo.lock up to date without moving any locked version (`cargo generate-lockfile` moves them all). */
export const LOCK_UPDATE_COMMAND = 'cargo update --workspace';

export interface PackageSet {
  summaries: Map<PackageKey, Summary>;
  warnings: string[];
  /** Dependencies of members that Cargo.lock does not list yet (it is out of date). */
  outdated?: OutdatedEdge[];
  /**
   * Dependencies Cargo.lock lists for a path package whose manifest no longer
   * declares them: cargo's next resolution drops them (`--locked` refuses to).
   */
  undeclared?: { dependent: string; dependency: string; manifestPath: string }[];
  /** Member manifests by package key. */
  members: Map<PackageKey, PackageManifest>;
  /** Crates whose guessed proc-macro status some target graph depends on, and the warning naming them. */
  guessedProcMacros?: { names: Set<string>; warning: number };
  /** The targets the proc-macro statuses were read for (`LoadOptions.platforms`); absent: every platform. */
  platforms?: readonly TargetInfo[];
  /** The registry lookups made, for a later load of the same Cargo.lock (`LoadOptions.lookups`). */
  lookups: RegistryLookups;
}

export type SourceLookup = (lockSource: string) => CrateSource | null;

/** Implicit features for optional dependencies, as cargo's `build_feature_map` adds them. */
export function featureMap(declared: Record<string, string[]>, deps: { name: string; optional: boolean }[]): Map<string, string[]> {
  const map = new Map(Object.entries(declared));
  const hidden = new Set<string>();
  for (const values of map.values()) for (const v of values) if (v.startsWith('dep:')) hidden.add(v.slice(4));
  for (const d of deps) {
    if (d.optional && !map.has(d.name) && !hidden.has(d.name)) map.set(d.name, [`dep:${d.name}`]);
  }
  return map;
}

/**
 * Crates the index gives no proc-macro flag for (a registry index, unlike a
 * vendored manifest, does not say). `exact` when it comes from the crate's
 * own manifest; otherwise a guess from what is known of the crate by name
 * and version, and from its dependency shape.
 */
export function guessProcMacro(v: IndexVersion, hints?: ProcMacroHints): boolean {
  return procMacroOf(v, undefined, hints).procMacro;
}

/** No hints: every crate the index or the unpacked manifests do not answer for is guessed. */
export const NO_PROC_MACRO_HINTS: ProcMacroHints = { procMacros: new Set(), libraries: new Set(), byVersion: new Map() };

export function procMacroOf(v: IndexVersion, files?: CrateFiles | null, hints: ProcMacroHints = NO_PROC_MACRO_HINTS): { procMacro: boolean; guessed: boolean } {
  if (v.proc_macro !== undefined) return { procMacro: v.proc_macro, guessed: false };
  const onDisk = files?.procMacro(v.name, v.vers);
  if (onDisk !== null && onDisk !== undefined) return { procMacro: onDisk, guessed: false };
  const g = guessFromIndex(v, hints);
  return { procMacro: g.procMacro, guessed: g.signs || v.manifest_unread === true };
}

/** Suffixes of the crate a facade re-exports its macros from (`derive_more` 1 and `derive_more-impl`, `ctor` 0.3 and `ctor-proc-macro`). */
const FACADE_SUFFIXES = ['-impl', '_impl', '-macro', '_macro', '-macros', '_macros', '-proc-macro', '_proc_macro', '-derive', '_derive', '-internal', '-codegen', '-attributes'];

/**
 * The answer, and whether it is a guess: the crate is not one of those known
 * by name and version, and something about it (its name, its use of the
 * proc-macro toolkit, a facade shape) suggests it may be one. A crate with no
 * such sign is taken for a library, as nearly every crate is.
 */
function guessFromIndex(v: IndexVersion, hints: ProcMacroHints): { procMacro: boolean; signs: boolean } {
  const name = v.name;
  // What is known of a crate (checked against its published manifests) is no guess.
  if (hints.libraries.has(name)) return { procMacro: false, signs: false };
  const rule = hints.byVersion.get(name);
  if (rule) return { procMacro: rule(v.vers), signs: false };
  const normal = v.deps.filter((d) => d.kind === 'normal' && !d.optional);
  // A facade depends on its own proc-macro crate and re-exports it: a library (a proc-macro crate can export only its own macros).
  // So were paste 0.1, indoc 0.3 and time-macros 0.1 (over their -impl crates), typed-builder from 0.15.
  if (normal.some((d) => FACADE_SUFFIXES.some((s) => (d.package ?? d.name) === name + s))) return { procMacro: false, signs: false };
  if (hints.procMacros.has(name)) return { procMacro: true, signs: false };
  const toolkit = new Set(normal.map((d) => d.package ?? d.name));
  const usesToolkit = toolkit.has('proc-macro2') || (toolkit.has('syn') && toolkit.has('quote'));
  const named = /[-_](derive|derives|macros?|impl|internals?|codegen|attributes|attr|proc[-_]macros?)$/.test(name);
  return { procMacro: named && usesToolkit, signs: named || usesToolkit };
}

/** A declaration's version requirement as cargo applies it to a candidate version. */
function admits(d: { req: string; versionSet?: boolean }, version: string): boolean {
  // Without a written requirement (a path or git dependency) cargo takes any version, pre-releases included.
  if (d.versionSet === false) return true;
  return satisfies(version, d.req);
}

/**
 * The packages a declaration resolved to among its dependent's lock entries:
 * those of its name that satisfy its requirement (cargo never locks one that
 * does not). `named` gets the ones of its name that do not, when no other does.
 */
function lockedDepFor(
  pkg: Pick<LockedPackage, 'dependencies'>,
  lock: Lockfile,
  d: { name: string; package?: string | null; req: string; versionSet?: boolean },
  pathOnly: boolean,
  named?: LockedPackage[],
): LockedPackage[] {
  const real = d.package ?? d.name;
  const out: LockedPackage[] = [];
  let mismatched: LockedPackage[] | undefined;
  for (const { entry, p } of lockedByName(pkg, lock).get(real) ?? []) {
    if (pathOnly && p.source !== null) continue;
    if (admits(d, entry.version) || (p !== entry && admits(d, p.version))) out.push(p);
    else if (named) (mismatched ??= []).push(p);
  }
  if (!out.length && mismatched) named!.push(...mismatched);
  return out;
}

/**
 * A package's lock entries by the name of the package each resolves to (the
 * replacement's, for a `[replace]`d one), in Cargo.lock's order: made once per
 * package and lockfile, as each of its declarations looks its name up.
 */
function lockedByName(pkg: Pick<LockedPackage, 'dependencies'>, lock: Lockfile): Map<string, { entry: LockedPackage; p: LockedPackage }[]> {
  let perLock = LOCKED_BY_NAME.get(lock);
  if (!perLock) LOCKED_BY_NAME.set(lock, (perLock = new WeakMap()));
  let byName = perLock.get(pkg.dependencies);
  if (!byName) {
    byName = new Map();
    for (const k of pkg.dependencies) {
      const entry = lock.packages.get(k)!;
      // `[replace]`: the lockfile keeps the replaced package and names its replacement.
      const p = entry.replace ? (lock.packages.get(entry.replace) ?? entry) : entry;
      const list = byName.get(p.name);
      if (list) list.push({ entry, p });
      else byName.set(p.name, [{ entry, p }]);
    }
    perLock.set(pkg.dependencies, byName);
  }
  return byName;
}

const LOCKED_BY_NAME = new WeakMap<Lockfile, WeakMap<readonly string[], Map<string, { entry: LockedPackage; p: LockedPackage }[]>>>();

/**
 * Cargo.lock (or a path package) gives a declaration a version its requirement
 * does not admit: the manifest changed since the lock was written, and
 * `cargo build --locked` fails.
 */
function staleRequirement(d: MemberDep, dependent: PackageManifest, found: LockedPackage[], lock: Lockfile): UserError {
  const at = { path: d.site.manifestPath, line: d.site.line, column: d.site.column };
  const real = d.package ?? d.name;
  const what = `dependency \`${d.name}\` of \`${dependent.name}\` requires \`${real} = "${d.req}"\``;
  const p = found[0];
  if (p.source === null) {
    return new UserError(
      `${what}, but the path package \`${p.name}\` at ${d.pathDir ?? 'its path'} is version ${p.version}`,
      at,
      `change the requirement (or the package's version) so that they agree`,
    );
  }
  const spec = (lock.byName.get(real) ?? []).length > 1 ? `${real}@${p.version}` : real;
  return new UserError(
    `${what}, which the locked \`${p.name} v${p.version}\` does not satisfy: Cargo.lock is out of date`,
    at,
    `run \`cargo update -p ${spec}\` to lock a version that does, then try again`,
  );
}

/**
 * The locked registry package a declaration missing from its dependent's lock
 * entry would use: the newest locked one of its name that satisfies it (cargo
 * prefers locked versions). Git, path and alternative-registry declarations get none.
 */
function lockedCandidate(lock: Lockfile, d: MemberDep): LockedPackage | undefined {
  if (d.git !== undefined || d.registryName !== undefined) return undefined;
  const real = d.package ?? d.name;
  return (lock.byName.get(real) ?? []).filter((p) => p.source === CRATES_IO_REGISTRY && satisfies(p.version, d.req)).sort((a, b) => compareVersions(b.version, a.version))[0];
}

export function placeholderKey(name: string, req: string, source: string): PackageKey {
  return `${name} ${req} (new from ${source})`;
}

/**
 * The package a dependency missing from a package's lock entry would use: a
 * locked package of that name that satisfies it (cargo keeps locked versions
 * when it can), else a placeholder.
 */
export function unlockedTarget(summaries: Map<PackageKey, Summary>, lock: Lockfile, d: { name: string; package?: string | null; req: string }, source: string): PackageKey {
  const real = d.package ?? d.name;
  const locked = (lock.byName.get(real) ?? []).filter((p) => p.source !== null && satisfies(p.version, d.req));
  if (locked.length) return locked.sort((a, b) => compareVersions(b.version, a.version))[0].key;
  const key = placeholderKey(real, d.req, source);
  if (!summaries.has(key)) {
    summaries.set(key, {
      key,
      name: real,
      version: d.req,
      source,
      deps: [],
      features: new Map(),
      links: null,
      procMacro: false,
      isMember: false,
      placeholder: { name: real, req: d.req, source },
    });
  }
  return key;
}

export async function loadPackages(ws: Workspace, lock: Lockfile, sourceFor: SourceLookup, options: LoadOptions = {}): Promise<PackageSet> {
  const summaries = new SummaryMap();
  const warnings: string[] = [];
  const paths = loadPathPackages(ws, lock, summaries, warnings, options);
  const lookups: RegistryLookups = options.lookups ?? new Map();
  await loadSourcePackages(ws, lock, sourceFor, summaries, warnings, paths.pathManifest, options, lookups);
  const { members, outdated, undeclared } = paths;
  return { summaries, warnings, members, lookups, ...(outdated ? { outdated } : {}), ...(undeclared ? { undeclared } : {}), ...(options.platforms ? { platforms: options.platforms } : {}) };
}

interface PathPackages {
  /** Every path package's manifest: members, `[patch]`/`[replace]` paths, path dependencies reached from them. */
  pathManifest: Map<PackageKey, PackageManifest>;
  members: Map<PackageKey, PackageManifest>;
  /** Members' dependencies Cargo.lock does not list, resolved with a locked package. */
  outdated?: OutdatedEdge[];
  /** Dependencies Cargo.lock lists that no declaration names any more. */
  undeclared?: PackageSet['undeclared'];
}

/** Path packages, from their manifests: members first, then `[patch]` and `[replace]` paths, then path dependencies reached from them. */
function loadPathPackages(ws: Workspace, lock: Lockfile, summaries: SummaryMap, warnings: string[], options: LoadOptions): PathPackages {
  const members = new Map<PackageKey, PackageManifest>();
  const pathManifest = new Map<PackageKey, PackageManifest>();
  const memberDirs = new Set(ws.members.map((m) => m.dir));
  for (const m of ws.members) {
    const locked = (lock.byName.get(m.name) ?? []).find((p) => p.source === null && p.version === m.version);
    if (!locked) {
      throw new UserError(
        `workspace member \`${m.name} ${m.version}\` is not in Cargo.lock`,
        { path: lock.path },
        `the lockfile does not match the manifests; run \`${LOCK_UPDATE_COMMAND}\` (it adds what is missing and moves nothing else)`,
      );
    }
    pathManifest.set(locked.key, m);
    members.set(locked.key, m);
  }
  // `[patch.<source>]` and `[replace]` entries with a path: the lockfile names the
  // patched package without a source, and registry crates depend on it by name.
  for (const dir of patchPathDirs(ws)) {
    const m = ws.loadPathPackage(dir);
    const locked = (lock.byName.get(m.name) ?? []).find((p) => p.source === null && p.version === m.version);
    if (locked && !pathManifest.has(locked.key)) pathManifest.set(locked.key, m);
  }
  const out: PathPackages = { pathManifest, members };
  const queue = [...pathManifest.keys()];
  const reach = (key: PackageKey, dir: string) => {
    if (pathManifest.has(key)) return;
    pathManifest.set(key, ws.loadPathPackage(dir));
    queue.push(key);
  };
  while (queue.length) {
    const key = queue.shift()!;
    const manifest = pathManifest.get(key)!;
    summaries.set(key, pathSummary(key, manifest, memberDirs.has(manifest.dir), { ws, lock, summaries, warnings, options, out, reach }));
  }
  return out;
}

/**
 * A path package's summary, its dependencies matched to what Cargo.lock
 * locks (`reach` is told of each path dependency), with what the lock lacks
 * or still lists recorded in `out`.
 */
function pathSummary(
  key: PackageKey,
  manifest: PackageManifest,
  isMember: boolean,
  ctx: { ws: Workspace; lock: Lockfile; summaries: SummaryMap; warnings: string[]; options: LoadOptions; out: PathPackages; reach: (key: PackageKey, dir: string) => void },
): Summary {
  const { ws, lock, summaries, warnings, options, out, reach } = ctx;
  const pkg = lock.packages.get(key)!;
  const deps: SummaryDep[] = [];
  let unlockedOptional: string[] | undefined;
  for (const d of manifest.deps) {
    if (d.kind === 'dev' && !isMember) continue;
    const named: LockedPackage[] = [];
    const candidates = lockedDepFor(pkg, lock, d, d.pathDir !== undefined, named);
    // The lock gives it a version its requirement no longer admits (the manifest changed since).
    if (candidates.length === 0 && named.length && !(options.allowNew && d.pathDir === undefined)) {
      throw staleRequirement(d, manifest, named, lock);
    }
    if (candidates.length === 0 && options.allowNew && d.pathDir === undefined) {
      deps.push(memberDepToSummary(d, unlockedTarget(summaries, lock, d, CRATES_IO_REGISTRY)));
      continue;
    }
    // Cargo locks every optional dependency of a member, but one of another path
    // package (outside the workspace, or a `[patch]`) only when a feature turns it on.
    if (candidates.length === 0 && d.optional && !isMember) {
      (unlockedOptional ??= []).push(d.name);
      continue;
    }
    if (candidates.length === 0) {
      // A declaration added since Cargo.lock was written (a fix pins a crate the graph already has):
      // cargo's next build keeps a locked package that satisfies it, and so does this resolution.
      const locked = d.pathDir === undefined ? lockedCandidate(lock, d) : undefined;
      if (!locked) {
        throw new UserError(
          `dependency \`${d.name}\` of \`${manifest.name}\` is not in Cargo.lock`,
          { path: d.site.manifestPath, line: d.site.line, column: d.site.column },
          `the lockfile does not match the manifests; run \`${LOCK_UPDATE_COMMAND}\` to add it (it moves nothing else), then try again`,
        );
      }
      (out.outdated ??= []).push({ member: manifest.name, dependency: d.name, to: locked.key, site: d.site });
      warnings.push(
        `Cargo.lock is out of date: it does not list dependency \`${d.name}\` of \`${manifest.name}\` (${relative(ws.rootDir, d.site.manifestPath) || 'Cargo.toml'}:${d.site.line}:${d.site.column}); ` +
          `resolved with the locked \`${locked.name} v${locked.version}\`, as cargo will; run \`${LOCK_UPDATE_COMMAND}\` to record it (it moves nothing else)`,
      );
      deps.push(memberDepToSummary(d, locked.key));
      continue;
    }
    const to = candidates[0];
    deps.push(memberDepToSummary(d, to.key));
    if (d.pathDir !== undefined && to.source === null) reach(to.key, d.pathDir);
  }
  // What the lock entry lists that no declaration (of any kind or platform) names any more.
  for (const k of pkg.dependencies) {
    const entry = lock.packages.get(k)!;
    const named = (d: MemberDep) => (d.package ?? d.name) === entry.name || (entry.replace !== undefined && (d.package ?? d.name) === lock.packages.get(entry.replace)?.name);
    if (!manifest.deps.some((d) => (d.kind !== 'dev' || isMember) && named(d))) {
      (out.undeclared ??= []).push({ dependent: manifest.name, dependency: entry.name, manifestPath: manifest.path });
    }
  }
  return {
    key,
    name: manifest.name,
    version: manifest.version,
    source: null,
    deps,
    features: featureMap(manifest.features, manifest.deps),
    declaredDeps: manifest.deps,
    links: manifest.links,
    procMacro: manifest.procMacro,
    isMember,
    manifest,
    ...(unlockedOptional ? { unlockedOptional } : {}),
  };
}

/**
 * Registry and git packages. Local sources that can answer at once (vendor
 * directories) are read on first use, so that crates the resolution never
 * reaches (other platforms, features left off) are never parsed; the others
 * are all requested at once.
 */
async function loadSourcePackages(
  ws: Workspace,
  lock: Lockfile,
  sourceFor: SourceLookup,
  summaries: SummaryMap,
  warnings: string[],
  pathManifest: Map<PackageKey, PackageManifest>,
  options: LoadOptions,
  lookups: RegistryLookups,
): Promise<void> {
  const wanted = new Map<string, { source: CrateSource; versions: Set<string>; pkgs: LockedPackage[] }>();
  const unresolved: [LockedPackage, UnresolvedCause][] = [];
  const gitPackages: LockedPackage[] = [];
  for (const pkg of lock.packages.values()) {
    if (summaries.has(pkg.key)) continue;
    if (pkg.source === null) {
      unresolved.push([pkg, { kind: 'path' }]);
      continue;
    }
    const src = sourceFor(pkg.source);
    if (!src && pkg.source.startsWith('git+')) {
      gitPackages.push(pkg);
      continue;
    }
    if (!src) {
      unresolved.push([pkg, { kind: 'no-source', source: pkg.source }]);
      continue;
    }
    const id = `${pkg.name}\0${src.label}`;
    let w = wanted.get(id);
    if (!w) wanted.set(id, (w = { source: src, versions: new Set(), pkgs: [] }));
    w.versions.add(pkg.version);
    w.pkgs.push(pkg);
  }
  // Git dependencies not vendored: cargo's checkout, when it has one, read when first needed.
  if (gitPackages.length) {
    const home = options.cargoHome ?? null;
    const { gitCheckoutDir } = await import('../registry/git-checkout.js');
    for (const pkg of gitPackages) {
      const dir = home === null ? null : gitCheckoutDir(home, pkg.source!, pkg.name);
      if (dir === null) unresolved.push([pkg, { kind: 'git' }]);
      else summaries.defer(pkg.key, () => gitSummary(pkg, ws.loadPathPackage(dir), lock, warnings));
    }
  }
  const newTargets = options.allowNew ? summaries : undefined;
  // A source with a synchronous lookup (a vendor directory) is local and cheap to ask later.
  type LocalSource = CrateSource & { getCrateSync?: (name: string, versions?: ReadonlySet<string>) => CrateLookup | null };
  // Cargo's unpacked crates answer what an index does not say (proc-macro); a
  // vendored manifest says it itself, so they are read only for index sources.
  let files: CrateFiles | null = null;
  if ([...wanted.values()].some((w) => !(w.source as LocalSource).getCrateSync)) {
    const home = options.cargoHome ?? null;
    if (home !== null) files = (await import('../registry/crate-files.js')).crateFilesFor(home);
  }
  const summaryFrom = (pkg: LockedPackage, w: { source: CrateSource }, found: CrateLookup | null, crateFiles: CrateFiles | null): Summary => {
    const v = found?.versions.find((x) => x.vers === pkg.version);
    if (!v) {
      const vendored = w.source instanceof DirectorySource;
      return unresolvedSummary(pkg, { kind: 'not-in-source', source: w.source.label, vendored, ...(found ? { version: pkg.version } : {}) });
    }
    const known = MADE.get(pkg);
    if (known?.v === v) return known.summary;
    const summary = indexToSummary(pkg, v, lock, warnings, newTargets, crateFiles, options.procMacroHints);
    if (SELF_CONTAINED.has(summary)) MADE.set(pkg, { v, summary });
    return summary;
  };
  const fetched: Fetched[] = [];
  await Promise.all(
    [...wanted.values()].map(async (w) => {
      const name = w.pkgs[0].name;
      const local = w.source as LocalSource;
      const sync = local.getCrateSync?.bind(local);
      if (sync) {
        for (const pkg of w.pkgs) summaries.defer(pkg.key, () => summaryFrom(pkg, w, sync(name, w.versions), null));
        return;
      }
      // Offline, a crate no cache holds is unresolved like one the index lacks, so that all of them are reported.
      const id = `${name}\0${w.source.label}\0${[...w.versions].sort().join(' ')}`;
      let lookup = lookups.get(id);
      if (!lookup) {
        lookup = w.source.getCrate(name, w.versions).catch((e: unknown) => {
          if (e instanceof NotCachedError) return e;
          throw e;
        });
        lookups.set(id, lookup);
      }
      const found = await lookup;
      if (found instanceof NotCachedError) for (const pkg of w.pkgs) unresolved.push([pkg, { kind: 'offline' }]);
      else fetched.push({ source: w.source, pkgs: w.pkgs, found });
    }),
  );
  const failed = await readProcMacros(fetched, pathManifest, lock, options.procMacroHints, options.platforms);
  if (failed.length) warnings.push(downloadWarning(failed));
  for (const f of fetched) for (const pkg of f.pkgs) summaries.set(pkg.key, summaryFrom(pkg, f, f.found, files));
  for (const [pkg, cause] of unresolved) summaries.set(pkg.key, unresolvedSummary(pkg, cause));
}

/**
 * Registry packages' summaries, by lock entry: a project's load and each fix's
 * proof load the same Cargo.lock (its entries are that lock's own objects) and
 * share their lookups, and differ only in the manifests edited. A summary that
 * every declaration of its index record resolves in Cargo.lock is the same for
 * each, as long as the record is the same object (a status read from the
 * manifest replaces the record; another load's lookups give other records).
 * Such summaries are shared, not copied: nothing changes a summary whose
 * dependencies all point at locked packages (a proof re-points only those at
 * stand-ins).
 */
const MADE = new WeakMap<LockedPackage, { v: IndexVersion; summary: Summary }>();

/** Summaries `indexToSummary` made with every declaration resolved in Cargo.lock: no warning, no stand-in, whatever load asked. */
const SELF_CONTAINED = new WeakSet<Summary>();

/**
 * Which crates need their manifest for an exact proc-macro status: those that
 * may be one. A crate with a normal dependency on `proc-macro2`, or on `syn`
 * and `quote`, one named like a macro crate, and one with no dependency and
 * no feature at all (as `paste`, `rustversion` and `indoc` are); every other
 * crate is a library for certain enough not to read it (a proc-macro links
 * the compiler's `proc_macro` and, nearly always, the toolkit). A local copy
 * (cargo's unpacked sources) is read whatever the crate.
 */
export function mayBeProcMacro(v: IndexVersion): boolean {
  let syn = false;
  let quote = false;
  let deps = 0;
  for (const d of v.deps) {
    if (d.kind === 'dev') continue;
    deps++;
    if (d.kind !== 'normal') continue;
    const real = d.package ?? d.name;
    if (real === 'proc-macro2') return true;
    if (real === 'syn') syn = true;
    if (real === 'quote') quote = true;
  }
  if (syn && quote) return true;
  if (/[-_](derive|derives|macros?|impl|internals?|codegen|attributes|attr|proc[-_]macros?)$/.test(v.name)) return true;
  return deps === 0 && Object.keys(v.features).length === 0 && v.links === null;
}

/** A registry crate's index data, as fetched for its locked packages. */
interface Fetched {
  source: CrateSource;
  pkgs: LockedPackage[];
  found: CrateLookup | null;
}

/**
 * The proc-macro status of registry crates from their manifests, where the
 * index does not say: every crate of which cargo has an unpacked copy, and
 * the crates the graph may reach that may be proc-macros (`mayBeProcMacro`),
 * from the tool's cache or the archive downloaded from the registry (checked
 * against the index's `cksum` and Cargo.lock's checksum).
 *
 * What the graph may reach: the packages reached from the workspace's path
 * packages through normal and dev dependencies, on the platforms asked for
 * (every platform when none is given) and with any feature, not through
 * build dependencies and not below a proc-macro (its
 * dependencies are the compiler's, never the artifact's). A status read may
 * open or close a part of the graph, so the reach is taken again after each
 * batch of reads until nothing more needs reading (nearly always after the
 * first: the guess is right about most crates that look like proc-macros).
 *
 * A crate whose manifest cannot be had (offline and not cached, downloads
 * off, the download host unreachable) is left to the name-and-shape guess,
 * with its warning. An archive that fails its checksum, or is hostile, stops
 * the run.
 */
async function readProcMacros(
  fetched: Fetched[],
  pathManifest: Map<PackageKey, PackageManifest>,
  lock: Lockfile,
  hints?: ProcMacroHints,
  platforms?: readonly TargetInfo[],
): Promise<FailedDownload[]> {
  const failed: FailedDownload[] = [];
  if (!fetched.some((f) => f.source.files)) return failed;
  const { procMacroFromManifest } = await import('../registry/crate-files.js');
  const entries = new Map<PackageKey, { f: Fetched; pkg: LockedPackage; i: number }>();
  const setStatus = (e: { f: Fetched; i: number }, manifest: string | undefined) => {
    const pm = manifest === undefined ? null : procMacroFromManifest(manifest);
    const versions = e.f.found!.versions;
    if (pm !== null) versions[e.i] = { ...versions[e.i]!, proc_macro: pm };
  };
  for (const f of fetched) {
    if (!f.found) continue;
    for (const pkg of f.pkgs) {
      const i = f.found.versions.findIndex((x) => x.vers === pkg.version);
      if (i < 0) continue;
      const e = { f, pkg, i };
      entries.set(pkg.key, e);
      // A local copy is read whatever the crate: it costs no request.
      const v = f.found.versions[i]!;
      if (v.proc_macro === undefined && f.source.files) setStatus(e, f.source.files.unpackedCopy(v.name, v.vers)?.manifest);
    }
  }
  const asked = new Set<PackageKey>();
  for (;;) {
    const batch: { f: Fetched; pkg: LockedPackage; i: number }[] = [];
    for (const key of graphReach(entries, pathManifest, lock, hints, platforms)) {
      const e = entries.get(key);
      if (!e || asked.has(key) || !e.f.source.files) continue;
      const v = e.f.found!.versions[e.i]!;
      if (v.proc_macro === undefined && mayBeProcMacro(v)) batch.push(e);
    }
    if (!batch.length) return failed;
    await Promise.all(
      batch.map(async (e) => {
        asked.add(e.pkg.key);
        const v = e.f.found!.versions[e.i]!;
        let unread = false;
        const pm = await manifestProcMacro(e.f.source, v, e.pkg.checksum, (reason) => {
          unread = true;
          failed.push({ name: v.name, version: v.vers, reason });
        });
        if (pm !== null) e.f.found!.versions[e.i] = { ...v, proc_macro: pm };
        else if (unread) e.f.found!.versions[e.i] = { ...v, manifest_unread: true };
      }),
    );
  }
}

/**
 * `[lib] proc-macro` of a registry crate's manifest, from its source's crate
 * files (a local copy, the tool's cache, the archive downloaded and checked
 * against the index's `cksum` and `lockChecksum`); null when it cannot be had.
 * A download that fails leaves the guess; an archive refused stops the run.
 */
export async function manifestProcMacro(source: CrateSource, v: IndexVersion, lockChecksum: string | null, onFailure?: (reason: string) => void): Promise<boolean | null> {
  if (!source.files) return null;
  const { procMacroFromManifest, ArchiveError } = await import('../registry/crate-files.js');
  const checksums = [v.cksum, lockChecksum].filter((c): c is string => typeof c === 'string' && c !== '');
  try {
    const files = await source.files.read({ name: v.name, version: v.vers, checksums });
    return files ? procMacroFromManifest(files.manifest) : null;
  } catch (err) {
    // The archive could not be downloaded: the guess stands, and the caller says so.
    if (!(err instanceof RegistryError) || err instanceof ArchiveError) throw err;
    onFailure?.(err.message);
    return null;
  }
}

/** A crate archive that could not be downloaded (after the retries the network settings allow). */
interface FailedDownload {
  name: string;
  version: string;
  reason: string;
}

/**
 * One warning for the archives that could not be downloaded: the proc-macro
 * status of those crates is guessed (a later warning names the guesses the
 * graph depends on), and what to do about it.
 */
function downloadWarning(failed: FailedDownload[]): string {
  const names = failed.map((f) => `\`${f.name} v${f.version}\``).sort();
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return (
    `could not download the archive${failed.length > 1 ? 's' : ''} of ${shown} (${failed[0]!.reason}); ` +
    `${failed.length > 1 ? 'their' : 'its'} proc-macro status is guessed from the index. ` +
    `Check the network (proxy: \`http.proxy\`), or run \`cargo fetch\` so that the tool reads cargo's copy, or pass \`--no-crate-downloads\` to keep to the guess`
  );
}

/** The packages the graph may reach (see `readProcMacros`), by the statuses known so far (else guessed). */
function graphReach(
  entries: Map<PackageKey, { f: Fetched; pkg: LockedPackage; i: number }>,
  pathManifest: Map<PackageKey, PackageManifest>,
  lock: Lockfile,
  hints?: ProcMacroHints,
  platforms?: readonly TargetInfo[],
): Set<PackageKey> {
  // A dependency for another platform than those asked for is never in their graphs.
  const onPlatform = (d: { target: string | null }) => !platforms || d.target === null || platforms.some((t) => platformMatches(d.target!, t));
  const seen = new Set<PackageKey>(pathManifest.keys());
  const queue = [...seen];
  while (queue.length) {
    const key = queue.pop()!;
    const pkg = lock.packages.get(key);
    if (!pkg) continue;
    let next: PackageKey[];
    const m = pathManifest.get(key);
    const e = entries.get(key);
    if (m) next = m.deps.filter((d) => d.kind !== 'build' && onPlatform(d)).flatMap((d) => lockedDepFor(pkg, lock, d, d.pathDir !== undefined).map((p) => p.key));
    else if (e) {
      const v = e.f.found!.versions[e.i]!;
      if (procMacroOf(v, undefined, hints).procMacro) continue;
      next = v.deps.filter((d) => d.kind === 'normal' && onPlatform(d)).flatMap((d) => lockedDepFor(pkg, lock, d, false).map((p) => p.key));
    } else next = pkg.dependencies; // read later (a vendored crate): all it locks, to be safe
    for (const k of next) {
      if (seen.has(k)) continue;
      seen.add(k);
      queue.push(k);
    }
  }
  return seen;
}

/** Directories of the path entries of the root's `[patch.*]` and `[replace]` tables. */
function patchPathDirs(ws: Workspace): string[] {
  const out: string[] = [];
  const add = (entries: unknown) => {
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) return;
    for (const v of Object.values(entries as Record<string, unknown>)) {
      const path = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).path : undefined;
      if (typeof path === 'string') out.push(resolve(ws.rootDir, path));
    }
  };
  const patch = ws.rootData.patch;
  if (patch && typeof patch === 'object' && !Array.isArray(patch)) for (const table of Object.values(patch as Record<string, unknown>)) add(table);
  add(ws.rootData.replace);
  return out;
}

/**
 * Why a locked crate's metadata could not be read, as data (`reason` is its
 * text, `unresolvedText`): offline and not cached; a git source or another
 * source with nothing configured to read it; not in its source (the crate, or
 * only this version; `vendored` when the source is a vendor directory); a path
 * package no member reaches.
 */
export type UnresolvedCause =
  | { kind: 'offline' }
  | { kind: 'git' }
  | { kind: 'no-source'; source: string }
  | { kind: 'not-in-source'; source: string; vendored: boolean; version?: string }
  | { kind: 'path' };

export function unresolvedText(c: UnresolvedCause): string {
  switch (c.kind) {
    case 'offline':
      return 'no local cache holds its index entry, and the network is off (offline mode)';
    case 'git':
      return 'git dependency without vendored sources';
    case 'no-source':
      return `no source for \`${c.source}\``;
    case 'not-in-source':
      return c.version ? `version ${c.version} is not in ${c.source}` : `not in ${c.source}`;
    case 'path':
      return 'path package not reachable from the workspace members';
  }
}

function unresolvedSummary(pkg: LockedPackage, cause: UnresolvedCause): Summary {
  return {
    key: pkg.key,
    name: pkg.name,
    version: pkg.version,
    source: pkg.source,
    deps: [],
    features: new Map(),
    links: null,
    procMacro: false,
    isMember: false,
    unresolved: unresolvedText(cause),
    unresolvedCause: cause,
  };
}

/**
 * Summaries by package key, some made on first use. Iterating, or asking the
 * size, makes them all, so that code walking every summary sees the same map
 * as with eager loading.
 */
export class SummaryMap extends Map<PackageKey, Summary> {
  private pending = new Map<PackageKey, () => Summary>();
  /** Whether a summary made so far has a guessed proc-macro status. */
  guessedProcMacro = false;

  /** Registers a summary to make when first asked for. */
  defer(key: PackageKey, make: () => Summary): void {
    if (!super.has(key)) this.pending.set(key, make);
  }

  override get(key: PackageKey): Summary | undefined {
    const s = super.get(key);
    if (s !== undefined) return s;
    const make = this.pending.get(key);
    if (!make) return undefined;
    this.pending.delete(key);
    const made = make();
    if (made.procMacroGuessed) this.guessedProcMacro = true;
    super.set(key, made);
    return made;
  }

  override has(key: PackageKey): boolean {
    return super.has(key) || this.pending.has(key);
  }

  override delete(key: PackageKey): boolean {
    const had = this.pending.delete(key);
    return super.delete(key) || had;
  }

  override set(key: PackageKey, value: Summary): this {
    this.pending?.delete(key);
    if (value.procMacroGuessed) this.guessedProcMacro = true;
    return super.set(key, value);
  }

  /** Makes every pending summary. */
  loadAll(): this {
    for (const k of [...this.pending.keys()]) this.get(k);
    return this;
  }

  override get size(): number {
    return super.size + this.pending.size;
  }

  override keys(): MapIterator<PackageKey> {
    return this.loadAll().superKeys();
  }
  override values(): MapIterator<Summary> {
    return this.loadAll().superValues();
  }
  override entries(): MapIterator<[PackageKey, Summary]> {
    return this.loadAll().superEntries();
  }
  override [Symbol.iterator](): MapIterator<[PackageKey, Summary]> {
    return this.entries();
  }
  override forEach(cb: (value: Summary, key: PackageKey, map: Map<PackageKey, Summary>) => void, thisArg?: unknown): void {
    this.loadAll();
    super.forEach(cb, thisArg);
  }
  private superKeys() {
    return super.keys();
  }
  private superValues() {
    return super.values();
  }
  private superEntries() {
    return super.entries();
  }
}

/**
 * A git package's summary from the manifest of cargo's checkout (as written
 * in the repository: inheritance from its own workspace applied). Its
 * dependencies are matched to its lock entry by name and requirement; a path
 * dependency inside the repository is locked as a package of the same git source.
 */
function gitSummary(pkg: LockedPackage, manifest: PackageManifest, lock: Lockfile, warnings: string[]): Summary {
  const deps: SummaryDep[] = [];
  for (const d of manifest.deps) {
    if (d.kind === 'dev') continue;
    const to = lockedDepFor(pkg, lock, d, false)[0];
    if (to) deps.push(memberDepToSummary(d, to.key));
    else if (!d.optional) warnings.push(`\`${pkg.name} ${pkg.version}\` declares \`${d.package ?? d.name} ${d.req}\`, which Cargo.lock does not list for it`);
  }
  if (manifest.version !== pkg.version) warnings.push(`cargo's checkout of \`${pkg.name}\` at ${manifest.dir} is version ${manifest.version}, Cargo.lock says ${pkg.version}`);
  return {
    key: pkg.key,
    name: pkg.name,
    version: pkg.version,
    source: pkg.source,
    deps,
    features: featureMap(
      manifest.features,
      manifest.deps.filter((d) => d.kind !== 'dev'),
    ),
    declaredDeps: manifest.deps,
    links: manifest.links,
    procMacro: manifest.procMacro,
    isMember: false,
  };
}

function memberDepToSummary(d: MemberDep, to: PackageKey): SummaryDep {
  return { ...indexFields(d), to, site: d.site };
}

/**
 * A locked package's summary from its index record. With `newTargets`, an
 * optional dependency Cargo.lock does not hold points at the package it would
 * use (a fix may turn it on); without, it is dropped, as nothing can turn it on.
 */
export function indexToSummary(
  pkg: Pick<LockedPackage, 'key' | 'name' | 'version' | 'source' | 'dependencies'>,
  v: IndexVersion,
  lock: Lockfile,
  warnings: string[],
  newTargets?: Map<PackageKey, Summary>,
  files?: CrateFiles | null,
  hints?: ProcMacroHints,
): Summary {
  const pm = procMacroOf(v, files, hints);
  const deps: SummaryDep[] = [];
  let unlocked: string[] | undefined;
  let selfContained = true;
  for (const d of v.deps) {
    if (d.kind === 'dev') continue;
    const candidates = lockedDepFor(pkg, lock, d, false);
    if (candidates.length === 0) selfContained = false;
    if (candidates.length === 0 && newTargets) {
      const source = pkg.source && !pkg.source.startsWith('git+') ? pkg.source : CRATES_IO_REGISTRY;
      deps.push({ ...d, to: unlockedTarget(newTargets, lock, d, d.registry ? `registry+${d.registry}` : source) });
      continue;
    }
    if (candidates.length === 0) {
      // Cargo locks an optional dependency only when some feature can turn it on;
      // a missing required one means the lockfile does not fit the metadata.
      if (d.optional) {
        (unlocked ??= []).push(d.name);
        continue;
      }
      warnings.push(`\`${pkg.name} ${pkg.version}\` declares \`${d.package ?? d.name} ${d.req}\`, which Cargo.lock does not list for it`);
      continue;
    }
    deps.push({ ...d, to: candidates[0].key });
  }
  // One object shape for nearly every summary: the rare fields are added after.
  const s: Summary = {
    key: pkg.key,
    name: pkg.name,
    version: pkg.version,
    source: pkg.source,
    deps,
    features: featureMap(
      v.features,
      v.deps.filter((d) => d.kind !== 'dev'),
    ),
    declaredDeps: v.deps,
    links: v.links ?? null,
    procMacro: pm.procMacro,
    isMember: false,
  };
  if (pm.guessed) s.procMacroGuessed = true;
  if (unlocked) s.unlockedOptional = unlocked;
  if (v.cksum) s.cksum = v.cksum;
  if (selfContained) SELF_CONTAINED.add(s);
  return s;
}
