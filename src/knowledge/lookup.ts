/**
 * Lookups over the knowledge base: entries by crate, by `links` value, the
 * static options of a crate at a version and how a `-sys` crate ends up
 * linked. Pure: the data comes from the loader (`load.ts`).
 */
import compare from 'semver/functions/compare.js';
import gt from 'semver/functions/gt.js';
import gte from 'semver/functions/gte.js';
import lte from 'semver/functions/lte.js';
import minVersion from 'semver/ranges/min-version.js';
import valid from 'semver/functions/valid.js';
import {
  noCrateFacts,
  type AllocatorCrate,
  type Alternative,
  type CrateFacts,
  type CrateMatch,
  type CrateSpec,
  type DlopenCrate,
  type KnowledgeBaseEntry,
  type Linkage,
  type NameResolutionCrate,
  type RuntimeCrate,
  type StaticOption,
  type SwitchMatch,
  type SwitchRecipe,
} from './types.js';
import { parseVersionRange, versionIn } from './versions.js';
import { ALL_TARGETS, platformMatches, targetInfo } from '../cfg/index.js';

/**
 * The crate's facts at a release, for a target and with features on: its
 * `when` variants applied over its own keys, in order, each whose conditions
 * all match. A variant with a `target` applies only for a known target (not
 * without one, nor for `all`); one with `features` only when one of them is
 * on (`features` given). The spec itself when no variant applies.
 */
export function crateAt(spec: CrateSpec, version: string, target?: string, features?: readonly string[]): CrateSpec {
  if (!spec.variants?.length) return spec;
  let out: CrateSpec | undefined;
  for (const v of spec.variants) {
    if (v.versions !== undefined && !versionIn(version, v.versions)) continue;
    if (v.target !== undefined && (!target || target === ALL_TARGETS || !platformMatches(v.target, targetInfo(target)))) continue;
    if (v.features !== undefined && !(features && v.features.some((f) => features.includes(f)))) continue;
    out ??= { ...spec };
    if (v.withoutStatic !== undefined) out.withoutStatic = v.withoutStatic;
    if (v.withoutStaticNote !== undefined) out.withoutStaticNote = v.withoutStaticNote;
    if (v.buildRequires !== undefined) out.buildRequires = [...v.buildRequires];
    if (v.links !== undefined) {
      out.links = v.links;
      delete out.linksPrefix;
    }
    if (v.linksPrefix !== undefined) {
      out.linksPrefix = v.linksPrefix;
      delete out.links;
    }
  }
  return out ?? spec;
}

/** Finds a crate of an entry by name, or returns the spec given. */
function specOf(entry: KnowledgeBaseEntry, crate: string | CrateSpec): CrateSpec | undefined {
  return typeof crate === 'string' ? entry.crates.find((c) => c.name === crate) : crate;
}

/** The features a locked version declares: its feature map, implicit features of optional dependencies included. */
export type DeclaredFeatures = ReadonlyMap<string, readonly string[]>;

/** Whether a version declares a feature (a feature map, or a set of names). */
export interface FeatureNames {
  has(feature: string): boolean;
}

/**
 * True when the option exists at `version`. A feature option: the version
 * declares the feature (presumed when what it declares is unknown) and, where
 * the knowledge base records the meaning by release, the version is in that
 * range. An environment option: the version is in its recorded range (the
 * index cannot show what a build script reads).
 */
export function optionAt(o: StaticOption, version: string, declared?: FeatureNames): boolean {
  if (o.kind === 'env') return versionIn(version, o.versions);
  if (o.versions !== undefined && !versionIn(version, o.versions)) return false;
  if (o.until && valid(version) && gte(version, o.until)) return false;
  return declared ? declared.has(o.feature) : true;
}

/** The static options of a crate that exist at `version` (see `optionAt`). */
export function staticOptionsAt(entry: KnowledgeBaseEntry, crate: string | CrateSpec, version: string, declared?: FeatureNames): StaticOption[] {
  return specOf(entry, crate)?.staticOptions.filter((o) => optionAt(o, version, declared)) ?? [];
}

/** The newest release the crate's facts were checked against (its newest `checkedAgainst`), if any. */
export function newestChecked(spec: CrateSpec): string | undefined {
  let best: string | undefined;
  for (const v of spec.checkedAgainst) if (valid(v) && (!best || gt(v, best))) best = v;
  return best;
}

/**
 * For a version newer than every release the crate's facts were checked
 * against, the newest checked one (what a note says the meaning was checked
 * up to); undefined otherwise.
 */
