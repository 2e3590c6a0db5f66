/**
 * Proof of a fix: apply its edits to in-memory copies of the manifests,
 * resolve every selected target again and lint the result. A fix is proven
 * when its findings are gone for every target, no new error or warning
 * appears, and every feature of every direct dependency that was active
 * before still is (except those the fix means to give up).
 */
import { UserError } from '../errors.js';
import { RegistryError, type CrateSource } from '../registry/types.js';
import { CRATES_IO_REGISTRY } from '../lockfile/index.js';
import { relative } from 'node:path';
import { lint, type LintInput, type LintSettings } from '../rules/engine.js';
import { memberBuilds as sharedMemberBuilds, sameProblem, type MemberBuild } from '../rules/member-builds.js';
import type { KnowledgeBase } from '../knowledge/lookup.js';
import type { EnvironmentSnapshot, Finding, ManifestLocation, Rule } from '../rules/types.js';
import rcompare from 'semver/functions/rcompare.js';
import { resolvePatched, resolvePatchedFor, resolveTarget, type PatchedResolution, type Project, type SourceLookup } from '../resolve/index.js';
import { platformMatches, targetInfo } from '../cfg/index.js';
import { satisfies } from '../resolve/semver-req.js';
import { HOST, NORMAL } from '../resolve/features.js';
import type { Lockfile } from '../lockfile/index.js';
import type { TargetGraph } from '../resolve/types.js';
import { parsedTexts, renderChanges, type TextSource } from './apply.js';
import { codeList, reason, type Reason } from './reasons.js';
import type { ManifestEdits } from './types.js';

export interface ProofContext {
  project: Project;
  sourceFor: SourceLookup;
  /**
   * For a source cargo reads from a vendor directory: that directory and the
   * registry it replaces (or `--index`; null offline). A crate a fix needs
   * that the directory lacks is asked of the registry, and the fix then says
   * to run `cargo vendor`.
   */
  vendored?: (lockSource: string) => { vendor: CrateSource; label: string; registry: CrateSource | null } | null;
  targets: string[];
  includeDev: boolean;
  graphs: TargetGraph[];
  findings: Finding[];
  kb: KnowledgeBase;
  rules: Rule[];
  settings: LintSettings;
  environments: Map<string, EnvironmentSnapshot>;
  lockLocation?: (name: string, version: string) => ManifestLocation | null;
  read?: TextSource;
  /** What the crates' build scripts showed in the check (crates a fix brings in are judged without it). */
  buildScripts?: LintInput['buildScripts'];
  /** The releases the check read of crates with no static option at their version. */
  releases?: LintInput['releases'];
}

export interface Proof {
  proven: boolean;
  /** Why it is not proven (one reason); for a proven fix, its caveats (what the build machine then needs). */
  reasons?: Reason[];
  newCrates: string[];
  /** The findings after the fix, for reports. */
  after: Finding[];
  /** The artifact graphs after the fix (empty when nothing was resolved). */
  graphs: TargetGraph[];
  /** Dependency edges cargo will add to Cargo.lock between packages it already holds, as `from -> to` names. */
  lockEdges?: string[];
  /** What to run after the edits besides the lockfile command (`cargo vendor` for crates the vendor directory lacks). */
  then?: string[];
}

/** Direct dependencies of the roots with their active features, per target: `target member dep` -> features. */
function directFeatures(graphs: TargetGraph[]): Map<string, { features: string[]; name: string }> {
  const out = new Map<string, { features: string[]; name: string }>();
  for (const g of graphs) {
    for (const root of g.roots) {
      for (const e of g.edges.get(root) ?? []) {
        const p = g.packages.get(e.to)!;
        out.set(`${g.target}\0${g.packages.get(root)!.name}\0${e.depName}`, { features: p.features, name: p.name });
      }
    }
  }
  return out;
}

/** A finding about the build machine rather than the manifests (its fixes are all environment changes). */
export function aboutEnvironment(f: Finding): boolean {
  // A native library is a problem of the manifests even where its only static option is an environment variable.
  if (f.rule === 'native-library' || f.rule === 'no-static-option') return false;
  return f.rule === 'cross-environment' || (f.fixes.length > 0 && f.fixes.every((x) => x.strategy === 'environment'));
}

/**
 * Proves one set of edits. `narrows` says the edits only turn features off
 * (`default-features = false` with the other defaults listed again, features
 * removed): the check for crates spreading to other platforms is then skipped.
 */
