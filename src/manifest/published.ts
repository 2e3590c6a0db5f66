/**
 * A fast reader for the Cargo.toml of published crates (what `cargo vendor`
 * and `cargo package` write: one `[header]` per table, one `key = value` per
 * line, arrays one element per line). Hundreds are read per run, each once,
 * so a general TOML parser runs cold on every one of them; this reader goes
 * a line at a time with native regular expressions, jumps over sections
 * dependency analysis never reads (targets, metadata, dev-dependencies,
 * profiles, lints), and builds only the tables it keeps: `[package]` (the
 * keys read: name, version, links, rust-version, edition, build, resolver),
 * `[lib]`, `[features]`, and normal and build dependencies, plain or under
 * `[target.'…']`. The other sections (targets, metadata, dev-dependencies,
 * profiles, lints) are read line by line too, but nothing is built from them:
 * each key is checked given once in its table, and each value of a shape TOML
 * allows, so that the reader refuses what cargo refuses there too.
 *
 * Anything of another shape (a dotted key, a value it does not know, a table
 * or key given twice, a key that is also a table's name) returns null; the
 * caller then parses the file with the general parser, which also reports its
 * errors.
 */
import { fail, multilineEnd, multilineValue, unescapeBasic, Unsupported } from './simple-toml.js';

type Table = Record<string, unknown>;

const DEP_TABLES = new Set(['dependencies', 'build-dependencies', 'build_dependencies']);

/** The keys of `[package]` that are read; the others (description, keywords, authors, include lists) are not built. */
const PACKAGE_KEYS = new Set(['name', 'version', 'links', 'rust-version', 'edition', 'build', 'resolver']);

/** Whether a table (by key path) is read by dependency analysis. */
export function isRelevantTable(path: string[]): boolean {
  const a = path[0];
  if (a === 'package' || a === 'lib' || a === 'features') return path.length === 1;
  if (DEP_TABLES.has(a)) return path.length <= 2;
  if (a === 'target') return path.length === 2 || (path.length <= 4 && DEP_TABLES.has(path[2]));
  return false;
}

