/**
 * Feature resolution with cargo's semantics (cargo's `FeatureResolver`):
 * default features, optional dependencies and their implicit features, `dep:`,
 * weak `dep?/feat` (deferred until the dependency is activated), `dep/feat`,
 * renamed dependencies, unification. Resolver 1 unifies across targets, host
 * and dev dependencies; resolver 2 and 3 skip dependencies of inactive
 * platforms, resolve build dependencies and proc-macros (with everything they
 * pull in) separately as host units, and leave dev-dependencies out unless
 * they are built.
 */
import { platformMatches, type TargetInfo } from '../cfg/index.js';
import { UserError } from '../errors.js';
import type { FeatureCause, PackageKey } from './types.js';
import type { Summary, SummaryDep } from './packages.js';

/** Longer than any real chain of dependencies and features, and within what the recursive activation takes. */
export const MAX_CHAIN_DEPTH = 1000;

/** Which unit a package's features are for: the target artifact, or the host (build scripts, proc-macros). */
export type FeaturesFor = 0 | 1;
export const NORMAL: FeaturesFor = 0;
export const HOST: FeaturesFor = 1;

export interface FeatureOptions {
  resolver: 1 | 2 | 3;
  target: TargetInfo;
  /**
   * The host, for build dependencies and proc-macros. Asked only when a host
   * unit has a platform-specific dependency (never for the artifact graph itself).
   */
  host: () => TargetInfo;
  /** Build dev-dependencies of the selected members (tests, examples). */
  includeDev: boolean;
  /**
   * Resolve host units (build scripts, proc-macros) too (the default). With
   * `false` and resolver 2 or 3 they are left out: the artifact graph is the
   * same, and crates only they use are never read.
   */
  hostUnits?: boolean;
}

export interface RootRequest {
  key: PackageKey;
  /** Features asked on the command line for this member (`a`, `dep/feat`, `dep:x`). */
  features: string[];
  defaultFeatures: boolean;
  allFeatures: boolean;
  /**
   * Resolver 1 in a workspace with a root package: the package of the current
   * directory takes part in feature resolution even when `-p` selects others
   * (cargo's old command-line feature behaviour), without being a root of the
   * artifact graph.
   */
  featuresOnly?: boolean;
}

type FeatureValue = { kind: 'feature'; name: string } | { kind: 'dep'; dep: string } | { kind: 'dep-feature'; dep: string; feature: string; weak: boolean };

const fvCache = new Map<string, FeatureValue>();
function featureValue(s: string): FeatureValue {
  let v = fvCache.get(s);
  if (v) return v;
  const slash = s.indexOf('/');
  if (slash >= 0) {
    let dep = s.slice(0, slash);
    const weak = dep.endsWith('?');
    if (weak) dep = dep.slice(0, -1);
    v = { kind: 'dep-feature', dep: dep.startsWith('dep:') ? dep.slice(4) : dep, feature: s.slice(slash + 1), weak };
  } else if (s.startsWith('dep:')) v = { kind: 'dep', dep: s.slice(4) };
  else v = { kind: 'feature', name: s };
  fvCache.set(s, v);
  return v;
}

export interface ResolvedFeatures {
  opts: FeatureOptions;
  /** Activated features of a package for a unit kind. */
  features(key: PackageKey, fk: FeaturesFor): ReadonlySet<string> | undefined;
  /** Whether an optional dependency (by its name in the manifest) is activated. */
  isDepActivated(key: PackageKey, fk: FeaturesFor, depName: string): boolean;
  /**
   * The features of `key` a user would turn off to drop the optional dependency
   * `depName`, in activation order: the features that turn it on, followed up
   * through the features of `key` that enable them to those asked for from
   * outside (a dependent's declaration or `dep/feat`, the command line), or to
   * the features `default` lists when the defaults are what enable it (flate2's
   * `zlib` rather than its implicit feature `libz-sys`).
   */
  depActivatedBy(key: PackageKey, fk: FeaturesFor, depName: string): string[];
  featureCauses(key: PackageKey, fk: FeaturesFor): Map<string, FeatureCause> | undefined;
  /** The dependency declarations of a package that take part for this unit kind, with the unit kind of the dependency. */
  deps(key: PackageKey, fk: FeaturesFor): [SummaryDep, FeaturesFor][];
}

