/**
 * Validation and normalization of knowledge-base entries in their source
 * form (kebab-case keys, as in the TOML files and in the `knowledge-base`
 * array of the configuration), without ajv: the same rules as
 * `knowledge-base/schema.json`, with a key path for every problem.
 */
import semverValid from 'semver/functions/valid.js';
import type { ConfiguredEntries } from '../config/preflight-config.js';
import { UserError } from '../errors.js';
import { checkPlatform } from '../cfg/index.js';
import { versionTest } from './proc-macros.js';
import {
  CATEGORIES,
  noCrateFacts,
  REQUIREMENTS,
  ROLES,
  WITHOUT_STATIC,
  type AllocatorCrate,
  type Alternative,
  type CrateVariant,
  type CrateFacts,
  type CrateSpec,
  type DefaultsClaim,
  type DlopenCrate,
  type DynamicOption,
  type EnvStaticOption,
  type FeatureStaticOption,
  type KnowledgeBaseEntry,
  type KnowledgeBaseIssue,
  type NameResolutionCrate,
  type NativeFeatures,
  type OwnResolver,
  type ProcMacroFacts,
  type Requirement,
  type RuntimeCrate,
  type StaticOption,
  type SwitchRecipe,
} from './types.js';
import { parseVersionRange, versionIn } from './versions.js';
import { isTable } from '../manifest/toml.js';

