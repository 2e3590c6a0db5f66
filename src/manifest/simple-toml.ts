/**
 * A small TOML reader for hand-written manifests (a workspace's own
 * Cargo.toml files), giving the data and the position of every key as
 * `positions.ts` records them. It reads the shapes manifests use: `[table]`
 * and `[[array]]` headers, dotted keys, basic and literal strings (also
 * multi-line), integers, booleans, arrays over several lines and inline
 * tables. Anything else (floats, dates, other integer bases) and anything
 * TOML forbids that it notices returns null, and the full parser reads the
 * file instead (it also reports errors). The point is start-up time: the full
 * parser is a large module that runs cold on a file or two per run.
 */

import { lineColumnAt } from '../errors.js';
import { DEPTH_MESSAGE, isTable, MAX_KEY_PARTS, MAX_VALUE_DEPTH, TomlLimitError } from './toml.js';

type Table = Record<string, unknown>;
/** A key's position, recorded for every prefix of `path` longer than `from` parts (its table's own path is recorded by the header). */
export interface KeyPosition {
  path: (string | number)[];
  from: number;
  line: number;
  column: number;
}

const BARE_KEY = /[A-Za-z0-9_-]+/y;
// Unrolled (`a*(?:\\.a*)*`, not `(?:a|\\.)*`): a string of megabytes matches without the regex engine recursing per character.
const BASIC_STRING = /"([^"\\\x00-\x08\x0a-\x1f\x7f]*(?:\\.[^"\\\x00-\x08\x0a-\x1f\x7f]*)*)"/y;
const LITERAL_STRING = /'([^'\x00-\x08\x0a-\x1f\x7f]*)'/y;
const SPACE = /[ \t]*/y;
const BLANKS = /(?:[ \t\r\n]|#[^\n]*)*/y;
const INTEGER = /[+-]?(?:0|[1-9](?:_?\d)*)(?![\w.:+-])/y;
const LINE_END = /[ \t]*(?:#[^\n]*)?(?:\r?\n|$)/y;

/** Thrown where a fast reader meets a shape it does not read: the caller hands the text to the general parser. */
export class Unsupported extends Error {}
export const fail = (): never => {
  throw new Unsupported();
};

/** The escapes of a TOML basic string; anything else is `Unsupported`. */
export function unescapeBasic(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/gs, (_, u4: string, u8: string, c: string) => {
    if (u4 || u8) {
      const cp = parseInt(u4 ?? u8, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return fail();
      return String.fromCodePoint(cp);
    }
    const e = ({ '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[c];
    return e ?? fail();
  });
}

class Reader {
  pos = 0;
  /** Arrays and inline tables open around the value being read. */
  depth = 0;
  positions: KeyPosition[] = [];
  private lineStarts: number[] = [0];
  /** Tables made by headers, by dotted keys, and inline tables (frozen). */
  readonly headerTables = new Set<Table>();
  readonly dottedTables = new Set<Table>();
  readonly inlineTables = new Set<unknown>();
  /** Inline tables written as `{ … }` values: closed, not even dotted keys of the same inline table extend them. */
  readonly inlineLiterals = new Set<unknown>();
  readonly tableArrays = new Set<unknown[]>();

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  where(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  private at(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m) this.pos = re.lastIndex;
    return m;
  }

  spaces(): void {
    this.at(SPACE);
  }

  blanks(): void {
    this.at(BLANKS);
  }

  keyPart(): string {
    const c = this.text[this.pos];
    if (c === '"') {
      if (this.text.startsWith('"""', this.pos)) return fail();
      const m = this.at(BASIC_STRING) ?? fail();
      return unescapeBasic(m[1]);
    }
    if (c === "'") {
      if (this.text.startsWith("'''", this.pos)) return fail();
      return (this.at(LITERAL_STRING) ?? fail())[1];
    }
    return (this.at(BARE_KEY) ?? fail())[0];
  }

  key(header = false): string[] {
    const start = this.pos;
    const parts = [this.keyPart()];
    for (;;) {
      const save = this.pos;
      this.spaces();
      if (this.text[this.pos] !== '.') {
        this.pos = save;
        return parts;
      }
      this.pos++;
      this.spaces();
      parts.push(this.keyPart());
      if (parts.length > MAX_KEY_PARTS) {
        const p = this.where(start);
        throw TomlLimitError.keyParts(p.line, p.column, parts.length, header);
      }
    }
  }

  value(): unknown {
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') {
      if (t.startsWith('"""', this.pos)) return this.multiline('"""');
      return unescapeBasic((this.at(BASIC_STRING) ?? fail())[1]);
    }
    if (c === "'") {
      if (t.startsWith("'''", this.pos)) return this.multiline("'''");
      return (this.at(LITERAL_STRING) ?? fail())[1];
    }
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    if (t.startsWith('true', this.pos) && !/[\w.:+-]/.test(t[this.pos + 4] ?? '')) {
      this.pos += 4;
      return true;
    }
    if (t.startsWith('false', this.pos) && !/[\w.:+-]/.test(t[this.pos + 5] ?? '')) {
      this.pos += 5;
      return false;
    }
    const int = this.at(INTEGER);
    if (int) {
      const n = Number(int[0].replace(/_/g, ''));
      return Number.isSafeInteger(n) ? n : fail();
    }
    return fail();
  }

  private multiline(delim: string): string {
    const t = this.text;
    const start = this.pos + 3;
    const end = multilineEnd(t, start, delim);
    if (end < 0) return fail();
    this.pos = end;
    return multilineValue(t.slice(start, end - 3), delim);
  }

  /** Enters an array or inline table at `pos`, within cargo's nesting limit. */
  private enter(): void {
    if (++this.depth > MAX_VALUE_DEPTH) {
      const p = this.where(this.pos);
      throw new TomlLimitError(p.line, p.column, DEPTH_MESSAGE);
    }
    this.pos++;
  }

  private array(): unknown[] {
    this.enter();
    const out: unknown[] = [];
    for (;;) {
      this.blanks();
      if (this.text[this.pos] === ']') {
        this.pos++;
        this.depth--;
        return out;
      }
      out.push(this.value());
      this.blanks();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== ']') return fail();
    }
  }

  /** Inline tables are read without positions (only a key-value's own inline table is indexed; see `inlineWithPositions`). */
  private inlineTable(base?: (string | number)[]): Table {
    this.enter();
    const out: Table = {};
    this.inlineTables.add(out);
    this.inlineLiterals.add(out);
    this.spaces();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.spaces();
      const keyStart = this.pos;
      const k = this.key();
      this.spaces();
      if (this.text[this.pos] !== '=') return fail();
      this.pos++;
      this.spaces();
      const isInline = this.text[this.pos] === '{';
      const v = isInline ? this.inlineTable(base ? [...base, ...k] : undefined) : this.value();
      if (base) this.record([...base, ...k], keyStart, k.length, base.length);
      this.assign(out, k, v, true);
      this.spaces();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') {
        this.depth--;
        return out;
      }
      if (c !== ',') return fail();
    }
  }

  inlineWithPositions(base: (string | number)[]): Table {
    return this.inlineTable(base);
  }

  /** Records every dotted prefix of a key (beyond the table's own path) at the key's position. */
  record(path: (string | number)[], offset: number, keyLength: number, baseLength: number): void {
    const p = this.where(offset);
    this.positions.push({ path: path.slice(0, baseLength + keyLength), from: baseLength, line: p.line, column: p.column });
  }

  /** `a.b.c = v` into `table`: intermediate tables made as dotted-key tables. */
  assign(table: Table, key: string[], value: unknown, inInline = false): void {
    let cur = table;
    for (let i = 0; i < key.length - 1; i++) {
      let next = cur[key[i]];
      if (next === undefined) {
        next = {};
        cur[key[i]] = next;
        (inInline ? this.inlineTables : this.dottedTables).add(next);
      } else if (!isTable(next) || this.headerTables.has(next) || this.inlineLiterals.has(next) || (this.inlineTables.has(next) && !inInline)) return fail();
      cur = next as Table;
    }
    const last = key[key.length - 1];
    if (Object.hasOwn(cur, last)) return fail();
    cur[last] = value;
  }

  lineEnd(): void {
    if (!this.at(LINE_END)) fail();
  }
}

