/**
 * What the strategies need to know about a native crate in the graph: the
 * direct dependencies of the members that bring it in (with their
 * declarations), and which features of a crate turn the native crate's
 * static option on, traced through the locked versions' feature maps.
 */
import { platformMatches, targetInfo } from '../cfg/index.js';
import type { MemberDep, PackageManifest } from '../manifest/workspace.js';
import type { Project } from '../resolve/index.js';
import type { Summary } from '../resolve/packages.js';
import type { GraphEdge, GraphPackage, PackageKey, TargetGraph } from '../resolve/types.js';
import type { DirectDependency } from './recipes.js';

/** Packages from which `key` is reachable, `key` included. */
export function reachingSet(graph: TargetGraph, key: PackageKey): Set<PackageKey> {
  const rev = new Map<PackageKey, PackageKey[]>();
  for (const [from, edges] of graph.edges) {
    for (const e of edges) {
      let list = rev.get(e.to);
      if (!list) rev.set(e.to, (list = []));
      list.push(from);
    }
  }
  const seen = new Set<PackageKey>([key]);
  const stack = [key];
  while (stack.length) {
    for (const p of rev.get(stack.pop()!) ?? []) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}

/** One direct dependency of a selected member that brings the native crate in, for one target. */
export interface DirectUse {
  graph: TargetGraph;
  edge: GraphEdge;
  member: PackageManifest;
  /** The package the member depends on. */
  pkg: GraphPackage;
  /** Every declaration of that dependency in the member that is active for the target. */
  deps: DirectDependency[];
}

/** The members' direct dependencies (on crates outside the workspace) through which `key` is in the graph, the crate itself when declared directly. */
export function directUses(project: Project, graph: TargetGraph, key: PackageKey): DirectUse[] {
  const reaching = reachingSet(graph, key);
  const out: DirectUse[] = [];
  const target = targetInfo(graph.target);
  // Members that are not selected but in the graph (path dependencies of the workspace) declare dependencies too.
  for (const [root, p] of graph.packages) {
    if (!p.isMember) continue;
    const member = project.packages.members.get(root);
    if (!member) continue;
    for (const edge of graph.edges.get(root) ?? []) {
      if (!reaching.has(edge.to) || graph.packages.get(edge.to)?.isMember) continue;
      const summary = project.packages.summaries.get(edge.to);
      if (!summary) continue;
      const decls = member.deps.filter((d) => d.name === edge.depName && d.kind === edge.kind && (d.target === null || platformMatches(d.target, target)));
      out.push({
        graph,
        edge,
        member,
        pkg: graph.packages.get(edge.to)!,
        deps: decls.map((decl) => ({ member, decl, key: edge.to, summary })),
      });
    }
  }
  return out;
}

/** Every declaration, in any workspace member, that inherits `[workspace.dependencies]` entry `name`. */
export function inheritingDeclarations(project: Project, name: string): { member: PackageManifest; decl: MemberDep }[] {
  const out: { member: PackageManifest; decl: MemberDep }[] = [];
  for (const member of project.workspace.members) {
    for (const decl of member.deps) if (decl.site.inheritedFrom && decl.name === name) out.push({ member, decl });
  }
  return out;
}

/**
 * Features of `from` that, once on, turn on `feature` of package `to`,
 * following `dep/feat`, `dep?/feat` and plain feature values through the
 * feature maps of the locked versions. Each result comes with how many
 * features it turns on along the way (fewer is a smaller change).
 */
export function featuresReaching(
  summaries: ReadonlyMap<PackageKey, Summary>,
  from: PackageKey,
  to: PackageKey,
  targetFeatures: readonly string[],
  /**
   * For an optional dependency Cargo.lock lacks (its feature map is not at
   * hand): whether that crate's feature turns the static option on, as the
   * knowledge base says (sqlx-cli's `openssl-vendored` asks `openssl/vendored`).
   */
  unlocked?: (crate: string, feature: string) => boolean,
): { feature: string; closure: number }[] {
  const s = summaries.get(from);
  if (!s) return [];
  const out: { feature: string; closure: number }[] = [];
  for (const f of [...s.features.keys()].sort()) {
    if (f === 'default') continue;
    const reached = closure(summaries, from, f, unlocked);
    if (reached.has(UNLOCKED_REACH) || targetFeatures.some((t) => reached.has(`${to}\0${t}`))) out.push({ feature: f, closure: reached.size });
  }
  return out.sort((a, b) => a.closure - b.closure || (a.feature < b.feature ? -1 : 1));
}

/** Put in a closure when it reaches the static option through an optional dependency Cargo.lock lacks. */
const UNLOCKED_REACH = '\0unlocked';

/** `pkg\0feature` pairs a feature turns on, across packages (bounded). */
function closure(summaries: ReadonlyMap<PackageKey, Summary>, key: PackageKey, feature: string, unlocked?: (crate: string, feature: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const stack: [PackageKey, string][] = [[key, feature]];
  while (stack.length && seen.size < 5000) {
    const [k, f] = stack.pop()!;
    const id = `${k}\0${f}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = summaries.get(k);
    if (!s) continue;
    for (const v of s.features.get(f) ?? []) {
      if (v.startsWith('dep:')) continue;
      const slash = v.indexOf('/');
      if (slash < 0) {
        stack.push([k, v]);
        continue;
      }
      const dep = v.slice(0, slash).replace(/\?$/, '');
      const sub = v.slice(slash + 1);
      for (const d of s.deps) if (d.name === dep && d.kind !== 'dev') stack.push([d.to, sub]);
      if (unlocked && s.unlockedOptional?.includes(dep)) {
        const declared = s.declaredDeps?.find((d) => d.name === dep && d.kind !== 'dev');
        if (declared && unlocked(declared.package ?? declared.name, sub)) seen.add(UNLOCKED_REACH);
      }
    }
  }
  return seen;
}

/** The features a feature of a package turns on within that package, itself included. */
export function ownClosure(summary: Summary, features: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...features];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const v of summary.features.get(f) ?? []) if (!v.includes('/') && !v.startsWith('dep:')) stack.push(v);
  }
  return seen;
}
