/**
 * The knowledge base: native C libraries that Rust crates link, and what it
 * takes to link each one statically.
 *
 * One entry per library family (OpenSSL, SQLite, zlib, ...). An entry names the
 * crates involved: the `-sys` crate that links the library (`role = "sys"`),
 * the wrappers that reach it and can switch it (`role = "wrapper"`: features to
 * vendor it, or to swap it for a pure-Rust alternative), and crates that carry
 * a `links` key without linking anything (`role = "links-only"`).
 *
 * Sources are TOML files in `knowledge-base/` (kebab-case keys, described by
 * `knowledge-base/schema.json`); `knowledge-base/knowledge-base.json` is the
 * compiled form (camelCase, the types below), committed and kept in sync by a
 * test. At run time only the JSON is read: about a millisecond.
 *
 * Every `versions` value is a semver range over published versions
 * (comparators separated by spaces or commas, each with an operator, e.g.
 * `">=0.12.4, <0.13.0-0"`; pre-releases compare by their order). A range's
 * lower bound is the oldest version the claim was checked against in the
 * crates.io index (or the version that introduced a feature, `since`); its
 * upper bound is the next semver-incompatible release unless a removal is
 * recorded (`until`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parse as parseToml } from 'smol-toml';
import { UserError } from '../errors.js';

// ---------------------------------------------------------------------------
// Types (the compiled form; the TOML sources use the same names in kebab-case)

export const CATEGORIES = [
  'tls',
  'crypto',
  'compression',
  'database',
  'vcs',
  'ssh',
  'http',
  'messaging',
  'ipc',
  'audio',
  'desktop',
  'font',
  'hardware',
  'allocator',
  'regex',
  'none',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a static build needs on the build machine, besides rustc and the target's linker. */
