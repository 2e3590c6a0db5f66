/**
 * From a workspace on disk to one artifact graph per target: read Cargo.lock
 * and the manifests, fetch metadata of the locked versions, resolve features
 * and platforms as cargo does.
 */
import { join } from 'node:path';
import { ALL_TARGETS, derivedHostTriple, platformMatches, targetInfo } from '../cfg/index.js';
import { UserError } from '../errors.js';
import { readLockfile, type Lockfile } from '../lockfile/index.js';
import { globMatcher } from '../manifest/glob.js';
import { findManifest, loadWorkspace, type PackageManifest, type Workspace } from '../manifest/workspace.js';
import { buildTargetGraph, type GraphResult } from './graph.js';
import type { AugmentedResult } from './augment.js';
import { LOCK_UPDATE_COMMAND, loadPackages, NO_PROC_MACRO_HINTS, SummaryMap, type PackageSet, type SourceLookup } from './packages.js';
import { NORMAL, resolveFeatures, type FeaturesFor } from './features.js';
import type { RootRequest } from './features.js';
import type { PackageKey, ProcMacroHints } from './types.js';
import { parsePackageSpec, specMatches } from './spec.js';

export interface Selection {
  /** `-p NAME[@VERSION]`, repeatable. */
  packages?: string[];
  /** `--workspace`. */
  workspace?: boolean;
  /** `--exclude NAME` with `--workspace`. */
  exclude?: string[];
  /** `--features`, each entry may hold several separated by commas or spaces. */
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  /** Count dev-dependencies of the selected members (`--include-dev`). */
  includeDev?: boolean;
}

export interface Project {
  /** The manifest the run started from (a member's, or the root's). */
  startManifest: string;
  selection: Selection;
  workspace: Workspace;
  lockfile: Lockfile;
  packages: PackageSet;
  /** Selected members with their requested features. */
  roots: RootRequest[];
  /** What is known of crates' proc-macro status, as the caller gave it (a fix's proof reads new crates with it too). */
  procMacroHints: ProcMacroHints;
  /** Cargo's home as the caller gave it (a fix's proof reads new crates from it too); null: none. */
  cargoHome: string | null;
}

export interface ProjectOptions {
  /**
   * What is known of crates' proc-macro status (from the knowledge layer,
   * which sits above this one), for crates whose status the index does not
   * give; none when not given.
   */
  procMacroHints?: ProcMacroHints;
  /**
   * The targets the caller will resolve, once the workspace is known (its
   * settings may name them): proc-macro statuses are read for what their
   * graphs may reach. Absent, or undefined returned: every platform.
   */
  targetsFor?: (workspace: Workspace) => readonly string[] | undefined;
  /**
   * Cargo's home (`$CARGO_HOME`, else `~/.cargo`, as the caller's environment
   * says), whose unpacked crates and git checkouts are read; absent or null:
   * none is.
   */
  cargoHome?: string | null;
}

/** Reads the workspace and lockfile and loads metadata for every locked package. */
export async function loadProject(cwd: string, manifestPath: string | undefined, sourceFor: SourceLookup, sel: Selection = {}, options: ProjectOptions = {}): Promise<Project> {
  const { procMacroHints = NO_PROC_MACRO_HINTS, targetsFor, cargoHome = null } = options;
  const startManifest = findManifest(cwd, manifestPath);
  const workspace = loadWorkspace(startManifest);
  const lockfile = readLockfile(join(workspace.rootDir, 'Cargo.lock'));
  const platforms = platformsOf(targetsFor?.(workspace));
  const packages = await loadPackages(workspace, lockfile, sourceFor, { procMacroHints, cargoHome, ...(platforms ? { platforms } : {}) });
  // The selection's warnings (an exclusion that names no member) are the project's, shown with the packages' own.
  const roots = selectRoots(workspace, packages, sel, (w) => packages.warnings.push(w));
  return { startManifest, selection: sel, workspace, lockfile, packages, roots, procMacroHints, cargoHome };
}

/** The cfg sets of the targets, or undefined (every platform) when one has none here: its error comes when it is resolved. */
function platformsOf(targets: readonly string[] | undefined) {
  if (!targets) return undefined;
  try {
    return targets.map((t) => targetInfo(t));
  } catch (e) {
    if (e instanceof UserError) return undefined;
    throw e;
  }
}

/** A glob pattern of `-p` and `--exclude` (cargo's test: it holds `*`, `?`, `[` or `]`). */
const isGlob = (spec: string) => /[*?[\]]/.test(spec);

