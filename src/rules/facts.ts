/**
 * Facts about an artifact graph that several rules share: which crates lie
 * above a package, which feature of which direct dependency pulls it in, the
 * paths to it. Pure functions of their inputs. (The fix suggestions built on
 * them are in `suggestions.ts`.)
 */
import { countPaths, reverseEdges, shortestPaths } from '../resolve/paths.js';
import type { GraphEdge, GraphPackage, PackageKey, TargetGraph } from '../resolve/types.js';

const revCache = new WeakMap<TargetGraph, Map<PackageKey, GraphEdge[]>>();
const depthCache = new WeakMap<TargetGraph, Map<PackageKey, number>>();

/** Incoming edges of every package (computed once per graph). */
export function incoming(graph: TargetGraph): Map<PackageKey, GraphEdge[]> {
  let r = revCache.get(graph);
  if (!r) revCache.set(graph, (r = reverseEdges(graph)));
  return r;
}

/** Distance of every package from the nearest selected member (members are 0). */
export function depths(graph: TargetGraph): Map<PackageKey, number> {
  let d = depthCache.get(graph);
  if (d) return d;
  d = new Map();
  let frontier = [...graph.roots];
  for (const r of frontier) d.set(r, 0);
  for (let depth = 1; frontier.length; depth++) {
    const next: PackageKey[] = [];
    for (const k of frontier) {
      for (const e of graph.edges.get(k) ?? []) {
        if (!d.has(e.to)) {
          d.set(e.to, depth);
          next.push(e.to);
        }
      }
    }
    frontier = next;
  }
  depthCache.set(graph, d);
  return d;
}

