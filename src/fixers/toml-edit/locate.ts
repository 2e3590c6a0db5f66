/**
 * Finding a dependency, or a dependency table, by key path in every form a
 * manifest may use, and working out where a new key of it would go.
 */
import type { AST } from 'toml-eslint-parser';
import { isUnder, keyName, samePath, type Entry, type KeyPath, type Manifest } from './document.js';
import { renderKey } from './render.js';
import { indentAt } from './text.js';

/**
 * How a dependency (or a dependency table) is written:
 * - `value`: `dep = "1"` or `dep = { ... }`, also as `dependencies.dep = ...`;
 * - `section`: a `[dependencies.dep]` header and its lines;
 * - `dotted`: only keys below it, `dep.version = "1"` / `dep.workspace = true`.
 */
export type Located = { form: 'value'; entry: Entry } | { form: 'section'; section: AST.TOMLTable } | { form: 'dotted'; entries: Entry[] };

/**
 * Where a new key goes:
 * - `line`: a new line `indent prefix key = value` after the line holding `after`;
 * - `inline`: inside the braces of an inline table, after its last key.
 * `prefix` holds the dotted keys leading to the table (`dep.`), as written.
 */
export type Slot = { kind: 'line'; after: number; indent: string; prefix: string } | { kind: 'inline'; table: AST.TOMLInlineTable; prefix: string };

export function locate(m: Manifest, path: KeyPath): Located | undefined {
  const section = m.sections.find((s) => s.kind === 'standard' && samePath(s.resolvedKey, path));
  if (section) return { form: 'section', section };
  const entry = m.entries.find((e) => samePath(e.path, path));
  if (entry) return { form: 'value', entry };
  // Keys written relative to a table above `path`, not those inside values below it.
  const entries = m.entries.filter((e) => isUnder(e.path, path) && e.base.length < path.length);
  return entries.length > 0 ? { form: 'dotted', entries } : undefined;
}

/** Headers below `path`, in source order (`[dependencies.foo]` below `dependencies`). */
export function sectionsUnder(m: Manifest, path: KeyPath): AST.TOMLTable[] {
  return m.sections.filter((s) => isUnder(s.resolvedKey, path));
}

/** The key/value at exactly `path`. */
export function entryAt(m: Manifest, path: KeyPath): Entry | undefined {
  return m.entries.find((e) => samePath(e.path, path));
}

/**
 * Where a new key of the table at `path` goes: after its last key. With
 * `sortKey` (a new dependency), a `[section]` whose keys are sorted gets it in
 * sorted position instead, as `cargo add` does. `undefined` for a string
 * value, which must become a table first.
 */
export function slotFor(m: Manifest, path: KeyPath, where: Located, sortKey?: string): Slot | undefined {
  if (where.form === 'section') return sectionSlot(m, where.section, sortKey);
  if (where.form === 'value') {
    const value = where.entry.kv.value;
    if (value.type === 'TOMLInlineTable') return { kind: 'inline', table: value, prefix: '' };
    return undefined;
  }
  const last = where.entries.reduce((a, b) => (b.kv.range[1] > a.kv.range[1] ? b : a));
  const prefix = dottedPrefix(m, last, path.length - last.base.length);
  if (last.inline) return { kind: 'inline', table: last.inline, prefix };
  return { kind: 'line', after: last.kv.range[1], indent: indentAt(m.text, last.kv.range[0]), prefix };
}

function sectionSlot(m: Manifest, section: AST.TOMLTable, sortKey: string | undefined): Slot {
  const lines = section.body;
  const header = { kind: 'line', after: section.key.range[1], prefix: '' } as const;
  if (lines.length === 0) return { ...header, indent: indentAt(m.text, section.range[0]) };
  const indent = indentAt(m.text, lines[0]!.range[0]);
  const keys = lines.map((kv) => keyName(kv.key.keys[0]!));
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
  if (sortKey === undefined || !sorted) return { kind: 'line', after: lines.at(-1)!.range[1], indent, prefix: '' };
  const before = keys.findLastIndex((k) => k < sortKey);
  return before < 0 ? { ...header, indent } : { kind: 'line', after: lines[before]!.range[1], indent, prefix: '' };
}

/** The first `count` keys of a dotted key as written (`dep` of `dep.version`), with a dot. */
function dottedPrefix(m: Manifest, entry: Entry, count: number): string {
  const keys = entry.kv.key.keys;
  return m.text.slice(keys[0]!.range[0], keys[count - 1]!.range[1]) + '.';
}

/** `key = value` for a slot, with the slot's dotted prefix. */
export function keyLine(slot: Slot, key: string, value: string): string {
  return `${slot.prefix}${renderKey(key)} = ${value}`;
}
