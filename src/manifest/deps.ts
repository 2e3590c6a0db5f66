/**
 * Reading `[dependencies]`-style tables of a Cargo.toml into declarations,
 * shared by workspace members (which keep source positions) and published
 * manifests of vendored crates (which become index records).
 */
import { CfgSyntaxError, checkPlatform } from '../cfg/index.js';
import { isValidCrateName, type DepKind, type IndexDep } from '../crate/index.js';
import { isTable } from './toml.js';

export interface DepDecl extends IndexDep {
  /** `path = …` as written (resolved against the manifest's directory by the caller). */
  path?: string;
  git?: string;
  branch?: string;
  tag?: string;
  rev?: string;
  /** `registry = "name"` (an alternative registry by its config name). */
  registryName?: string;
  /** `dep.workspace = true` as written, before inheritance is applied. */
  workspace?: boolean;
  /** Key path of the declaring table, e.g. ["target", "cfg(unix)", "dependencies"]. */
  tablePath: string[];
  /** Whether `default-features` was written (legacy `default_features` included). */
  defaultFeaturesSet?: boolean;
  /**
   * Whether a version requirement was written. Without one (a path or git
   * dependency) cargo takes any version, pre-releases included.
   */
  versionSet?: boolean;
}

const KIND_TABLES: [string, DepKind][] = [
  ['dependencies', 'normal'],
  ['dev-dependencies', 'dev'],
  ['dev_dependencies', 'dev'],
  ['build-dependencies', 'build'],
  ['build_dependencies', 'build'],
];

export class ManifestShapeError extends Error {
  constructor(
    message: string,
    /** Key path of the offending value, for locating it in the source. */
    readonly keyPath: string[],
  ) {
    super(message);
  }
}

// The checks below take the key path of the table and the key's name apart, and
// join them only for an error: thousands of values are checked per run.
const at = (keyPath: string[], key?: string) => (key === undefined ? keyPath : [...keyPath, key]);

function str(v: unknown, keyPath: string[], key?: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ManifestShapeError(`\`${key ?? keyPath.at(-1)}\` must be a string`, at(keyPath, key));
  return v;
}

function bool(v: unknown, keyPath: string[], key?: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ManifestShapeError(`\`${key ?? keyPath.at(-1)}\` must be a boolean`, at(keyPath, key));
  return v;
}

function strArray(v: unknown, keyPath: string[], key?: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ManifestShapeError(`\`${key ?? keyPath.at(-1)}\` must be an array of strings`, at(keyPath, key));
  }
  return v as string[];
}

/** One dependency value (`"1.0"` or a table) to a declaration. */
export function readDep(key: string, value: unknown, kind: DepKind, target: string | null, tablePath: string[]): DepDecl {
  const kp = [...tablePath, key];
  // Names become index paths, vendor directories and URLs later: refuse what crates.io would.
  if (!isValidCrateName(key)) throw new ManifestShapeError(invalidName(key, 'dependency name'), kp);
  if (typeof value === 'string') {
    return { name: key, req: value, features: [], optional: false, default_features: true, target, kind, tablePath, versionSet: true };
  }
  if (!isTable(value)) throw new ManifestShapeError(`dependency \`${key}\` must be a version string or a table`, kp);
  const df = bool(value['default-features'], kp, 'default-features');
  const dfLegacy = bool(value.default_features, kp, 'default_features');
  const decl: DepDecl = {
    name: key,
    req: str(value.version, kp, 'version') ?? '*',
    features: strArray(value.features, kp, 'features') ?? [],
    optional: bool(value.optional, kp, 'optional') ?? false,
    default_features: df ?? dfLegacy ?? true,
    defaultFeaturesSet: df !== undefined || dfLegacy !== undefined,
    versionSet: value.version !== undefined,
    target,
    kind,
    package: str(value.package, kp, 'package') ?? null,
    tablePath,
  };
  if (decl.package !== null && decl.package !== undefined && !isValidCrateName(decl.package)) {
    throw new ManifestShapeError(invalidName(decl.package, 'package name'), [...kp, 'package']);
  }
  const path = str(value.path, kp, 'path');
  if (path !== undefined) decl.path = path;
  const git = str(value.git, kp, 'git');
  if (git !== undefined) {
    decl.git = git;
    decl.branch = str(value.branch, kp, 'branch');
    decl.tag = str(value.tag, kp, 'tag');
    decl.rev = str(value.rev, kp, 'rev');
  }
  const registry = str(value.registry, kp, 'registry');
  if (registry !== undefined) decl.registryName = registry;
  const registryIndex = str(value['registry-index'], kp, 'registry-index');
  if (registryIndex !== undefined) decl.registry = registryIndex;
  if (value.workspace !== undefined) {
    if (value.workspace !== true) throw new ManifestShapeError('`workspace` can only be `true`', [...kp, 'workspace']);
    decl.workspace = true;
  }
  return decl;
}