const HEADER_PART = /[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))[ \t]*(\.|$)/y;
// One line: a header, `key = value` (value kept raw for the second step), an array element, `]`, or nothing.
const LINE =
  /[ \t]*(?:(\[\[?)((?:[^\]"'\n]|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')+)\]\]?|(?:([A-Za-z0-9_-]+)|"((?:[^"\\\n]|\\.)*)")[ \t]*=[ \t]*("""[^\n]*|'''[^\n]*|(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n"'#])*?)|("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*,?|(\]))?[ \t]*(?:#[^\n]*)?\r?(?:\n|$)/y;
const STRING = /^"((?:[^"\\\n]|\\.)*)"$|^'([^'\n]*)'$/;
/** A value as cargo writes one on a line: a string (or the start of a multi-line one), a boolean, an integer, an array or an inline table (checked whole where built). */
const VALUE_SHAPE = /^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|"""[^\n]*|'''[^\n]*|true|false|[+-]?(?:0|[1-9](?:_?\d)*)|\[.*|\{.*\})$/;
const INLINE_ARRAY = /^\[((?:[ \t]*(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*,)*[ \t]*(?:(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*)?)\]$/;
const ARRAY_ITEM = /"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'/g;
const INLINE_PAIR = /[ \t]*(?:([A-Za-z0-9_-]+)|"((?:[^"\\\n]|\\.)*)")[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|true|false|\[[^\]\n]*\])[ \t]*(,|\})/y;
const ARRAY_BLOCK = /\[((?:[ \t\r\n]*(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t\r\n]*,)*[ \t\r\n]*(?:(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t\r\n]*)?)\][ \t]*(?:#[^\n]*)?\r?(?:\n|$)/y;
/**
 * A run of whole lines of the plainest shapes (blank, a comment, or a key without
 * escapes given a string without escapes, a boolean or an integer): most of what
 * skipped sections hold, checked in one native match; their keys are then taken
 * by KEY_AT, to check each given once.
 */
const PLAIN_LINES = /(?:[ \t]*(?:(?:[A-Za-z0-9_-]+|"[^"\\\n]*")[ \t]*=[ \t]*(?:"[^"\\\n]*"|'[^'\n]*'|true|false|[+-]?(?:0|[1-9](?:_?\d)*))[ \t]*)?(?:#[^\n]*)?\r?\n)+/y;
const KEY_AT = /^[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\\n]*)")[ \t]*=/gm;

function headerPath(inner: string): string[] {
  const path: string[] = [];
  HEADER_PART.lastIndex = 0;
  for (;;) {
    const start = HEADER_PART.lastIndex;
    const m = HEADER_PART.exec(inner);
    if (!m || HEADER_PART.lastIndex === start) return fail();
    path.push(m[1] !== undefined ? unescapeBasic(m[1]) : (m[2] ?? m[3]));
    if (m[4] !== '.') return path;
  }
}

function scalar(raw: string): unknown {
  const s = STRING.exec(raw);
  if (s) return s[1] !== undefined ? unescapeBasic(s[1]) : s[2];
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(raw)) return Number(raw.replace(/_/g, ''));
  return fail();
}

function inlineArray(raw: string): string[] {
  const m = INLINE_ARRAY.exec(raw);
  if (!m) return fail();
  return stringItems(m[1]);
}

function inlineTable(raw: string): Table {
  const out: Table = {};
  if (/^\{[ \t]*\}$/.test(raw)) return out;
  INLINE_PAIR.lastIndex = 1;
  for (;;) {
    const m = INLINE_PAIR.exec(raw);
    if (!m) return fail();
    const key = m[1] ?? unescapeBasic(m[2]);
    if (Object.hasOwn(out, key)) return fail();
    out[key] = m[3].startsWith('[') ? inlineArray(m[3]) : scalar(m[3]);
    if (m[4] === '}') return INLINE_PAIR.lastIndex === raw.length ? out : fail();
  }
}

/**
 * The kept table a header names, made where needed. `made` holds the tables
 * headers made (defined, or on the path of one) and `defined` those defined:
 * any other value on the path (a string, an array, an inline table, closed in
 * TOML) or a table defined before goes to the general parser.
 */
function open(root: Table, path: string[], defined: Set<Table>, made: Set<unknown>): Table {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]];
    if (next === undefined) made.add((cur[path[i]] = next = {}));
    else if (!made.has(next)) return fail();
    cur = next as Table;
  }
  const last = path[path.length - 1];
  const existing = cur[last];
  if (existing === undefined) {
    const t: Table = {};
    cur[last] = t;
    made.add(t);
    defined.add(t);
    return t;
  }
  if (!made.has(existing) || defined.has(existing as Table)) return fail();
  defined.add(existing as Table);
  return existing as Table;
}

/** The strings of an array's body (its elements, already checked to be strings only). */
function stringItems(body: string): string[] {
  const out: string[] = [];
  ARRAY_ITEM.lastIndex = 0;
  for (let it = ARRAY_ITEM.exec(body); it; it = ARRAY_ITEM.exec(body)) out.push(it[1] !== undefined ? unescapeBasic(it[1]) : it[2]);
  return out;
}

/** The kept tables of a published Cargo.toml, or null when the text needs the general parser. */
export function publishedManifestDoc(input: string): Table | null {
  const reader = new PublishedManifestReader(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  reader.skipOpeningComments();
  try {
    return reader.read();
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/**
 * One reading of a published manifest, a line at a time: each line is an
 * element of an open multi-line array, a header, or a key with its value.
 * A step that meets a shape it does not read throws `Unsupported`.
 */
class PublishedManifestReader {
  readonly root: Table = {};
  /** The tables headers defined, and those they made (defined, or on the path of one): see `open`. */
  private readonly defined = new Set<Table>();
  private readonly made = new Set<unknown>();
  /** Where the current table's values go: null in a skipped table. */
  private table: Table | null = this.root;
  /** An open multi-line array: where its elements go (null: skipped). */
  private array: string[] | null | undefined;
  private pos = 0;
  /** `[package]`: of its keys only PACKAGE_KEYS are built; the others are checked for shape. */
  private pkgTable: Table | undefined;
  /**
   * Every header given (true: an array of tables); by table (named by its path joined with
   * NUL, the root ''), the keys given in it that are not built (of a skipped table, the unread
   * ones of `[package]`; of an array of tables, its last element) and the names of tables
   * headers put in it: a key that is also a table's name is refused in either order (`b = 1`
   * in `[a]`, and `[a.b]` or `[a.b.c]`). Built keys are in the built tables.
   */
  private readonly headers = new Map<string, boolean>();
  private readonly tableKeys = new Map<string, Set<string>>();
  private readonly subtables = new Map<string, Set<string>>();
  /** Of the current table: the keys given that are not built, and the names of the tables put in it. */
  private keys = new Set<string>();
  private subs: Set<string> | undefined;

  constructor(private readonly text: string) {
    this.tableKeys.set('', this.keys);
  }

  /** The comment block cargo writes at the top: a line at a time, without the line reader. */
  skipOpeningComments(): void {
    const text = this.text;
    while (text.charCodeAt(this.pos) === 0x23 /* # */) {
      const eol = text.indexOf('\n', this.pos);
      if (eol < 0) {
        this.pos = text.length;
        return;
      }
      this.pos = eol + 1;
    }
  }

  read(): Table {
    const text = this.text;
    while (this.pos < text.length) {
      LINE.lastIndex = this.pos;
      const m = LINE.exec(text);
      if (!m || LINE.lastIndex === this.pos) return fail();
      const lineStart = this.pos;
      this.pos = LINE.lastIndex;
      if (this.array !== undefined) this.arrayLine(m);
      else if (m[1] !== undefined) this.header(m);
      else this.keyLine(m, lineStart);
    }
    if (this.array !== undefined) return fail();
    return this.root;
  }

  /** A line inside an open multi-line array: an element, its closing `]`, or nothing. */
  private arrayLine(m: RegExpExecArray): void {
    if (m[6] !== undefined) {
      if (this.array) {
        const s = STRING.exec(m[6])!;
        this.array.push(s[1] !== undefined ? unescapeBasic(s[1]) : s[2]);
      }
    } else if (m[7] !== undefined) this.array = undefined;
    else if (m[0].trim() !== '' && !m[0].trim().startsWith('#')) fail();
  }

  /** `[table]` or `[[array of tables]]`: the table the next keys go to, built or skipped. */
  private header(m: RegExpExecArray): void {
    const isArray = m[1] === '[[';
    if (isArray !== m[0].trimEnd().endsWith(']]')) return fail();
    const path = headerPath(m[2]);
    this.enterTable(this.placeTables(path), isArray);
    if (!isArray && isRelevantTable(path)) {
      this.table = open(this.root, path, this.defined, this.made);
      if (path.length === 1 && path[0] === 'package') this.pkgTable = this.table;
      return;
    }
    this.skipTable(path);
  }

  /** Puts each table on a header's path in its parent, where no key may have its name; gives the table's name, as `tableKeys` names it. */
  private placeTables(path: string[]): string {
    let name = '';
    for (let i = 0; i < path.length; i++) {
      if (this.tableKeys.get(name)?.has(path[i])) return fail();
      let inParent = this.subtables.get(name);
      if (!inParent) this.subtables.set(name, (inParent = new Set()));
      inParent.add(path[i]);
      name = i === 0 ? path[0] : `${name}\u0000${path[i]}`;
    }
    return name;
  }

  /**
   * Every header, read or skipped, is given once (an array of tables again and again): a table
   * defined twice, or both as a table and an array of tables, goes to the general parser, which refuses it.
   * So does an array of tables whose name an earlier header made a table (`[[a.b]]`, then `[[a]]`).
   */
  private enterTable(name: string, isArray: boolean): void {
    const seen = this.headers.get(name);
    if (seen !== undefined && !(seen && isArray)) return fail();
    this.subs = this.subtables.get(name);
    if (seen === undefined && isArray && this.subs) return fail();
    this.headers.set(name, isArray);
    this.keys = new Set<string>();
    this.tableKeys.set(name, this.keys);
  }

  /** A table dependency analysis does not read: its lines are checked, nothing is built; its plainest lines at once. */
  private skipTable(path: string[]): void {
    // Below built tables: no value of theirs may have its name or a name on its path.
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      const v = node[path[i]];
      if (v === undefined) break;
      if (!this.made.has(v)) return fail();
      node = v as Table;
    }
    this.table = null;
    PLAIN_LINES.lastIndex = this.pos;
    if (PLAIN_LINES.exec(this.text)) {
      const end = PLAIN_LINES.lastIndex;
      KEY_AT.lastIndex = this.pos;
      for (let k = KEY_AT.exec(this.text); k && k.index < end; k = KEY_AT.exec(this.text)) {
        const key = k[1] ?? k[2];
        if (this.keys.has(key) || this.subs?.has(key)) return fail();
        this.keys.add(key);
      }
      this.pos = end;
    }
  }

  /** `key = value`, or a line with nothing on it: the value built into the current table, or only checked. */
  private keyLine(m: RegExpExecArray, lineStart: number): void {
    const rawKey = m[3] ?? (m[4] !== undefined ? unescapeBasic(m[4]) : undefined);
    if (rawKey === undefined) {
      if (m[6] !== undefined || m[7] !== undefined) fail();
      return;
    }
    if (this.subs?.has(rawKey)) return fail();
    const raw = m[5];
    // Where the value goes: nowhere for a key of a skipped table or of `[package]` nobody reads.
    const into = this.table === null || (this.table === this.pkgTable && !PACKAGE_KEYS.has(rawKey)) ? this.checkUnread(rawKey, raw) : this.table;
    if (raw.startsWith('"""') || raw.startsWith("'''")) {
      // Never kept: in a kept table, the general parser reads it.
      if (into !== null) return fail();
      this.skipMultilineString(m, raw, lineStart);
      return;
    }
    let value: unknown;
    if (raw === '[') value = this.openArray(m, lineStart, into !== null);
    else if (into === null)
      return; // a value in a skipped table (single-line): nothing to build
    else if (raw.startsWith('[')) value = inlineArray(raw);
    else if (raw.startsWith('{')) value = inlineTable(raw);
    else value = scalar(raw);
    if (into === null) return;
    if (Object.hasOwn(into, rawKey)) return fail();
    into[rawKey] = value;
  }

  /**
   * A value nothing is built from, still checked for TOML's shape, so that what the general
   * parser would refuse is refused here too: its key given once, its escapes TOML's, an array
   * or an inline table on one line read as when kept. Gives null: where such a value goes.
   */
  private checkUnread(rawKey: string, raw: string): null {
    if (this.keys.has(rawKey) || !VALUE_SHAPE.test(raw)) return fail();
    this.keys.add(rawKey);
    if (raw.startsWith('"') && !raw.startsWith('"""') && raw.includes('\\')) unescapeBasic(raw.slice(1, -1));
    else if (raw.startsWith('[') && raw !== '[') inlineArray(raw);
    else if (raw.startsWith('{')) inlineTable(raw);
    return null;
  }

  /** A multi-line string (never kept): read past its closing line, its escapes checked. */
  private skipMultilineString(m: RegExpExecArray, raw: string, lineStart: number): void {
    const text = this.text;
    const delim = raw.slice(0, 3);
    const bodyStart = lineStart + m[0].indexOf(raw) + 3;
    const end = multilineEnd(text, bodyStart, delim);
    if (end < 0) return fail();
    // Not kept, but its escapes are checked, so that what the general parser refuses is refused here too.
    multilineValue(text.slice(bodyStart, end - 3), delim);
    // The rest of the closing line must be blank or a comment.
    const eol = text.indexOf('\n', end);
    const rest = text.slice(end, eol < 0 ? text.length : eol);
    if (!/^[ \t]*(?:#.*)?\r?$/.test(rest)) return fail();
    this.pos = eol < 0 ? text.length : eol + 1;
  }

  /**
   * An array over several lines: the whole of it at once when it holds only strings (as cargo
   * writes them), else left open for `arrayLine` to fill. Gives its elements when `kept`.
   */
  private openArray(m: RegExpExecArray, lineStart: number, kept: boolean): string[] | null | undefined {
    ARRAY_BLOCK.lastIndex = lineStart + m[0].lastIndexOf('[');
    const block = ARRAY_BLOCK.exec(this.text);
    if (block) {
      this.pos = ARRAY_BLOCK.lastIndex;
      return kept ? stringItems(block[1]) : undefined;
    }
    this.array = kept ? [] : null;
    return this.array;
  }
}