export async function proveEdits(ctx: ProofContext, edits: ManifestEdits[], findingIds: string[], giveUp: ReadonlySet<string> = new Set(), narrows = false): Promise<Proof> {
  const overlay = new Map<string, string>();
  const unchanged = (why: Reason): Proof => ({ proven: false, reasons: [why], newCrates: [], after: ctx.findings, graphs: ctx.graphs });
  try {
    for (const c of renderChanges([{ edits }], ctx.read ?? parsedTexts(ctx.project.workspace))) overlay.set(c.path, c.after);
  } catch (e) {
    if (e instanceof UserError) return unchanged(reason('notEditable', { error: e.message }));
    throw e;
  }
  if (overlay.size === 0) return unchanged(reason('changesNothing'));

  const sources = proofSources(ctx);
  let patched: Awaited<ReturnType<typeof resolvePatched>>;
  try {
    patched = await resolvePatched(ctx.project, overlay, sources.sourceFor, ctx.targets, ctx.includeDev);
  } catch (e) {
    if (e instanceof UserError) return unchanged(reason('doesNotResolve', { error: e.message }));
    if (e instanceof RegistryError) return unchanged(reason('metadataUnreadable', { error: e.message }));
    throw e;
  }
  const graphs = patched.results.map((r) => r.graph);
  const after = lintGraphs(ctx, graphs);
  const newCrates = patched.newCrates.map((c) => `${c.name} ${c.version}`);
  const fail = (why: Reason): Proof => ({ proven: false, reasons: [why], newCrates, after, graphs });

  const targeted = ctx.findings.filter((f) => findingIds.includes(f.id));
  const verdict = judge({ graphs: ctx.graphs, findings: ctx.findings }, { graphs, findings: after }, targeted, giveUp);
  if ('reason' in verdict && verdict.reason.id !== 'featuresLost') return fail(verdict.reason);
  const caveats = 'caveats' in verdict ? verdict.caveats : [];
  const offlineVendor = () => {
    const v = ctx.vendored?.(CRATES_IO_REGISTRY);
    return v && !v.registry ? relative(ctx.project.workspace.rootDir, v.label) || '.' : null;
  };
  if (patched.missing.length) {
    // A crate Cargo.lock lacks and the index cannot give: cargo could not build the fix either.
    const names = [...new Set(patched.missing.map((m) => m.split(' ')[0]!))];
    const vendor = offlineVendor();
    if (vendor) return fail(reason('vendorLacksOffline', { crates: codeList(names), vendor, missing: patched.missing.join('; ') }));
    return fail(reason('lockfileLacks', { crates: codeList(names), missing: patched.missing.join('; ') }));
  }
  const lockOnly = await lockedWeakDependencies(patched, sources.sourceFor);
  if (lockOnly.missing.length) {
    const vendor = offlineVendor();
    if (vendor) return fail(reason('vendorLacksOffline', { crates: codeList(lockOnly.missing), vendor, missing: 'cargo locks optional dependencies that a `dep?/feature` names, built or not' }));
    return fail(reason('weakDependenciesMissing', { crates: codeList(lockOnly.missing) }));
  }
  newCrates.push(...lockOnly.found.map((c) => `${c.name} ${c.version}`));
  const lockEdges = newLockEdges(patched, ctx.project.lockfile);
  if ('reason' in verdict) return fail(verdict.reason);
  // Each selected member built on its own (`cargo build -p M`), where the selection holds several:
  // features unify across the selection, and a fix that holds for all of them may not hold for one.
  for (const m of memberBuilds(ctx)) {
    const roots = patched.project.roots.filter((r) => r.key === m.key || r.featuresOnly);
    const alone = { ...patched.project, roots };
    const mGraphs = ctx.targets.map((t) => resolveTarget(alone, t, ctx.includeDev).graph);
    const mAfter = lintGraphs(ctx, mGraphs);
    const mTargeted = m.findings.filter((f) => targeted.some((t) => t.rule === f.rule && t.package.name === f.package.name));
    const v = judge(m, { graphs: mGraphs, findings: mAfter }, mTargeted, giveUp);
    if ('reason' in v) return fail(reason('memberAlone', { member: m.name }, [v.reason]));
    for (const c of v.caveats) if (!caveats.some((o) => sameProblem(o, c))) caveats.push(c);
  }
  // Edits that only turn features off leave every graph a part of what it was (cargo's features only add up): nothing can spread.
  const spread = narrows ? [] : await nativeSpread(ctx, patched, edits, targeted, graphs, sources.sourceFor);
  if (spread.length) return fail(reason('spreads', { crates: spread.join('; ') }));
  const then = await vendorNotes(ctx, [...patched.newCrates, ...lockOnly.found]);
  return {
    proven: true,
    newCrates,
    after,
    graphs,
    ...(lockEdges.length ? { lockEdges } : {}),
    ...(then.length ? { then } : {}),
    ...(caveats.length ? { reasons: [reason('environmentNeeds', { findings: caveats.map((f) => `${f.message} (${f.target})`).join('; ') })] } : {}),
  };
}

