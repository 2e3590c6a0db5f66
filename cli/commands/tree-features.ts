/**
 * `tree -e features`: the artifact graph with cargo tree's feature nodes
 * between a package and its dependencies (`reqwest feature "default"` →
 * `reqwest v0.12.15`, and → `reqwest feature "__tls"`, → `base64 feature
 * "std"`), built as cargo's tree builds its graph (cargo/src/cargo/ops/tree/
 * graph.rs) so that the output is cargo's:
 *
 * - each dependency declaration adds its `default` and listed features as
 *   nodes pointing at the dependency (a declaration asking for neither points
 *   at the package itself);
 * - every feature node is expanded once by its package's `[features]`: a
 *   feature to the package's other feature, `dep/feat` to the dependency's
 *   feature (and, unless `dep?/feat`, to the feature of the optional
 *   dependency's own name), `dep:x` to nothing (the dependency edge shows it);
 * - children are drawn in cargo's node order: packages first (by name,
 *   version, source), then feature nodes by the order in which cargo created
 *   their package's node (a depth-first walk from the members, dependencies
 *   in package order), then by name.
 */
import { displayPackage } from '../../src/resolve/display.js';
import type { GraphEdge, GraphPackage, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import type { RootRequest } from '../../src/resolve/features.js';
import { comparePackages, drawForest, type ChildGroup, type TreeStyle } from './tree.js';

interface FeatureNode {
  pkg: PackageKey;
  name: string;
}

type EdgeKind = GraphEdge['kind'] | 'feature';

/** The node key of a feature (package keys never hold a NUL). */
const featureKey = (pkg: PackageKey, name: string) => `${pkg}\0feature\0${name}`;

/**
 * With `inverted` (`-i SPEC`): the trees of those packages with every edge
 * reversed, what cargo prints for `cargo tree -e features -i SPEC`: a
 * package, the feature nodes that point at it and the dependents that ask for
 * them, up to the members.
 */
export function renderFeatureTree(graph: TargetGraph, style: TreeStyle, inverted?: { keys: readonly PackageKey[]; requests: readonly RootRequest[] }): string {
  const pkgOrder = (a: PackageKey, b: PackageKey) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!);
  const sortedEdges = (key: PackageKey) => [...(graph.edges.get(key) ?? [])].sort((a, b) => pkgOrder(a.to, b.to));

  // The order cargo creates package nodes in: members in package order, each followed depth-first by its dependencies.
  const created = new Map<PackageKey, number>();
  const create = (key: PackageKey) => {
    if (created.has(key)) return;
    created.set(key, created.size);
    for (const e of sortedEdges(key)) create(e.to);
  };
  const roots = [...graph.roots].sort(pkgOrder);
  for (const r of roots) create(r);

  const features = new Map<string, FeatureNode>();
  const out = new Map<string, Map<EdgeKind, Set<string>>>();
  const edge = (from: string, to: string, kind: EdgeKind) => {
    let kinds = out.get(from);
    if (!kinds) out.set(from, (kinds = new Map()));
    let set = kinds.get(kind);
    if (!set) kinds.set(kind, (set = new Set()));
    set.add(to);
  };
  const pending: string[] = [];
  /** A feature node of `pkg` (made and queued for expansion when new), with an edge from `from` when given. */
  const addFeature = (name: string, from: string | null, pkg: PackageKey, kind: EdgeKind) => {
    const key = featureKey(pkg, name);
    if (!features.has(key)) {
      features.set(key, { pkg, name });
      pending.push(key);
    }
    if (from !== null) edge(from, key, kind);
    edge(key, pkg, 'feature');
  };

  // Dependency edges, through the features each declaration asks for.
  const depNames = new Map<PackageKey, Map<string, { to: PackageKey; optional: boolean }[]>>();
  for (const key of created.keys()) {
    const names = new Map<string, { to: PackageKey; optional: boolean }[]>();
    depNames.set(key, names);
    for (const e of sortedEdges(key)) {
      (names.get(e.depName) ?? names.set(e.depName, []).get(e.depName)!).push({ to: e.to, optional: e.optional });
      if (e.defaultFeatures) addFeature('default', key, e.to, e.kind);
      for (const f of e.features) addFeature(f, key, e.to, e.kind);
      if (!e.defaultFeatures && !e.features.length) edge(key, e.to, e.kind);
    }
  }

  // Inverted, the members' features asked for on the command line are nodes too (their parents' end), marked so.
  // As cargo's tree adds them (`add_cli_features`): `default` whenever default features are used, declared or not,
  // every feature with --all-features, and those named: `dep/feat` names the dependency's feature (and, for an
  // optional dependency, the member's feature of its name).
  const commandLine = new Set<string>();
  const cli = (name: string, pkg: PackageKey) => {
    addFeature(name, null, pkg, 'feature');
    commandLine.add(featureKey(pkg, name));
  };
  if (inverted) {
    for (const r of inverted.requests) {
      if (r.featuresOnly || !graph.packages.has(r.key)) continue;
      const names = new Set<string>(r.features);
      if (r.defaultFeatures) names.add('default');
      if (r.allFeatures) for (const f of graph.packages.get(r.key)!.declared?.features.keys() ?? []) names.add(f);
      for (const name of names) {
        const slash = name.indexOf('/');
        if (slash < 0) {
          if (!name.startsWith('dep:')) cli(name, r.key);
          continue;
        }
        const depName = name.slice(0, name[slash - 1] === '?' ? slash - 1 : slash);
        for (const dep of depNames.get(r.key)?.get(depName) ?? []) {
          if (dep.optional) cli(depName, r.key);
          cli(name.slice(slash + 1), dep.to);
        }
      }
    }
  }

  // Every feature node expanded once by its package's [features].
  while (pending.length) {
    const key = pending.pop()!;
    const { pkg, name } = features.get(key)!;
    const values = graph.packages.get(pkg)?.declared?.features.get(name) ?? [];
    for (const value of values) {
      if (value.startsWith('dep:')) continue;
      const slash = value.indexOf('/');
      if (slash < 0) {
        addFeature(value, key, pkg, 'feature');
        continue;
      }
      const weak = value[slash - 1] === '?';
      const depName = value.slice(0, weak ? slash - 1 : slash);
      const depFeature = value.slice(slash + 1);
      for (const dep of depNames.get(pkg)?.get(depName) ?? []) {
        if (dep.optional && !weak) addFeature(depName, key, pkg, 'feature');
        addFeature(depFeature, key, dep.to, 'feature');
      }
    }
  }

  // Inverted, each node's children are the nodes with an edge to it.
  const starts = inverted ? [...inverted.keys].sort(pkgOrder) : roots;
  return drawFeatureGraph(graph, { created, features, edges: inverted ? reversed(out) : out, commandLine }, starts, style);
}

