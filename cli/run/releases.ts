/**
 * The releases of the few `-sys` crates whose locked version declares none of
 * the static options the knowledge base knows: every index line of each, read
 * once, so that advice names the first newer release that declares one
 * rather than a version written by hand. A vendor directory holds only the
 * vendored versions and offline a crate may not be cached: those crates get no
 * releases, and the advice says that it does not know.
 */
import { staticOptionsAt, type KnowledgeBase } from '../../src/knowledge/lookup.js';
import type { CrateSource } from '../../src/registry/types.js';
import { featureMap } from '../../src/resolve/packages.js';
import type { PackageKey, TargetGraph } from '../../src/resolve/types.js';
import type { ReleaseFeatures } from '../../src/rules/types.js';

/** The packages, across the graphs, that need their other releases read: known `sys` crates with no static option at their version. */
export function releasesWanted(graphs: readonly TargetGraph[], kb: KnowledgeBase): Map<PackageKey, { name: string; source: string }> {
  const out = new Map<PackageKey, { name: string; source: string }>();
  for (const graph of graphs) {
    for (const pkg of graph.packages.values()) {
      if (pkg.isMember || pkg.source === null || out.has(pkg.key) || !pkg.declared) continue;
      const m = kb.sysCrate(pkg.name);
      if (!m?.crate.staticOptions.some((o) => o.kind === 'feature')) continue;
      if (staticOptionsAt(m.entry, m.crate, pkg.version, pkg.declared.features).length) continue;
      out.set(pkg.key, { name: pkg.name, source: pkg.source });
    }
  }
  return out;
}

/** Reads the wanted crates' index lines (all of them in parallel); a crate whose lines cannot all be had is left out. */
export async function readReleases(wanted: Map<PackageKey, { name: string; source: string }>, sourceFor: (lockSource: string) => CrateSource | null): Promise<Map<PackageKey, ReleaseFeatures[]>> {
  const out = new Map<PackageKey, ReleaseFeatures[]>();
  await Promise.all(
    [...wanted].map(async ([key, { name, source }]) => {
      const src = sourceFor(source);
      if (!src) return;
      let lookup: Awaited<ReturnType<CrateSource['getCrate']>>;
      try {
        lookup = await src.getCrate(name);
      } catch {
        return; // offline and not cached, or unreadable: the advice says it does not know
      }
      // A vendor directory holds only the vendored versions: not the crate's releases.
      if (!lookup || lookup.origin === 'vendor') return;
      out.set(
        key,
        lookup.versions.map((v) => ({
          version: v.vers,
          yanked: v.yanked,
          features: new Set(
            featureMap(
              v.features,
              v.deps.filter((d) => d.kind !== 'dev'),
            ).keys(),
          ),
        })),
      );
    }),
  );
  return out;
}
