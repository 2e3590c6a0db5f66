/**
 * Index files: one JSON object per line, one line per published version
 * (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema).
 *
 * Index data comes from servers we do not control, so every line is bounded
 * (length before it is parsed, nesting depth after: V8's `JSON.parse` does not
 * recurse, so depth cannot exhaust the stack while parsing, and a walk of the
 * parsed value that stops at the bound is a tenth of the cost of scanning the
 * text) and checked (types, crate name). Only the lines of the requested versions are parsed at all: the
 * text is searched for each quoted version, and only the lines found are cut
 * out, which is what keeps a crate with hundreds of versions cheap.
 */
import { lineCounter } from '../errors.js';
import { RegistryError, type DepKind, type IndexDep, type IndexVersion } from './types.js';

/** Largest index file accepted (after decompression). Real ones stay well below a few MiB. */
export const MAX_INDEX_FILE_BYTES = 64 * 1024 * 1024;
/** Longest line accepted; the longest crates.io lines (crates with thousands of features) are a few hundred KiB. */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** Deepest nesting accepted: a valid line needs 4 (line object, deps array, dep object, its features array). */
export const MAX_DEPTH = 16;
/** Highest `v` (index schema version) understood, as in cargo; later lines are skipped. */
const INDEX_V_MAX = 2;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of an index file; invalid UTF-8 is refused rather than patched over. */
export function decodeIndexFile(data: Uint8Array, name: string, where: string): string {
  try {
    return utf8.decode(data);
  } catch {
    throw new RegistryError(`${where}: the index file is not valid UTF-8`, name);
  }
}

/**
 * Parses an index file for crate `name`. With `versions`, returns only those
 * versions and parses no other line. `where` names the file in messages
 * (never a URL carrying credentials).
 */
export function parseIndexFile(text: string, name: string, versions: ReadonlySet<string> | undefined, where: string): IndexVersion[] {
  if (text.length > MAX_INDEX_FILE_BYTES) {
    throw new RegistryError(`${where}: the index file is larger than ${mib(MAX_INDEX_FILE_BYTES)}`, name);
  }
  // Only a text longer than the bound can hold a line longer than it.
  if (text.length > MAX_LINE_CHARS) checkLineLengths(text, name, where);
  const out: IndexVersion[] = [];
  const lineAt = lineCounter(text);
  for (const [start, end] of versions ? linesNaming(text, versions) : allLines(text)) {
    const line = text.slice(start, end);
    if (!versions && line.trim() === '') continue;
    const v = parseIndexLine(line, name, `${where}: line ${lineAt(start)}`);
    if (v && (!versions || versions.has(v.vers))) out.push(v);
  }
  return out;
}

/** Every line's bounds, in order. */
function* allLines(text: string): Generator<[number, number]> {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    yield [start, end];
    start = end + 1;
  }
}

/** The bounds of the lines that hold one of the versions in quotes, in file order: found by searching the text, not by cutting it into lines. */
function linesNaming(text: string, versions: ReadonlySet<string>): [number, number][] {
  const starts = new Map<number, number>();
  for (const v of versions) {
    const needle = `"${v}"`;
    for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
      const start = text.lastIndexOf('\n', i) + 1;
      if (starts.has(start)) continue;
      let end = text.indexOf('\n', i);
      if (end === -1) end = text.length;
      starts.set(start, end);
    }
  }
  return [...starts].sort((a, b) => a[0] - b[0]);
}

function checkLineLengths(text: string, name: string, where: string): void {
  let lineNo = 1;
  for (const [start, end] of allLines(text)) {
    if (end - start > MAX_LINE_CHARS) {
      throw new RegistryError(`${where}: line ${lineNo} is longer than ${mib(MAX_LINE_CHARS)}; refusing the index file`, name);
    }
    lineNo++;
  }
}

/** The bounds checks of `parseIndexFile` (file size, line length) without parsing any line: for data about to be cached. */
export function checkIndexFile(text: string, name: string, where: string): void {
  parseIndexFile(text, name, new Set(), where);
}

/** Parses one line; undefined when its schema version is newer than this tool understands. */
export function parseIndexLine(line: string, name: string, where: string): IndexVersion | undefined {
  try {
    return parseLine(line, name, where);
  } catch (e) {
    // The field checks below do not know the crate; callers want it.
    throw e instanceof RegistryError && e.crate === undefined ? new RegistryError(e.message, name) : e;
  }
}

