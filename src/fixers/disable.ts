/**
 * The last resort: turn off the feature of a direct dependency that brings
 * the native crate in, and say what is lost. Proven like any fix (the
 * features given up are allowed to go), but never applied without the user
 * choosing it.
 */
import { ownClosure, reachingSet, type DirectUse } from './reach.js';
import { reason } from './reasons.js';
import { code, list, type Candidate, type StrategyInput, type StrategyResult } from './strategy.js';
import { activeFeatures, featureEdits, RootEntries, usesByDependency } from './switch.js';
import type { ManifestEdits } from './types.js';

export function disableCandidates(input: StrategyInput): StrategyResult {
  const { kb, target } = input;
  const edits: ManifestEdits[] = [];
  const giveUp = new Set<string>();
  const lost: string[] = [];
  const parts: string[] = [];
  const deps: string[] = [];
  const titles: string[] = [];
  const rootEntries = new RootEntries();
  for (const uses of usesByDependency(input)) {
    if (rootEntries.covers(uses)) continue;
    const u = uses[0]!;
    const dep = u.edge.depName;
    if (u.pkg.name === target.name) return { candidates: [], refused: [reason('dependsDirectly', { member: u.member.name, crate: target.name })] };
    const active = activeFeatures(uses);
    let native = kb
      .nativeFeaturesFor(u.pkg.name, u.pkg.version)
      .filter((n) => n.entry.id === target.entry.id)
      .flatMap((n) => n.features)
      .filter((f) => active.has(f));
    if (native.length === 0) native = activatingFeatures(uses, target.key);
    if (native.length === 0) {
      return { candidates: [], refused: [reason('noFeatureToTurnOff', { dependency: dep, version: u.pkg.version, crate: target.name })] };
    }
    const plan = featureEdits(input, uses, native, []);
    if ('refused' in plan) return { candidates: [], refused: [plan.refused] };
    edits.push(...plan.edits);
    rootEntries.record(uses, plan.edits);
    const summary = u.deps[0]!.summary;
    const gone = [...ownClosure(summary, native)].filter((f) => active.has(f)).sort();
    for (const f of ownClosure(summary, plan.defaultsOff ? [...native, 'default'] : native)) giveUp.add(`${u.pkg.name}/${f}`);
    lost.push(...gone.map((f) => `${dep}/${f}`));
    parts.push(`Turns off ${list(native)} of ${code(dep)} in ${code(u.member.name)}${plan.defaultsOff ? ' (default-features = false, the other defaults listed again)' : ''}; lost: ${list(gone)}.`);
    deps.push(`${u.member.name}/${dep}`);
    titles.push(`${dep}: turn off ${list(native)}`);
  }
  if (edits.length === 0) return { candidates: [], refused: [reason('nothingThroughFeature', { crate: target.name })] };
  const candidate: Candidate = {
    strategy: 'disable',
    title: titles.join('; '),
    description: `${parts.join(' ')} Whatever used ${target.entry.name} through these features stops working; choose this only if the project can do without them.`,
    edits,
    giveUp,
    deps,
    lost,
    // Defaults off with the others listed again, the feature left out: nothing is asked that was not before.
    narrows: true,
  };
  return { candidates: [candidate], refused: [] };
}

/**
 * Without knowledge-base data: the features of the dependency that activate
 * its optional dependencies leading to the native crate, when every way from
 * it to the crate starts with such an optional dependency.
 */
function activatingFeatures(uses: DirectUse[], key: string): string[] {
  const out = new Set<string>();
  for (const u of uses) {
    const reaching = reachingSet(u.graph, key);
    const summary = u.deps[0]?.summary;
    const edges = (u.graph.edges.get(u.pkg.key) ?? []).filter((e) => e.to === key || reaching.has(e.to));
    if (!summary || edges.length === 0 || edges.some((e) => !e.optional)) return [];
    for (const e of edges) for (const f of e.activatedBy) if (summary.features.has(f) && f !== 'default') out.add(f);
  }
  return [...out];
}
