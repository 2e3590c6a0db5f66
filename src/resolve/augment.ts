/**
 * Resolution when the manifests ask for crates Cargo.lock does not hold yet
 * (a fix turns on rustls, or a `vendored` feature that needs openssl-src):
 * resolve, see which stand-ins the features reach, replace each by the newest
 * non-yanked version of the index that satisfies it, and resolve again until
 * nothing new is reached. Locked versions are kept wherever they satisfy a
 * requirement, as cargo keeps them.
 */
import type { Lockfile } from '../lockfile/index.js';
import type { TargetInfo } from '../cfg/index.js';
import { HOST, NORMAL } from './features.js';
import { buildTargetGraph, type GraphResult } from './graph.js';
import { indexToSummary, manifestProcMacro, mayBeProcMacro, type SourceLookup, type Summary } from './packages.js';
import type { RootRequest } from './features.js';
import { compareVersions, satisfies } from './semver-req.js';
import { packageKey, type PackageKey, type ProcMacroHints } from './types.js';

export interface NewCrate {
  name: string;
  version: string;
  source: string;
}

export interface AugmentedResult {
  results: GraphResult[];
  /** Crates the resolution brought in that Cargo.lock does not hold. */
  newCrates: NewCrate[];
  /** Stand-ins the index could not satisfy: `name req: reason`. */
  missing: string[];
}

export async function resolveWithNewCrates(
  summaries: Map<PackageKey, Summary>,
  roots: RootRequest[],
  lock: Lockfile,
  sourceFor: SourceLookup,
  targets: TargetInfo[],
  base: { resolver: 1 | 2 | 3; host: () => TargetInfo; includeDev: boolean; procMacroHints?: ProcMacroHints },
): Promise<AugmentedResult> {
  const newCrates: NewCrate[] = [];
  const missing: string[] = [];
  const failed = new Set<PackageKey>();
  for (let round = 0; ; round++) {
    const results = targets.map((target) => buildTargetGraph(summaries, roots, { ...base, target }));
    const reached = new Set<PackageKey>();
    for (const r of results) {
      for (const s of summaries.values()) {
        if (!s.placeholder || failed.has(s.key)) continue;
        if (r.features.features(s.key, NORMAL) || r.features.features(s.key, HOST)) reached.add(s.key);
      }
    }
    if (reached.size === 0 || round > 50) return { results, newCrates, missing };
    const known = new Set<string>();
    for (const s of summaries.values()) if (!s.placeholder) known.add(s.name);
    await Promise.all(
      [...reached].map(async (key) => {
        const ph = summaries.get(key)!.placeholder!;
        const src = sourceFor(ph.source);
        const found = src ? await src.getCrate(ph.name).catch((e: Error) => ({ error: e.message })) : null;
        if (!found || 'error' in found) {
          failed.add(key);
          missing.push(`${ph.name} ${ph.req}: ${found && 'error' in found ? found.error : `not in ${src?.label ?? ph.source}`}`);
          return;
        }
        const candidates = found.versions.filter((v) => !v.yanked && satisfies(v.vers, ph.req));
        const best = candidates.sort((a, b) => compareVersions(b.vers, a.vers))[0];
        if (!best) {
          failed.add(key);
          missing.push(`${ph.name} ${ph.req}: no version in ${src!.label} satisfies it`);
          return;
        }
        const realKey = packageKey(best.name, best.vers, ph.source);
        if (!summaries.has(realKey) || summaries.get(realKey)!.placeholder) {
          const pkg = { key: realKey, name: best.name, version: best.vers, source: ph.source, dependencies: [] };
          // The graph reaches it: its manifest says whether it is a proc-macro, where it may be one and can be had.
          const pm = best.proc_macro === undefined && mayBeProcMacro(best) ? await manifestProcMacro(src!, best, null) : null;
          summaries.set(realKey, indexToSummary(pkg, pm === null ? best : { ...best, proc_macro: pm }, lock, [], summaries, undefined, base.procMacroHints));
          newCrates.push({ name: best.name, version: best.vers, source: ph.source });
          // The crates it needs on every platform whatever its features, asked for now: the next
          // round finds their index files in or on the way, rather than waiting a round trip per
          // level of new crates. Only the source's lookups are warmed; what the rounds resolve is the same.
          for (const d of best.deps) {
            const name = d.package ?? d.name;
            if (d.kind !== 'dev' && !d.optional && !d.target && !d.registry && !known.has(name)) src!.prefetch?.(name);
          }
        }
        // Point every dependency on the stand-in at the real package.
        for (const s of summaries.values()) for (const d of s.deps) if (d.to === key) d.to = realKey;
        summaries.delete(key);
      }),
    );
    // Every stand-in reached failed: the summaries are as they were, and so would the graphs be.
    if ([...reached].every((k) => failed.has(k))) return { results, newCrates, missing };
  }
}
