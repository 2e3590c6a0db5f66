/**
 * Cargo.lock reader: versions 1 (with `[metadata]` checksums), 2, 3 and 4.
 * The lockfile is authoritative for versions and for the dependency edges
 * between packages; features are not in it and are resolved later.
 */
import { UserError, lineColumnAt } from '../errors.js';
import { readTextFile } from '../io/text-file.js';
import { fullTomlParser, tomlUserError } from '../manifest/toml.js';
import { packageKey, type PackageKey } from './key.js';
import { isValidCrateName } from '../crate/index.js';

export const CRATES_IO_REGISTRY = 'registry+https://github.com/rust-lang/crates.io-index';
export const CRATES_IO_SPARSE = 'sparse+https://index.crates.io/';

export interface LockedPackage {
  key: PackageKey;
  name: string;
  version: string;
  /** Source string as written (`registry+…`, `sparse+…`, `git+…#commit`), null for path packages. */
  source: string | null;
  checksum: string | null;
  /** Keys of the packages this one depends on, in lockfile order. */
  dependencies: PackageKey[];
  /** `replace = "…"`: the package `[replace]` put in this one's place. */
  replace?: PackageKey;
}

export interface Lockfile {
  path: string;
  /** 1 to 4; files without a `version` key are 1 when they have `[metadata]` checksums, else 2. */
  version: number;
  packages: Map<PackageKey, LockedPackage>;
  /** Packages by crate name (several versions may coexist). */
  byName: Map<string, LockedPackage[]>;
}

export function isCratesIo(source: string | null): boolean {
  return source === CRATES_IO_REGISTRY || source === CRATES_IO_SPARSE;
}

export function sourceKind(source: string | null): 'path' | 'registry' | 'sparse' | 'git' | 'other' {
  if (source === null) return 'path';
  if (source.startsWith('registry+')) return 'registry';
  if (source.startsWith('sparse+')) return 'sparse';
  if (source.startsWith('git+')) return 'git';
  return 'other';
}

interface RawPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  checksum?: unknown;
  dependencies?: unknown;
  replace?: unknown;
}

export function readLockfile(path: string): Lockfile {
  let text: string;
  try {
    text = readTextFile(path, { what: 'lockfile' });
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new UserError('no Cargo.lock found; cargo-preflight reads the versions cargo locked', { path }, 'run `cargo generate-lockfile` in the workspace root, then try again');
    }
    throw new UserError(`could not read Cargo.lock: ${err.message}`, { path });
  }
  return parseLockfile(text, path);
}

export function parseLockfile(text: string, path: string): Lockfile {
  let doc: Record<string, unknown>;
  try {
    // The full parser (loaded only then) for a lockfile the line reader declines.
    doc = cargoWrittenLock(text) ?? (fullTomlParser().parse(text) as Record<string, unknown>);
  } catch (e) {
    throw tomlUserError(e, 'invalid TOML in lockfile', path);
  }
  const at = (needle: string) => locate(text, path, needle);
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  let version: number;
  if (doc.version === undefined) {
    version = Object.keys(metadata).some((k) => k.startsWith('checksum ')) ? 1 : 2;
  } else if (typeof doc.version === 'number' && Number.isInteger(doc.version)) {
    version = doc.version;
    if (version < 1 || version > 4) {
      throw new UserError(`lockfile version ${version} is not supported (versions 1 to 4 are)`, at('version'), 'a newer cargo wrote this file; a newer cargo-preflight may read it');
    }
  } else {
    throw new UserError('lockfile `version` must be an integer', at('version'));
  }

  const rawPackages: RawPackage[] = [];
  if (doc.root && typeof doc.root === 'object') rawPackages.push(doc.root as RawPackage);
  if (doc.package !== undefined) {
    if (!Array.isArray(doc.package)) throw new UserError('`package` must be an array of tables', at('package'));
    rawPackages.push(...(doc.package as RawPackage[]));
  }

  const packages = new Map<PackageKey, LockedPackage>();
  const byName = new Map<string, LockedPackage[]>();
  const rawDeps: string[][] = [];
  for (const raw of rawPackages) {
    const name = raw.name;
    const vers = raw.version;
    if (typeof name !== 'string' || typeof vers !== 'string') {
      throw new UserError('every [[package]] needs a string `name` and `version`', at(typeof name === 'string' ? `name = "${name}"` : '[[package]]'));
    }
    const source = typeof raw.source === 'string' ? raw.source : null;
    // Names become paths and URLs later: refuse anything crates.io would not accept.
    if (!isValidCrateName(name)) {
      throw new UserError(`invalid package name \`${name}\`: only ASCII letters, digits, \`-\` and \`_\` are allowed, starting with a letter`, at(`name = ${JSON.stringify(name)}`));
    }
    if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(vers)) {
      throw new UserError(`invalid version \`${vers}\` of package \`${name}\``, at(`version = "${vers}"`));
    }
    let checksum = typeof raw.checksum === 'string' ? raw.checksum : null;
    if (checksum === null && source) {
      const c = metadata[`checksum ${name} ${vers} (${source})`];
      if (typeof c === 'string' && c !== '<none>') checksum = c;
    }
    const key = packageKey(name, vers, source);
    if (packages.has(key)) throw new UserError(`package \`${name} ${vers}\` is listed twice`, at(`name = "${name}"`));
    const deps = raw.dependencies ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) {
      throw new UserError(`\`dependencies\` of \`${name} ${vers}\` must be an array of strings`, at(`name = "${name}"`));
    }
    const pkg: LockedPackage = { key, name, version: vers, source, checksum, dependencies: [] };
    packages.set(key, pkg);
    rawDeps.push(deps as string[]);
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(pkg);
  }

  let i = 0;
  for (const pkg of packages.values()) {
    const raw = rawPackages[i];
    for (const spec of rawDeps[i++]) pkg.dependencies.push(resolveDepSpec(spec, pkg, byName, at));
    if (typeof raw.replace === 'string') pkg.replace = resolveDepSpec(raw.replace, pkg, byName, at);
  }
  return { path, version, packages, byName };
}