export const REQUIREMENTS = ['c-compiler', 'cxx-compiler', 'perl', 'make', 'cmake', 'libclang', 'go', 'nasm', 'autotools'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

const REQUIREMENT_TEXT: Record<Requirement, string> = {
  'c-compiler': 'a C compiler for the target',
  'cxx-compiler': 'a C++ compiler for the target',
  perl: 'perl',
  make: 'make',
  cmake: 'cmake',
  libclang: 'libclang',
  go: 'Go',
  nasm: 'nasm',
  autotools: 'autotools',
};

/** What a build needs, in words (`a C compiler for the target`, `perl`), each once, in order. */
export function requirementText(r: readonly Requirement[]): string[] {
  return [...new Set(r)].map((x) => REQUIREMENT_TEXT[x]);
}

/**
 * How a `-sys` crate links its library when none of its static options is on:
 * - `system`: it uses the system library (pkg-config, `*_DIR` variables, ...):
 *   linked dynamically when found, and the build or the link fails when the
 *   target has none (the usual case when cross-compiling for musl);
 * - `bundled-fallback`: the system library when pkg-config finds one (dynamic),
 *   else it builds its bundled source and links it statically;
 * - `static`: it always builds the bundled source and links it statically
 *   (its `dynamicOptions` opt into the system library).
 */
export const WITHOUT_STATIC = ['system', 'bundled-fallback', 'static'] as const;
export type WithoutStatic = (typeof WITHOUT_STATIC)[number];

export const ROLES = ['sys', 'wrapper', 'links-only'] as const;
export type CrateRole = (typeof ROLES)[number];

interface OptionBase {
  /** Versions of the crate that have this option (see the module comment). */
  versions: string;
  /** What the option needs to build, on top of the crate's `buildRequires`. */
  requires: Requirement[];
  note?: string;
}

/** A cargo feature that makes the library static. */
export interface FeatureStaticOption extends OptionBase {
  kind: 'feature';
  feature: string;
  /** First version with the feature; `previous` is the version published just before it (checked to lack it). */
  since?: string;
  previous?: string;
  /** First version without the feature again; `lastWith` is the last version that has it. */
  until?: string;
  lastWith?: string;
  /** What the feature turns on in the index (`dep/feature` values, dependency renames resolved), for wrappers. */
  enables: string[];
}

/** An environment variable read by the build script (`[env]` in `.cargo/config.toml` or the shell). */
export interface EnvStaticOption extends OptionBase {
  kind: 'env';
  env: string;
  value: string;
}

export type StaticOption = FeatureStaticOption | EnvStaticOption;

/** A feature that opts into the system library although the crate builds statically without it. */
export interface DynamicOption {
  feature: string;
  versions: string;
  note?: string;
}

/** Features of a wrapper that bring the family's library in (for explanations and switch recipes). */
export interface NativeFeatures {
  versions: string;
  features: string[];
  note?: string;
}

/** `features.default` of a crate over a range of versions, as the index records it. */
export interface DefaultsClaim {
  versions: string;
  features: string[];
}

/**
 * How to move a wrapper off the native library by flipping its features, at a
 * range of its versions. Applied to a dependency declaration:
 * remove `disable` features; replace each `replace` key present by its value;
 * add `enable`; when `defaultFeatures` is false, write
 * `default-features = false` and list `restore` (the defaults still wanted).
 */
export interface SwitchRecipe {
  versions: string;
  /** Id of an alternative of the same entry. */
  to: string;
  disable: string[];
  replace: Record<string, string>;
  enable: string[];
  defaultFeatures: boolean;
  restore: string[];
  /** Ids of entries the switched-to features pull in (e.g. `ring`: C code built with the target's C compiler). */
  brings: string[];
  note?: string;
}

export interface CrateSpec {
  name: string;
  role: CrateRole;
  /** Exact `links` value, when it does not change between releases. */
  links?: string;
  /** Prefix of `links` values that carry the version (`ring_core_0_17_8`, `aws_lc_0_16_0`). */
  linksPrefix?: string;
  /** For wrappers: the crates of the entry they reach the library through. */
  wraps: string[];
  /** For `sys` crates. */
  withoutStatic?: WithoutStatic;
  withoutStaticNote?: string;
  /** What building the bundled source needs, whichever option selects it. */
  buildRequires: Requirement[];
  staticOptions: StaticOption[];
  dynamicOptions: DynamicOption[];
  nativeFeatures: NativeFeatures[];
  defaults: DefaultsClaim[];
  switches: SwitchRecipe[];
  docs: string[];
  /** Index versions this crate's claims were checked against (recorded in test/fixtures/crates-index). */
  checkedAgainst: string[];
  note?: string;
}

/** A replacement for the native library: another crate (a code change) or a backend chosen by features. */
export interface Alternative {
  id: string;
  name: string;
  crates: string[];
  /** True when it builds no C at all. */
  pureRust: boolean;
  brings: string[];
  docs: string[];
  note?: string;
}

export interface KnowledgeBaseEntry {
  id: string;
  name: string;
  category: Category;
  /** The system library, as a distribution packages it (absent for links-only entries). */
  systemLibrary?: string;
  summary: string;
  crates: CrateSpec[];
  alternatives: Alternative[];
  docs: string[];
  /** Where the entry comes from: `knowledge-base/<file>` or `config`. */
  source: string;
}

export interface CompiledKnowledgeBase {
  /** Source files, relative to `knowledge-base/`. */
  sources: string[];
  entries: KnowledgeBaseEntry[];
}

/** A problem in an entry: `path` names the key, e.g. `knowledge-base[0].crates[1].static-options[0].versions`. */
export interface KnowledgeBaseIssue {
  path: string;
  message: string;
}

export interface CrateMatch {
  entry: KnowledgeBaseEntry;
  crate: CrateSpec;
}

export interface SwitchMatch extends CrateMatch {
  recipe: SwitchRecipe;
  alternative?: Alternative;
}

/** How a `-sys` crate ends up linked, given its version and activated features. */
export interface Linkage {
  /** `static-unless-found`: bundled-fallback without a static option (depends on what pkg-config finds). */
  kind: 'static' | 'static-unless-found' | 'system';
  /** The static option that is on. */
  via?: StaticOption;
  /** The feature that opts into the system library. */
  forcedBy?: DynamicOption;
  /** What the build needs for the static result (empty for `system`). */
  requires: Requirement[];
}

// ---------------------------------------------------------------------------
// Version ranges

const COMPARATOR = /^(?:>=|<=|>|<|=|\^|~)?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const rangeCache = new Map<string, semver.Range | null>();

/** Parses a knowledge-base range; null when it is not one (every comparator needs an operator and a full version). */
export function parseVersionRange(text: string): semver.Range | null {
  let r = rangeCache.get(text);
  if (r !== undefined) return r;
  r = null;
  const alternatives = text.split('||').map((a) => a.split(/[\s,]+/).filter(Boolean));
  const ok =
    alternatives.length > 0 &&
    alternatives.every((a) => a.length > 0 && a.every((c) => c === '*' || (COMPARATOR.test(c) && /^[<>=^~]/.test(c))));
  if (ok) {
    try {
      r = new semver.Range(alternatives.map((a) => a.join(' ')).join(' || '), { includePrerelease: true });
    } catch {
      r = null;
    }
  }
  rangeCache.set(text, r);
  return r;
}

/** True when `version` is in the knowledge-base range `range` (false for an unparsable version or range). */
export function versionIn(version: string, range: string): boolean {
  const r = parseVersionRange(range);
  return r !== null && semver.valid(version) !== null && r.test(version);
}

// ---------------------------------------------------------------------------
// Validation and normalization of source entries (kebab-case, as in TOML)

type Raw = Record<string, unknown>;

const isTable = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const CRATE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;
const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/;

class Checker {
  readonly issues: KnowledgeBaseIssue[] = [];
  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  keys(t: Raw, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(t)) if (!allowed.includes(k)) this.issue(`${path}.${k}`, 'unknown key');
  }
  str(t: Raw, key: string, path: string, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const v = t[key];
    if (v === undefined) {
      if (opts.required) this.issue(`${path}.${key}`, 'missing');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.issue(`${path}.${key}`, 'must be a non-empty string');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.issue(`${path}.${key}`, `${JSON.stringify(v)} is not ${opts.what ?? 'valid'}`);
      return undefined;
    }
    return v;
  }
  oneOf<T extends string>(t: Raw, key: string, path: string, values: readonly T[], required: boolean): T | undefined {
    const v = this.str(t, key, path, { required });
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) {
      this.issue(`${path}.${key}`, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
      return undefined;
    }
    return v as T;
  }
  strings(t: Raw, key: string, path: string, opts: { pattern?: RegExp; what?: string; nonEmpty?: boolean } = {}): string[] {
    const v = t[key];
    if (v === undefined) {
      if (opts.nonEmpty) this.issue(`${path}.${key}`, 'missing');
      return [];
    }
    if (!Array.isArray(v)) {
      this.issue(`${path}.${key}`, 'must be an array of strings');
      return [];
    }
    if (opts.nonEmpty && v.length === 0) this.issue(`${path}.${key}`, 'must not be empty');
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x !== 'string' || x === '') this.issue(`${path}.${key}[${i}]`, 'must be a non-empty string');
      else if (opts.pattern && !opts.pattern.test(x)) this.issue(`${path}.${key}[${i}]`, `${JSON.stringify(x)} is not ${opts.what ?? 'valid'}`);
      else out.push(x);
    });
    return out;
  }
  bool(t: Raw, key: string, path: string, dflt: boolean): boolean {
    const v = t[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') {
      this.issue(`${path}.${key}`, 'must be true or false');
      return dflt;
    }
    return v;
  }
  range(t: Raw, key: string, path: string): string | undefined {
    const v = this.str(t, key, path, { required: true });
    if (v !== undefined && parseVersionRange(v) === null) {
      this.issue(`${path}.${key}`, `${JSON.stringify(v)} is not a version range (comparators like ">=1.2.3", "<2.0.0-0", separated by commas)`);
      return undefined;
    }
    return v;
  }
  version(t: Raw, key: string, path: string): string | undefined {
    const v = this.str(t, key, path);
    if (v !== undefined && semver.valid(v) === null) {
      this.issue(`${path}.${key}`, `${JSON.stringify(v)} is not a version`);
      return undefined;
    }
    return v;
  }
  tables(t: Raw, key: string, path: string): [Raw, string][] {
    const v = t[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.issue(`${path}.${key}`, 'must be an array of tables');
      return [];
    }
    const out: [Raw, string][] = [];
    v.forEach((x, i) => {
      if (!isTable(x)) this.issue(`${path}.${key}[${i}]`, 'must be a table');
      else out.push([x, `${path}.${key}[${i}]`]);
    });
    return out;
  }
  requirements(t: Raw, key: string, path: string): Requirement[] {
    const out: Requirement[] = [];
    this.strings(t, key, path).forEach((r, i) => {
      if ((REQUIREMENTS as readonly string[]).includes(r)) out.push(r as Requirement);
      else this.issue(`${path}.${key}[${i}]`, `must be one of ${REQUIREMENTS.join(', ')}`);
    });
    return out;
  }
}

