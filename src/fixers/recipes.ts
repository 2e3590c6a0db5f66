/**
 * Edit builders shared by the fix strategies: which table a declaration sits
 * in, where a feature of a direct dependency comes from (an explicit entry in
 * the member's `features`, or the dependency's defaults), and the edits that
 * turn features on or off there, including workspace inheritance (where
 * `default-features = false` belongs to the root's `[workspace.dependencies]`).
 */
import type { MemberDep, PackageManifest } from '../manifest/workspace.js';
import type { Summary } from '../resolve/packages.js';
import type { DeclarationSite, PackageKey, TargetGraph } from '../resolve/types.js';
import type { DepTable, ManifestEdit } from './toml-edit/index.js';
import { reason, type Reason } from './reasons.js';
import type { ManifestEdits } from './types.js';

/** The editor's name for the table of a declaration; null for legacy spellings it does not rewrite. */
export function tableOf(tablePath: string[]): DepTable | null {
  if (tablePath.length === 2 && tablePath[0] === 'workspace' && tablePath[1] === 'dependencies') return { kind: 'workspace' };
  const last = tablePath[tablePath.length - 1];
  if (last !== 'dependencies' && last !== 'dev-dependencies' && last !== 'build-dependencies') return null;
  if (tablePath.length === 1) return { kind: last };
  if (tablePath.length === 3 && tablePath[0] === 'target') return { kind: last, target: tablePath[1] };
  return null;
}

export interface DirectDependency {
  member: PackageManifest;
  decl: MemberDep;
  /** The dependency's package and summary (its feature map). */
  key: PackageKey;
  summary: Summary;
}

/** Where an active feature of a direct dependency comes from. */
export type FeatureOrigin = { kind: 'explicit'; feature: string } | { kind: 'default'; element: string } | { kind: 'elsewhere'; from: PackageKey };

/** Follows the first recorded cause of `feature` on `key` up to the declaration that asked for it. */
export function featureOrigin(graph: TargetGraph, key: PackageKey, feature: string, member: PackageKey): FeatureOrigin {
  const causes = graph.featureCauses.get(key);
  let current = feature;
  const seen = new Set<string>();
  for (;;) {
    const cause = causes?.get(current);
    if (!cause || seen.has(current)) return { kind: 'elsewhere', from: key };
    seen.add(current);
    if (cause.kind === 'feature' && cause.from === key) {
      if (cause.feature === 'default') return { kind: 'default', element: current };
      current = cause.feature;
      continue;
    }
    if (cause.kind === 'dependency' && cause.from === member) return current === 'default' ? { kind: 'default', element: feature } : { kind: 'explicit', feature: current };
    return { kind: 'elsewhere', from: cause.kind === 'feature' || cause.kind === 'dependency' ? cause.from : key };
  }
}

export interface FeatureChange {
  /** Features to turn off (as the dependency names them). */
  off: string[];
  /** Features to turn on. */
  on: string[];
}

export type EditPlan = { edits: ManifestEdits[]; note?: string; defaultsOff: boolean; on: string[] } | { refused: Reason };

export interface ChangeOptions {
  /** Features of the dependency active before the change: those that stay on are not written again. */
  active?: ReadonlySet<string>;
  /**
   * Other declarations inheriting the same `[workspace.dependencies]` entry:
   * when the root entry changes they get the same features added, so they keep
   * what they had.
   */
  others?: { member: PackageManifest; decl: MemberDep }[];
  /** For an inherited dependency: the features the root's `[workspace.dependencies]` entry lists itself. */
  rootFeatures?: readonly string[];
}

function site(d: { decl: MemberDep }): { path: string; table: DepTable | null } {
  return { path: d.decl.site.manifestPath, table: tableOf(d.decl.site.tablePath) };
}

/**
 * Edits that turn `off` features of a direct dependency off and `on` features
 * on. A feature that comes through the dependency's defaults takes
 * `default-features = false` and the other default features listed again, so
 * nothing else is lost. For an inherited dependency, `default-features` and
 * features listed in the root go in the root's `[workspace.dependencies]`,
 * and every other member inheriting it gets the added features too.
 */
