/**
 * Strategy 2, static option through the wrapper: turn on the feature of a
 * direct dependency that turns on the native crate's static option (native-tls
 * `vendored`, reqwest `native-tls-vendored`, git2 `vendored-libgit2`, rusqlite
 * `bundled`, curl `static-curl`, ...), or the option itself when the member
 * depends on the native crate directly. Features unify, so one dependency
 * that turns it on is enough. Which features reach the option is traced
 * through the locked versions' feature maps; the knowledge base's options
 * come first.
 */
import { featuresReaching } from './reach.js';
import { checkedUpTo, crateAt } from '../knowledge/lookup.js';
import { reason, reasonText, type Reason } from './reasons.js';
import { code, type Candidate, type StrategyInput, type StrategyResult } from './strategy.js';
import { featureEdits, requirementText, usesByDependency } from './switch.js';

/** The native crate's own static features at its locked version, in knowledge-base order. */
export function nativeStaticFeatures(input: StrategyInput): { feature: string; requires: string }[] {
  const { kb, target, project } = input;
  const summary = project.packages.summaries.get(target.key);
  const found = target.entry.crates.find((c) => c.name === target.name);
  // What the bundled build needs at the locked version (targets differ: the version's own facts).
  const spec = found && crateAt(found, target.version);
  if (!summary) return [];
  return kb
    .staticOptionsFor(target.name, target.version, summary.features)
    .filter((o) => o.entry.id === target.entry.id && o.option.kind === 'feature')
    .map((o) => ({
      feature: (o.option as { feature: string }).feature,
      requires: requirementText([...(spec?.buildRequires ?? []), ...o.option.requires]),
    }));
}

export function staticCandidates(input: StrategyInput): StrategyResult {
  const { kb, target, project } = input;
  const own = nativeStaticFeatures(input);
  if (own.length === 0) return { candidates: [], refused: [reason('noStaticFeature', { crate: target.name, version: target.version })] };
  const groups = usesByDependency(input);
  const candidates: Candidate[] = [];
  const refused: Reason[] = [];
  for (const uses of groups) {
    const u = uses[0]!;
    const dep = u.edge.depName;
    let feature: string | undefined;
    let requires = own[0]!.requires;
    if (u.pkg.name === target.name) {
      feature = own[0]!.feature;
    } else {
      const reaching = featuresReaching(project.packages.summaries, u.pkg.key, target.key, own.map((o) => o.feature));
      const known = kb
        .staticOptionsFor(u.pkg.name, u.pkg.version, project.packages.summaries.get(u.pkg.key)?.features ?? new Map())
        .filter((o) => o.entry.id === target.entry.id && o.option.kind === 'feature' && reaching.some((r) => r.feature === (o.option as { feature: string }).feature));
      feature = known.length ? (known[0]!.option as { feature: string }).feature : reaching[0]?.feature;
      if (known.length) {
        const own = target.entry.crates.find((c) => c.name === target.name);
        requires = requirementText([...((own && crateAt(own, target.version).buildRequires) ?? []), ...known[0]!.option.requires]);
      }
    }
    if (!feature) {
      refused.push(reason('noFeatureTurnsOnStatic', { dependency: dep, version: u.pkg.version, crate: target.name }));
      continue;
    }
    if (u.pkg.features.includes(feature)) {
      refused.push(reason('alreadyOn', { dependency: dep, feature, crate: target.name }));
      continue;
    }
    const plan = featureEdits(input, uses, [], [feature]);
    if ('refused' in plan) {
      refused.push(plan.refused);
      continue;
    }
    const direct = u.pkg.name === target.name;
    // A release newer than every one checked: its feature is read from the index, its meaning from older releases.
    const spec = target.entry.crates.find((c) => c.name === u.pkg.name);
    const upTo = spec && checkedUpTo(spec, u.pkg.version);
    if (upTo) plan.notes.push(reasonText(reason('meaningCheckedUpTo', { crate: u.pkg.name, version: u.pkg.version, feature, checked: upTo })));
    candidates.push({
      strategy: 'static',
      title: `${dep}: enable ${code(feature)}${direct ? '' : ` (static ${target.entry.name} through ${code(target.name)})`}`,
      description:
        `Turns on feature ${code(feature)} of ${code(dep)} in ${code(u.member.name)}: ${code(target.name)} then builds ${target.entry.name} from source and links it statically.` +
        `${plan.notes.length ? ` Note: ${plan.notes.join('; ')}.` : ''}${requires ? ` The build needs ${requires}.` : ''}`,
      edits: plan.edits,
      giveUp: new Set(),
      deps: [`${u.member.name}/${dep}`],
    });
  }
  return { candidates, refused };
}
