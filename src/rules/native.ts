/**
 * The `-sys` crates of the graph that the knowledge base describes, with how
 * each one links for its version and features (shared by the native-library,
 * no-static-option and builds-c-code rules).
 */
import type { GraphPackage, TargetGraph } from '../resolve/types.js';
import { crateAt, linkage, staticOptionsAt, type KnowledgeBase } from '../knowledge/lookup.js';
import type { CrateSpec, KnowledgeBaseEntry, Linkage } from '../knowledge/types.js';

export interface NativeCrate {
  pkg: GraphPackage;
  entry: KnowledgeBaseEntry;
  /** The crate's facts at its version, for the graph's target and its features on (`when` variants applied). */
  spec: CrateSpec;
  linkage: Linkage;
  /** Static options the crate has at its version (any kind): features it declares, variables the knowledge base records. */
  hasStaticOption: boolean;
}

const cache = new WeakMap<TargetGraph, WeakMap<KnowledgeBase, NativeCrate[]>>();

/** Every package of the graph the knowledge base knows as a `sys` crate, in graph order. */
export function nativeCrates(graph: TargetGraph, kb: KnowledgeBase): NativeCrate[] {
  let byKb = cache.get(graph);
  if (!byKb) cache.set(graph, (byKb = new WeakMap()));
  let list = byKb.get(kb);
  if (list) return list;
  list = [];
  for (const pkg of graph.packages.values()) {
    if (pkg.isMember) continue;
    const m = kb.sysCrate(pkg.name);
    if (!m) continue;
    const spec = crateAt(m.crate, pkg.version, graph.target, pkg.features);
    const l = linkage(m.entry, spec, pkg.version, pkg.features);
    if (!l) continue;
    list.push({ pkg, entry: m.entry, spec, linkage: l, hasStaticOption: staticOptionsAt(m.entry, m.crate, pkg.version, pkg.declared?.features).length > 0 });
  }
  byKb.set(kb, list);
  return list;
}

/** "links the system OpenSSL (libssl, libcrypto)" */
export function libraryName(entry: KnowledgeBaseEntry): string {
  return entry.systemLibrary ?? entry.name;
}
