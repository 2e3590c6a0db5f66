/**
 * What each edit means, on the data smol-toml reads from a manifest. The
 * spliced text must parse back to exactly this; it is also where edits that
 * cargo would reject, or that do not fit the manifest, are refused.
 */
import type { TomlTable } from 'smol-toml';
import { isTable as isTomlTable } from '../../manifest/toml.js';
import { renderKeyPath, type TomlOut } from './render.js';
import { EditRefused, type DependencySpec, type DepTable, type ManifestEdit } from './types.js';

export function depTablePath(table: DepTable): string[] {
  if (table.kind === 'workspace') return ['workspace', 'dependencies'];
  return table.target === undefined ? [table.kind] : ['target', table.target, table.kind];
}

/** `[target.'cfg(unix)'.dependencies]`, as a header would read. */
export function describeTable(table: DepTable): string {
  return `[${renderKeyPath(depTablePath(table))}]`;
}

/** What later edits of the same call do to the dependency an `add-dependency` adds. */
export interface LaterEdits {
  /** Features they remove again. */
  removed: readonly string[];
  /** Whether one of them sets `default-features`. */
  setsDefaults: boolean;
}

const NO_LATER_EDITS: LaterEdits = { removed: [], setsDefaults: false };

/**
 * The manifest data with `edit` applied; `data` is left as it was. For
 * `add-dependency`, `later` says what later edits of the same call change of
 * the dependency again (features removed, `default-features` set): an existing
 * declaration that differs only there still satisfies it, so applying the
 * same edits twice changes nothing.
 */
export function intendedData(data: TomlTable, edit: ManifestEdit, later: LaterEdits = NO_LATER_EDITS): TomlTable {
  const out = cloneTable(data);
  const where = `\`${edit.key}\` in ${describeTable(edit.table)}`;
  const inherited = (dep: TomlTable) => edit.table.kind !== 'workspace' && dep.workspace === true;

  if (edit.op === 'add-dependency') {
    const table = tableAt(out, depTablePath(edit.table), true)!;
    const wanted = specData(edit.spec, edit.table, where);
    if (edit.key in table) {
      if (!sameData(table[edit.key], wanted) && !satisfiesSpec(table[edit.key], wanted, later)) {
        throw new EditRefused('invalid-edit', `${where} already exists with a different specification`);
      }
      return out;
    }
    table[edit.key] = wanted as TomlTable[string];
    return out;
  }

  const table = tableAt(out, depTablePath(edit.table), false);
  const found = table?.[edit.key];
  if (found === undefined) throw new EditRefused('not-found', `${where} does not exist`);
  if (typeof found !== 'string' && !isTable(found)) {
    throw new EditRefused('unsupported', `${where} is neither a version string nor a table`);
  }
  // `dep = "1"` means `dep = { version = "1" }`.
  const dep: TomlTable = typeof found === 'string' ? { version: found } : found;
  const setDep = () => {
    table![edit.key] = dep;
  };

  switch (edit.op) {
    case 'add-features': {
      const features = featureList(dep, where);
      const added = unique(edit.features).filter((f) => !features.includes(f));
      if (added.length > 0) {
        dep.features = [...features, ...added];
        setDep();
      }
      return out;
    }
    case 'remove-features': {
      if (dep.features === undefined) return out;
      const features = featureList(dep, where);
      const kept = features.filter((f) => !edit.features.includes(f));
      if (kept.length !== features.length) {
        dep.features = kept;
        setDep();
      }
      return out;
    }
    case 'set-default-features': {
      if (inherited(dep)) {
        throw new EditRefused(
          'invalid-edit',
          `cannot set default-features on ${where}: it is inherited with \`workspace = true\`, ` + `and default-features belongs in the root manifest's [workspace.dependencies]`,
        );
      }
      if ('default-features' in dep && 'default_features' in dep) {
        throw new EditRefused('invalid-edit', `${where} has both default-features and default_features, which cargo rejects; fix it by hand first`);
      }
      const legacy = 'default_features' in dep;
      const current = legacy ? dep.default_features : dep['default-features'];
      if (current !== undefined && typeof current !== 'boolean') {
        throw new EditRefused('unsupported', `default-features of ${where} is not a boolean`);
      }
      if ((current ?? true) === edit.value) return out;
      if (legacy) delete dep.default_features;
      dep['default-features'] = edit.value;
      setDep();
      return out;
    }
  }
}

