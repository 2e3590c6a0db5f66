/**
 * The artifact graph for one target, as `cargo tree --target T -e normal,no-proc-macro`
 * builds it: from the selected members along normal dependencies that are
 * active for the target (platform and, for optional ones, features), never
 * entering proc-macros or build dependencies.
 */
import { platformMatches } from '../cfg/index.js';
import { NORMAL, resolveFeatures, type FeatureOptions, type ResolvedFeatures, type RootRequest } from './features.js';
import type { Summary } from './packages.js';
import type { DeclaredMetadata, GraphEdge, GraphPackage, PackageKey, TargetGraph } from './types.js';

export interface GraphResult {
  graph: TargetGraph;
  features: ResolvedFeatures;
}

const declaredCache = new WeakMap<Summary, DeclaredMetadata>();

/** What the summary's version declares, one object per summary whatever the number of targets (none for an unresolved one). */
function declaredOf(s: Summary): DeclaredMetadata | undefined {
  if (s.unresolved || !s.declaredDeps) return undefined;
  let d = declaredCache.get(s);
  if (!d) declaredCache.set(s, (d = { features: s.features, deps: s.declaredDeps, ...(s.cksum ? { cksum: s.cksum } : {}) }));
  return d;
}

export function buildTargetGraph(summaries: Map<PackageKey, Summary>, roots: RootRequest[], opts: FeatureOptions): GraphResult {
  const features = resolveFeatures(summaries, roots, opts);
  const packages = new Map<PackageKey, GraphPackage>();
  const edges = new Map<PackageKey, GraphEdge[]>();
  const featureCauses: TargetGraph['featureCauses'] = new Map();
  const treeRoots = roots.filter((r) => !r.featuresOnly);
  const rootKeys = new Set(treeRoots.map((r) => r.key));

  const queue: PackageKey[] = [];
  const visit = (key: PackageKey) => {
    if (packages.has(key)) return;
    const s = summaries.get(key)!;
    packages.set(key, {
      key,
      name: s.name,
      version: s.version,
      source: s.source,
      features: [...(features.features(key, NORMAL) ?? [])].sort(),
      links: s.links,
      isRoot: rootKeys.has(key),
      isMember: s.isMember,
      procMacro: s.procMacro,
      manifestPath: s.manifest?.path,
      declared: declaredOf(s),
    });
    const c = features.featureCauses(key, NORMAL);
    if (c) featureCauses.set(key, c);
    queue.push(key);
  };
  for (const r of treeRoots) visit(r.key);

  while (queue.length) {
    const key = queue.shift()!;
    const s = summaries.get(key)!;
    const out: GraphEdge[] = [];
    const byTarget = new Map<PackageKey, GraphEdge>();
    for (const d of s.deps) {
      if (d.kind === 'build') continue;
      if (d.kind === 'dev' && !(opts.includeDev && rootKeys.has(key))) continue;
      if (d.target !== null && !platformMatches(d.target, opts.target)) continue;
      if (d.optional && !features.isDepActivated(key, NORMAL, d.name)) continue;
      const to = summaries.get(d.to)!;
      if (to.procMacro) continue;
      const existing = byTarget.get(d.to);
      if (existing) {
        for (const f of d.features) if (!existing.features.includes(f)) existing.features.push(f);
        existing.defaultFeatures ||= d.default_features;
        continue;
      }
      const edge: GraphEdge = {
        from: key,
        to: d.to,
        depName: d.name,
        kind: d.kind,
        optional: d.optional,
        target: d.target,
        activatedBy: d.optional ? features.depActivatedBy(key, NORMAL, d.name) : [],
        features: [...d.features],
        defaultFeatures: d.default_features,
        declaration: d.site,
      };
      byTarget.set(d.to, edge);
      out.push(edge);
      visit(d.to);
    }
    edges.set(key, out);
  }

  const unresolved = [...packages.values()]
    .map((p) => summaries.get(p.key)!)
    .filter((s) => s.unresolved)
    .map((s) => ({ name: s.name, version: s.version, source: s.source, reason: s.unresolved!, cause: s.unresolvedCause! }));

  return {
    graph: { target: opts.target.triple, resolver: opts.resolver, roots: treeRoots.map((r) => r.key), packages, edges, featureCauses, unresolved },
    features,
  };
}