/** A `-p` or `--exclude` argument: a glob pattern of names, or a package ID specification (`name`, `name@0.1`). */
function memberSpec(spec: string): { spec: string; glob: boolean; matches: (m: PackageManifest) => boolean } {
  if (isGlob(spec)) {
    const glob = globMatcher(spec);
    return { spec, glob: true, matches: (m) => glob(m.name) };
  }
  const parsed = parsePackageSpec(spec);
  return { spec, glob: false, matches: (m) => specMatches(parsed, { name: m.name, version: m.version, source: null }) };
}

/**
 * The root requests of a selection (`-p`, `--workspace`, `--exclude`, the
 * current or default members, features), as cargo makes them. Reads its
 * inputs only; what cargo warns of (an exclusion that names no member) goes
 * to `warn`.
 */
export function selectRoots(ws: Workspace, set: PackageSet, sel: Selection, warn: (message: string) => void = () => {}): RootRequest[] {
  let selected: PackageManifest[];
  if (sel.packages?.length) {
    selected = [];
    const unmatched: string[] = [];
    for (const spec of sel.packages) {
      const m = memberSpec(spec);
      const found = ws.members.filter(m.matches);
      if (!found.length && !m.glob) {
        throw new UserError(`package ID specification \`${spec}\` did not match any packages of the workspace`);
      }
      if (!found.length) unmatched.push(spec);
      for (const m of found) if (!selected.includes(m)) selected.push(m);
    }
    if (unmatched.length) throw new UserError(`package pattern(s) \`${unmatched.join(', ')}\` not found in workspace \`${ws.rootDir}\``);
  } else if (sel.workspace) {
    const excludes = (sel.exclude ?? []).map((spec) => ({ ...memberSpec(spec), matched: false }));
    selected = ws.members.filter((m) => {
      let out = false;
      for (const e of excludes) if (e.matches(m)) out = e.matched = true;
      return !out;
    });
    // As cargo: an exclusion that names no member is a warning, not an error.
    const names = [...new Set(excludes.filter((e) => !e.matched && !e.glob).map((e) => e.spec))].sort();
    const patterns = excludes.filter((e) => !e.matched && e.glob).map((e) => e.spec);
    if (names.length) warn(`excluded package(s) \`${names.join(', ')}\` not found in workspace \`${ws.rootDir}\``);
    if (patterns.length) warn(`excluded package pattern(s) \`${patterns.join(', ')}\` not found in workspace \`${ws.rootDir}\``);
  } else if (ws.current && ws.current.path !== ws.rootManifestPath) {
    selected = [ws.current];
  } else {
    selected = ws.defaultMembers;
  }

  const requested = (sel.features ?? []).flatMap((f) => f.split(/[\s,]+/)).filter(Boolean);
  for (const f of requested) {
    if (f.startsWith('dep:')) throw new UserError(`feature \`${f}\` is not allowed to use explicit \`dep:\` syntax`);
  }
  const keyOf = new Map<PackageManifest, PackageKey>();
  for (const [k, m] of set.members) keyOf.set(m, k);
  const isVirtual = !ws.members.some((m) => m.path === ws.rootManifestPath);
  if (ws.resolver === 1 && !isVirtual) return oldFeatureSelection(ws, keyOf, selected, requested, sel);

  // Cargo's feature selection (resolver 2 and 3, and every virtual workspace):
  // each selected member takes the requested features it has; `member/feat`
  // goes to that member, `dep/feat` to the members with such a dependency.
  const found = new Set<string>();
  const roots = selected.map((m): RootRequest => {
    const has = (f: string) => f in m.features || m.deps.some((d) => d.optional && d.name === f);
    const features: string[] = [];
    for (const f of requested) {
      const slash = f.indexOf('/');
      if (slash < 0) {
        if (has(f)) {
          features.push(f);
          found.add(f);
        }
        continue;
      }
      const dep = f.slice(0, slash).replace(/\?$/, '');
      const feat = f.slice(slash + 1);
      if (m.deps.some((d) => d.name === dep)) {
        features.push(f);
        found.add(f);
      } else if (dep === m.name && has(feat)) {
        features.push(feat);
        found.add(f);
      }
    }
    return { key: keyOf.get(m)!, features, defaultFeatures: !sel.noDefaultFeatures, allFeatures: !!sel.allFeatures };
  });
  const missing = requested.filter((f) => !found.has(f));
  if (missing.length && !sel.allFeatures) {
    if (selected.length === 1) {
      throw new UserError(`the package '${selected[0].name}' does not contain ${missing.length > 1 ? 'these features' : 'this feature'}: ${missing.join(', ')}`, {
        path: selected[0].path,
      });
    }
    throw new UserError(`none of the selected packages contains ${missing.length > 1 ? 'these features' : 'this feature'}: ${missing.join(', ')}`);
  }
  return roots;
}

