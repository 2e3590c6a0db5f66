/**
 * The fix suggestions a rule attaches to a finding, from the knowledge base:
 * static options (features, environment variables), switches, pins to a
 * newer release, and their wording. Pure functions of their inputs; the
 * graph queries they rest on are in `facts.ts`.
 */
import gt from 'semver/functions/gt.js';
import lt from 'semver/functions/lt.js';
import minVersion from 'semver/ranges/min-version.js';
import parse from 'semver/functions/parse.js';
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import type { GraphPackage, TargetGraph } from '../resolve/types.js';
import { bringsRead, checkedUpTo, cratesTurnedOn, optionAt, staticOptionsAt, type KnowledgeBase } from '../knowledge/lookup.js';
import { requirementText, staticOptionName, type CrateSpec, type KnowledgeBaseEntry, type Requirement, type StaticOption } from '../knowledge/types.js';
import { parseVersionRange } from '../knowledge/versions.js';
import { ancestors, isDirect, pulledBy } from './facts.js';
import type { FixSuggestion, ReleaseFeatures } from './types.js';

function union<T>(...lists: (readonly T[] | undefined)[]): T[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

function optionTitle(o: StaticOption, crate: string): string {
  return o.kind === 'feature' ? `enable feature \`${o.feature}\` of \`${crate}\`` : `set ${o.env}=${o.value} for the build (\`[env]\` in .cargo/config.toml)`;
}

/** Requirements of the entries a switch brings (ring: a C compiler). */
function bringsRequirements(kb: KnowledgeBase, brings: string[]): Requirement[] {
  return union(
    ...brings.map((id) =>
      kb
        .get(id)
        ?.crates.filter((c) => c.role === 'sys')
        .flatMap((c) => c.buildRequires),
    ),
  );
}

export interface FixInput {
  graph: TargetGraph;
  kb: KnowledgeBase;
  entry: KnowledgeBaseEntry;
  spec: CrateSpec;
  pkg: GraphPackage;
  /** Also suggest turning off the feature of a direct dependency that brings the crate in. */
  disable?: boolean;
  /** The host triple; absent: unknown (taken as a cross build). */
  host?: string;
  /** The crate's releases as its index lines give them (see `RuleContext.releases`). */
  releases?: readonly ReleaseFeatures[];
}

/** " (what it does was checked up to 0.4.81)" for a version newer than every release the crate's facts were checked against. */
function uncheckedNote(spec: CrateSpec, version: string): string {
  const upTo = checkedUpTo(spec, version);
  return upTo ? ` (what it does was checked up to ${upTo})` : '';
}

/**
 * The knowledge-base entries a switch of wrapper `a` brings: read from the
 * optional dependencies its new features turn on at the locked version,
 * where they say; else the recipe's record.
 */
export function switchBrings(kb: KnowledgeBase, a: GraphPackage, turnedOnFeatures: readonly string[], recorded: readonly string[]): string[] {
  const read = a.declared ? bringsRead(kb, cratesTurnedOn(a.declared.features, a.declared.deps, turnedOnFeatures)) : null;
  return read ?? [...recorded];
}

/**
 * An environment option that links a prebuilt library (OPENSSL_STATIC: the
 * OpenSSL that OPENSSL_DIR or pkg-config finds) rather than building the
 * bundled source (those need a C compiler). What the knowledge base records
 * the option needs with it (`with`: GDAL_STATIC needs GDAL_LIB_DIR or
 * GDAL_HOME, and GDAL_VERSION) is named on every build. Otherwise,
 * cross-compiling, the host's library does not link into the target: the
 * option needs a library built for the target, pointed at by the crate's
 * `*_DIR` variable, named after the option's.
 */
function envTitle(o: StaticOption & { kind: 'env' }, lib: string, target: string, host: string | undefined): string {
  if (o.with) return `set ${o.env}=${o.value} together with ${o.with} (\`[env]\` in .cargo/config.toml)`;
  const plain = optionTitle(o, '');
  if (o.requires.includes('c-compiler') || host === target) return plain;
  const dir = o.env.replace(/_STATIC$/, '_DIR');
  return `set ${o.env}=${o.value} together with ${dir} pointing at ${lib} built for ${target} (its static libraries): cross-compiling, ${o.env} alone finds no library for the target`;
}

/**
 * The fixes the knowledge base offers for a `-sys` crate that links its library
 * from the system: switch recipes and static options of the wrappers above it
 * (direct dependencies first), the crate's own static options, turning off a
 * feature that forces the system library, and turning off what pulls it in.
 */
export function fixesFor(input: FixInput): FixSuggestion[] {
  const { graph, kb, entry, spec, pkg } = input;
  const fixes: FixSuggestion[] = [];
  const titles = new Set<string>();
  const add = (f: FixSuggestion) => {
    if (titles.has(f.title)) return;
    titles.add(f.title);
    fixes.push(f);
  };
  const on = new Set(pkg.features);
  for (const d of spec.dynamicOptions) {
    if (on.has(d.feature)) add({ strategy: 'disable', crate: spec.name, title: `turn off feature \`${d.feature}\` of \`${spec.name}\` (it links the system library)` });
  }
  // Wrappers a member declares: their features are the member's to change.
  for (const a of ancestors(graph, pkg.key)) {
    if (!isDirect(graph, a.key)) continue;
    const match = kb.byCrate(a.name).find((m) => m.entry.id === entry.id && m.crate.role === 'wrapper');
    if (!match) continue;
    const active = new Set(a.features);
    const declared = a.declared?.features;
    const native = kb.nativeFeaturesFor(a.name, a.version).find((n) => n.entry.id === entry.id);
    // A wrapper whose native features are all off does not bring the library: nothing to switch there.
    if (native && !native.features.some((f) => active.has(f))) continue;
    for (const s of kb.switchesFor(a.name, a.version, declared)) {
      if (s.entry.id !== entry.id) continue;
      const r = s.recipe;
      const parts: string[] = [];
      const off = r.disable.filter((f) => active.has(f));
      if (off.length) parts.push(`remove ${off.map((f) => `\`${f}\``).join(', ')}`);
      for (const [from, to] of Object.entries(r.replace)) if (active.has(from)) parts.push(`replace \`${from}\` by \`${to}\``);
      if (r.enable.length) parts.push(`add ${r.enable.map((f) => `\`${f}\``).join(', ')}`);
      if (!r.defaultFeatures) parts.push(`default-features = false${r.restore.length ? ` with ${r.restore.map((f) => `\`${f}\``).join(', ')} listed again` : ''}`);
      const alt = s.alternative?.name ?? r.to;
      const turnedOn = [
        ...r.enable,
        ...Object.entries(r.replace)
          .filter(([k]) => active.has(k))
          .map(([, v]) => v),
      ];
      add({
        strategy: 'switch',
        crate: a.name,
        title: `switch \`${a.name}\` to ${alt}: ${parts.join('; ')}${s.checkedUpTo ? ` (what it does was checked up to ${s.checkedUpTo})` : ''}`,
        requires: requirementText(bringsRequirements(kb, switchBrings(kb, a, turnedOn, r.brings))),
      });
    }
    for (const o of staticOptionsAt(match.entry, match.crate, a.version, declared)) {
      if (o.kind !== 'feature') continue;
      add({ strategy: 'static', crate: a.name, title: `${optionTitle(o, a.name)}${uncheckedNote(match.crate, a.version)}`, requires: requirementText(union(spec.buildRequires, o.requires)) });
    }
  }
  for (const [i, o] of staticOptionsAt(entry, spec, pkg.version, pkg.declared?.features).entries()) {
    const direct = isDirect(graph, pkg.key);
    // Options after the first are alternatives with a cost of their own (SQLCipher instead of SQLite): say what they are.
    const what = i > 0 && o.note ? ` (${o.note.replace(/\.$/, '')})` : '';
    const title =
      o.kind === 'feature'
        ? `${optionTitle(o, spec.name)}${what}${uncheckedNote(spec, pkg.version)}${direct ? '' : ` (declare \`${spec.name} = { version = "${caretOf(pkg.version)}", features = ["${o.feature}"] }\`; features unify)`}`
        : envTitle(o, entry.systemLibrary ?? entry.name, graph.target, input.host);
    // An environment variable is set for the build, not in Cargo.toml.
    add({ strategy: o.kind === 'feature' ? 'static' : 'environment', crate: spec.name, title, requires: requirementText(union(spec.buildRequires, o.requires)) });
  }
  const newer = newerStaticOption(spec, pkg, input.releases);
  if (newer) add({ strategy: 'pin', crate: spec.name, title: newer.title, requires: requirementText(union(spec.buildRequires, newer.option.requires)), newerRelease: true });
  if (input.disable) {
    // Only when every way in goes through a feature (or is on only through another dependency's feature):
    // otherwise turning one off leaves the crate in.
    const ways = pulledBy(graph, pkg.key);
    for (const p of ways.every((w) => w.feature || !w.attributed) && ways.some((w) => w.feature) ? ways : []) {
      if (p.feature)
        add({
          strategy: 'disable',
          crate: p.dependency,
          title: `turn off feature \`${p.feature}\` of \`${p.dependency}\`${p.viaDefault ? ' (default-features = false, listing the other defaults again)' : ''}`,
        });
    }
  }
  return fixes;
}