export function changeFeatures(d: DirectDependency, origins: FeatureOrigin[], change: FeatureChange, opts: ChangeOptions = {}): EditPlan {
  const { path, table } = site(d);
  if (!table) return { refused: reason('tableNotRewritten', { dependency: d.decl.name, table: d.decl.site.table }) };
  const memberOps: ManifestEdit[] = [];
  const rootOps: ManifestEdit[] = [];
  const inherited = d.decl.site.inheritedFrom;
  const off = new Set<string>();
  let defaultsOff = false;
  for (const o of origins) {
    if (o.kind === 'elsewhere') return { refused: reason('turnedOnElsewhere', { by: o.from.split(' ')[0]! }) };
    if (o.kind === 'explicit') off.add(o.feature);
    else {
      defaultsOff = true;
      off.add(o.element);
    }
  }
  const explicitOff = [...off].filter((f) => d.decl.features.includes(f));
  const stays = (f: string) => opts.active?.has(f) === true && !off.has(f) && !change.off.includes(f) && (d.decl.features.includes(f) || (!defaultsOff && d.decl.default_features));
  const on = change.on.filter((f) => !stays(f));
  if (defaultsOff) {
    const defaults = d.summary.features.get('default') ?? [];
    for (const f of defaults) {
      if (off.has(f) || change.off.includes(f)) continue;
      if (f.includes('/') || f.startsWith('dep:')) return { refused: reason('defaultNotListable', { feature: f, crate: d.summary.name }) };
      if (!on.includes(f) && !d.decl.features.includes(f)) on.push(f);
    }
  }
  const onHere = on.filter((f) => !d.decl.features.includes(f));
  if (explicitOff.length) {
    const inRoot = explicitOff.filter((f) => opts.rootFeatures?.includes(f) ?? true);
    if (inherited && inRoot.length) rootOps.push({ op: 'remove-features', table: { kind: 'workspace' }, key: d.decl.name, features: inRoot });
    memberOps.push({ op: 'remove-features', table, key: d.decl.name, features: explicitOff });
  }
  if (defaultsOff) {
    if (inherited) rootOps.push({ op: 'set-default-features', table: { kind: 'workspace' }, key: d.decl.name, value: false });
    else memberOps.push({ op: 'set-default-features', table, key: d.decl.name, value: false });
  }
  if (onHere.length) memberOps.push({ op: 'add-features', table, key: d.decl.name, features: onHere });
  const edits: ManifestEdits[] = [];
  if (rootOps.length && inherited) edits.push({ path: inherited.manifestPath, ops: rootOps });
  if (memberOps.length) edits.push({ path, ops: memberOps });
  let note: string | undefined;
  if (inherited && rootOps.length) {
    const others = (opts.others ?? []).filter((o) => o.decl.site.manifestPath !== path || o.decl.site.line !== d.decl.site.line);
    for (const o of others) {
      const t = tableOf(o.decl.site.tablePath);
      if (!t) return { refused: reason('memberTableNotRewritten', { dependency: o.decl.name, member: o.member.name, table: o.decl.site.table }) };
      const add = on.filter((f) => !o.decl.features.includes(f));
      if (explicitOff.length) edits.push({ path: o.decl.site.manifestPath, ops: [{ op: 'remove-features', table: t, key: o.decl.name, features: explicitOff }] });
      if (add.length) edits.push({ path: o.decl.site.manifestPath, ops: [{ op: 'add-features', table: t, key: o.decl.name, features: add }] });
    }
    note =
      `the root's [workspace.dependencies] entry \`${d.decl.name}\` changes` +
      (others.length
        ? `; ${[...new Set(others.map((o) => `\`${o.member.name}\``))].join(', ')} inherit${others.length === 1 ? 's' : ''} it and get${others.length === 1 ? 's' : ''} the same features`
        : '');
  }
  return { edits, ...(note ? { note } : {}), defaultsOff, on };
}

export function siteText(s: DeclarationSite): string {
  return `${s.manifestPath}:${s.line}:${s.column}`;
}
