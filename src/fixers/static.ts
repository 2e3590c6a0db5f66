/**
 * Strategy 2, static option through the wrapper: turn on the feature of a
 * direct dependency that turns on the native crate's static option (native-tls
 * `vendored`, reqwest `native-tls-vendored`, git2 `vendored-libgit2`, rusqlite
 * `bundled`, curl `static-curl`, ...), or the option itself when the member
 * depends on the native crate directly. Which features reach the option is
 * traced through the locked versions' feature maps; the knowledge base's
 * options come first.
 *
 * Features unify within one build, not across builds: every member whose own
 * build (`cargo build -p M`) links the crate gets the feature through one of
 * its dependencies, and a dependency the members inherit from the root's
 * `[workspace.dependencies]` gets it there when every member inheriting it
 * needs it (else in each member that does). A candidate per dependency crate
 * preferred, each member that lacks that one taking its first usable other.
 */
import type { PackageKey } from '../resolve/types.js';
import { featuresReaching, inheritingDeclarations, type DirectUse } from './reach.js';
import { checkedUpTo, crateAt } from '../knowledge/lookup.js';
import { reason, reasonText, type Reason } from './reasons.js';
import { code, list, type Candidate, type StrategyInput, type StrategyResult } from './strategy.js';
import { featureEdits, requirementText, RootEntries, usesByDependency } from './switch.js';
import { mergeEdits } from './apply.js';
import type { ManifestEdits } from './types.js';

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

/** A dependency of a member through which the static option can be turned on. */
interface Usable {
  uses: DirectUse[];
  member: PackageKey;
  feature: string;
  requires: string;
  notes: string[];
}

export function staticCandidates(input: StrategyInput): StrategyResult {
  const { kb, target, project } = input;
  const own = nativeStaticFeatures(input);
  if (own.length === 0) return { candidates: [], refused: [reason('noStaticFeature', { crate: target.name, version: target.version })] };
  const roots = new Set(project.roots.map((r) => r.key));
  // A selected member whose own build does not link the crate gets nothing (it would bring the crate in).
  const needs = (member: PackageKey) => !input.linking || !roots.has(member) || input.linking.has(member);
  const refused: Reason[] = [];
  const usable: Usable[] = [];
  for (const uses of usesByDependency(input)) {
    const u = uses[0]!;
    if (!needs(u.edge.from)) continue;
    const dep = u.edge.depName;
    let feature: string | undefined;
    let requires = own[0]!.requires;
    if (u.pkg.name === target.name) {
      feature = own[0]!.feature;
    } else {
      // An optional dependency Cargo.lock lacks has no feature map here: the knowledge base says what its features turn on.
      const unlocked = (crate: string, f: string) => kb.byCrate(crate).some((m) => m.entry.id === target.entry.id && m.crate.staticOptions.some((o) => o.kind === 'feature' && o.feature === f));
      const reaching = featuresReaching(
        project.packages.summaries,
        u.pkg.key,
        target.key,
        own.map((o) => o.feature),
        unlocked,
      );
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
    const notes: string[] = [];
    // A release newer than every one checked: its feature is read from the index, its meaning from older releases.
    const spec = target.entry.crates.find((c) => c.name === u.pkg.name);
    const upTo = spec && checkedUpTo(spec, u.pkg.version);
    if (upTo) notes.push(reasonText(reason('meaningCheckedUpTo', { crate: u.pkg.name, version: u.pkg.version, feature, checked: upTo })));
    usable.push({ uses, member: u.edge.from, feature, requires, notes });
  }
  if (!usable.length) return { candidates: [], refused };

  const members = [...new Set(usable.map((x) => x.member))];
  const preferred = [...new Set(usable.map((x) => x.uses[0]!.pkg.name))];
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const name of preferred) {
    const chosen = members.map((m) => usable.find((x) => x.member === m && x.uses[0]!.pkg.name === name) ?? usable.find((x) => x.member === m)!);
    const built = candidateOf(input, chosen);
    if ('refused' in built) {
      refused.push(built.refused);
      continue;
    }
    const key = JSON.stringify(built.edits);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(built);
  }
  return { candidates, refused: candidates.length ? [] : refused };
}

/** The edits that turn the chosen features on, one `[workspace.dependencies]` entry at most once. */
function candidateOf(input: StrategyInput, chosen: Usable[]): Candidate | { refused: Reason } {
  const { target, project } = input;
  const edits: ManifestEdits[] = [];
  const rootEntries = new RootEntries();
  const parts: string[] = [];
  const titles: string[] = [];
  const deps: string[] = [];
  const notes: string[] = [];
  const requires = new Set<string>();
  const chosenKeys = new Set(chosen.map((c) => c.member));
  for (const c of chosen) {
    const u = c.uses[0]!;
    const dep = u.edge.depName;
    const direct = u.pkg.name === target.name;
    const title = `${dep}: enable ${code(c.feature)}${direct ? '' : ` (static ${target.entry.name} through ${code(target.name)})`}`;
    if (!titles.includes(title)) titles.push(title);
    deps.push(`${u.member.name}/${dep}`);
    notes.push(...c.notes.filter((n) => !notes.includes(n)));
    if (c.requires) requires.add(c.requires);
    if (rootEntries.covers(c.uses)) continue;
    const decl = u.deps[0]?.decl;
    const inherited = decl?.site.inheritedFrom;
    if (decl && inherited && u.deps.length === 1) {
      // Where the workspace keeps the declaration: the root entry, when every member inheriting it needs the feature.
      const inheritors = inheritingDeclarations(project, decl.name);
      const keyOf = (path: string) => [...project.packages.members].find(([, m]) => m.path === path)?.[0];
      const all = inheritors.every((i) => {
        const k = keyOf(i.member.path);
        return (
          k !== undefined &&
          chosenKeys.has(k) &&
          chosen.some(
            (o) => o.member === k && o.feature === c.feature && o.uses[0]!.deps[0]?.decl.site.inheritedFrom?.manifestPath === inherited.manifestPath && o.uses[0]!.deps[0]?.decl.name === decl.name,
          )
        );
      });
      if (all) {
        const rootEdit: ManifestEdits = { path: inherited.manifestPath, ops: [{ op: 'add-features', table: { kind: 'workspace' }, key: decl.name, features: [c.feature] }] };
        edits.push(rootEdit);
        rootEntries.record(c.uses, [rootEdit]);
        const who = [...new Set(inheritors.map((i) => code(i.member.name)))];
        parts.push(`Turns on feature ${code(c.feature)} of ${code(dep)} in the root's [workspace.dependencies], which ${list(who.map((w) => w.slice(1, -1)))} inherit${who.length === 1 ? 's' : ''}.`);
        continue;
      }
    }
    const plan = featureEdits(input, c.uses, [], [c.feature]);
    if ('refused' in plan) return { refused: plan.refused };
    edits.push(...plan.edits);
    rootEntries.record(c.uses, plan.edits);
    parts.push(`Turns on feature ${code(c.feature)} of ${code(dep)} in ${code(u.member.name)}.`);
  }
  const need = [...requires].join('; ');
  return {
    strategy: 'static',
    title: titles.join('; '),
    description:
      `${parts.join(' ')} ${code(target.name)} then builds ${target.entry.name} from source and links it statically.` +
      `${notes.length ? ` Note: ${notes.join('; ')}.` : ''}${need ? ` The build needs ${need}.` : ''}`,
    edits: mergeEdits([edits]),
    giveUp: new Set(),
    deps,
    ...(need ? { needs: need } : {}),
  };
}