/** Every package from which `key` is reachable (not `key` itself), nearest to the members first. */
export function ancestors(graph: TargetGraph, key: PackageKey): GraphPackage[] {
  const rev = incoming(graph);
  const seen = new Set<PackageKey>([key]);
  const stack = [key];
  while (stack.length) {
    const k = stack.pop()!;
    for (const e of rev.get(k) ?? []) {
      if (!seen.has(e.from)) {
        seen.add(e.from);
        stack.push(e.from);
      }
    }
  }
  seen.delete(key);
  const d = depths(graph);
  return [...seen]
    .map((k) => graph.packages.get(k)!)
    .filter(Boolean)
    .sort((a, b) => (d.get(a.key) ?? 1e9) - (d.get(b.key) ?? 1e9) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** True when a selected member depends on `key` directly. */
export function isDirect(graph: TargetGraph, key: PackageKey): boolean {
  return (incoming(graph).get(key) ?? []).some((e) => graph.roots.includes(e.from));
}

/**
 * What pulls a package in, seen from a direct dependency of a member: the
 * direct dependency and the feature of it that brings the package (absent
 * when nothing on the way is optional: the direct dependency itself must go).
 */
export interface PulledBy {
  member: string;
  /** The direct dependency, as the member's manifest names it. */
  dependency: string;
  package: GraphPackage;
  /** True when the package is the direct dependency itself. */
  self?: boolean;
  /** The direct dependency's feature that brings the package in (e.g. `default-tls`). */
  feature?: string;
  /** True when that feature is on through the dependency's default features. */
  viaDefault?: boolean;
  /** True when the member asks for the feature in its declaration. */
  explicit?: boolean;
  /** The first optional edge on the way, e.g. `reqwest -> hyper-tls [default-tls]`. */
  optionalEdge?: { from: string; to: string; features: string[] };
  /** False when an optional edge on the way is turned on by something else than this dependency (another direct dependency's feature). */
  attributed: boolean;
}

/**
 * Where the activation of a feature comes from, following `graph.featureCauses`
 * upwards: a member's declaration of a dependency (or one of its features
 * forwarding to it), a member's own features (command line, defaults), a
 * declaration inside a dependency (on whenever that package is in the graph),
 * or nothing recorded.
 */
export type FeatureOrigin =
  | { kind: 'declaration'; member: PackageKey; depName: string; viaFeature?: string }
  | { kind: 'member'; member: PackageKey }
  | { kind: 'package'; from: PackageKey }
  | { kind: 'unknown' };

export function featureOrigin(graph: TargetGraph, pkg: PackageKey, feature: string): FeatureOrigin {
  const roots = new Set(graph.roots);
  const visited = new Set<string>();
  let k = pkg;
  let f = feature;
  for (let i = 0; i < 256; i++) {
    const id = `${k}\0${f}`;
    if (visited.has(id)) break;
    visited.add(id);
    const cause = graph.featureCauses.get(k)?.get(f);
    if (!cause || cause.kind === 'cli' || cause.kind === 'default') return roots.has(k) ? { kind: 'member', member: k } : { kind: 'unknown' };
    if (cause.kind === 'feature') {
      k = cause.from;
      f = cause.feature;
      continue;
    }
    if (roots.has(cause.from)) return { kind: 'declaration', member: cause.from, depName: cause.depName, ...(cause.viaFeature ? { viaFeature: cause.viaFeature } : {}) };
    if (!cause.viaFeature) return { kind: 'package', from: cause.from };
    k = cause.from;
    f = cause.viaFeature;
  }
  return { kind: 'unknown' };
}

/**
 * How many optional edges of `path` are turned on by something other than the
 * member's declaration of the path's direct dependency (another direct
 * dependency, a crate off the path): 0 when the direct dependency is the cause.
 */
export function misattributedEdges(graph: TargetGraph, path: GraphEdge[]): number {
  if (!path.length) return 0;
  const first = path[0];
  const above = new Set<PackageKey>([first.to]);
  let wrong = 0;
  for (const [i, e] of path.entries()) {
    if (i > 0) above.add(e.from);
    if (!e.optional || !e.activatedBy.length) continue;
    const ok = e.activatedBy.some((feat) => {
      const o = featureOrigin(graph, e.from, feat);
      switch (o.kind) {
        case 'declaration':
          return o.member === first.from && o.depName === first.depName;
        case 'member':
          return o.member === first.from && i === 0;
        case 'package':
          return above.has(o.from);
        default:
          return true;
      }
    });
    if (!ok) wrong++;
  }
  return wrong;
}

/**
 * Up to `limit` inclusion paths to `key`, the first one the shortest of those
 * whose optional edges are all turned on through its direct dependency (so that
 * the dependency named as responsible really is), then the other shortest ones.
 */
export function attributedPaths(graph: TargetGraph, key: PackageKey, limit = 3): GraphEdge[][] {
  let cache = pathCache.get(graph);
  if (!cache) pathCache.set(graph, (cache = new Map()));
  const hit = cache.get(`${key}\0${limit}`);
  if (hit) return hit;
  const candidates = shortestPaths(graph, key, Math.max(limit, 32), incoming(graph));
  let best = 0;
  let bestScore = Infinity;
  for (const [i, p] of candidates.entries()) {
    const score = misattributedEdges(graph, p);
    if (score < bestScore) {
      best = i;
      bestScore = score;
      if (score === 0) break;
    }
  }
  const out = candidates.length ? [candidates[best], ...candidates.filter((_, i) => i !== best)].slice(0, limit) : [];
  cache.set(`${key}\0${limit}`, out);
  return out;
}

const pathCache = new WeakMap<TargetGraph, Map<string, GraphEdge[][]>>();

/** How many inclusion paths lead to `key` (see `countPaths`). */
export function pathCount(graph: TargetGraph, key: PackageKey): number {
  return countPaths(graph, key, incoming(graph));
}

/** For up to three inclusion paths to `key` (the best attributed first): the direct dependency and the feature of it that brings `key`. */
export function pulledBy(graph: TargetGraph, key: PackageKey): PulledBy[] {
  const out: PulledBy[] = [];
  const seen = new Set<string>();
  for (const path of attributedPaths(graph, key, 3)) {
    if (!path.length) continue;
    const first = path[0];
    const member = graph.packages.get(first.from)!;
    const direct = graph.packages.get(first.to)!;
    const item: PulledBy = {
      member: member.name,
      dependency: first.depName,
      package: direct,
      ...(path.length === 1 ? { self: true } : {}),
      attributed: misattributedEdges(graph, path) === 0,
    };
    const opt = path.slice(1).find((e) => e.optional && e.activatedBy.length);
    if (opt) {
      const from = graph.packages.get(opt.from)!;
      item.optionalEdge = { from: from.name, to: graph.packages.get(opt.to)!.name, features: opt.activatedBy };
      const onPath = new Set(path.map((e) => e.from));
      const traced = traceToDirect(graph, opt.from, opt.activatedBy[0], direct.key, first.from, onPath);
      if (traced) Object.assign(item, traced);
    } else if (first.optional && first.activatedBy.length) {
      // The member's own feature turns the dependency on.
      item.optionalEdge = { from: member.name, to: direct.name, features: first.activatedBy };
    }
    const id = `${item.member}/${item.dependency}/${item.feature ?? ''}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(item);
    }
  }
  return out;
}

/**
 * Follows the recorded causes of `feature` on `from` upwards until it reaches
 * a feature of the direct dependency `direct`: the outermost such feature.
 */
function traceToDirect(
  graph: TargetGraph,
  from: PackageKey,
  feature: string,
  direct: PackageKey,
  member: PackageKey,
  onPath: Set<PackageKey>,
): Pick<PulledBy, 'feature' | 'viaDefault' | 'explicit'> | null {
  let pkg = from;
  let feat = feature;
  let best: Pick<PulledBy, 'feature' | 'viaDefault' | 'explicit'> | null = null;
  const visited = new Set<string>();
  for (let i = 0; i < 64; i++) {
    const k = `${pkg}\0${feat}`;
    if (visited.has(k)) break;
    visited.add(k);
    if (pkg === direct) best = { feature: feat };
    const cause = graph.featureCauses.get(pkg)?.get(feat);
    if (!cause) break;
    if (cause.kind === 'default') {
      if (pkg === direct && best) best.viaDefault = true;
      break;
    }
    if (cause.kind === 'cli') break;
    if (cause.kind === 'feature') {
      if (cause.from === pkg && cause.feature === 'default') {
        if (pkg === direct && best) best.viaDefault = true;
        break;
      }
      if (cause.from !== pkg && !onPath.has(cause.from) && cause.from !== direct) break;
      pkg = cause.from;
      feat = cause.feature;
      continue;
    }
    // A dependency declaration asked for the feature.
    if (cause.from === member && pkg === direct && best && !cause.viaFeature) best.explicit = true;
    if (cause.from === member) break;
    // Asked for by a crate off the path (another direct dependency): not this dependency's doing.
    if (!onPath.has(cause.from)) return null;
    // A crate on the path asked for `pkg/feat` in one of its features (sqlx's `runtime-tokio-native-tls`
    // asking `sqlx-core/runtime-tokio-native-tls`): go on from that feature. Asked in its declaration
    // itself, nothing of the crate's own can turn it off.
    if (!cause.viaFeature) break;
    pkg = cause.from;
    feat = cause.viaFeature;
  }
  return best;
}

export function describePulledBy(p: PulledBy): string {
  if (p.self)
    return p.optionalEdge ? `\`${p.member}\`'s own dependency on it, through its feature ${p.optionalEdge.features.map((f) => `\`${f}\``).join(', ')}` : `\`${p.member}\`'s own dependency on it`;
  if (p.feature) {
    const how = p.explicit ? ', asked for in its declaration' : p.viaDefault ? ', a default feature' : '';
    return `feature \`${p.feature}\` of \`${p.dependency}\`${how}`;
  }
  if (p.optionalEdge)
    return `feature${p.optionalEdge.features.length > 1 ? 's' : ''} ${p.optionalEdge.features.map((f) => `\`${f}\``).join(', ')} of \`${p.optionalEdge.from}\` (through \`${p.dependency}\`)`;
  return `\`${p.dependency}\`, which depends on it unconditionally`;
}

export const RULE_DOCS = 'https://github.com/cargo-preflight/cargo-preflight/blob/main/src/rules/README.md';