/**
 * Cargo's old command-line feature behaviour (resolver 1 with a root
 * package): `--features`, `--no-default-features` and `--all-features` apply
 * to the package of the current directory, which always takes part in
 * feature resolution; other selected members get their defaults and only
 * features asked as `member/feat`.
 */
function oldFeatureSelection(ws: Workspace, keyOf: Map<PackageManifest, PackageKey>, selected: PackageManifest[], requested: string[], sel: Selection): RootRequest[] {
  const current = ws.current;
  const selectedNames = new Set(selected.map((m) => m.name));
  const memberSpecific = new Map<string, string[]>();
  const cwd: string[] = [];
  for (const f of requested) {
    const slash = f.indexOf('/');
    const dep = slash > 0 ? f.slice(0, slash).replace(/\?$/, '') : '';
    if (slash > 0 && ws.members.some((m) => m !== current && m.name === dep) && selectedNames.has(dep)) {
      let l = memberSpecific.get(dep);
      if (!l) memberSpecific.set(dep, (l = []));
      l.push(f.slice(slash + 1));
    } else cwd.push(f);
  }
  const roots: RootRequest[] = [];
  for (const m of ws.members) {
    if (m === current) {
      for (const f of cwd) {
        if (!f.includes('/') && !(f in m.features) && !m.deps.some((d) => d.optional && d.name === f)) {
          throw new UserError(`package \`${m.name} v${m.version} (${m.dir})\` does not have the feature \`${f}\``, { path: m.path });
        }
      }
      const r: RootRequest = { key: keyOf.get(m)!, features: cwd, defaultFeatures: !sel.noDefaultFeatures, allFeatures: !!sel.allFeatures };
      if (!selected.includes(m)) r.featuresOnly = true;
      roots.push(r);
    } else if (selected.includes(m)) {
      roots.push({ key: keyOf.get(m)!, features: memberSpecific.get(m.name) ?? [], defaultFeatures: true, allFeatures: !!sel.allFeatures });
    }
  }
  // Roots in selection order, the feature-only package last.
  const order = (r: RootRequest) => (r.featuresOnly ? selected.length : selected.findIndex((m) => keyOf.get(m) === r.key));
  return roots.sort((a, b) => order(a) - order(b));
}

// The host only decides platform-specific dependencies of host units, which
// never reach the artifact graph: Node's idea of the host spares a rustc call.
// Worked out once a run: telling musl from glibc reads /proc/self/maps, and a fix's proofs resolve hundreds of graphs.
let hostInfo: ReturnType<typeof targetInfo> | undefined;
const host = () => (hostInfo ??= targetInfo(derivedHostTriple(process.platform, process.arch)));

/**
 * Every package the selection's resolution holds, on every platform and with
 * host units (build dependencies, proc-macros and all they pull in): the
 * packages cargo matches `tree -i SPEC` against.
 */
export function resolvedPackages(project: Project, includeDev = false): Set<PackageKey> {
  const all = targetInfo(ALL_TARGETS);
  const features = resolveFeatures(project.packages.summaries, project.roots, {
    resolver: project.workspace.resolver,
    target: all,
    host: () => all,
    includeDev,
    hostUnits: true,
  });
  const out = new Set<PackageKey>();
  const seen = new Set<string>();
  const queue: [PackageKey, FeaturesFor][] = project.roots.map((r) => [r.key, NORMAL]);
  while (queue.length) {
    const [key, fk] = queue.pop()!;
    if (seen.has(`${fk}${key}`)) continue;
    seen.add(`${fk}${key}`);
    out.add(key);
    for (const [d, depFk] of features.deps(key, fk)) {
      if (d.kind === 'dev' && !includeDev) continue;
      if (d.optional && !features.isDepActivated(key, fk, d.name)) continue;
      queue.push([d.to, depFk]);
    }
  }
  return out;
}

/**
 * The artifact graph of the project for one target triple. Its `features`
 * cover the target units; under resolver 2 and 3 host units (build scripts,
 * proc-macros) are not resolved, as they change nothing in the graph.
 */
export function resolveTarget(project: Project, triple: string, includeDev = false): GraphResult {
  const result = buildTargetGraph(project.packages.summaries, project.roots, {
    resolver: project.workspace.resolver,
    target: targetInfo(triple),
    host,
    includeDev,
    hostUnits: false,
  });
  noteGuessedProcMacros(project.packages, result, triple);
  const gaps = graphLockGaps(project, result);
  if (gaps.length) result.graph.lockGaps = gaps;
  return result;
}

