/**
 * A parsed manifest: its text, the position-aware AST from toml-eslint-parser,
 * the data as smol-toml reads it, and an index of every key/value by full key
 * path so that dependencies are found by key, never by searching the text.
 */
import { parseTOML, ParseError, type AST } from 'toml-eslint-parser';
import { parse, TomlError, type TomlTable } from 'smol-toml';
import { EditRefused } from './types.js';

export type TomlVersion = '1.0.0' | '1.1.0';
export type KeyPath = readonly (string | number)[];

/** A key/value line (or a key/value inside an inline table) with its full path. */
export interface Entry {
  kv: AST.TOMLKeyValue;
  path: KeyPath;
  /** Path of the table the key is written relative to (the section, or the inline table's key). */
  base: KeyPath;
  /** The inline table holding the entry, if any. */
  inline: AST.TOMLInlineTable | null;
}

export interface Manifest {
  /** The text without its BOM. */
  text: string;
  ast: AST.TOMLProgram;
  /** What the text means, read by smol-toml (the one parser all comparisons use). */
  data: TomlTable;
  /** The oldest TOML version the text is valid in; an edit must not need a newer one. */
  version: TomlVersion;
  /** Every key/value in source order. */
  entries: Entry[];
  /** Every `[table]` and `[[array]]` header in source order. */
  sections: AST.TOMLTable[];
}

/**
 * Parses a manifest, refusing text that is not valid TOML or that defines a
 * key twice (toml-eslint-parser reports those; the editor does not repair).
 */
export function readManifest(text: string): Manifest {
  const known = READ.get(text);
  if (known) return known;
  const m = parseManifest(text);
  if (READ.size >= READ_KEPT) READ.delete(READ.keys().next().value!);
  READ.set(text, m);
  return m;
}

/**
 * Manifests read, by their text: a fix's proofs apply many candidate edits to
 * one manifest, and parsing it with source ranges costs far more than finding
 * the text again. A `Manifest` is never changed once read (edits make new text).
 */
const READ = new Map<string, Manifest>();
const READ_KEPT = 16;

function parseManifest(text: string): Manifest {
  let ast: AST.TOMLProgram;
  let version: TomlVersion = '1.0.0';
  try {
    ast = parseTOML(text, { tomlVersion: version });
  } catch {
    version = '1.1.0';
    try {
      ast = parseTOML(text, { tomlVersion: version });
    } catch (e) {
      throw refusalFor(e);
    }
  }
  let data: TomlTable;
  try {
    data = parse(text);
  } catch (e) {
    throw refusalFor(e);
  }
  return indexManifest(text, ast, data, version);
}

/**
 * Parses an edited text in the original's TOML version, or returns why it
 * cannot be parsed.
 */
export function reparse(text: string, version: TomlVersion): Manifest | string {
  try {
    return indexManifest(text, parseTOML(text, { tomlVersion: version }), parse(text), version);
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}

function refusalFor(e: unknown): unknown {
  if (e instanceof ParseError) {
    const where = `line ${e.lineNumber}, column ${e.column + 1}`;
    if (/multiple times/.test(e.message)) {
      return new EditRefused('duplicate-key', `the manifest defines a key twice (${where}); not editing it`);
    }
    return new EditRefused('unparsable', `the manifest is not valid TOML (${where}): ${e.message}`);
  }
  if (e instanceof TomlError) {
    const first = e.message.split('\n')[0];
    return new EditRefused('unparsable', `the manifest is not valid TOML (line ${e.line}, column ${e.column}): ${first}`);
  }
  return e;
}

function indexManifest(text: string, ast: AST.TOMLProgram, data: TomlTable, version: TomlVersion): Manifest {
  const entries: Entry[] = [];
  const sections: AST.TOMLTable[] = [];
  const addEntries = (kvs: readonly AST.TOMLKeyValue[], base: KeyPath, inline: AST.TOMLInlineTable | null) => {
    for (const kv of kvs) {
      const path = [...base, ...kv.key.keys.map(keyName)];
      entries.push({ kv, path, base, inline });
      if (kv.value.type === 'TOMLInlineTable') addEntries(kv.value.body, path, kv.value);
    }
  };
  for (const node of ast.body[0].body) {
    if (node.type === 'TOMLTable') {
      sections.push(node);
      addEntries(node.body, node.resolvedKey, null);
    } else {
      addEntries([node], [], null);
    }
  }
  return { text, ast, data, version, entries, sections };
}

export function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

export function samePath(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Whether `path` starts with `prefix` and is longer. */
export function isUnder(path: KeyPath, prefix: KeyPath): boolean {
  return path.length > prefix.length && prefix.every((k, i) => k === path[i]);
}