function invalidName(name: string, what: string): string {
  const bad = [...name].find((c) => !/[A-Za-z0-9_-]/.test(c));
  if (name === '') return `${what} cannot be empty`;
  if (bad !== undefined) return `invalid character \`${bad}\` in ${what}: \`${name}\`, characters must be ASCII letters, digits, \`-\` or \`_\``;
  if (name.length > 64) return `${what} \`${name}\` is longer than 64 characters`;
  return `invalid ${what} \`${name}\`: it must start with an ASCII letter`;
}

/** A declaration as an index record lists it: the fields the resolver reads, `registry` and `package` null when absent. */
export function indexFields(d: IndexDep): IndexDep & { registry: string | null; package: string | null } {
  return {
    name: d.name,
    req: d.req,
    features: d.features,
    optional: d.optional,
    default_features: d.default_features,
    target: d.target,
    kind: d.kind,
    registry: d.registry ?? null,
    package: d.package ?? null,
  };
}

/** Every dependency declaration of a manifest, in table order (plain tables first, then target tables). */
export function readAllDeps(doc: Record<string, unknown>): DepDecl[] {
  const out: DepDecl[] = [];
  const readTables = (scope: Record<string, unknown>, target: string | null, prefix: string[]) => {
    for (const [tableName, kind] of KIND_TABLES) {
      const table = scope[tableName];
      if (table === undefined) continue;
      const tablePath = [...prefix, tableName];
      if (!isTable(table)) throw new ManifestShapeError(`\`${tableName}\` must be a table`, tablePath);
      for (const [key, value] of Object.entries(table)) out.push(readDep(key, value, kind, target, tablePath));
    }
  };
  readTables(doc, null, []);
  const targets = doc.target;
  if (targets !== undefined) {
    if (!isTable(targets)) throw new ManifestShapeError('`target` must be a table', ['target']);
    for (const [spec, scope] of Object.entries(targets)) {
      if (!isTable(scope)) throw new ManifestShapeError(`\`target.${spec}\` must be a table`, ['target', spec]);
      try {
        checkPlatform(spec);
      } catch (e) {
        // cargo: "failed to parse `cfg(unix` as a cfg expression: …", here at the table header.
        if (e instanceof CfgSyntaxError) throw new ManifestShapeError(e.message, ['target', spec]);
        throw e;
      }
      readTables(scope, spec, ['target', spec]);
    }
  }
  return out;
}

/** `[features]` as a map of string arrays. */
export function readFeatures(doc: Record<string, unknown>): Record<string, string[]> {
  const f = doc.features;
  if (f === undefined) return {};
  if (!isTable(f)) throw new ManifestShapeError('`features` must be a table', ['features']);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(f)) out[k] = strArray(v, ['features', k]) ?? [];
  return out;
}

export function isProcMacro(doc: Record<string, unknown>): boolean {
  const lib = doc.lib;
  if (!isTable(lib)) return false;
  return lib['proc-macro'] === true || lib.proc_macro === true;
}
