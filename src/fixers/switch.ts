/**
 * Strategy 1, switch backend: on every direct dependency that brings the
 * native crate in, flip the features the knowledge base's switch recipe names
 * for its locked version (reqwest, sqlx, lettre, ureq, git2, ... to rustls or
 * to a bundled build). When the native feature comes through the
 * dependency's defaults, `default-features = false` is written and every
 * other default feature of the locked version is listed again.
 */
import { requirementText as requirementWords, type Requirement } from '../knowledge/types.js';
import { directUses, inheritingDeclarations, ownClosure, type DirectUse } from './reach.js';
import { changeFeatures, featureOrigin, type FeatureOrigin } from './recipes.js';
import { reason, reasonText, type Reason } from './reasons.js';
import { bringsRead, cratesTurnedOn } from '../knowledge/lookup.js';
import { code, list, type StrategyInput, type StrategyResult } from './strategy.js';
import type { ManifestEdits } from './types.js';

/** What a build needs, in words, as one list. */
export function requirementText(r: readonly Requirement[]): string {
  return requirementWords(r).join(', ');
}

/** Direct uses grouped by declaration (one member's dependency), across targets. */
export function usesByDependency(input: StrategyInput): DirectUse[][] {
  const groups = new Map<string, DirectUse[]>();
  for (const { graph } of input.target.graphs) {
    for (const u of directUses(input.project, graph, input.target.key)) {
      const k = `${u.member.path}\0${u.edge.depName}\0${u.edge.kind}\0${u.pkg.key}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(u);
    }
  }
  return [...groups.values()];
}

/** Active features of the dependency on any of the targets. */
export function activeFeatures(uses: DirectUse[]): Set<string> {
  return new Set(uses.flatMap((u) => u.pkg.features));
}

/**
 * Where each feature comes from: features of the declaration that turn it on,
 * the defaults, a feature of the member (`[features]` naming `dep/feature`),
 * or another crate. Every route is listed, so turning them all off turns the
 * feature off.
 */
export function originsOf(uses: DirectUse[], features: readonly string[]): FeatureOrigin[] | { refused: Reason } {
  const decls = uses[0]!.deps;
  const summary = decls[0]!.summary;
  const member = uses[0]!.member;
  const dep = uses[0]!.edge.depName;
  const out: FeatureOrigin[] = [];
  for (const f of features) {
    const before = out.length;
    for (const d of decls) {
      for (const g of d.decl.features) if (ownClosure(summary, [g]).has(f)) out.push({ kind: 'explicit', feature: g });
      if (d.decl.default_features) {
        for (const e of summary.features.get('default') ?? []) if (ownClosure(summary, [e]).has(f)) out.push({ kind: 'default', element: e });
      }
    }
    for (const [name, values] of Object.entries(member.features)) {
      for (const v of values) {
        const m = /^([^/?]+)\??\/(.+)$/.exec(v);
        if (m && m[1] === dep && ownClosure(summary, [m[2]!]).has(f)) {
          return { refused: reason('memberFeatureTurnsOn', { feature: name, member: member.name, dependencyFeature: `${dep}/${m[2]}` }) };
        }
      }
    }
    if (out.length === before) {
      const u = uses.find((x) => x.pkg.features.includes(f))!;
      out.push(featureOrigin(u.graph, u.pkg.key, f, u.edge.from));
    }
  }
  return out;
}

/** The features a root `[workspace.dependencies]` entry lists itself. */
function rootFeaturesOf(input: StrategyInput, name: string): string[] {
  const ws = input.project.workspace.rootData.workspace as { dependencies?: Record<string, unknown> } | undefined;
  const entry = ws?.dependencies?.[name];
  const features = typeof entry === 'object' && entry !== null ? (entry as { features?: unknown }).features : undefined;
  return Array.isArray(features) ? features.filter((f): f is string => typeof f === 'string') : [];
}

/** The edits that turn `off` off and `on` on in every declaration of the dependency. */
export function featureEdits(
  input: StrategyInput,
  uses: DirectUse[],
  off: string[],
  on: string[],
): { edits: ManifestEdits[]; notes: string[]; defaultsOff: boolean; on: string[] } | { refused: Reason } {
  const decls = uses[0]!.deps;
  if (decls.length === 0) return { refused: reason('declarationNotFound', { dependency: uses[0]!.edge.depName, member: uses[0]!.member.name }) };
  const active = activeFeatures(uses);
  const edits: ManifestEdits[] = [];
  const notes: string[] = [];
  let defaultsOff = false;
  let added: string[] = [];
  for (const d of decls) {
    const origins = originsOf(
      uses,
      off.filter((f) => active.has(f)),
    );
    if ('refused' in origins) return origins;
    const others = d.decl.site.inheritedFrom ? inheritingDeclarations(input.project, d.decl.name) : [];
    const plan = changeFeatures(d, origins, { off, on }, { active, others, rootFeatures: d.decl.site.inheritedFrom ? rootFeaturesOf(input, d.decl.name) : undefined });
    if ('refused' in plan) return { refused: reason('declarationOf', { dependency: d.decl.name, member: d.member.name }, [plan.refused]) };
    edits.push(...plan.edits);
    if (plan.note) notes.push(plan.note);
    defaultsOff ||= plan.defaultsOff;
    added = plan.on;
  }
  return { edits, notes, defaultsOff, on: added };
}

/**
 * A root `[workspace.dependencies]` entry is changed once, for every member
 * inheriting it: the uses of members whose entries were already edited are
 * skipped.
 */
export class RootEntries {
  private readonly done = new Set<string>();
  private static keys(uses: DirectUse[]): (string | null)[] {
    return uses[0]!.deps.map((d) => (d.decl.site.inheritedFrom ? `${d.decl.site.inheritedFrom.manifestPath}\0${d.decl.name}` : null));
  }
  covers(uses: DirectUse[]): boolean {
    const keys = RootEntries.keys(uses);
    return keys.length > 0 && keys.every((k) => k !== null && this.done.has(k));
  }
  record(uses: DirectUse[], edits: ManifestEdits[]): void {
    for (const d of uses[0]!.deps) {
      const root = d.decl.site.inheritedFrom?.manifestPath;
      if (root && edits.some((e) => e.path === root)) this.done.add(`${root}\0${d.decl.name}`);
    }
  }
}

export function switchCandidates(input: StrategyInput): StrategyResult {
  const { kb, target } = input;
  const groups = usesByDependency(input);
  if (groups.length === 0) return { candidates: [], refused: [reason('noDirectDependency', { crate: target.name })] };
  const edits: ManifestEdits[] = [];
  const giveUp = new Set<string>();
  const parts: string[] = [];
  const titles: string[] = [];
  const deps: string[] = [];
  const requires: Requirement[] = [];
  const rootEntries = new RootEntries();
  for (const uses of groups) {
    const u = uses[0]!;
    const dep = u.edge.depName;
    if (u.pkg.name === target.name) return { candidates: [], refused: [reason('noBackendToSwitch', { member: u.member.name, crate: target.name })] };
    if (rootEntries.covers(uses)) continue;
    const declared = input.project.packages.summaries.get(u.pkg.key);
    const recipes = kb.switchesFor(u.pkg.name, u.pkg.version, declared?.unresolved ? undefined : declared?.features).filter((r) => r.entry.id === target.entry.id);
    if (recipes.length === 0) {
      const known = kb
        .byCrate(u.pkg.name)
        .filter((m) => m.entry.id === target.entry.id)
        .flatMap((m) => m.crate.switches);
      const wanted = [...new Set(known.flatMap((r) => [...r.enable, ...Object.values(r.replace)]))];
      return {
        candidates: [],
        refused: [
          known.length && declared && !declared.unresolved && wanted.length
            ? reason('noSwitchDeclared', { dependency: dep, version: u.pkg.version, crate: target.name, family: target.entry.name, features: list(wanted, 'or') })
            : reason('noSwitch', { dependency: dep, version: u.pkg.version, crate: target.name, family: target.entry.name }),
        ],
      };
    }
    // A recipe that only turns features off gives something up (git2 without its network transports): that is `disable`'s to offer.
    const replacing = recipes.filter((x) => x.recipe.enable.length > 0 || Object.keys(x.recipe.replace).length > 0);
    if (replacing.length === 0) {
      return { candidates: [], refused: [reason('switchOnlyTurnsOff', { dependency: dep, alternative: recipes[0]!.alternative?.name ?? recipes[0]!.recipe.to })] };
    }
    const r = replacing[0]!;
    const summary = u.deps[0]?.summary;
    if (!summary) return { candidates: [], refused: [reason('noMetadata', { crate: u.pkg.name, version: u.pkg.version })] };
    const active = activeFeatures(uses);
    const off = [...r.recipe.disable, ...Object.keys(r.recipe.replace)].filter((f) => active.has(f));
    const on = [
      ...r.recipe.enable,
      ...Object.entries(r.recipe.replace)
        .filter(([k]) => active.has(k))
        .map(([, v]) => v),
    ];
    const missing = on.filter((f) => !summary.features.has(f));
    if (missing.length) return { candidates: [], refused: [reason('missingFeatures', { crate: u.pkg.name, version: u.pkg.version, features: list(missing, 'or') })] };
    if (off.length === 0 && on.every((f) => active.has(f))) {
      return { candidates: [], refused: [reason('comesFromElsewhere', { dependency: dep, crate: target.name })] };
    }
    const plan = featureEdits(input, uses, off, on);
    if ('refused' in plan) return { candidates: [], refused: [plan.refused] };
    edits.push(...plan.edits);
    rootEntries.record(uses, plan.edits);
    for (const f of ownClosure(summary, plan.defaultsOff ? [...off, 'default'] : off)) giveUp.add(`${u.pkg.name}/${f}`);
    const to = r.alternative?.name ?? r.recipe.to;
    titles.push(`${dep}: use ${to} instead of ${target.entry.name}`);
    const restored = plan.on.filter((f) => !on.includes(f));
    const what = [
      off.length ? `turns off ${list(off)}` : '',
      plan.defaultsOff ? `sets \`default-features = false\`${restored.length ? ` and lists the other default features (${list(restored)}) again` : ''}` : '',
      on.length ? `turns on ${list(on)}` : '',
    ].filter(Boolean);
    if (r.checkedUpTo) plan.notes.push(reasonText(reason('switchCheckedUpTo', { crate: u.pkg.name, version: u.pkg.version, checked: r.checkedUpTo })));
    parts.push(`${code(dep)} of ${code(u.member.name)}: ${what.join(', ')}.${plan.notes.length ? ` Note: ${plan.notes.join('; ')}.` : ''}${r.recipe.note ? ` ${r.recipe.note}` : ''}`);
    deps.push(`${u.member.name}/${dep}`);
    // What the new features bring (ring, aws-lc), read from the optional dependencies they turn on at this version where they say it.
    const brings = bringsRead(kb, summary.declaredDeps ? cratesTurnedOn(summary.features, summary.declaredDeps, on) : null) ?? r.recipe.brings;
    for (const b of brings) for (const c of kb.get(b)?.crates ?? []) if (c.role === 'sys') requires.push(...c.buildRequires);
  }
  const needs = requirementText(requires);
  return {
    candidates: [
      {
        strategy: 'switch',
        title: titles.join('; '),
        description: `${parts.join(' ')}${needs ? ` The new backend needs ${needs} to build.` : ''}`,
        edits,
        giveUp,
        deps,
        ...(needs ? { needs } : {}),
      },
    ],
    refused: [],
  };
}