/** Control characters TOML allows nowhere in a document (tab is allowed, and CR only before LF: looked for only where there is a CR). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const BARE_CR = /\r(?!\n)/;

/**
 * The first control character TOML forbids (in strings, comments and
 * anywhere else: a string spells it as an escape), with its line and column;
 * null when there is none. One native scan, cheap enough for every file.
 */
export function forbiddenControl(text: string): { line: number; column: number; message: string } | null {
  const m = CONTROL.exec(text) ?? (text.includes('\r') ? BARE_CR.exec(text) : null);
  if (!m) return null;
  const { line, column } = lineColumnAt(text, m.index);
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  const what = m[0] === '\r' ? 'a carriage return (U+000D) not followed by a line feed' : `the control character U+${code}`;
  return { line, column, message: `${what} is not allowed in TOML (a string writes it as an escape)` };
}

/** Parses `text`, or returns null when it leaves the subset this reader knows. */
export function readSimpleToml(input: string): { data: Table; positions: KeyPosition[] } | null {
  const shift = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const r = new Reader(shift ? input.slice(1) : input);
  const root: Table = {};
  const t = r.text;
  try {
    let table: Table = root;
    let base: (string | number)[] = [];
    for (;;) {
      r.blanks();
      if (r.pos >= t.length) break;
      if (t[r.pos] === '[') {
        const isArray = t[r.pos + 1] === '[';
        r.pos += isArray ? 2 : 1;
        r.spaces();
        const keyStart = r.pos;
        const path = r.key(true);
        r.spaces();
        if (!t.startsWith(isArray ? ']]' : ']', r.pos)) return null;
        r.pos += isArray ? 2 : 1;
        r.lineEnd();
        const opened = openTable(r, root, path, isArray);
        table = opened.table;
        base = opened.resolved;
        // The header's key: every prefix of its resolved path.
        const p = r.where(keyStart);
        r.positions.push({ path: base, from: 0, line: p.line, column: p.column });
        continue;
      }
      const keyStart = r.pos;
      const k = r.key();
      r.spaces();
      if (t[r.pos] !== '=') return null;
      r.pos++;
      r.spaces();
      r.record([...base, ...k], keyStart, k.length, base.length);
      const v = t[r.pos] === '{' ? r.inlineWithPositions([...base, ...k]) : r.value();
      r.lineEnd();
      r.assign(table, k, v);
    }
  } catch (e) {
    // A shape the regular expressions cannot take in one go (a value of megabytes) goes to the general parser too.
    if (e instanceof Unsupported || e instanceof RangeError) return null;
    throw e;
  }
  if (shift) for (const p of r.positions) if (p.line === 1) p.column += shift;
  return { data: root, positions: r.positions };
}