/**
 * The optional dependencies a target graph turns on that Cargo.lock does not
 * hold (left out of the graph as it stands): the part of `lockGaps` a graph
 * shows, found at no cost from the graph itself.
 */
function graphLockGaps(project: Project, result: GraphResult): LockGap[] {
  const gaps: LockGap[] = [];
  for (const key of result.graph.packages.keys()) {
    const s = project.packages.summaries.get(key);
    for (const dep of s?.unlockedOptional ?? []) {
      if (result.features.isDepActivated(key, NORMAL, dep)) gaps.push({ package: s!.name, version: s!.version, dependency: dep, ...(s!.manifest ? { manifestPath: s!.manifest.path } : {}) });
    }
  }
  return gaps;
}

/**
 * The graph depends on a guessed proc-macro status when a crate taken for a
 * library is in it, or when a crate taken for a proc-macro is an active
 * dependency of one of its packages (its dependencies are then left out).
 * One warning names them all, over every target resolved.
 */
function noteGuessedProcMacros(set: PackageSet, result: GraphResult, triple: string): void {
  // Building the graph made the summary of every package and active dependency
  // looked at below: when none of the summaries made is a guess, none of these is.
  if (set.summaries instanceof SummaryMap && !set.summaries.guessedProcMacro) return;
  const target = targetInfo(triple);
  // A target the statuses were not read for (a platform a fix is also checked on): its
  // graph is never shown, and what it guesses is no warning of the run.
  if (set.platforms && !target.all && !set.platforms.includes(target)) return;
  const found: string[] = [];
  for (const key of result.graph.packages.keys()) {
    const s = set.summaries.get(key);
    if (!s) continue;
    if (s.procMacroGuessed && !s.isMember) found.push(`${s.name} v${s.version}`);
    for (const d of s.deps) {
      if (d.kind !== 'normal') continue;
      // Only dependencies the graph takes: reading the summary of one it leaves
      // out (another platform's, an optional one left off) would load a crate
      // the resolution never reaches.
      if (d.target !== null && d.target !== undefined && !platformMatches(d.target, target)) continue;
      if (d.optional && !result.features.isDepActivated(key, NORMAL, d.name)) continue;
      const t = set.summaries.get(d.to);
      if (!t?.procMacro || !t.procMacroGuessed) continue;
      found.push(`${t.name} v${t.version}`);
    }
  }
  if (!found.length) return;
  const note = (set.guessedProcMacros ??= { names: new Set(), warning: -1 });
  const before = note.names.size;
  for (const f of found) note.names.add(f);
  if (note.names.size === before) return;
  const names = [...note.names].sort();
  const text =
    `whether ${names.map((n) => `\`${n}\``).join(', ')} ${names.length > 1 ? 'are proc-macros is' : 'is a proc-macro is'} guessed (the index does not say, and cargo has not unpacked ${names.length > 1 ? 'them' : 'it'}), ` +
    `and the artifact graph depends on it; run \`cargo fetch\` so that the tool reads ${names.length > 1 ? 'their manifests' : 'its manifest'}`;
  if (note.warning < 0) note.warning = set.warnings.push(text) - 1;
  else set.warnings[note.warning] = text;
}

/** An optional dependency that cargo's resolution for Cargo.lock turns on and Cargo.lock does not hold. */
export interface LockGap {
  package: string;
  version: string;
  dependency: string;
  /** Where the dependent's manifest is, for a path package. */
  manifestPath?: string;
}

/**
 * What Cargo.lock lacks by cargo's own rule: cargo writes the lock from a
 * resolution of every member with all its features, on every platform, with
 * dev-dependencies and build units, features unified across all of them (the
 * dependency resolver's view, whatever the feature resolver), and `--locked`
 * fails whenever that resolution would change it, even for a feature nothing
 * activates in a real build. The optional dependencies that resolution turns
 * on and the lock does not hold (a manifest switched reqwest to `rustls-tls`
 * since the lock was written: hyper-rustls) are returned; none when the lock
 * is up to date. Members' own missing dependencies are `outdated` (read
 * with the packages).
 */
