/**
 * Lookups over the knowledge base: entries by crate, by `links` value, the
 * static options of a crate at a version and how a `-sys` crate ends up
 * linked. Pure: the data comes from the loader (`load.ts`).
 */
import semver from 'semver';
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
} from './types.js';
import { versionIn } from './versions.js';


/** Finds a crate of an entry by name, or returns the spec given. */
function specOf(entry: KnowledgeBaseEntry, crate: string | CrateSpec): CrateSpec | undefined {
  return typeof crate === 'string' ? entry.crates.find((c) => c.name === crate) : crate;
}

/** The static options of a crate that exist at `version` (per their `versions`). */
export function staticOptionsAt(entry: KnowledgeBaseEntry, crate: string | CrateSpec, version: string): StaticOption[] {
  return specOf(entry, crate)?.staticOptions.filter((o) => versionIn(version, o.versions)) ?? [];
}

/**
 * The static option of `crate` that is on, given its version and activated
 * features (and environment variables for `env` options), or null.
 *
 * A feature option counts when the feature is activated, whatever `versions`
 * says (an activated feature exists; `versions` only bounds what the knowledge
 * base proposes), except at or after a recorded removal (`until`).
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
    o.kind === 'feature'
      ? on.has(o.feature) && !(o.until && semver.valid(version) && semver.gte(version, o.until))
      : env[o.env] === o.value && versionIn(version, o.versions),
  );
  // The option recorded for this version when there is one (requirements can differ between releases).
  return active.find((o) => versionIn(version, o.versions)) ?? active[0] ?? null;
}

/** How a `sys` crate links (null for a crate the entry does not describe as `sys`). */
export function linkage(
  entry: KnowledgeBaseEntry,
  crate: string | CrateSpec,
  version: string,
  features: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Linkage | null {
  const spec = specOf(entry, crate);
  if (!spec || spec.role !== 'sys' || !spec.withoutStatic) return null;
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
        if (crate.links !== undefined) push(this.exactLinks, crate.links, m);
        if (crate.linksPrefix !== undefined) this.prefixLinks.push({ prefix: crate.linksPrefix, match: m });
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
    return this.byCrate(name).some(
      (m) =>
        m.crate.role === 'links-only' &&
        (links == null || m.crate.links === links || (m.crate.linksPrefix !== undefined && links.startsWith(m.crate.linksPrefix))),
    );
  }

  /** Static options of `crate` at `version`, across the entries that list it. */
  staticOptionsFor(crate: string, version: string): (CrateMatch & { option: StaticOption })[] {
    return this.byCrate(crate).flatMap((m) => staticOptionsAt(m.entry, m.crate, version).map((option) => ({ ...m, option })));
  }

  /** Switch recipes for a wrapper at a version, with the alternative each switches to. */
  switchesFor(crate: string, version: string): SwitchMatch[] {
    return this.byCrate(crate).flatMap((m) =>
      m.crate.switches
        .filter((s) => versionIn(version, s.versions))
        .map((recipe) => {
          const alternative = m.entry.alternatives.find((a) => a.id === recipe.to);
          return { ...m, recipe, ...(alternative ? { alternative } : {}) };
        }),
    );
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