/**
 * Cargo.lock as cargo writes it, read a line at a time with one regular
 * expression (the general TOML parser is several times slower on a lockfile
 * of hundreds of packages). Any line of another shape, an escape in a string
 * or a key given twice returns null, and the TOML parser reads the file
 * instead (and reports its errors).
 */
export function cargoWrittenLock(text: string): Record<string, unknown> | null {
  const LINE = /(?:#[^\n]*|\[\[package\]\]|\[metadata\]|([a-z]+) = "([^"\\\n]*)"|version = (\d+)|dependencies = \[(\])?| "([^"\\\n]*)",?|\]|"([^"\\\n]*)" = "([^"\\\n]*)"|[ \t]*)\r?(?:\n|$)/y;
  const doc: Record<string, unknown> = {};
  const packages: Record<string, unknown>[] = [];
  let metadata: Record<string, string> | null = null;
  let pkg: Record<string, unknown> | null = null;
  let deps: string[] | null = null;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length) {
    LINE.lastIndex = pos;
    const m = LINE.exec(text);
    if (!m || LINE.lastIndex === pos) return null;
    pos = LINE.lastIndex;
    const line = m[0];
    if (deps) {
      if (m[5] !== undefined) deps.push(m[5]);
      else if (line.startsWith(']')) deps = null;
      else if (line.trim() !== '') return null;
      continue;
    }
    if (m[1] !== undefined) {
      if (!pkg || m[1] in pkg) return null;
      pkg[m[1]] = m[2];
    } else if (m[3] !== undefined) {
      if (pkg || metadata || 'version' in doc) return null;
      doc.version = Number(m[3]);
    } else if (line.startsWith('dependencies')) {
      if (!pkg || 'dependencies' in pkg) return null;
      pkg.dependencies = deps = [];
      if (m[4] !== undefined) deps = null;
    } else if (line.startsWith('[[package]]')) {
      if (metadata) return null;
      packages.push((pkg = {}));
    } else if (line.startsWith('[metadata]')) {
      if (metadata) return null;
      pkg = null;
      doc.metadata = metadata = {};
    } else if (m[6] !== undefined) {
      if (!metadata || m[6] in metadata) return null;
      metadata[m[6]] = m[7];
    } else if (m[5] !== undefined || line.startsWith(']')) return null;
  }
  if (deps) return null;
  if (packages.length) doc.package = packages;
  return doc;
}

/** `name`, `name version` or `name version (source)` to the package it names. */
function resolveDepSpec(spec: string, from: LockedPackage, byName: Map<string, LockedPackage[]>, at: (needle: string) => ReturnType<typeof locate>): PackageKey {
  const m = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(spec);
  const where = () => at(`"${spec}"`);
  if (!m) throw new UserError(`malformed dependency \`${spec}\` of \`${from.name} ${from.version}\``, where());
  const [, name, version, source] = m;
  const candidates = (byName.get(name) ?? []).filter((p) => (version === undefined || p.version === version) && (source === undefined || p.source === source));
  if (candidates.length === 1) return candidates[0].key;
  // Without a source, a spec that fits several packages names the path one (cargo writes the source otherwise).
  if (source === undefined && candidates.length > 1) {
    const paths = candidates.filter((p) => p.source === null);
    if (paths.length === 1) return paths[0].key;
  }
  if (candidates.length === 0) {
    throw new UserError(
      `\`${from.name} ${from.version}\` depends on \`${spec}\`, which is not a package of this lockfile`,
      where(),
      'the lockfile is damaged; run `cargo generate-lockfile` to write it anew',
    );
  }
  throw new UserError(`dependency \`${spec}\` of \`${from.name} ${from.version}\` is ambiguous`, where());
}

function locate(text: string, path: string, needle: string): { path: string; line?: number; column?: number } {
  const i = text.indexOf(needle);
  if (i < 0) return { path };
  return { path, ...lineColumnAt(text, i) };
}
