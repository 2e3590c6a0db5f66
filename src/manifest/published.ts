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
 * `[target.'…']`.
 *
 * Anything of another shape (dotted keys in a kept table, a value it does not
 * know, a table or key given twice) returns null; the caller then parses the
 * file with the general parser, which also reports its errors.
 */
import { fail, multilineEnd, multilineValue, unescapeBasic as unescape, Unsupported } from './simple-toml.js';

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
const NEXT_HEADER = /^[ \t]*\[/gm;
const ARRAY_BLOCK = /\[((?:[ \t\r\n]*(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t\r\n]*,)*[ \t\r\n]*(?:(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t\r\n]*)?)\][ \t]*(?:#[^\n]*)?\r?(?:\n|$)/y;


function headerPath(inner: string): string[] {
  const path: string[] = [];
  HEADER_PART.lastIndex = 0;
  for (;;) {
    const start = HEADER_PART.lastIndex;
    const m = HEADER_PART.exec(inner);
    if (!m || HEADER_PART.lastIndex === start) return fail();
    path.push(m[1] !== undefined ? unescape(m[1]) : (m[2] ?? m[3]));
    if (m[4] !== '.') return path;
  }
}

function scalar(raw: string): unknown {
  const s = STRING.exec(raw);
  if (s) return s[1] !== undefined ? unescape(s[1]) : s[2];
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(raw)) return Number(raw.replace(/_/g, ''));
  return fail();
}

function inlineArray(raw: string): string[] {
  const m = INLINE_ARRAY.exec(raw);
  if (!m) return fail();
  const out: string[] = [];
  ARRAY_ITEM.lastIndex = 0;
  for (let it = ARRAY_ITEM.exec(m[1]); it; it = ARRAY_ITEM.exec(m[1])) out.push(it[1] !== undefined ? unescape(it[1]) : it[2]);
  return out;
}

function inlineTable(raw: string): Table {
  const out: Table = {};
  if (/^\{[ \t]*\}$/.test(raw)) return out;
  INLINE_PAIR.lastIndex = 1;
  for (;;) {
    const m = INLINE_PAIR.exec(raw);
    if (!m) return fail();
    const key = m[1] ?? unescape(m[2]);
    if (Object.prototype.hasOwnProperty.call(out, key)) return fail();
    out[key] = m[3].startsWith('[') ? inlineArray(m[3]) : scalar(m[3]);
    if (m[4] === '}') return INLINE_PAIR.lastIndex === raw.length ? out : fail();
  }
}

function open(root: Table, path: string[], isArray: boolean, defined: Set<Table>): Table {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]];
    if (next === undefined) cur[path[i]] = next = {};
    if (Array.isArray(next)) next = next[next.length - 1];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return fail();
    cur = next as Table;
  }
  const last = path[path.length - 1];
  const existing = cur[last];
  if (isArray) return fail();
  if (existing === undefined) {
    const t: Table = {};
    cur[last] = t;
    defined.add(t);
    return t;
  }
  if (typeof existing !== 'object' || existing === null || Array.isArray(existing) || defined.has(existing as Table)) return fail();
  defined.add(existing as Table);
  return existing as Table;
}