/** `0.9.102` -> `0.9`, `1.2.3` -> `1`: the caret requirement that accepts the version. */
export function caretOf(version: string): string {
  const v = parse(version);
  if (!v) return version;
  if (v.major > 0) return `${v.major}`;
  if (v.minor > 0) return `0.${v.minor}`;
  return `0.0.${v.patch}`;
}

/**
 * A static option the locked version lacks and a newer release has: for a
 * feature, the first release newer than the locked one that declares it (and
 * where the knowledge base records the meaning by release, has it in that
 * range), computed from the crate's index lines, a semver-compatible one
 * preferred; yanked releases are skipped. An environment option starts where
 * the knowledge base records it. Without the index lines (`releases`
 * absent) a feature option the version lacks is named with no release
 * (`since` absent): which release first declares it is not known.
 */
export function newerStaticOption(
  spec: CrateSpec,
  pkg: Pick<GraphPackage, 'version' | 'declared'>,
  releases?: readonly ReleaseFeatures[],
): { option: StaticOption; since?: string; compatible: boolean; title: string } | null {
  const version = pkg.version;
  if (!valid(version)) return null;
  const declared = pkg.declared?.features;
  let best: { option: StaticOption; since: string; compatible: boolean } | null = null;
  let unknown: StaticOption | null = null;
  const better = (since: string, compatible: boolean) => !best || (compatible && !best.compatible) || (compatible === best.compatible && lt(since, best.since));
  for (const o of spec.staticOptions) {
    if (optionAt(o, version, declared)) continue;
    if (o.kind === 'env') {
      const min = parseVersionRange(o.versions) && minVersion(parseVersionRange(o.versions)!)?.version;
      if (!min || !gt(min, version)) continue;
      const compatible = satisfies(min, `^${version}`, { includePrerelease: true });
      if (better(min, compatible)) best = { option: o, since: min, compatible };
      continue;
    }
    if (!releases) {
      unknown ??= o;
      continue;
    }
    // The lowest such version: index lines are in publishing order, which is not always semver order.
    const first = (compatibleOnly: boolean) =>
      releases
        .filter(
          (r) => !r.yanked && valid(r.version) && gt(r.version, version) && (!compatibleOnly || satisfies(r.version, `^${version}`, { includePrerelease: true })) && optionAt(o, r.version, r.features),
        )
        .reduce<ReleaseFeatures | undefined>((lo, r) => (!lo || lt(r.version, lo.version) ? r : lo), undefined);
    const found = first(true) ?? first(false);
    if (!found) continue;
    const compatible = satisfies(found.version, `^${version}`, { includePrerelease: true });
    if (better(found.version, compatible)) best = { option: o, since: found.version, compatible };
  }
  if (!best) {
    if (!unknown) return null;
    return {
      option: unknown,
      compatible: false,
      title: `look for a newer \`${spec.name}\` that declares ${staticOptionName(unknown)} (its other releases could not be read from the index, so which one first does is not known)`,
    };
  }
  const b: { option: StaticOption; since: string; compatible: boolean } = best;
  const title = b.compatible
    ? `update \`${spec.name}\` to ${b.since} or newer, which has ${staticOptionName(b.option)} (\`cargo update -p ${spec.name}\`), then enable it`
    : `move to \`${spec.name}\` ${b.since} or newer, which has ${staticOptionName(b.option)} (a semver-incompatible upgrade of what depends on it)`;
  return { ...b, title };
}

/** Where each rule is documented (`#<rule id>` anchors). */