/** The same edges, each from its end to its start, with its kind. */
function reversed(out: Map<string, Map<EdgeKind, Set<string>>>): Map<string, Map<EdgeKind, Set<string>>> {
  const back = new Map<string, Map<EdgeKind, Set<string>>>();
  for (const [from, kinds] of out) {
    for (const [kind, tos] of kinds) {
      for (const to of tos) {
        let k = back.get(to);
        if (!k) back.set(to, (k = new Map()));
        let set = k.get(kind);
        if (!set) k.set(kind, (set = new Set()));
        set.add(from);
      }
    }
  }
  return back;
}

/** The nodes and edges of a feature graph, as `renderFeatureTree` builds them. */
interface FeatureGraph {
  /** The order cargo created the package nodes in. */
  created: Map<PackageKey, number>;
  features: Map<string, FeatureNode>;
  edges: Map<string, Map<EdgeKind, Set<string>>>;
  /** Feature nodes named on the command line. */
  commandLine: Set<string>;
}

/** Draws a feature graph from `starts`, children in cargo's node order. */
function drawFeatureGraph(graph: TargetGraph, fg: FeatureGraph, starts: string[], style: TreeStyle): string {
  const { created, features, edges, commandLine } = fg;
  const pkgOrder = (a: PackageKey, b: PackageKey) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!);
  // cargo's node order: packages first (by package id), then features by their package's node, then by name.
  const order = (a: string, b: string): number => {
    const fa = features.get(a);
    const fb = features.get(b);
    if (!fa && !fb) return pkgOrder(a, b);
    if (!fa) return -1;
    if (!fb) return 1;
    const pa = created.get(fa.pkg) ?? Infinity;
    const pb = created.get(fb.pkg) ?? Infinity;
    if (pa !== pb) return pa - pb;
    return fa.name < fb.name ? -1 : fa.name > fb.name ? 1 : 0;
  };
  const groups = (key: string): ChildGroup[] => {
    const kinds = edges.get(key);
    const of = (kind: EdgeKind) => [...(kinds?.get(kind) ?? [])].sort(order);
    return [
      { heading: null, keys: of('normal') },
      { heading: '[build-dependencies]', keys: of('build') },
      { heading: '[dev-dependencies]', keys: of('dev') },
      { heading: null, keys: of('feature') },
    ];
  };
  const packageLabel = style.label ?? ((p: GraphPackage) => displayPackage(p));
  const label = (key: string) => {
    const f = features.get(key);
    return f ? `${graph.packages.get(f.pkg)!.name} feature "${f.name}"${commandLine.has(key) ? ' (command-line)' : ''}` : packageLabel(graph.packages.get(key)!);
  };
  return drawForest(starts, groups, label, style, (key) => !features.has(key) && graph.packages.get(key)!.isMember);
}