export function lockGaps(project: Project): LockGap[] {
  const summaries = project.packages.summaries;
  const all = targetInfo(ALL_TARGETS);
  const roots: RootRequest[] = [...project.packages.members.keys()].map((key) => ({ key, features: [], defaultFeatures: true, allFeatures: true }));
  const features = resolveFeatures(summaries, roots, { resolver: 1, target: all, host: () => all, includeDev: true, hostUnits: true });
  const gaps: LockGap[] = [];
  const seen = new Set<string>();
  const queue: [PackageKey, FeaturesFor][] = roots.map((r) => [r.key, NORMAL]);
  while (queue.length) {
    const [key, fk] = queue.pop()!;
    if (seen.has(`${fk}${key}`)) continue;
    seen.add(`${fk}${key}`);
    const s = summaries.get(key);
    for (const dep of s?.unlockedOptional ?? []) {
      if (features.isDepActivated(key, fk, dep) && !gaps.some((g) => g.package === s!.name && g.version === s!.version && g.dependency === dep)) {
        gaps.push({ package: s!.name, version: s!.version, dependency: dep, ...(s!.manifest ? { manifestPath: s!.manifest.path } : {}) });
      }
    }
    for (const [d, depFk] of features.deps(key, fk)) {
      if (d.optional && !features.isDepActivated(key, fk, d.name)) continue;
      queue.push([d.to, depFk]);
    }
  }
  return gaps;
}

/**
 * With dependencies Cargo.lock does not list yet (resolved against locked
 * packages) and optional dependencies the lock lacks that their features turn
 * on (openssl-sys's `vendored` needs openssl-src), which cannot be resolved
 * here: the error at the first new declaration, for a graph without them
 * would not be the one cargo's next build gives.
 */
export function outdatedLockError(project: Project, gaps: readonly LockGap[], reason: string): UserError | null {
  const outdated = project.packages.outdated;
  if (!outdated?.length) return null;
  const e = outdated[0]!;
  const what = outdated.map((o) => `\`${o.dependency}\` of \`${o.member}\``).join(', ');
  const needed = gaps.map((g) => `\`${g.dependency}\` (of \`${g.package} v${g.version}\`)`);
  return new UserError(
    `${outdated.length > 1 ? `dependencies ${what} are` : `dependency ${what} is`} not in Cargo.lock, and the features ${outdated.length > 1 ? 'they turn' : 'it turns'} on need ${needed.join(', ')}, which Cargo.lock does not hold either (${reason})`,
    { path: e.site.manifestPath, line: e.site.line, column: e.site.column },
    `the lockfile does not match the manifests; run \`${LOCK_UPDATE_COMMAND}\` to add them (it moves nothing else), then try again`,
  );
}

export interface PatchedResolution extends AugmentedResult {
  project: Project;
}

/**
 * Resolves the project again with some manifests replaced by new texts (a
 * fix's proof). Dependencies Cargo.lock lacks are taken from the index.
 */
export async function resolvePatched(project: Project, overlay: ReadonlyMap<string, string>, sourceFor: SourceLookup, triples: string[], includeDev = false): Promise<PatchedResolution> {
  const workspace = loadWorkspace(project.startManifest, overlay);
  // Statuses are read for the platforms the project was loaded for, so that before and after compare alike.
  const platforms = project.packages.platforms;
  const packages = await loadPackages(workspace, project.lockfile, sourceFor, {
    allowNew: true,
    procMacroHints: project.procMacroHints,
    cargoHome: project.cargoHome,
    lookups: project.packages.lookups,
    ...(platforms ? { platforms } : {}),
  });
  const patched: Project = { ...project, workspace, packages, roots: selectRoots(workspace, packages, project.selection) };
  // Loaded here: only fix proofs need it, and every other run starts faster without it.
  const { resolveWithNewCrates } = await import('./augment.js');
  const result = await resolveWithNewCrates(packages.summaries, patched.roots, project.lockfile, sourceFor, triples.map(targetInfo), {
    resolver: workspace.resolver,
    host,
    includeDev,
    procMacroHints: project.procMacroHints,
  });
  return { ...result, project: patched };
}

/**
 * More targets of a patched resolution (a fix's proof looks at other
 * platforms too): the same patched packages, no manifest read again.
 */
export async function resolvePatchedFor(patched: PatchedResolution, sourceFor: SourceLookup, triples: string[], includeDev = false): Promise<PatchedResolution> {
  const { resolveWithNewCrates } = await import('./augment.js');
  const { project } = patched;
  const result = await resolveWithNewCrates(project.packages.summaries, project.roots, project.lockfile, sourceFor, triples.map(targetInfo), {
    resolver: project.workspace.resolver,
    host,
    includeDev,
    procMacroHints: project.procMacroHints,
  });
  return { ...result, project };
}

export type { SourceLookup } from './packages.js';
