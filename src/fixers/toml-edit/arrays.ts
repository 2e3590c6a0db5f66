/**
 * Adding strings to and removing strings from an array (a `features` list)
 * while keeping its layout: single-line arrays keep their separators and
 * trailing comma; in multi-line arrays a new element gets its own line with
 * the last element's indentation, a missing comma is added before a trailing
 * comment, and comments stay where they are.
 */
import type { AST } from 'toml-eslint-parser';
import type { Manifest } from './document.js';
import { renderString } from './render.js';
import { EditRefused } from './types.js';
import { hasNewline, indentAt, insertLinesAfter, lineStart, nextLineStart, type Splice } from './text.js';

/** An element and the comma that follows it, if any. */
interface Item {
  element: AST.TOMLContentNode;
  comma: AST.Token | null;
  /** End of the comma, or of the element when there is none. */
  end: number;
}

export function appendToArray(m: Manifest, array: AST.TOMLArray, values: readonly string[], eol: string): Splice[] {
  if (values.length === 0) return [];
  const text = m.text;
  const open = array.range[0];
  const close = array.range[1] - 1;
  const rendered = values.map(renderString);
  const items = itemsOf(m, array);
  const last = items.at(-1);

  if (!hasNewline(text, open, close)) {
    if (!last) return [{ start: open + 1, end: close, insert: rendered.join(', ') }];
    const sep = items.length > 1 ? text.slice(items[0]!.element.range[1], items[1]!.element.range[0]) : ', ';
    // After the last element, before its trailing comma: `["a",]` becomes `["a", "x",]`.
    return [{ start: last.element.range[1], end: last.element.range[1], insert: rendered.map((v) => sep + v).join('') }];
  }

  if (!last) {
    // `[` and `]` on different lines with nothing but comments between them:
    // indent like a comment on its own line, else one level deeper than `]`.
    const own = m.ast.comments.find((c) => c.range[0] > open && c.range[1] < close && startsLine(text, c.range[0]));
    const indent = own ? indentAt(text, own.range[0]) : indentAt(text, close) + '    ';
    const at = lineStart(text, close);
    return [{ start: at, end: at, insert: rendered.map((v) => `${indent}${v},${eol}`).join('') }];
  }

  const trailingComma = last.comma !== null;
  const lines = rendered.map((v, i) => v + (i < rendered.length - 1 || trailingComma ? ',' : ''));
  const indent = elementIndent(m, items, close);
  const splices: Splice[] = [];
  if (!trailingComma) splices.push({ start: last.end, end: last.end, insert: ',' });
  if (hasNewline(text, last.end, close)) {
    splices.push(
      insertLinesAfter(
        text,
        last.end,
        lines.map((l) => indent + l),
        eol,
      ),
    );
  } else {
    // `]` right after the last element: `"b"]` becomes `"b",⏎    "x"]`.
    splices.push({ start: last.end, end: last.end, insert: lines.map((l) => eol + indent + l).join('') });
  }
  return splices;
}

/**
 * Removes the elements equal to one of `values`. Each line of the array is
 * rewritten on its own: its remaining elements keep their text and
 * separators; a line left with nothing but its indentation and a comment is
 * removed whole.
 */
export function removeFromArray(m: Manifest, array: AST.TOMLArray, values: readonly string[], where: string): Splice[] {
  const text = m.text;
  const items = itemsOf(m, array);
  const removed = items.map((it) => it.element.type === 'TOMLValue' && values.includes(String(it.element.value)));
  if (!removed.includes(true)) return [];

  // Without a trailing comma before, the new last element must not get one.
  const lastKept = removed.lastIndexOf(false);
  const dropComma = items.at(-1)!.comma === null && removed.at(-1)! && lastKept >= 0 ? lastKept : -1;
  const itemText = (i: number) => {
    const it = items[i]!;
    return text.slice(it.element.range[0], i === dropComma ? it.element.range[1] : it.end);
  };

  const open = array.range[0];
  const close = array.range[1] - 1;
  if (!removed.includes(false) && !hasNewline(text, open, close)) return [{ start: open + 1, end: close, insert: '' }];
  const splices: Splice[] = [];
  for (const line of groupByLine(text, items)) {
    const changed = line.some((i) => removed[i] || i === dropComma);
    if (!changed) continue;
    const first = items[line[0]!]!;
    const lastOnLine = items[line.at(-1)!]!;
    if (hasNewline(text, first.element.range[0], lastOnLine.end)) {
      throw new EditRefused('unsupported', `in the features of ${where}, an element and its comma are on different lines; edit it by hand`);
    }
    const kept = line.filter((i) => !removed[i]);
    const start = lineStart(text, first.element.range[0]);
    const after = nextLineStart(text, lastOnLine.end);
    const rest = text.slice(lastOnLine.end, after).trim();
    const alone = start > open && after <= close && text.slice(start, first.element.range[0]).trim() === '' && (rest === '' || rest.startsWith('#'));
    if (kept.length === 0 && alone) {
      splices.push({ start, end: after, insert: '' });
      continue;
    }
    const sep = line.length > 1 ? text.slice(first.end, items[line[1]!]!.element.range[0]) : ' ';
    splices.push({ start: first.element.range[0], end: lastOnLine.end, insert: kept.map(itemText).join(sep) });
  }
  return splices;
}

function itemsOf(m: Manifest, array: AST.TOMLArray): Item[] {
  return array.elements.map((element) => {
    const next = tokenAt(m.ast.tokens, element.range[1]);
    const comma = next && next.type === 'Punctuator' && next.value === ',' ? next : null;
    return { element, comma, end: comma ? comma.range[1] : element.range[1] };
  });
}

/** The first token starting at or after `pos` (tokens are in source order). */
function tokenAt(tokens: readonly AST.Token[], pos: number): AST.Token | undefined {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.range[0] < pos) lo = mid + 1;
    else hi = mid;
  }
  return tokens[lo];
}

/** Indices of items grouped by the line their element starts on. */
function groupByLine(text: string, items: readonly Item[]): number[][] {
  const lines: number[][] = [];
  let current = -1;
  for (const [i, it] of items.entries()) {
    const start = lineStart(text, it.element.range[0]);
    if (start !== current) lines.push([]);
    current = start;
    lines.at(-1)!.push(i);
  }
  return lines;
}

/**
 * Indentation for a new element line: that of the last element opening its
 * line, else one level deeper than the closing bracket.
 */
function elementIndent(m: Manifest, items: readonly Item[], close: number): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const start = items[i]!.element.range[0];
    if (startsLine(m.text, start)) return indentAt(m.text, start);
  }
  return indentAt(m.text, close) + '    ';
}

/** Whether only spaces and tabs come before `pos` on its line. */
function startsLine(text: string, pos: number): boolean {
  return lineStart(text, pos) + indentAt(text, pos).length === pos;
}