const URL_RE = /^https:\/\/\S+$/;
const ENTRY_KEYS = ['id', 'name', 'category', 'system-library', 'summary', 'docs', 'crates', 'alternatives'] as const;
const CRATE_KEYS = [
  'name',
  'role',
  'links',
  'links-prefix',
  'wraps',
  'without-static',
  'without-static-note',
  'build-requires',
  'static-options',
  'dynamic-options',
  'native-features',
  'defaults',
  'switch',
  'docs',
  'checked-against',
  'note',
] as const;

function optional<T extends object>(key: string, v: string | undefined): Partial<T> {
  return v === undefined ? {} : ({ [key]: v } as Partial<T>);
}

function readStaticOption(c: Checker, t: Raw, path: string): StaticOption | undefined {
  c.keys(t, path, ['feature', 'env', 'value', 'versions', 'since', 'previous', 'until', 'last-with', 'requires', 'enables', 'note']);
  const versions = c.range(t, 'versions', path);
  const requires = c.requirements(t, 'requires', path);
  const note = c.str(t, 'note', path);
  if ((t.feature === undefined) === (t.env === undefined)) {
    c.issue(path, 'needs exactly one of `feature` and `env`');
    return undefined;
  }
  if (t.env !== undefined) {
    for (const k of ['since', 'previous', 'until', 'last-with', 'enables']) if (t[k] !== undefined) c.issue(`${path}.${k}`, 'only for a `feature` option');
    const env = c.str(t, 'env', path, { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name' });
    const value = t.value === undefined ? '1' : c.str(t, 'value', path);
    if (env === undefined || value === undefined || versions === undefined) return undefined;
    return { kind: 'env', env, value, versions, requires, ...optional<EnvStaticOption>('note', note) };
  }
  if (t.value !== undefined) c.issue(`${path}.value`, 'only for an `env` option');
  const feature = c.str(t, 'feature', path, { pattern: FEATURE, what: 'a feature name' });
  const since = c.version(t, 'since', path);
  const previous = c.version(t, 'previous', path);
  const until = c.version(t, 'until', path);
  const lastWith = c.version(t, 'last-with', path);
  if ((since === undefined) !== (previous === undefined)) c.issue(path, '`since` and `previous` go together');
  if ((until === undefined) !== (lastWith === undefined)) c.issue(path, '`until` and `last-with` go together');
  if (versions !== undefined && since !== undefined && !versionIn(since, versions)) c.issue(`${path}.since`, `${since} is not in \`versions\``);
  if (versions !== undefined && previous !== undefined && versionIn(previous, versions)) c.issue(`${path}.previous`, `${previous} is in \`versions\``);
  if (versions !== undefined && until !== undefined && versionIn(until, versions)) c.issue(`${path}.until`, `${until} is in \`versions\``);
  if (versions !== undefined && lastWith !== undefined && !versionIn(lastWith, versions)) c.issue(`${path}.last-with`, `${lastWith} is not in \`versions\``);
  const enables = c.strings(t, 'enables', path, { pattern: /^[A-Za-z0-9_-]+\??\/[A-Za-z0-9_+.-]+$/, what: 'a `crate/feature` value' });
  if (feature === undefined || versions === undefined) return undefined;
  return {
    kind: 'feature',
    feature,
    versions,
    requires,
    enables,
    ...optional<FeatureStaticOption>('since', since),
    ...optional<FeatureStaticOption>('previous', previous),
    ...optional<FeatureStaticOption>('until', until),
    ...optional<FeatureStaticOption>('lastWith', lastWith),
    ...optional<FeatureStaticOption>('note', note),
  };
}

function readSwitch(c: Checker, t: Raw, path: string): SwitchRecipe | undefined {
  c.keys(t, path, ['versions', 'to', 'disable', 'replace', 'enable', 'default-features', 'restore', 'brings', 'note']);
  const versions = c.range(t, 'versions', path);
  const to = c.str(t, 'to', path, { required: true, pattern: ID, what: 'an alternative id' });
  const disable = c.strings(t, 'disable', path, { pattern: FEATURE, what: 'a feature name' });
  const enable = c.strings(t, 'enable', path, { pattern: FEATURE, what: 'a feature name' });
  const restore = c.strings(t, 'restore', path, { pattern: FEATURE, what: 'a feature name' });
  const brings = c.strings(t, 'brings', path, { pattern: ID, what: 'an entry id' });
  const defaultFeatures = c.bool(t, 'default-features', path, true);
  if (defaultFeatures && t.restore !== undefined) c.issue(`${path}.restore`, 'only with `default-features = false`');
  const replace: Record<string, string> = {};
  if (t.replace !== undefined) {
    if (!isTable(t.replace)) c.issue(`${path}.replace`, 'must be a table of feature = "feature"');
    else {
      for (const [k, v] of Object.entries(t.replace)) {
        if (!FEATURE.test(k)) c.issue(`${path}.replace.${k}`, 'is not a feature name');
        else if (typeof v !== 'string' || !FEATURE.test(v)) c.issue(`${path}.replace.${k}`, 'must be a feature name');
        else replace[k] = v;
      }
    }
  }
  if (disable.length === 0 && Object.keys(replace).length === 0 && enable.length === 0 && defaultFeatures) {
    c.issue(path, 'changes nothing: give `disable`, `replace`, `enable` or `default-features = false`');
  }
  const note = c.str(t, 'note', path);
  if (versions === undefined || to === undefined) return undefined;
  return { versions, to, disable, replace, enable, defaultFeatures, restore, brings, ...optional<SwitchRecipe>('note', note) };
}

function readCrate(c: Checker, t: Raw, path: string): CrateSpec | undefined {
  c.keys(t, path, CRATE_KEYS);
  const name = c.str(t, 'name', path, { required: true, pattern: CRATE_NAME, what: 'a crate name' });
  const role = c.oneOf(t, 'role', path, ROLES, true);
  const links = c.str(t, 'links', path);
  const linksPrefix = c.str(t, 'links-prefix', path);
  if (links !== undefined && linksPrefix !== undefined) c.issue(path, '`links` and `links-prefix` exclude each other');
  const withoutStatic = c.oneOf(t, 'without-static', path, WITHOUT_STATIC, role === 'sys');
  if (role !== undefined && role !== 'sys' && t['without-static'] !== undefined) c.issue(`${path}.without-static`, 'only for `role = "sys"`');
  const withoutStaticNote = c.str(t, 'without-static-note', path);
  const wraps = c.strings(t, 'wraps', path, { pattern: CRATE_NAME, what: 'a crate name' });
  if (role !== undefined && role !== 'wrapper' && t.wraps !== undefined) c.issue(`${path}.wraps`, 'only for `role = "wrapper"`');
  const buildRequires = c.requirements(t, 'build-requires', path);
  const staticOptions = c
    .tables(t, 'static-options', path)
    .map(([o, p]) => readStaticOption(c, o, p))
    .filter((x): x is StaticOption => x !== undefined);
  const dynamicOptions = c.tables(t, 'dynamic-options', path).flatMap(([o, p]): DynamicOption[] => {
    c.keys(o, p, ['feature', 'versions', 'note']);
    const feature = c.str(o, 'feature', p, { required: true, pattern: FEATURE, what: 'a feature name' });
    const versions = c.range(o, 'versions', p);
    const note = c.str(o, 'note', p);
    return feature && versions ? [{ feature, versions, ...optional<DynamicOption>('note', note) }] : [];
  });
  const nativeFeatures = c.tables(t, 'native-features', path).flatMap(([o, p]): NativeFeatures[] => {
    c.keys(o, p, ['versions', 'features', 'note']);
    const versions = c.range(o, 'versions', p);
    const features = c.strings(o, 'features', p, { pattern: FEATURE, what: 'a feature name', nonEmpty: true });
    const note = c.str(o, 'note', p);
    return versions ? [{ versions, features, ...optional<NativeFeatures>('note', note) }] : [];
  });
  const defaults = c.tables(t, 'defaults', path).flatMap(([o, p]): DefaultsClaim[] => {
    c.keys(o, p, ['versions', 'features']);
    const versions = c.range(o, 'versions', p);
    if (!Array.isArray(o.features)) c.issue(`${p}.features`, 'missing');
    const features = c.strings(o, 'features', p, { pattern: FEATURE, what: 'a feature name' });
    return versions ? [{ versions, features }] : [];
  });
  const switches = c
    .tables(t, 'switch', path)
    .map(([o, p]) => readSwitch(c, o, p))
    .filter((x): x is SwitchRecipe => x !== undefined);
  const docs = c.strings(t, 'docs', path, { pattern: URL_RE, what: 'an https URL' });
  const checkedAgainst = c.strings(t, 'checked-against', path);
  checkedAgainst.forEach((v, i) => {
    if (semver.valid(v) === null) c.issue(`${path}.checked-against[${i}]`, `${JSON.stringify(v)} is not a version`);
  });
  const note = c.str(t, 'note', path);
  if (role === 'links-only') {
    if (links === undefined && linksPrefix === undefined) c.issue(path, 'a links-only crate needs `links` or `links-prefix`');
    if (staticOptions.length || dynamicOptions.length || switches.length) c.issue(path, 'a links-only crate has no options or switches');
  }
  if (role === 'wrapper' && wraps.length === 0 && staticOptions.length === 0 && switches.length === 0 && nativeFeatures.length === 0) {
    c.issue(path, 'a wrapper needs `wraps`, `static-options`, `switch` or `native-features`');
  }
  if (name === undefined || role === undefined) return undefined;
  return {
    name,
    role,
    ...optional<CrateSpec>('links', links),
    ...optional<CrateSpec>('linksPrefix', linksPrefix),
    wraps,
    ...optional<CrateSpec>('withoutStatic', withoutStatic),
    ...optional<CrateSpec>('withoutStaticNote', withoutStaticNote),
    buildRequires,
    staticOptions,
    dynamicOptions,
    nativeFeatures,
    defaults,
    switches,
    docs,
    checkedAgainst,
    ...optional<CrateSpec>('note', note),
  };
}

function readEntry(c: Checker, raw: unknown, path: string, source: string): KnowledgeBaseEntry | undefined {
  if (!isTable(raw)) {
    c.issue(path, 'must be a table');
    return undefined;
  }
  const before = c.issues.length;
  c.keys(raw, path, ENTRY_KEYS);
  const id = c.str(raw, 'id', path, { required: true, pattern: ID, what: 'an id (lower case, digits, dashes)' });
  const name = c.str(raw, 'name', path, { required: true });
  const category = c.oneOf(raw, 'category', path, CATEGORIES, true);
  const systemLibrary = c.str(raw, 'system-library', path);
  const summary = c.str(raw, 'summary', path, { required: true });
  const docs = c.strings(raw, 'docs', path, { pattern: URL_RE, what: 'an https URL' });
  if (!Array.isArray(raw.crates) || raw.crates.length === 0) c.issue(`${path}.crates`, 'needs at least one crate');
  const crates = c
    .tables(raw, 'crates', path)
    .map(([t, p]) => readCrate(c, t, p))
    .filter((x): x is CrateSpec => x !== undefined);
  const alternatives = c.tables(raw, 'alternatives', path).flatMap(([t, p]): Alternative[] => {
    c.keys(t, p, ['id', 'name', 'crates', 'pure-rust', 'brings', 'docs', 'note']);
    const aid = c.str(t, 'id', p, { required: true, pattern: ID, what: 'an id' });
    const aname = c.str(t, 'name', p, { required: true });
    const acrates = c.strings(t, 'crates', p, { pattern: CRATE_NAME, what: 'a crate name' });
    const pureRust = c.bool(t, 'pure-rust', p, false);
    const brings = c.strings(t, 'brings', p, { pattern: ID, what: 'an entry id' });
    const adocs = c.strings(t, 'docs', p, { pattern: URL_RE, what: 'an https URL' });
    const note = c.str(t, 'note', p);
    return aid && aname ? [{ id: aid, name: aname, crates: acrates, pureRust, brings, docs: adocs, ...optional<Alternative>('note', note) }] : [];
  });
  const seen = new Set<string>();
  crates.forEach((cr, i) => {
    if (seen.has(cr.name)) c.issue(`${path}.crates[${i}].name`, `crate \`${cr.name}\` is listed twice`);
    seen.add(cr.name);
  });
  const altIds = new Set(alternatives.map((a) => a.id));
  crates.forEach((cr, i) => {
    cr.switches.forEach((s, j) => {
      if (!altIds.has(s.to)) c.issue(`${path}.crates[${i}].switch[${j}].to`, `no alternative \`${s.to}\` in this entry`);
    });
    cr.wraps.forEach((w, j) => {
      if (!seen.has(w)) c.issue(`${path}.crates[${i}].wraps[${j}]`, `no crate \`${w}\` in this entry`);
    });
  });
  if (c.issues.length > before || id === undefined || name === undefined || category === undefined || summary === undefined) return undefined;
  return {
    id,
    name,
    category,
    ...optional<KnowledgeBaseEntry>('systemLibrary', systemLibrary),
    summary,
    crates,
    alternatives,
    docs,
    source,
  };
}

/**
 * Validates entries in the source form (kebab-case keys, as in TOML and in the
 * `knowledge-base` array of the configuration) and normalizes the valid ones.
 * `base` prefixes every issue path (`knowledge-base[2].crates[0].role`).
 */
export function validateEntries(raw: unknown[], base = 'knowledge-base', source = 'config'): { entries: KnowledgeBaseEntry[]; issues: KnowledgeBaseIssue[] } {
  const c = new Checker();
  const entries: KnowledgeBaseEntry[] = [];
  const ids = new Map<string, number>();
  raw.forEach((r, i) => {
    const e = readEntry(c, r, `${base}[${i}]`, source);
    if (!e) return;
    const dup = ids.get(e.id);
    if (dup !== undefined) c.issue(`${base}[${i}].id`, `\`${e.id}\` is also the id of ${base}[${dup}]`);
    else {
      ids.set(e.id, i);
      entries.push(e);
    }
  });
  return { entries, issues: c.issues };
}

/**
 * Compiles TOML sources (one entry per file) into the JSON the loader reads.
 * Throws with every issue when a source is invalid.
 */
export function compileKnowledgeBase(files: { name: string; text: string }[]): CompiledKnowledgeBase {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const c = new Checker();
  const entries: KnowledgeBaseEntry[] = [];
  for (const f of sorted) {
    let doc: unknown;
    try {
      doc = parseToml(f.text);
    } catch (e) {
      c.issue(f.name, `not valid TOML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const r = validateEntries([doc], f.name, `knowledge-base/${f.name}`);
    c.issues.push(...r.issues.map((i) => ({ ...i, path: i.path.replace(`${f.name}[0]`, f.name) })));
    entries.push(...r.entries);
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) c.issue(e.source, `duplicate entry id \`${e.id}\``);
    ids.add(e.id);
  }
  if (c.issues.length) throw new Error(`invalid knowledge base:\n${c.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  return { sources: sorted.map((f) => f.name), entries };
}

// ---------------------------------------------------------------------------
// Lookups

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

  constructor(entries: KnowledgeBaseEntry[]) {
    this.entries = entries;
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

// ---------------------------------------------------------------------------
// Loading

const JSON_CANDIDATES = ['../../knowledge-base/knowledge-base.json', '../../../knowledge-base/knowledge-base.json'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

let builtIn: CompiledKnowledgeBase | undefined;

/** Path of the compiled knowledge base shipped with the tool. */
export function compiledKnowledgeBasePath(): string {
  const found = JSON_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`knowledge base not found (looked for ${JSON_CANDIDATES.join(', ')})`);
  return found;
}

/** The built-in entries (read once per process). */
export function builtInEntries(): KnowledgeBaseEntry[] {
  builtIn ??= JSON.parse(readFileSync(compiledKnowledgeBasePath(), 'utf8')) as CompiledKnowledgeBase;
  return builtIn.entries;
}

/**
 * Merges validated extra entries over the built-in ones: an extra entry with
 * the id of a built-in one replaces it; others are added.
 */
export function mergeEntries(base: readonly KnowledgeBaseEntry[], extra: readonly KnowledgeBaseEntry[]): KnowledgeBaseEntry[] {
  const replaced = new Set(extra.map((e) => e.id));
  return [...base.filter((e) => !replaced.has(e.id)), ...extra];
}

/**
 * The knowledge base: the built-in entries plus `extra` entries from the
 * configuration (source form, kebab-case keys; see `knowledge-base/README.md`).
 * Throws a `UserError` naming every invalid key (`knowledge-base[0].crates[1].role: ...`).
 */
export function loadKnowledgeBase(extra: unknown[] = []): KnowledgeBase {
  const base = builtInEntries();
  if (extra.length === 0) return new KnowledgeBase(base);
  const { entries, issues } = validateEntries(extra);
  if (issues.length) {
    throw new UserError(
      `invalid knowledge-base entr${issues.length === 1 ? 'y' : 'ies'} in the configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      undefined,
      'see knowledge-base/README.md for the format',
    );
  }
  return new KnowledgeBase(mergeEntries(base, entries));
}