/**
 * Resolves the features of a set of roots as cargo's `FeatureResolver` does:
 * the same steps under the same names (`activate_pkg`, `activate_fv`,
 * `activate_rec`, `activate_dependency`, `activate_dep_feature`,
 * `fvs_from_dependency`, `deps`), then answers questions about the result.
 */
export function resolveFeatures(summaries: Map<PackageKey, Summary>, roots: RootRequest[], opts: FeatureOptions): ResolvedFeatures {
  const r = new FeatureResolver(summaries, roots, opts);
  r.resolveRoots(roots);
  return r.result();
}

const id = (key: PackageKey, fk: FeaturesFor) => `${fk}${key}`;

class FeatureResolver {
  private readonly decoupleHost: boolean;
  private readonly ignoreInactive: boolean;
  private readonly decoupleDev: boolean;
  /** Host units never change the features of target units once decoupled: left out when not asked for. */
  private readonly skipHost: boolean;
  /** Cargo resolves dev-dependencies of the requested packages only: a member reached as a path dependency brings none. */
  private readonly rootKeys: Set<PackageKey>;

  private readonly activated = new Map<string, Set<string>>();
  private readonly causes = new Map<string, Map<string, FeatureCause>>();
  private readonly activatedDeps = new Map<string, Map<string, string[]>>();
  private readonly processed = new Set<string>();
  private readonly deferredWeak = new Map<string, Map<string, FeatureCause>>();
  /** Features asked for from outside the package's own feature table. */
  private readonly external = new Map<string, Set<string>>();
  private readonly depsCache = new Map<string, [SummaryDep, FeaturesFor][]>();
  private readonly parentsCache = new Map<string, Map<string, string[]>>();
  /** Activation recurses along chains of dependencies and features, as cargo's does (see `deeper`). */
  private depth = 0;

  constructor(
    private readonly summaries: Map<PackageKey, Summary>,
    roots: RootRequest[],
    private readonly opts: FeatureOptions,
  ) {
    this.decoupleHost = opts.resolver >= 2;
    this.ignoreInactive = opts.resolver >= 2;
    this.decoupleDev = opts.resolver >= 2 && !opts.includeDev;
    this.skipHost = this.decoupleHost && opts.hostUnits === false;
    this.rootKeys = new Set(roots.map((r) => r.key));
  }

  /** With resolver 1 every unit shares one feature set. */
  private unit(fk: FeaturesFor): FeaturesFor {
    return this.decoupleHost ? fk : NORMAL;
  }

  resolveRoots(roots: RootRequest[]): void {
    for (const r of roots) {
      const s = this.summaries.get(r.key)!;
      const fvs = [...r.features];
      if (r.defaultFeatures && s.features.has('default')) fvs.push('default');
      if (r.allFeatures) {
        fvs.push(...s.features.keys());
        for (const d of s.deps) if (d.optional) fvs.push(`dep:${d.name}`);
      }
      this.activatePkg(r.key, NORMAL, fvs, { kind: 'cli' });
    }
  }

  private platformActive(d: SummaryDep, fk: FeaturesFor): boolean {
    if (!this.ignoreInactive || d.target === null) return true;
    return platformMatches(d.target, d.kind === 'build' || fk === HOST ? this.opts.host() : this.opts.target);
  }

  /** The dependency declarations of a package that take part for this unit kind, with the unit kind of each dependency (cargo's `deps`). */
  deps(key: PackageKey, fk: FeaturesFor): [SummaryDep, FeaturesFor][] {
    const k = id(key, fk);
    let out = this.depsCache.get(k);
    if (out) return out;
    out = [];
    const s = this.summaries.get(key)!;
    for (const d of s.deps) {
      if (d.kind === 'dev' && (this.decoupleDev || !this.rootKeys.has(key))) continue;
      if (!this.platformActive(d, fk)) continue;
      // A build dependency is a host unit without looking at it (it may never be read).
      const depFk: FeaturesFor = this.decoupleHost && (fk === HOST || d.kind === 'build' || this.summaries.get(d.to)!.procMacro) ? HOST : NORMAL;
      out.push([d, depFk]);
    }
    this.depsCache.set(k, out);
    return out;
  }

  /** The features a declaration asks of its dependency (cargo's `fvs_from_dependency`). */
  private fvsFromDependency(d: SummaryDep): string[] {
    const to = this.summaries.get(d.to)!;
    return d.default_features && to.features.has('default') ? [...d.features, 'default'] : d.features;
  }

