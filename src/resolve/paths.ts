/** Inclusion paths: how a package is reached from the selected members. */
import type { GraphEdge, PackageKey, TargetGraph } from './types.js';

/** Incoming edges of every package. */
export function reverseEdges(graph: TargetGraph): Map<PackageKey, GraphEdge[]> {
  const rev = new Map<PackageKey, GraphEdge[]>();
  for (const list of graph.edges.values()) {
    for (const e of list) {
      let r = rev.get(e.to);
      if (!r) rev.set(e.to, (r = []));
      r.push(e);
    }
  }
  return rev;
}

/**
 * Up to `limit` shortest paths from a root to `target`, each as the list of
 * edges from the root downwards. Paths are found breadth-first on the reversed
 * graph, so the first ones are the shortest; ties keep manifest order.
 */
export function shortestPaths(graph: TargetGraph, target: PackageKey, limit = 3, rev = reverseEdges(graph)): GraphEdge[][] {
  const roots = new Set(graph.roots);
  const out: GraphEdge[][] = [];
  if (roots.has(target)) return [[]];
  // Each queue entry: the edges from `node` down to `target`.
  let frontier: { node: PackageKey; path: GraphEdge[] }[] = [{ node: target, path: [] }];
  const maxDepth = graph.packages.size;
  for (let depth = 0; depth < maxDepth && frontier.length && out.length < limit; depth++) {
    const next: typeof frontier = [];
    for (const { node, path } of frontier) {
      for (const e of rev.get(node) ?? []) {
        if (path.some((p) => p.from === e.from) || e.from === target) continue; // no cycles
        const p = [e, ...path];
        if (roots.has(e.from)) {
          out.push(p);
          if (out.length >= limit) return out;
        } else next.push({ node: e.from, path: p });
      }
    }
    // Bound the work on dense graphs: keep the first few partial paths per depth.
    frontier = next.slice(0, 2000);
  }
  return out;
}

/**
 * How many paths lead from the selected members to `target` (each a chain
 * of dependency edges; a dependency cycle, possible through dev-dependencies,
 * is not followed round). Counted, not listed: a crate deep in a dense graph
 * can be reached in millions of ways. Capped at `Number.MAX_SAFE_INTEGER`.
 */
export function countPaths(graph: TargetGraph, target: PackageKey, rev = reverseEdges(graph)): number {
  const roots = new Set(graph.roots);
  const memo = new Map<PackageKey, number>();
  const onStack = new Set<PackageKey>();
  // Paths from a root to `node`, walking the reversed edges up.
  const walk = (node: PackageKey): number => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (onStack.has(node)) return 0;
    onStack.add(node);
    let n = roots.has(node) ? 1 : 0;
    for (const e of rev.get(node) ?? []) {
      if (e.from === target) continue;
      n = Math.min(Number.MAX_SAFE_INTEGER, n + walk(e.from));
    }
    onStack.delete(node);
    memo.set(node, n);
    return n;
  };
  return walk(target);
}