/** The kept tables of a published Cargo.toml, or null when the text needs the general parser. */
export function publishedManifestDoc(input: string): Table | null {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const root: Table = {};
  const defined = new Set<Table>();
  let table: Table | null = root;
  // An open multi-line array: where its elements go (null: skipped).
  let array: string[] | null | undefined;
  let pos = 0;
  let dq = -2;
  let sq = -2;
  // Keys of `[package]` nobody reads: their values are checked for shape, not built.
  let pkgTable: Table | undefined;
  const unread = new Set<string>();
  const headers = new Map<string, boolean>();
  // The comment block cargo writes at the top: a line at a time, without the line reader.
  while (text.charCodeAt(pos) === 0x23 /* # */) {
    const eol = text.indexOf('\n', pos);
    if (eol < 0) return root;
    pos = eol + 1;
  }
  try {
    while (pos < text.length) {
      LINE.lastIndex = pos;
      const m = LINE.exec(text);
      if (!m || LINE.lastIndex === pos) return fail();
      const lineStart = pos;
      pos = LINE.lastIndex;
      if (array !== undefined) {
        if (m[6] !== undefined) {
          if (array) {
            const s = STRING.exec(m[6])!;
            array.push(s[1] !== undefined ? unescape(s[1]) : s[2]);
          }
        } else if (m[7] !== undefined) array = undefined;
        else if (m[0].trim() !== '' && !m[0].trim().startsWith('#')) return fail();
        continue;
      }
      if (m[1] !== undefined) {
        const isArray = m[1] === '[[';
        if (isArray !== m[0].trimEnd().endsWith(']]')) return fail();
        const path = headerPath(m[2]);
        // Every header, read or skipped, is given once (an array of tables again and again): a table
        // defined twice, or both as a table and an array of tables, goes to the general parser, which refuses it.
        const seen = headers.get(path.join('\u0000'));
        if (seen !== undefined && !(seen && isArray)) return fail();
        headers.set(path.join('\u0000'), isArray);
        if (!isArray && isRelevantTable(path)) {
          table = open(root, path, false, defined);
          if (path.length === 1 && path[0] === 'package') pkgTable = table;
          continue;
        }
        // Not read: jump to the next header, unless a multi-line string may hide one.
        table = null;
        NEXT_HEADER.lastIndex = pos;
        const next = NEXT_HEADER.exec(text);
        const end = next ? next.index : text.length;
        // The next `""` / `''` from here on (kept between skips: searching the
        // rest of the file again at every skipped header is quadratic).
        if (dq !== -1 && dq < pos) dq = text.indexOf('""', pos);
        if (sq !== -1 && sq < pos) sq = text.indexOf("''", pos);
        if ((dq < 0 || dq >= end) && (sq < 0 || sq >= end)) pos = end;
        continue;
      }
      const rawKey = m[3] ?? (m[4] !== undefined ? unescape(m[4]) : undefined);
      if (rawKey === undefined) {
        if (m[6] !== undefined || m[7] !== undefined) return fail();
        continue;
      }
      const raw = m[5];
      // Where the value goes: nowhere for a key of `[package]` nobody reads. Such a key
      // is still checked (given once, with a value of TOML's shape), so that what the
      // general parser would refuse is refused here too.
      let into = table;
      if (table !== null && table === pkgTable && !PACKAGE_KEYS.has(rawKey)) {
        if (unread.has(rawKey) || !VALUE_SHAPE.test(raw)) return fail();
        // Escapes must be TOML's; an array on one line is read as when kept; an inline table goes to the general parser.
        if (raw.startsWith('"') && !raw.startsWith('"""') && raw.includes('\\')) unescape(raw.slice(1, -1));
        else if (raw.startsWith('[') && raw !== '[') inlineArray(raw);
        else if (raw.startsWith('{')) return fail();
        unread.add(rawKey);
        into = null;
      }
      let value: unknown;
      if (raw.startsWith('"""') || raw.startsWith("'''")) {
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
        pos = eol < 0 ? text.length : eol + 1;
        continue; // multi-line strings are never kept
      }
      if (raw === '[') {
        // The whole array at once when it holds only strings (as cargo writes them); else a line at a time.
        const open = lineStart + m[0].lastIndexOf('[');
        ARRAY_BLOCK.lastIndex = open;
        const block = ARRAY_BLOCK.exec(text);
        if (block) {
          pos = ARRAY_BLOCK.lastIndex;
          if (into === null) continue;
          const items: string[] = [];
          ARRAY_ITEM.lastIndex = 0;
          for (let it = ARRAY_ITEM.exec(block[1]); it; it = ARRAY_ITEM.exec(block[1])) items.push(it[1] !== undefined ? unescape(it[1]) : it[2]);
          value = items;
        } else {
          array = into ? [] : null;
          value = array;
        }
      } else if (into === null) {
        continue; // a value in a skipped table (single-line): nothing to build
      } else if (raw.startsWith('[')) value = inlineArray(raw);
      else if (raw.startsWith('{')) value = inlineTable(raw);
      else value = scalar(raw);
      if (into === null) continue;
      if (Object.prototype.hasOwnProperty.call(into, rawKey)) return fail();
      into[rawKey] = value;
    }
    if (array !== undefined) return fail();
    return root;
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