function parseLine(line: string, name: string, where: string): IndexVersion | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new RegistryError(`${where}: not valid JSON`, name);
  }
  if (typeof raw === 'object' && raw !== null && deeperThan(raw, MAX_DEPTH)) throw new RegistryError(`${where}: JSON nested deeper than ${MAX_DEPTH} levels`, name);
  const obj = record(raw, where, 'the line');
  const v = optional(obj.v, 'number', where, 'v') ?? 1;
  if (v > INDEX_V_MAX) return undefined;
  const crate = field(obj.name, 'string', where, 'name');
  if (crate.toLowerCase() !== name.toLowerCase()) {
    throw new RegistryError(`${where}: the entry is for crate \`${crate}\`, not \`${name}\``, name);
  }
  return {
    name: crate,
    vers: field(obj.vers, 'string', where, 'vers'),
    deps: (optional(obj.deps, 'array', where, 'deps') ?? []).map((d, i) => dep(d, `${where}: deps[${i}]`)),
    features: mergeFeatures(obj.features, obj.features2, where),
    links: nullable(obj.links, 'string', where, 'links'),
    yanked: optional(obj.yanked, 'boolean', where, 'yanked') ?? false,
    rust_version: nullable(obj.rust_version, 'string', where, 'rust_version'),
    ...(typeof obj.cksum === 'string' && { cksum: obj.cksum }),
  };
}

const KINDS: readonly DepKind[] = ['normal', 'dev', 'build'];

function dep(raw: unknown, where: string): IndexDep {
  const d = record(raw, where, 'a dependency');
  const kind = nullable(d.kind, 'string', where, 'kind') ?? 'normal';
  if (!KINDS.includes(kind as DepKind)) throw new RegistryError(`${where}: unknown dependency kind \`${kind}\``);
  return {
    name: field(d.name, 'string', where, 'name'),
    req: field(d.req, 'string', where, 'req'),
    features: stringArray(d.features ?? [], where, 'features'),
    optional: optional(d.optional, 'boolean', where, 'optional') ?? false,
    default_features: optional(d.default_features, 'boolean', where, 'default_features') ?? true,
    target: nullable(d.target, 'string', where, 'target'),
    kind: kind as DepKind,
    registry: nullable(d.registry, 'string', where, 'registry'),
    package: nullable(d.package, 'string', where, 'package'),
  };
}

/** `features` and `features2` (features using `dep:` or `?` syntax, kept apart for old cargos) as one map. */
function mergeFeatures(features: unknown, features2: unknown, where: string): Record<string, string[]> {
  // Most lines have no `features2`: their `features`, when well formed, is the map as parsed (its keys
  // own properties, `__proto__` too), with no copy (a crate's every line is parsed to pick a version).
  if ((features2 === undefined || features2 === null) && wellFormedFeatures(features)) return features;
  const merged = new Map<string, string[]>();
  for (const [key, table] of [
    ['features', features],
    ['features2', features2],
  ] as const) {
    if (table === undefined || table === null) continue;
    for (const [f, list] of Object.entries(record(table, where, key))) {
      merged.set(f, [...(merged.get(f) ?? []), ...stringArray(list, where, `${key}.${f}`)]);
    }
  }
  // fromEntries defines own properties, so a feature named `__proto__` stays a feature.
  return Object.fromEntries(merged);
}

function wellFormedFeatures(features: unknown): features is Record<string, string[]> {
  if (typeof features !== 'object' || features === null || Array.isArray(features)) return false;
  for (const k in features) {
    const list = (features as Record<string, unknown>)[k];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return false;
  }
  return true;
}

/** Whether arrays and objects nest deeper than `levels` in a parsed value (itself at level 1); the walk stops at the bound. */
function deeperThan(value: object, levels: number): boolean {
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const x of value) if (typeof x === 'object' && x !== null && deeperThan(x, levels - 1)) return true;
    return false;
  }
  for (const k in value) {
    const x = (value as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null && deeperThan(x, levels - 1)) return true;
  }
  return false;
}

type TypeName = 'string' | 'number' | 'boolean' | 'array';
type TypeOf<T extends TypeName> = T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : unknown[];

function is<T extends TypeName>(value: unknown, type: T): value is TypeOf<T> {
  return type === 'array' ? Array.isArray(value) : typeof value === type;
}

function field<T extends TypeName>(value: unknown, type: T, where: string, key: string): TypeOf<T> {
  if (!is(value, type)) throw new RegistryError(`${where}: \`${key}\` must be ${article(type)}`);
  return value;
}

function optional<T extends TypeName>(value: unknown, type: T, where: string, key: string): TypeOf<T> | undefined {
  return value === undefined ? undefined : field(value, type, where, key);
}

function nullable<T extends TypeName>(value: unknown, type: T, where: string, key: string): TypeOf<T> | null {
  return value === undefined || value === null ? null : field(value, type, where, key);
}

function record(value: unknown, where: string, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new RegistryError(`${where}: ${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function stringArray(value: unknown, where: string, key: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new RegistryError(`${where}: \`${key}\` must be an array of strings`);
  }
  return value as string[];
}

function article(type: TypeName): string {
  return type === 'array' ? 'an array' : `a ${type}`;
}

function mib(n: number): string {
  return `${n / (1024 * 1024)} MiB`;
}
