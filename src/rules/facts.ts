/**
 * Facts about an artifact graph and the knowledge base that several rules
 * share: which crates lie above a package, which feature of which direct
 * dependency pulls it in, and the fix suggestions the knowledge base offers
 * for a native library family. Pure functions of their inputs.
 */
import semver from 'semver';
import { countPaths, reverseEdges, shortestPaths } from '../resolve/paths.js';
import type { GraphEdge, GraphPackage, PackageKey, TargetGraph } from '../resolve/types.js';
import { bringsRead, checkedUpTo, cratesTurnedOn, optionAt, staticOptionsAt, type KnowledgeBase } from '../knowledge/lookup.js';
import { requirementText, type CrateSpec, type KnowledgeBaseEntry, type Requirement, type StaticOption } from '../knowledge/types.js';
import { parseVersionRange } from '../knowledge/versions.js';
import type { FixSuggestion, ReleaseFeatures } from './types.js';

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
  if (p.self) return p.optionalEdge ? `\`${p.member}\`'s own dependency on it, through its feature ${p.optionalEdge.features.map((f) => `\`${f}\``).join(', ')}` : `\`${p.member}\`'s own dependency on it`;
  if (p.feature) {
    const how = p.explicit ? ', asked for in its declaration' : p.viaDefault ? ', a default feature' : '';
    return `feature \`${p.feature}\` of \`${p.dependency}\`${how}`;
  }
  if (p.optionalEdge) return `feature${p.optionalEdge.features.length > 1 ? 's' : ''} ${p.optionalEdge.features.map((f) => `\`${f}\``).join(', ')} of \`${p.optionalEdge.from}\` (through \`${p.dependency}\`)`;
  return `\`${p.dependency}\`, which depends on it unconditionally`;
}

// ---------------------------------------------------------------------------
// Fix suggestions from the knowledge base

function union<T>(...lists: (readonly T[] | undefined)[]): T[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

function optionTitle(o: StaticOption, crate: string): string {
  return o.kind === 'feature' ? `enable feature \`${o.feature}\` of \`${crate}\`` : `set ${o.env}=${o.value} for the build (\`[env]\` in .cargo/config.toml)`;
}

/** Requirements of the entries a switch brings (ring: a C compiler). */
function bringsRequirements(kb: KnowledgeBase, brings: string[]): Requirement[] {
  return union(...brings.map((id) => kb.get(id)?.crates.filter((c) => c.role === 'sys').flatMap((c) => c.buildRequires)));
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
 * bundled source (those need a C compiler). Cross-compiling, the host's
 * library does not link into the target: the option needs a library built
 * for the target, pointed at by the crate's `*_DIR` variable.
 */
function envTitle(o: StaticOption & { kind: 'env' }, lib: string, target: string, host: string | undefined): string {
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
      const turnedOn = [...r.enable, ...Object.entries(r.replace).filter(([k]) => active.has(k)).map(([, v]) => v)];
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
      if (p.feature) add({ strategy: 'disable', crate: p.dependency, title: `turn off feature \`${p.feature}\` of \`${p.dependency}\`${p.viaDefault ? ' (default-features = false, listing the other defaults again)' : ''}` });
    }
  }
  return fixes;
}

/** `0.9.102` -> `0.9`, `1.2.3` -> `1`: the caret requirement that accepts the version. */
export function caretOf(version: string): string {
  const v = semver.parse(version);
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
  if (!semver.valid(version)) return null;
  const declared = pkg.declared?.features;
  let best: { option: StaticOption; since: string; compatible: boolean } | null = null;
  let unknown: StaticOption | null = null;
  const better = (since: string, compatible: boolean) =>
    !best || (compatible && !best.compatible) || (compatible === best.compatible && semver.lt(since, best.since));
  for (const o of spec.staticOptions) {
    if (optionAt(o, version, declared)) continue;
    if (o.kind === 'env') {
      const min = parseVersionRange(o.versions) && semver.minVersion(parseVersionRange(o.versions)!)?.version;
      if (!min || !semver.gt(min, version)) continue;
      const compatible = semver.satisfies(min, `^${version}`, { includePrerelease: true });
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
          (r) =>
            !r.yanked &&
            semver.valid(r.version) &&
            semver.gt(r.version, version) &&
            (!compatibleOnly || semver.satisfies(r.version, `^${version}`, { includePrerelease: true })) &&
            optionAt(o, r.version, r.features),
        )
        .reduce<ReleaseFeatures | undefined>((lo, r) => (!lo || semver.lt(r.version, lo.version) ? r : lo), undefined);
    const found = first(true) ?? first(false);
    if (!found) continue;
    const compatible = semver.satisfies(found.version, `^${version}`, { includePrerelease: true });
    if (better(found.version, compatible)) best = { option: o, since: found.version, compatible };
  }
  const nameOf = (o: StaticOption) => (o.kind === 'feature' ? `feature \`${o.feature}\`` : `${o.env}=${o.value}`);
  if (!best) {
    if (!unknown) return null;
    return {
      option: unknown,
      compatible: false,
      title: `look for a newer \`${spec.name}\` that declares ${nameOf(unknown)} (its other releases could not be read from the index, so which one first does is not known)`,
    };
  }
  const b: { option: StaticOption; since: string; compatible: boolean } = best;
  const title = b.compatible
    ? `update \`${spec.name}\` to ${b.since} or newer, which has ${nameOf(b.option)} (\`cargo update -p ${spec.name}\`), then enable it`
    : `move to \`${spec.name}\` ${b.since} or newer, which has ${nameOf(b.option)} (a semver-incompatible upgrade of what depends on it)`;
  return { ...b, title };
}

/** Where each rule is documented (`#<rule id>` anchors). */
export const RULE_DOCS = 'https://github.com/cargo-preflight/cargo-preflight/blob/main/src/rules/README.md';