  /** One step deeper; a chain longer than any real graph's is refused with this reason rather than overflowing the stack. */
  private deeper(key: PackageKey): void {
    if (++this.depth > MAX_CHAIN_DEPTH) {
      const pkg = this.summaries.get(key)!;
      throw new UserError(
        `the dependency graph is too deep to resolve: dependencies and features chain more than ${MAX_CHAIN_DEPTH} deep at \`${pkg.name} v${pkg.version}\``,
        undefined,
        'a real dependency graph is a few dozen crates deep; check Cargo.lock and the features for a generated chain',
      );
    }
  }

  /** cargo's `activate_pkg`: the features asked of a package, then, the first time, its non-optional dependencies. */
  private activatePkg(key: PackageKey, fk: FeaturesFor, fvs: string[], cause: FeatureCause): void {
    // Host units left out: what they would turn on stays off (the dependent's own features are still counted).
    if (this.skipHost && fk === HOST) return;
    this.deeper(key);
    try {
      const k = id(key, fk);
      if (!this.activated.has(k)) this.activated.set(k, new Set());
      for (const fv of fvs) this.activateFv(key, fk, featureValue(fv), cause);
      if (this.processed.has(k)) return;
      this.processed.add(k);
      for (const [d, depFk] of this.deps(key, fk)) {
        if (d.optional) continue;
        if (this.skipHost && depFk === HOST) continue;
        this.activatePkg(d.to, depFk, this.fvsFromDependency(d), { kind: 'dependency', from: key, depName: d.name });
      }
    } finally {
      this.depth--;
    }
  }

  /** cargo's `activate_fv`: one feature value (`f`, `dep:x`, `x/f`, `x?/f`). */
  private activateFv(key: PackageKey, fk: FeaturesFor, fv: FeatureValue, cause: FeatureCause): void {
    this.deeper(key);
    try {
      if (fv.kind === 'feature') this.activateRec(key, fk, fv.name, cause);
      else if (fv.kind === 'dep') this.activateDependency(key, fk, fv.dep, cause);
      else this.activateDepFeature(key, fk, fv.dep, fv.feature, fv.weak, cause);
    } finally {
      this.depth--;
    }
  }

  /** cargo's `activate_rec`: a feature of the package and, the first time, what it lists. */
  private activateRec(key: PackageKey, fk: FeaturesFor, feature: string, cause: FeatureCause): void {
    const k = id(key, fk);
    let set = this.activated.get(k);
    if (!set) this.activated.set(k, (set = new Set()));
    if (!(cause.kind === 'feature' && cause.from === key)) {
      let e = this.external.get(k);
      if (!e) this.external.set(k, (e = new Set()));
      e.add(feature);
    }
    if (set.has(feature)) return;
    set.add(feature);
    let c = this.causes.get(k);
    if (!c) this.causes.set(k, (c = new Map()));
    c.set(feature, cause);
    const values = this.summaries.get(key)!.features.get(feature);
    if (!values) return;
    const self: FeatureCause = { kind: 'feature', from: key, feature };
    for (const v of values) this.activateFv(key, fk, featureValue(v), self);
  }

  /**
   * cargo's `activate_dependency`: an optional dependency turned on, with the
   * weak `dep?/feat` asks deferred until now. `record`: false for a weak ask
   * on a dependency already on (it does not turn it on).
   */
  private activateDependency(key: PackageKey, fk: FeaturesFor, depName: string, cause: FeatureCause, record = true): void {
    const k = id(key, fk);
    let m = this.activatedDeps.get(k);
    if (!m) this.activatedDeps.set(k, (m = new Map()));
    const by = m.get(depName);
    const label = causeLabel(cause);
    if (!by) m.set(depName, record ? [label] : []);
    else if (record && !by.includes(label)) by.push(label);
    const dk = `${k}\0${depName}`;
    const toEnable = this.deferredWeak.get(dk);
    this.deferredWeak.delete(dk);
    const edgeCause = dependencyCause(key, depName, cause);
    for (const [d, depFk] of this.deps(key, fk)) {
      if (d.name !== depName) continue;
      if (this.skipHost && depFk === HOST) continue;
      // A deferred `dep?/feat` is caused by the feature that asked for it, not by what turned the dependency on.
      if (toEnable) for (const [f, c] of toEnable) this.activatePkg(d.to, depFk, [f], dependencyCause(key, depName, c));
      this.activatePkg(d.to, depFk, this.fvsFromDependency(d), edgeCause);
    }
  }

