/**
 * The text side of each edit: the splices that make it, computed from the AST
 * of the manifest. Refusals for what the edit means are made before, on the
 * data (intended.ts); this only refuses layouts it cannot rewrite.
 */
import type { AST } from 'toml-eslint-parser';
import type { KeyPath, Manifest } from './document.js';
import { appendToArray, removeFromArray } from './arrays.js';
import { depTablePath, describeTable, specData } from './intended.js';
import { entryAt, keyLine, locate, sectionsUnder, slotFor, type Located, type Slot } from './locate.js';
import { renderKey, renderKeyPath, renderValue } from './render.js';
import { insertLinesAfter, lineStart, type Splice } from './text.js';
import { EditRefused, type ManifestEdit } from './types.js';

export function planEdit(m: Manifest, edit: ManifestEdit, eol: string): Splice[] {
  const tablePath = depTablePath(edit.table);
  const where = `\`${edit.key}\` in ${describeTable(edit.table)}`;
  if (edit.op === 'add-dependency') {
    const value = renderValue(specData(edit.spec, edit.table, where));
    return addToTable(m, tablePath, edit.key, value, eol);
  }

  const path = [...tablePath, edit.key];
  const split = sectionsUnder(m, path)[0];
  if (split) {
    throw new EditRefused('unsupported', `${where} continues in [${m.text.slice(...split.key.range)}]; edit it by hand`);
  }
  const dep = locate(m, path);
  if (!dep) throw new EditRefused('not-found', `${where} does not exist`);
  const features = entryAt(m, [...path, 'features']);
  const featureArray = () => {
    const value = features!.kv.value;
    if (value.type !== 'TOMLArray') throw new EditRefused('unsupported', `the features of ${where} are not an array`);
    return value;
  };

  switch (edit.op) {
    case 'add-features': {
      const present = features ? featureArray().elements.map(stringValue) : [];
      const added = [...new Set(edit.features)].filter((f) => !present.includes(f));
      if (features) return appendToArray(m, featureArray(), added, eol);
      return addKey(m, path, dep, 'features', renderValue(added), eol);
    }
    case 'remove-features':
      return features ? removeFromArray(m, featureArray(), edit.features, where) : [];
    case 'set-default-features': {
      const value = String(edit.value);
      const modern = entryAt(m, [...path, 'default-features']);
      if (modern) return [replace(modern.kv.value, value)];
      // Rename the pre-2024 spelling: having both keys is an error.
      const legacy = entryAt(m, [...path, 'default_features']);
      if (legacy) return [replace(legacy.kv.key.keys.at(-1)!, 'default-features'), replace(legacy.kv.value, value)];
      return addKey(m, path, dep, 'default-features', value, eol);
    }
  }
}

/** Appends `key = value` to a dependency, turning `dep = "1"` into `dep = { version = "1", key = value }`. */
function addKey(m: Manifest, path: KeyPath, dep: Located, key: string, value: string, eol: string): Splice[] {
  const slot = slotFor(m, path, dep);
  if (slot) return [insertKey(m, slot, key, value, eol)];
  const current = dep.form === 'value' ? dep.entry.kv.value : undefined;
  if (current?.type !== 'TOMLValue' || current.kind !== 'string') {
    throw new EditRefused('unsupported', `\`${String(path.at(-1))}\` is neither a version string nor a table`);
  }
  const version = m.text.slice(...current.range);
  return [replace(current, `{ version = ${version}, ${renderKey(key)} = ${value} }`)];
}

/**
 * Adds `key = value` to the table at `path`, creating the table if needed:
 * a new header goes before the first `[path.sub]` header when there are
 * some, else at the end of the file.
 */
function addToTable(m: Manifest, path: KeyPath, key: string, value: string, eol: string): Splice[] {
  const table = locate(m, path);
  if (table) {
    const slot = slotFor(m, path, table, key);
    if (!slot) throw new EditRefused('unsupported', `[${renderKeyPath(path.map(String))}] is not a table`);
    return [insertKey(m, slot, key, value, eol)];
  }
  for (let i = 1; i < path.length; i++) {
    const outer = entryAt(m, path.slice(0, i));
    if (outer) {
      // A header cannot add to an inline table; neither can a dotted key outside it.
      throw new EditRefused('unsupported', `[${renderKeyPath(path.slice(0, i).map(String))}] is written as a value; add \`${key}\` to it by hand`);
    }
  }
  const lines = [`[${renderKeyPath(path.map(String))}]`, `${renderKey(key)} = ${value}`];
  const sub = sectionsUnder(m, path)[0];
  return [sub ? sectionBefore(m, sub, lines, eol) : appendSection(m.text, lines, eol)];
}

function insertKey(m: Manifest, slot: Slot, key: string, value: string, eol: string): Splice {
  const line = keyLine(slot, key, value);
  if (slot.kind === 'line') return insertLinesAfter(m.text, slot.after, [slot.indent + line], eol);
  const { body, range } = slot.table;
  if (body.length === 0) return { start: range[0] + 1, end: range[1] - 1, insert: ` ${line} ` };
  // Right after the last value, so a trailing comma (TOML 1.1) stays last.
  const end = body.at(-1)!.range[1];
  return { start: end, end, insert: `, ${line}` };
}

/** New lines before a header, and before the comment lines directly above it. */
function sectionBefore(m: Manifest, section: AST.TOMLTable, lines: readonly string[], eol: string): Splice {
  const commentStarts = new Set(m.ast.comments.map((c) => c.range[0]));
  let at = lineStart(m.text, section.range[0]);
  while (at > 0) {
    const prev = lineStart(m.text, at - 1);
    const indent = /^[ \t]*/.exec(m.text.slice(prev, at))![0].length;
    if (!commentStarts.has(prev + indent)) break;
    at = prev;
  }
  return { start: at, end: at, insert: lines.map((l) => l + eol).join('') + eol };
}

/** New lines at the end, after a blank line. */
function appendSection(text: string, lines: readonly string[], eol: string): Splice {
  const body = lines.join(eol);
  const end = text.length;
  if (text === '') return { start: 0, end: 0, insert: body + eol };
  // Without a final newline the file keeps ending without one.
  if (!text.endsWith('\n')) return { start: end, end, insert: eol + eol + body };
  const lastLine = text.slice(lineStart(text, end - 1), end);
  return { start: end, end, insert: (lastLine.trim() === '' ? '' : eol) + body + eol };
}

function replace(node: { range: AST.Range }, text: string): Splice {
  return { start: node.range[0], end: node.range[1], insert: text };
}

function stringValue(node: AST.TOMLContentNode): string | undefined {
  return node.type === 'TOMLValue' && node.kind === 'string' ? node.value : undefined;
}