export function checkedUpTo(spec: CrateSpec, version: string): string | undefined {
  const newest = newestChecked(spec);
  return newest && valid(version) && gt(version, newest) ? newest : undefined;
}

/**
 * The static option of `crate` that is on, given its version and activated
 * features (and environment variables for `env` options), or null.
 *
 * A feature option counts when the feature is activated, whatever `versions`
 * says (an activated feature exists), except at or after a recorded removal
 * (`until`).
 * An activated dynamic option of the crate wins: the result is then null.
 */
export function staticOptionActive(
  entry: KnowledgeBaseEntry,
  crate: string | CrateSpec,
  version: string,
  features: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): StaticOption | null {
  const spec = specOf(entry, crate);
  if (!spec) return null;
  const on = new Set(features);
  if (spec.dynamicOptions.some((d) => on.has(d.feature))) return null;
  const active = spec.staticOptions.filter((o) =>
    o.kind === 'feature' ? on.has(o.feature) && !(o.until && valid(version) && gte(version, o.until)) : env[o.env] === o.value && versionIn(version, o.versions),
  );
  // The option recorded for this version when there is one (requirements can differ between releases).
  return active.find((o) => o.kind === 'env' || o.versions === undefined || versionIn(version, o.versions)) ?? active[0] ?? null;
}

/**
 * How a `sys` crate links (null for a crate the entry does not describe as
 * `sys`), at its version, for the target when given (its `when` variants
 * applied, see `crateAt`).
 */