/**
 * The sources a proof reads: for a vendored source, the vendor directory,
 * and for a crate it lacks, the registry it replaces (when the network is
 * allowed), as `cargo vendor` would fetch it.
 */
function proofSources(ctx: ProofContext): { sourceFor: SourceLookup } {
  const vendored = ctx.vendored;
  if (!vendored) return { sourceFor: ctx.sourceFor };
  const made = new Map<string, CrateSource | null>();
  const sourceFor: SourceLookup = (lockSource) => {
    const known = made.get(lockSource);
    if (known !== undefined) return known;
    const primary = ctx.sourceFor(lockSource);
    const v = vendored(lockSource);
    let out = primary;
    if (primary && v?.registry && primary === v.vendor) {
      const registry = v.registry;
      out = {
        label: `${primary.label} (and ${registry.label} for what it lacks)`,
        ...(primary.files ? { files: primary.files } : {}),
        getCrate: async (name, versions) => (await primary.getCrate(name, versions)) ?? registry.getCrate(name),
      };
    }
    made.set(lockSource, out);
    return out;
  };
  return { sourceFor };
}

/**
 * For the crates a fix brings in that the vendor directory cargo builds
 * from lacks: `cargo vendor` adds them (and their lock entries).
 */
async function vendorNotes(ctx: ProofContext, crates: readonly { name: string; version: string; source: string }[]): Promise<string[]> {
  if (!ctx.vendored) return [];
  const byVendor = new Map<string, string[]>();
  for (const c of crates) {
    const v = ctx.vendored(c.source);
    if (!v) continue;
    const has = await v.vendor.getCrate(c.name, new Set([c.version])).catch(() => null);
    if (has?.versions.some((x) => x.vers === c.version)) continue;
    const label = relative(ctx.project.workspace.rootDir, v.label) || '.';
    let list = byVendor.get(label);
    if (!list) byVendor.set(label, (list = []));
    if (!list.includes(`${c.name} ${c.version}`)) list.push(`${c.name} ${c.version}`);
  }
  return [...byVendor].map(([label, list]) => `\`cargo vendor\` to add ${list.join(', ')} to the vendor directory \`${label}\` (it also records ${list.length > 1 ? 'them' : 'it'} in Cargo.lock)`);
}

/** A build's graphs and findings, before or after a fix. */
interface Build {
  graphs: TargetGraph[];
  findings: Finding[];
}

/**
 * A build after the edits against the same build before: the findings the
 * fix is about gone, no new error or warning (what the build machine lacks is
 * a caveat), no active feature of a direct dependency lost but those given
 * up. The first reason it fails, or the caveats.
 */
function judge(before: Build, after: Build, targeted: Finding[], giveUp: ReadonlySet<string>): { reason: Reason } | { caveats: Finding[] } {
  const remaining = targeted.filter((t) => after.findings.some((f) => sameProblem(f, t)));
  if (remaining.length) return { reason: reason('stillReported', { findings: remaining.map((f) => `${f.package.name} (${f.rule}, ${f.target})`).join(', ') }) };
  const fresh = after.findings.filter((f) => f.severity !== 'info' && !f.allowed && !before.findings.some((o) => sameProblem(o, f)));
  // What the machine lacks to build the fix (a C compiler for the target) is a caveat, not a problem of the manifests.
  const caveats = fresh.filter(aboutEnvironment);
  const introduced = fresh.filter((f) => !aboutEnvironment(f));
  if (introduced.length) return { reason: reason('newProblems', { problems: introduced.map((f) => `${f.severity} ${f.rule} on ${f.package.name} for ${f.target}`).join('; ') }) };
  const was = directFeatures(before.graphs);
  const now = directFeatures(after.graphs);
  const lost: string[] = [];
  for (const [k, { features, name }] of was) {
    const n = now.get(k);
    const [target, member, dep] = k.split('\0');
    if (!n) {
      if (!giveUp.has(`${name}`)) lost.push(`${member} no longer depends on ${dep} for ${target}`);
      continue;
    }
    for (const f of features) if (!n.features.includes(f) && !giveUp.has(`${name}/${f}`)) lost.push(`${dep}/${f} (${target})`);
  }
  if (lost.length) return { reason: reason('featuresLost', { features: [...new Set(lost)].join(', ') }) };
  return { caveats };
}