type Raw = Record<string, unknown>;

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
  range(t: Raw, key: string, path: string, required = true): string | undefined {
    const v = this.str(t, key, path, { required });
    if (v !== undefined && parseVersionRange(v) === null) {
      this.issue(`${path}.${key}`, `${JSON.stringify(v)} is not a version range (comparators like ">=1.2.3", "<2.0.0-0", separated by commas)`);
      return undefined;
    }
    return v;
  }
  version(t: Raw, key: string, path: string): string | undefined {
    const v = this.str(t, key, path);
    if (v !== undefined && semverValid(v) === null) {
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
  'when',
  'docs',
  'checked-against',
  'note',
] as const;

const VARIANT_KEYS = ['versions', 'target', 'features', 'without-static', 'without-static-note', 'build-requires', 'links', 'links-prefix', 'note'] as const;
const TARGET_SPEC = /^(?:cfg\(.+\)|[A-Za-z0-9_.-]+)$/s;

/** A `[[crates.when]]` table: facts of the crate that differ by release, target or feature. */
function readVariant(c: Checker, t: Raw, path: string, role: string | undefined): CrateVariant | undefined {
  c.keys(t, path, VARIANT_KEYS);
  const versions = c.range(t, 'versions', path, false);
  const target = c.str(t, 'target', path, { pattern: TARGET_SPEC, what: 'a target spec (`cfg(...)` or a triple)' });
  if (target?.startsWith('cfg(')) {
    try {
      checkPlatform(target);
    } catch (e) {
      c.issue(`${path}.target`, `${JSON.stringify(target)} is not a cfg expression: ${(e as Error).message}`);
    }
  }
  const features = t.features === undefined ? undefined : c.strings(t, 'features', path, { pattern: FEATURE, what: 'a feature name', nonEmpty: true });
  if (t.versions === undefined && t.target === undefined && t.features === undefined) c.issue(path, 'needs at least one of `versions`, `target` and `features`');
  const withoutStatic = c.oneOf(t, 'without-static', path, WITHOUT_STATIC, false);
  if (t['without-static'] !== undefined && role !== undefined && role !== 'sys') c.issue(`${path}.without-static`, 'only for `role = "sys"`');
  const withoutStaticNote = c.str(t, 'without-static-note', path);
  const buildRequires = t['build-requires'] === undefined ? undefined : c.requirements(t, 'build-requires', path);
  const links = c.str(t, 'links', path);
  const linksPrefix = c.str(t, 'links-prefix', path);
  if (links !== undefined && linksPrefix !== undefined) c.issue(path, '`links` and `links-prefix` exclude each other');
  // The index gives one `links` per release, whatever the target or features.
  if ((t.links !== undefined || t['links-prefix'] !== undefined) && (t.target !== undefined || t.features !== undefined)) {
    c.issue(path, '`links` differs by release only: give `versions` alone');
  }
  const note = c.str(t, 'note', path);
  if (withoutStatic === undefined && withoutStaticNote === undefined && buildRequires === undefined && links === undefined && linksPrefix === undefined) {
    c.issue(path, 'changes nothing: give `without-static`, `without-static-note`, `build-requires`, `links` or `links-prefix`');
  }
  return {
    ...optional<CrateVariant>('versions', versions),
    ...optional<CrateVariant>('target', target),
    ...(features ? { features } : {}),
    ...optional<CrateVariant>('withoutStatic', withoutStatic),
    ...optional<CrateVariant>('withoutStaticNote', withoutStaticNote),
    ...(buildRequires ? { buildRequires } : {}),
    ...optional<CrateVariant>('links', links),
    ...optional<CrateVariant>('linksPrefix', linksPrefix),
    ...optional<CrateVariant>('note', note),
  };
}

function optional<T extends object>(key: string, v: string | undefined): Partial<T> {
  return v === undefined ? {} : ({ [key]: v } as Partial<T>);
}

function readStaticOption(c: Checker, t: Raw, path: string): StaticOption | undefined {
  c.keys(t, path, ['feature', 'env', 'value', 'with', 'versions', 'since', 'previous', 'until', 'last-with', 'requires', 'enables', 'note']);
  const requires = c.requirements(t, 'requires', path);
  const note = c.str(t, 'note', path);
  if ((t.feature === undefined) === (t.env === undefined)) {
    c.issue(path, 'needs exactly one of `feature` and `env`');
    return undefined;
  }
  // The index tells which releases declare a feature: the first one is read there, never written here.
  for (const k of ['since', 'previous']) {
    if (t[k] !== undefined) c.issue(`${path}.${k}`, 'is read from the index (the first release that declares the feature), not written here');
  }
  if (t.env !== undefined) {
    // A build script's variable is not in the index: its versions are the knowledge base's record.
    const versions = c.range(t, 'versions', path);
    for (const k of ['until', 'last-with', 'enables']) if (t[k] !== undefined) c.issue(`${path}.${k}`, 'only for a `feature` option');
    const env = c.str(t, 'env', path, { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name' });
    const value = t.value === undefined ? '1' : c.str(t, 'value', path);
    const withText = c.str(t, 'with', path);
    if (env === undefined || value === undefined || versions === undefined) return undefined;
    return { kind: 'env', env, value, versions, requires, ...optional<EnvStaticOption>('with', withText), ...optional<EnvStaticOption>('note', note) };
  }
  // A feature's `versions` is kept only where its meaning changed between releases.
  const versions = c.range(t, 'versions', path, false);
  for (const k of ['value', 'with']) if (t[k] !== undefined) c.issue(`${path}.${k}`, 'only for an `env` option');
  const feature = c.str(t, 'feature', path, { pattern: FEATURE, what: 'a feature name' });
  const until = c.version(t, 'until', path);
  const lastWith = c.version(t, 'last-with', path);
  if ((until === undefined) !== (lastWith === undefined)) c.issue(path, '`until` and `last-with` go together');
  if (versions !== undefined && until !== undefined && versionIn(until, versions)) c.issue(`${path}.until`, `${until} is in \`versions\``);
  if (versions !== undefined && lastWith !== undefined && !versionIn(lastWith, versions)) c.issue(`${path}.last-with`, `${lastWith} is not in \`versions\``);
  const enables = c.strings(t, 'enables', path, { pattern: /^[A-Za-z0-9_-]+\??\/[A-Za-z0-9_+.-]+$/, what: 'a `crate/feature` value' });
  if (feature === undefined) return undefined;
  return {
    kind: 'feature',
    feature,
    ...optional<FeatureStaticOption>('versions', versions),
    requires,
    enables,
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
  const variants = c
    .tables(t, 'when', path)
    .map(([o, p]) => readVariant(c, o, p, role))
    .filter((x): x is CrateVariant => x !== undefined);
  const docs = c.strings(t, 'docs', path, { pattern: URL_RE, what: 'an https URL' });
  const checkedAgainst = c.strings(t, 'checked-against', path);
  checkedAgainst.forEach((v, i) => {
    if (semverValid(v) === null) c.issue(`${path}.checked-against[${i}]`, `${JSON.stringify(v)} is not a version`);
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
    variants,
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

/** `knowledge-base[0].crates[1].role` -> ["knowledge-base", 0, "crates", 1, "role"] */
function issuePath(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const idx = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...idx];
  });
}

/**
 * Validates the configuration's extra entries, one group (one settings
 * table's `knowledge-base` array) at a time, in order: a `UserError` located
 * at the first issue (`file:line:col`), listing every issue of the group.
 */
export function checkConfiguredEntries(groups: readonly ConfiguredEntries[]): void {
  for (const g of groups) {
    const { issues } = validateEntries(g.entries);
    if (!issues.length) continue;
    // Issue paths start with `knowledge-base`, the array itself.
    const first = issuePath(issues[0].path).slice(1);
    throw new UserError(
      `invalid knowledge-base entr${issues.length === 1 ? 'y' : 'ies'}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { path: g.path, ...g.locate(first) },
      'see knowledge-base/README.md for the format',
    );
  }
}

// ---------------------------------------------------------------------------
// Facts about single crates (`knowledge-base/crates/*.toml`)

const CRATE_FACTS_KEYS = ['dlopen', 'name-resolution', 'runtime', 'allocator', 'proc-macro'] as const;

/** `features` (and `unless`) of a table: feature names, none of them empty; absent stays absent. */
function featureList(c: Checker, t: Raw, key: string, path: string): { features?: string[] } {
  if (t[key] === undefined) return {};
  const list = c.strings(t, key, path, { pattern: FEATURE, what: 'a feature name', nonEmpty: true });
  return { [key]: list };
}

/**
 * Validates one source file of crate facts (kebab-case keys, as in TOML) and
 * adds what it holds to `into`. `path` prefixes every issue path
 * (`crates/dlopen.toml.dlopen[3].features[0]`).
 */
export function validateCrateFacts(raw: unknown, path: string, into: CrateFacts = noCrateFacts()): { facts: CrateFacts; issues: KnowledgeBaseIssue[] } {
  const c = new Checker();
  if (!isTable(raw)) {
    c.issue(path, 'must be a table');
    return { facts: into, issues: c.issues };
  }
  c.keys(raw, path, CRATE_FACTS_KEYS);
  const named = (t: Raw, p: string, keys: readonly string[]) => {
    c.keys(t, p, keys);
    return c.str(t, 'name', p, { required: true, pattern: CRATE_NAME, what: 'a crate name' });
  };
  for (const [t, p] of c.tables(raw, 'dlopen', path)) {
    const name = named(t, p, ['name', 'what', 'features', 'note']);
    const what = c.str(t, 'what', p, { required: true });
    const features = featureList(c, t, 'features', p);
    const note = c.str(t, 'note', p);
    if (name && what) into.dlopen.push({ name, what, ...features, ...optional<DlopenCrate>('note', note) });
  }
  for (const [t, p] of c.tables(raw, 'name-resolution', path)) {
    const name = named(t, p, ['name', 'what', 'features', 'unless', 'own-resolver', 'note']);
    const what = c.str(t, 'what', p, { required: true });
    const features = featureList(c, t, 'features', p);
    const unless = featureList(c, t, 'unless', p).features;
    const own = c.tables(t, 'own-resolver', p).flatMap(([o, op]): OwnResolver[] => {
      c.keys(o, op, ['versions', 'feature', 'crate']);
      const versions = c.range(o, 'versions', op);
      const feature = c.str(o, 'feature', op, { required: true, pattern: FEATURE, what: 'a feature name' });
      const crate = c.str(o, 'crate', op, { required: true, pattern: CRATE_NAME, what: 'a crate name' });
      return versions && feature && crate ? [{ versions, feature, crate }] : [];
    });
    const note = c.str(t, 'note', p);
    if (name && what) {
      into.nameResolution.push({
        name,
        what,
        ...features,
        ...(unless ? { unless } : {}),
        ...(t['own-resolver'] !== undefined ? { ownResolver: own } : {}),
        ...optional<NameResolutionCrate>('note', note),
      });
    }
  }
  for (const [t, p] of c.tables(raw, 'runtime', path)) {
    const name = named(t, p, ['name', 'what', 'features', 'note']);
    const what = c.str(t, 'what', p, { required: true });
    const features = featureList(c, t, 'features', p);
    const note = c.str(t, 'note', p);
    if (name && what) into.runtimes.push({ name, what, ...features, ...optional<RuntimeCrate>('note', note) });
  }
  for (const [t, p] of c.tables(raw, 'allocator', path)) {
    const name = named(t, p, ['name', 'note']);
    const note = c.str(t, 'note', p);
    if (name) into.allocators.push({ name, ...optional<AllocatorCrate>('note', note) });
  }
  const pm = raw['proc-macro'];
  if (pm !== undefined) {
    const p = `${path}.proc-macro`;
    if (!isTable(pm)) c.issue(p, 'must be a table');
    else {
      c.keys(pm, p, ['crates', 'libraries', 'by-version']);
      into.procMacro.crates.push(...c.strings(pm, 'crates', p, { pattern: CRATE_NAME, what: 'a crate name' }));
      into.procMacro.libraries.push(...c.strings(pm, 'libraries', p, { pattern: CRATE_NAME, what: 'a crate name' }));
      for (const [t, tp] of c.tables(pm, 'by-version', p)) {
        const name = named(t, tp, ['name', 'versions', 'note']);
        const versions = c.range(t, 'versions', tp);
        // The resolver tests these ranges without the semver package (start-up): plain comparators only.
        if (versions !== undefined && versionTest(versions) === null) {
          c.issue(`${tp}.versions`, `${JSON.stringify(versions)} uses \`^\` or \`~\`: write the bounds with >=, >, <=, < or =`);
        }
        const note = c.str(t, 'note', tp);
        if (name && versions) into.procMacro.byVersion.push({ name, versions, ...optional<ProcMacroFacts['byVersion'][number]>('note', note) });
      }
    }
  }
  return { facts: into, issues: c.issues };
}