function openTable(r: Reader, root: Table, path: string[], isArray: boolean): { table: Table; resolved: (string | number)[] } {
  let cur = root;
  const resolved: (string | number)[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]];
    resolved.push(path[i]);
    if (next === undefined) cur[path[i]] = next = {};
    if (Array.isArray(next)) {
      if (!r.tableArrays.has(next)) return fail();
      resolved.push(next.length - 1);
      next = next[next.length - 1];
    }
    if (!isTable(next) || r.inlineTables.has(next)) return fail();
    cur = next;
  }
  const last = path[path.length - 1];
  resolved.push(last);
  const existing = cur[last];
  if (isArray) {
    if (existing !== undefined && !(Array.isArray(existing) && r.tableArrays.has(existing))) return fail();
    const arr = (existing as Table[] | undefined) ?? [];
    if (existing === undefined) {
      cur[last] = arr;
      r.tableArrays.add(arr);
    }
    const t: Table = {};
    arr.push(t);
    r.headerTables.add(t);
    resolved.push(arr.length - 1);
    return { table: t, resolved };
  }
  if (existing === undefined) {
    const t: Table = {};
    cur[last] = t;
    r.headerTables.add(t);
    return { table: t, resolved };
  }
  // A table made implicitly by a longer header may be defined once; one made by dotted keys or inline, never.
  if (!isTable(existing) || r.headerTables.has(existing) || r.dottedTables.has(existing) || r.inlineTables.has(existing)) return fail();
  r.headerTables.add(existing);
  return { table: existing, resolved };
}

/**
 * The end of a multi-line string whose content starts at `from` (just after
 * its opening delimiter), or -1: the first closing delimiter not escaped by
 * a backslash, with up to two quotes before it belonging to the content.
 */
/**
 * The value of a multi-line string from the text between its delimiters:
 * the first line break dropped, a backslash at the end of a line trimming the
 * break and the blanks after it, escapes read (throws Unsupported where TOML
 * would refuse them).
 */
export function multilineValue(raw: string, delim: string): string {
  let body = raw;
  if (body.startsWith('\r\n')) body = body.slice(2);
  else if (body.startsWith('\n')) body = body.slice(1);
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(body) || /\r(?!\n)/.test(body)) return fail();
  if (delim === "'''") return body;
  body = body.replace(/\\[ \t]*\r?\n[ \t\r\n]*/g, (m, offset: number) => {
    let k = offset - 1;
    let backslashes = 0;
    while (body[k] === '\\') {
      backslashes++;
      k--;
    }
    return backslashes % 2 === 0 ? '' : m;
  });
  return unescapeBasic(body.replace(/\r\n/g, '\n'));
}

export function multilineEnd(text: string, from: number, delim: string): number {
  let i = from;
  for (;;) {
    const j = text.indexOf(delim, i);
    if (j < 0) return -1;
    if (delim === '"""') {
      let k = j - 1;
      let backslashes = 0;
      while (text[k] === '\\') {
        backslashes++;
        k--;
      }
      if (backslashes % 2 === 1) {
        i = j + 1;
        continue;
      }
    }
    let end = j + 3;
    while (text[end] === delim[0] && end < j + 5) end++;
    return end;
  }
}
