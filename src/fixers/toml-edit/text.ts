/**
 * Text splicing. Every change to a manifest is a list of splices on the text
 * (without BOM); bytes outside them are never touched.
 */

/** Replace `text.slice(start, end)` by `insert`; `start === end` inserts. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/**
 * Applies splices that do not overlap. Insertions at the same offset keep
 * the order they were given in.
 */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = splices
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.start - b.s.start || a.s.end - b.s.end || a.i - b.i)
    .map(({ s }) => s);
  let out = '';
  let pos = 0;
  for (const s of sorted) {
    if (s.start < pos) throw new Error(`overlapping splices at ${s.start}`);
    out += text.slice(pos, s.start) + s.insert;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** Offset of the first character of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just after the line break ending the line holding `pos`, or the text's length. */
export function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** The spaces and tabs opening the line holding `pos`. */
export function indentAt(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start, pos))![0];
}

export function hasNewline(text: string, start: number, end: number): boolean {
  const nl = text.indexOf('\n', start);
  return nl >= 0 && nl < end;
}

/** The manifest's line break: CRLF if its first line ends with one. */
export function detectEol(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Inserts `lines` as whole lines after the line holding `pos`. At the end of
 * a file without a final newline, the line break goes before the new lines
 * so the file keeps ending the way it did.
 */
export function insertLinesAfter(text: string, pos: number, lines: readonly string[], eol: string): Splice {
  const at = nextLineStart(text, pos);
  if (at === text.length && !text.endsWith('\n')) {
    return { start: at, end: at, insert: lines.map((l) => eol + l).join('') };
  }
  return { start: at, end: at, insert: lines.map((l) => l + eol).join('') };
}