/** A dependency written the way `cargo add` writes it: a bare version string when that is all. */
export function specData(spec: DependencySpec, table: DepTable, where: string): TomlOut {
  if (spec.workspace) {
    if (table.kind === 'workspace') {
      throw new EditRefused('invalid-edit', `${where} cannot itself inherit with \`workspace = true\``);
    }
    if (spec.defaultFeatures === false) {
      throw new EditRefused(
        'invalid-edit',
        `cannot add ${where} with \`workspace = true\` and default-features = false: ` + `default-features belongs in the root manifest's [workspace.dependencies]`,
      );
    }
    if (spec.version !== undefined || spec.package !== undefined) {
      throw new EditRefused('invalid-edit', `${where} inherits with \`workspace = true\` and cannot also set version or package`);
    }
  } else if (spec.version === undefined) {
    throw new EditRefused('invalid-edit', `${where} needs a version or \`workspace = true\``);
  }
  // cargo's key order: version, git/branch/tag/rev, path, workspace, registry,
  // package, default-features, features, optional.
  const out: { [key: string]: TomlOut } = {};
  if (spec.version !== undefined) out.version = spec.version;
  if (spec.workspace) out.workspace = true;
  if (spec.package !== undefined) out.package = spec.package;
  if (spec.defaultFeatures === false) out['default-features'] = false;
  if (spec.features !== undefined && spec.features.length > 0) out.features = unique(spec.features);
  if (spec.optional) out.optional = true;
  const keys = Object.keys(out);
  return keys.length === 1 && keys[0] === 'version' ? out.version! : out;
}

/**
 * True when an existing declaration already gives what a new one asks for:
 * the same version, source keys and `optional`, the features asked for among
 * its features, and `default-features = false` when asked. Later edits of the
 * same dependency (features added, defaults turned off) so leave a repeated
 * `add-dependency` a no-op.
 */
function satisfiesSpec(existing: unknown, wanted: TomlOut, later: LaterEdits): boolean {
  const asTable = (v: unknown): TomlTable | null => (typeof v === 'string' ? { version: v } : isTable(v) ? v : null);
  const have = asTable(existing);
  const want = asTable(wanted);
  if (!have || !want) return false;
  const own = new Set(['features', 'default-features', 'default_features']);
  for (const k of new Set([...Object.keys(have), ...Object.keys(want)])) {
    if (own.has(k)) continue;
    if (k === 'optional' ? (have[k] ?? false) !== (want[k] ?? false) : !sameData(have[k], want[k])) return false;
  }
  const features = Array.isArray(have.features) ? have.features : [];
  if (Array.isArray(want.features) && !want.features.every((f) => features.includes(f) || later.removed.includes(f as string))) return false;
  const defaults = have['default-features'] ?? have.default_features ?? true;
  return later.setsDefaults || want['default-features'] !== false || defaults === false;
}

function featureList(dep: TomlTable, where: string): string[] {
  const features = dep.features ?? [];
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw new EditRefused('unsupported', `the features of ${where} are not a list of strings`);
  }
  return features as string[];
}

function tableAt(root: TomlTable, path: readonly string[], create: boolean): TomlTable | undefined {
  let table = root;
  for (const [i, key] of path.entries()) {
    let next = table[key];
    if (next === undefined) {
      if (!create) return undefined;
      next = table[key] = {};
    }
    if (!isTable(next)) {
      throw new EditRefused('unsupported', `[${renderKeyPath(path.slice(0, i + 1))}] is not a table`);
    }
    table = next;
  }
  return table;
}

/** `isTable` of the TOML readers, typed for smol-toml's tables. */
export const isTable = (v: unknown): v is TomlTable => isTomlTable(v);

/** Copies tables and arrays; dates and other leaves are shared. */
function cloneTable(t: TomlTable): TomlTable {
  const out: TomlTable = {};
  for (const [k, v] of Object.entries(t)) out[k] = cloneValue(v) as TomlTable[string];
  return out;
}

function cloneValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneValue);
  return isTable(v) ? cloneTable(v) : v;
}

/**
 * Structural equality of parsed TOML data; key order does not matter, a
 * date equals a date written the same way.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.toISOString() === b.toISOString();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameData(a[k], b[k]));
  }
  return Object.is(a, b);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