export function linkage(
  entry: KnowledgeBaseEntry,
  crate: string | CrateSpec,
  version: string,
  features: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  target?: string,
): Linkage | null {
  const base = specOf(entry, crate);
  const spec = base && crateAt(base, version, target, features);
  if (spec?.role !== 'sys' || !spec.withoutStatic) return null;
  // Links nothing at build time (opens the library at run time): nothing for the linkage rules.
  if (spec.withoutStatic === 'none') return null;
  const on = new Set(features);
  const forcedBy = spec.dynamicOptions.find((d) => on.has(d.feature));
  if (forcedBy) return { kind: 'system', forcedBy, requires: [] };
  const via = staticOptionActive(entry, spec, version, features, env);
  if (via) return { kind: 'static', via, requires: union(spec.buildRequires, via.requires) };
  if (spec.withoutStatic === 'static') return { kind: 'static', requires: [...spec.buildRequires] };
  if (spec.withoutStatic === 'bundled-fallback') return { kind: 'static-unless-found', requires: [...spec.buildRequires] };
  return { kind: 'system', requires: [] };
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

export class KnowledgeBase {
  readonly entries: readonly KnowledgeBaseEntry[];
  private readonly byId = new Map<string, KnowledgeBaseEntry>();
  private readonly crates = new Map<string, CrateMatch[]>();
  private readonly exactLinks = new Map<string, CrateMatch[]>();
  private readonly prefixLinks: { prefix: string; match: CrateMatch }[] = [];
  private readonly loaders: Map<string, DlopenCrate>;
  /** Crates that resolve host names with getaddrinfo, in the order they are looked for. */
  readonly nameResolvers: readonly NameResolutionCrate[];
  /** Multi-threaded runtimes, in the order they are looked for. */
  readonly runtimes: readonly RuntimeCrate[];
  /** Global allocators that replace the C library's malloc. */
  readonly allocators: readonly AllocatorCrate[];

  constructor(entries: KnowledgeBaseEntry[], facts: CrateFacts = noCrateFacts()) {
    this.entries = entries;
    this.loaders = new Map(facts.dlopen.map((d) => [d.name, d]));
    this.nameResolvers = facts.nameResolution;
    this.runtimes = facts.runtimes;
    this.allocators = facts.allocators;
    for (const entry of entries) {
      this.byId.set(entry.id, entry);
      for (const crate of entry.crates) {
        const m: CrateMatch = { entry, crate };
        push(this.crates, crate.name, m);
        // The crate's `links` and those of its releases that differ (ring 0.16's `ring-asm`).
        const exact = new Set([crate.links, ...(crate.variants ?? []).map((v) => v.links)].filter((x): x is string => x !== undefined));
        const prefixes = new Set([crate.linksPrefix, ...(crate.variants ?? []).map((v) => v.linksPrefix)].filter((x): x is string => x !== undefined));
        for (const l of exact) push(this.exactLinks, l, m);
        for (const prefix of prefixes) this.prefixLinks.push({ prefix, match: m });
      }
    }
    this.prefixLinks.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** How the crate loads shared libraries at run time, when it does. */
  loader(name: string): DlopenCrate | undefined {
    return this.loaders.get(name);
  }

  /** The entry with this id. */
  get(id: string): KnowledgeBaseEntry | undefined {
    return this.byId.get(id);
  }

  /** Every entry that lists the crate (a wrapper can appear in several: reqwest for OpenSSL and zstd). */
  byCrate(name: string): CrateMatch[] {
    return this.crates.get(name) ?? [];
  }

  /** The entry that describes `name` as the crate linking the library (`role = "sys"`). */
  sysCrate(name: string): CrateMatch | undefined {
    return this.byCrate(name).find((m) => m.crate.role === 'sys');
  }

  /**
   * Crates whose `links` value is `links`: exact matches first, then prefix
   * matches from the longest prefix (`ring_core_0_17_8` matches `ring_core_`).
   */
  byLinks(links: string): CrateMatch[] {
    const out = [...(this.exactLinks.get(links) ?? [])];
    for (const p of this.prefixLinks) if (links.startsWith(p.prefix)) out.push(p.match);
    return out;
  }

  /**
   * True when the crate carries a `links` key only to keep one copy in the
   * graph and links no library (rayon-core): never report it. With `links`,
   * the value must match too.
   */
  isLinksOnly(name: string, links?: string | null): boolean {
    return this.byCrate(name).some((m) => m.crate.role === 'links-only' && (links == null || m.crate.links === links || (m.crate.linksPrefix !== undefined && links.startsWith(m.crate.linksPrefix))));
  }

  /** Static options of `crate` at `version` (given what it declares, when read), across the entries that list it. */
  staticOptionsFor(crate: string, version: string, declared?: FeatureNames): (CrateMatch & { option: StaticOption })[] {
    return this.byCrate(crate).flatMap((m) => staticOptionsAt(m.entry, m.crate, version, declared).map((option) => ({ ...m, option })));
  }

  /**
   * Switch recipes for a wrapper at a version, with the alternative each
   * switches to: the recipes recorded for the version's range; for a version
   * outside every range whose declared features are read, each alternative's
   * recipe of the nearest recorded release line, fitted to what the version
   * declares (see `fitRecipe`), when it declares every feature the recipe turns on.
   */
  switchesFor(crate: string, version: string, declared?: DeclaredFeatures): SwitchMatch[] {
    return this.byCrate(crate).flatMap((m) => {
      const alternativeOf = (recipe: SwitchRecipe) => m.entry.alternatives.find((a) => a.id === recipe.to);
      const recorded = m.crate.switches.filter((s) => versionIn(version, s.versions));
      if (recorded.length || !declared) {
        return recorded.map((recipe) => {
          const alternative = alternativeOf(recipe);
          return { ...m, recipe, ...(alternative ? { alternative } : {}) };
        });
      }
      const out: SwitchMatch[] = [];
      for (const to of new Set(m.crate.switches.map((s) => s.to))) {
        const near = nearestRecipe(
          m.crate.switches.filter((s) => s.to === to),
          version,
        );
        const recipe = near && fitRecipe(near, declared);
        if (!recipe) continue;
        const alternative = alternativeOf(recipe);
        const upTo = checkedUpTo(m.crate, version);
        out.push({ ...m, recipe, ...(alternative ? { alternative } : {}), fitted: true, ...(upTo ? { checkedUpTo: upTo } : {}) });
      }
      return out;
    });
  }

  /** `features.default` of a crate at a version, when the knowledge base records it. */
  defaultsFor(crate: string, version: string): string[] | undefined {
    for (const m of this.byCrate(crate)) {
      const d = m.crate.defaults.find((x) => versionIn(version, x.versions));
      if (d) return [...d.features];
    }
    return undefined;
  }

  /** Features of a wrapper at a version that bring a family's library in, per entry. */
  nativeFeaturesFor(crate: string, version: string): (CrateMatch & { features: string[] })[] {
    return this.byCrate(crate).flatMap((m) => {
      const features = m.crate.nativeFeatures.filter((n) => versionIn(version, n.versions)).flatMap((n) => n.features);
      return features.length ? [{ ...m, features: [...new Set(features)] }] : [];
    });
  }

  /** Alternatives of every entry that lists the crate. */
  alternativesFor(crate: string): { entry: KnowledgeBaseEntry; alternative: Alternative }[] {
    return this.byCrate(crate).flatMap((m) => m.entry.alternatives.map((alternative) => ({ entry: m.entry, alternative })));
  }
}

/** Of recipes for one alternative, the one of the newest release line at or below `version` (else the oldest line). */
function nearestRecipe(recipes: SwitchRecipe[], version: string): SwitchRecipe | undefined {
  if (!valid(version)) return undefined;
  const floor = (r: SwitchRecipe) => {
    const range = parseVersionRange(r.versions);
    return range ? minVersion(range)?.version : undefined;
  };
  const sorted = recipes.map((r) => ({ r, min: floor(r) || '0.0.0' })).sort((a, b) => compare(a.min, b.min));
  return [...sorted].reverse().find((x) => lte(x.min, version))?.r ?? sorted[0]?.r;
}

/**
 * A recipe fitted to the features a version declares: it needs every feature
 * it turns on (`enable`, the values of `replace` whose key is declared); it
 * removes only declared features, and with `default-features = false` lists
 * again the version's own defaults minus what it removes; the recipe's note,
 * about its own release line, is left out. Null when the version lacks a
 * feature the recipe turns on, or nothing is left to change.
 */
export function fitRecipe(r: SwitchRecipe, declared: DeclaredFeatures): SwitchRecipe | null {
  if (!r.enable.every((f) => declared.has(f))) return null;
  const replace: Record<string, string> = {};
  for (const [from, to] of Object.entries(r.replace)) {
    if (!declared.has(from)) continue;
    if (!declared.has(to)) return null;
    replace[from] = to;
  }
  const disable = r.disable.filter((f) => declared.has(f));
  const gone = new Set([...disable, ...Object.keys(replace)]);
  const restore = r.defaultFeatures ? [] : (declared.get('default') ?? []).filter((f) => declared.has(f) && !gone.has(f));
  if (!r.enable.length && !Object.keys(replace).length && !disable.length && r.defaultFeatures) return null;
  // The recipe's note speaks of its own release line: left out.
  const { note: _note, ...rest } = r;
  return { ...rest, disable, replace, enable: [...r.enable], restore };
}

/**
 * The crates a wrapper's features turn on at a version, read from what it
 * declares: every optional dependency the features reach (`dep:x`, `x/f`, an
 * implicit feature), and every dependency they ask a feature of (`x/f`), by
 * package name, with the features asked of it. A weak `x?/f` turns nothing
 * on. Null when the features reach no dependency.
 */
export function cratesTurnedOn(
  features: DeclaredFeatures,
  deps: readonly { name: string; package?: string | null; optional: boolean; kind: string; features: string[] }[],
  enabled: readonly string[],
): Map<string, Set<string>> | null {
  const normal = deps.filter((d) => d.kind !== 'dev');
  const packageOf = new Map(normal.map((d) => [d.name, d.package ?? d.name]));
  const optional = new Set(normal.filter((d) => d.optional).map((d) => d.name));
  const out = new Map<string, Set<string>>();
  const turnOn = (dep: string, feature?: string) => {
    const pkg = packageOf.get(dep);
    if (!pkg || (!feature && !optional.has(dep))) return;
    let set = out.get(pkg);
    if (!set) out.set(pkg, (set = new Set(normal.filter((d) => d.name === dep).flatMap((d) => d.features))));
    if (feature) set.add(feature);
  };
  const seen = new Set<string>();
  const stack = [...enabled];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const v of features.get(f) ?? []) {
      if (v.startsWith('dep:')) turnOn(v.slice(4));
      else if (v.includes('/')) {
        const [dep, feat] = v.split('/', 2) as [string, string];
        if (dep.endsWith('?')) continue; // weak: only where something else turns the dependency on
        turnOn(dep, feat);
        if (optional.has(dep) && features.has(dep)) stack.push(dep);
      } else stack.push(v);
    }
  }
  return out.size ? out : null;
}

/**
 * The knowledge-base entries a switch brings, read from the wrapper's
 * declared dependencies where they say it: a crate turned on that is an
 * entry's `sys` crate (ring), or a feature asked of one that names an entry's
 * crate (`rustls/ring`, `rustls/aws_lc_rs`). Null when nothing can be read.
 */
export function bringsRead(kb: KnowledgeBase, turnedOn: Map<string, Set<string>> | null): string[] | null {
  if (!turnedOn) return null;
  const ids = new Set<string>();
  for (const [pkg, feats] of turnedOn) {
    for (const name of [pkg, ...[...feats].map((f) => f.replace(/_/g, '-'))]) {
      for (const m of kb.byCrate(name)) {
        if (m.crate.role === 'links-only') continue;
        if (name === pkg && m.crate.role !== 'sys') continue;
        ids.add(m.entry.id);
      }
    }
  }
  return ids.size ? [...ids] : null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