/**
 * Each selected member built on its own (`cargo build -p M`), before any fix,
 * when the selection holds several (see `src/rules/member-builds.ts`).
 */
export function memberBuilds(ctx: ProofContext): MemberBuild[] {
  return sharedMemberBuilds(ctx.project, ctx.targets, ctx.includeDev, (graphs) => lintGraphs(ctx, graphs));
}

/** Lints graphs by the check's own standard: its rules, settings, environments, build-script evidence and releases. */
export function lintGraphs(ctx: ProofContext, graphs: TargetGraph[]): Finding[] {
  return lint({
    graphs,
    kb: ctx.kb,
    rules: ctx.rules,
    settings: ctx.settings,
    environments: ctx.environments,
    ...(ctx.lockLocation ? { lockLocation: ctx.lockLocation } : {}),
    ...(ctx.buildScripts ? { buildScripts: ctx.buildScripts } : {}),
    ...(ctx.releases ? { releases: ctx.releases } : {}),
  });
}

/**
 * Optional dependencies that an active `dep?/feature` names but nothing
 * builds: cargo still puts them in Cargo.lock, so they must be in the index
 * (a vendor directory often lacks them). Returns those found (newest
 * matching version) and those missing.
 */
async function lockedWeakDependencies(patched: PatchedResolution, sourceFor: SourceLookup): Promise<{ found: { name: string; version: string; source: string }[]; missing: string[] }> {
  const summaries = patched.project.packages.summaries;
  const need = new Map<string, { name: string; req: string; source: string }>();
  for (const r of patched.results) {
    for (const p of r.graph.packages.values()) {
      const s = summaries.get(p.key);
      if (!s) continue;
      for (const f of p.features) {
        for (const v of s.features.get(f) ?? []) {
          const m = /^([^/?]+)\?\/(.+)$/.exec(v);
          if (!m) continue;
          for (const d of s.deps) {
            const t = d.name === m[1] && d.kind !== 'dev' ? summaries.get(d.to) : undefined;
            if (t?.placeholder) need.set(t.key, t.placeholder);
          }
        }
      }
    }
  }
  const found: { name: string; version: string; source: string }[] = [];
  const missing: string[] = [];
  for (const ph of need.values()) {
    const src = sourceFor(ph.source);
    const crate = src ? await src.getCrate(ph.name).catch(() => null) : null;
    const best = crate?.versions.filter((v) => !v.yanked && satisfies(v.vers, ph.req)).sort((a, b) => rcompare(a.vers, b.vers, true))[0];
    if (best) found.push({ name: ph.name, version: best.vers, source: ph.source });
    else missing.push(`${ph.name} ${ph.req}`);
  }
  return { found, missing };
}

/** Activated dependencies (normal, build, proc-macro units) between locked packages that Cargo.lock does not record. */
function newLockEdges(patched: PatchedResolution, lock: Lockfile): string[] {
  const out = new Set<string>();
  const summaries = patched.project.packages.summaries;
  for (const r of patched.results) {
    for (const [key, s] of summaries) {
      const locked = lock.packages.get(key);
      if (!locked) continue;
      for (const fk of [NORMAL, HOST]) {
        if (!r.features.features(key, fk)) continue;
        for (const [d] of r.features.deps(key, fk)) {
          if (d.optional && !r.features.isDepActivated(key, fk, d.name)) continue;
          if (lock.packages.has(d.to) && !locked.dependencies.includes(d.to)) out.add(`${s.name} -> ${summaries.get(d.to)?.name ?? d.to}`);
        }
      }
    }
  }
  return [...out].sort();
}