  /** cargo's `activate_dep_feature`: `dep/feat` (turning the dependency on) or a weak `dep?/feat` (deferred while it is off). */
  private activateDepFeature(key: PackageKey, fk: FeaturesFor, depName: string, feature: string, weak: boolean, cause: FeatureCause): void {
    const k = id(key, fk);
    for (const [d, depFk] of this.deps(key, fk)) {
      if (d.name !== depName) continue;
      if (d.optional) {
        if (weak && !this.activatedDeps.get(k)?.has(depName)) {
          const dk = `${k}\0${depName}`;
          let s = this.deferredWeak.get(dk);
          if (!s) this.deferredWeak.set(dk, (s = new Map()));
          if (!s.has(feature)) s.set(feature, cause);
          continue;
        }
        this.activateDependency(key, fk, depName, cause, !weak);
        // Before weak dependencies existed, `dep/feat` also enabled the implicit feature `dep`.
        if (!weak && this.summaries.get(key)!.features.has(depName)) this.activateRec(key, fk, depName, cause);
      }
      this.activatePkg(d.to, depFk, [feature], dependencyCause(key, depName, cause));
    }
  }

  /** The raw activators of a dependency followed up to the features a user asks for (see `depActivatedBy`). */
  private userFeatures(key: PackageKey, fk: FeaturesFor, raw: string[]): string[] {
    const k = id(key, fk);
    const on = this.activated.get(k);
    const asked = this.external.get(k);
    if (!on || !asked) return raw;
    const table = this.summaries.get(key)!.features;
    // Which active features enable each feature of the package directly (once per package: asked per optional edge).
    let parents = this.parentsCache.get(k);
    if (!parents) this.parentsCache.set(k, (parents = new Map()));
    else return fromRaw(raw, parents, asked);
    for (const g of on) {
      for (const v of table.get(g) ?? []) {
        const fv = featureValue(v);
        const child = fv.kind === 'feature' ? fv.name : fv.kind === 'dep-feature' && !fv.weak && table.has(fv.dep) ? fv.dep : null;
        if (child === null) continue;
        let list = parents.get(child);
        if (!list) parents.set(child, (list = []));
        if (!list.includes(g)) list.push(g);
      }
    }
    return fromRaw(raw, parents, asked);
  }

  result(): ResolvedFeatures {
    return {
      opts: this.opts,
      features: (key, fk) => this.activated.get(id(key, this.unit(fk))),
      isDepActivated: (key, fk, depName) => this.activatedDeps.get(id(key, this.unit(fk)))?.has(depName) ?? false,
      depActivatedBy: (key, fk, depName) => this.userFeatures(key, this.unit(fk), this.activatedDeps.get(id(key, this.unit(fk)))?.get(depName) ?? []),
      featureCauses: (key, fk) => this.causes.get(id(key, this.unit(fk))),
      deps: (key, fk) => this.deps(key, this.unit(fk)),
    };
  }
}

const dependencyCause = (key: PackageKey, depName: string, cause: FeatureCause): FeatureCause =>
  cause.kind === 'feature' && cause.from === key ? { kind: 'dependency', from: key, depName, viaFeature: cause.feature } : { kind: 'dependency', from: key, depName };

const causeLabel = (cause: FeatureCause): string => (cause.kind === 'feature' ? cause.feature : cause.kind === 'dependency' ? `(dependency ${cause.depName})` : `(${cause.kind})`);

/** Breadth first from each feature that turns a dependency on to the features asked from outside (the user's). */
function fromRaw(raw: string[], parents: Map<string, string[]>, asked: Set<string>): string[] {
  const out: string[] = [];
  const push = (f: string) => {
    if (!out.includes(f)) out.push(f);
  };
  for (const r of raw) {
    if (r.startsWith('(')) {
      push(r);
      continue;
    }
    // Breadth first from the feature that turns the dependency on, keeping the path's previous step.
    const below = new Map<string, string | null>([[r, null]]);
    const queue = [r];
    const found: string[] = [];
    while (queue.length) {
      const f = queue.shift()!;
      if (asked.has(f)) {
        // Asked for through the defaults: the feature `default` lists is the one to leave out.
        found.push(f === 'default' && below.get(f) !== null ? below.get(f)! : f);
      }
      for (const g of parents.get(f) ?? []) {
        if (below.has(g)) continue;
        below.set(g, f);
        queue.push(g);
      }
    }
    if (found.length) found.forEach(push);
    else push(r);
  }
  return out;
}