/**
 * Platforms a fix is checked on besides the selected targets, so that a pin
 * under a condition wider than the crate's own way in is caught: one of each
 * kind of system a dependency table tells apart.
 */
export const REPRESENTATIVE_TRIPLES = [
  'x86_64-unknown-linux-gnu',
  'x86_64-unknown-linux-musl',
  'aarch64-unknown-linux-musl',
  'x86_64-pc-windows-msvc',
  'x86_64-pc-windows-gnu',
  'aarch64-apple-darwin',
  'wasm32-unknown-unknown',
  'x86_64-unknown-freebsd',
];

const beforeNames = new WeakMap<Project, Map<string, Set<string> | null>>();

function namesIn(graph: TargetGraph): Set<string> {
  return new Set([...graph.packages.values()].map((p) => p.name));
}

/**
 * The native crates a fix is about (those of its findings, and those it adds
 * as direct dependencies) that it brings into a target graph which did not
 * have them: on a selected target, or on a representative platform.
 * Returns `crate into target` texts.
 */
async function nativeSpread(ctx: ProofContext, selection: PatchedResolution, edits: ManifestEdits[], targeted: Finding[], after: TargetGraph[], sourceFor: SourceLookup): Promise<string[]> {
  const watched = new Set(targeted.map((f) => f.package.name));
  for (const e of edits) for (const op of e.ops) if (op.op === 'add-dependency') watched.add(op.spec.package ?? op.key);
  const out: string[] = [];
  const check = (triple: string, before: Set<string>, now: Set<string>) => {
    for (const name of watched) if (now.has(name) && !before.has(name)) out.push(`\`${name}\` into the ${triple} graph`);
  };
  ctx.targets.forEach((t, i) => {
    const b = ctx.graphs.find((g) => g.target === t) ?? ctx.graphs[i];
    const a = after.find((g) => g.target === t) ?? after[i];
    if (a && b) check(t, namesIn(b), namesIn(a));
  });
  const extra = REPRESENTATIVE_TRIPLES.filter((t) => !ctx.targets.includes(t) && mayReach(selection.project, t, watched, ctx.includeDev));
  if (!extra.length) return out;
  let wider: PatchedResolution;
  try {
    wider = await resolvePatchedFor(selection, sourceFor, extra, ctx.includeDev);
  } catch (e) {
    // What the platforms not selected cannot resolve (metadata a vendor set lacks) cannot be checked there.
    if (e instanceof UserError || e instanceof RegistryError) return out;
    throw e;
  }
  let cache = beforeNames.get(ctx.project);
  if (!cache) beforeNames.set(ctx.project, (cache = new Map()));
  extra.forEach((t, i) => {
    const r = wider.results[i];
    if (!r) return;
    const now = namesIn(r.graph);
    // The graph before the fix is wanted only where a watched crate is in the one after.
    if (![...watched].some((n) => now.has(n))) return;
    if (!cache.has(t)) {
      try {
        cache.set(t, namesIn(resolveTarget(ctx.project, t, ctx.includeDev).graph));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        cache.set(t, null);
      }
    }
    const before = cache.get(t);
    if (before) check(t, before, now);
  });
  return out;
}

/**
 * Whether any watched crate can be in the target's graph after the fix:
 * reachable from the selected members through normal dependencies (dev ones
 * of the members too when they are included) whose platform matches the
 * target, whatever the features, the way cargo's graph is a part of that.
 * A dependency the resolver has not placed yet (a crate Cargo.lock lacks)
 * may bring anything: then it may.
 */
function mayReach(project: Project, triple: string, watched: ReadonlySet<string>, includeDev: boolean): boolean {
  const summaries = project.packages.summaries;
  const info = targetInfo(triple);
  const roots = new Set(project.roots.filter((r) => !r.featuresOnly).map((r) => r.key));
  const seen = new Set<string>(roots);
  const queue = [...roots];
  while (queue.length) {
    const s = summaries.get(queue.pop()!);
    if (!s) continue;
    if (s.placeholder || watched.has(s.name)) return true;
    for (const d of s.deps) {
      if (d.kind === 'build' || (d.kind === 'dev' && !(includeDev && roots.has(s.key)))) continue;
      if (seen.has(d.to) || (d.target !== null && !platformMatches(d.target, info))) continue;
      if (summaries.get(d.to)?.procMacro) continue;
      seen.add(d.to);
      queue.push(d.to);
    }
  }
  return false;
}
