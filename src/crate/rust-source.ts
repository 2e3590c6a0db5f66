/**
 * Rust source read as text, never compiled: comments blanked out, string
 * literals found, and the files a build script pulls in (`mod`, `#[path]`,
 * `include!`). Shared by the readers that fetch a build script's files and by
 * the classifier that reads them.
 */

/** A string literal: where it starts (its opening quote, or `r`/`b` prefix) and its contents, escapes resolved. */
export interface StringLiteral {
  start: number;
  end: number;
  value: string;
}

export interface LexedSource {
  /** The text with comments and the contents of string and char literals replaced by spaces (line breaks kept), so offsets are the original's. */
  code: string;
  strings: StringLiteral[];
  /** The literals by their start. */
  byStart: Map<number, StringLiteral>;
}

const lexCache = new Map<string, LexedSource>();

/** Blanks comments (nested block comments too) and collects string literals. */
export function lexRust(text: string): LexedSource {
  const hit = lexCache.get(text);
  if (hit) return hit;
  const out: string[] = [];
  const strings: StringLiteral[] = [];
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let i = 0;
  let copied = 0;
  const flush = (to: number) => {
    if (to > copied) out.push(text.slice(copied, to));
    copied = to;
  };
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      flush(i);
      out.push(blank(text.slice(i, stop)));
      copied = i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      flush(i);
      out.push(blank(text.slice(i, j)));
      copied = i = j;
      continue;
    }
    // Raw strings: r"..", r#".."#, br"..", cr"..".
    const raw = (c === 'r' || c === 'b' || c === 'c') && !isIdentChar(text[i - 1]) ? RAW_START.exec(text.slice(i, i + 260)) : null;
    if (raw) {
      const hashes = raw[1]!;
      const open = i + raw[0].length;
      const close = text.indexOf(`"${hashes}`, open);
      const stop = close < 0 ? n : close + 1 + hashes.length;
      strings.push({ start: i, end: stop, value: text.slice(open, close < 0 ? n : close) });
      flush(open);
      out.push(blank(text.slice(open, close < 0 ? n : close)));
      copied = close < 0 ? n : close;
      i = stop;
      continue;
    }
    if (c === '"' || ((c === 'b' || c === 'c') && text[i + 1] === '"' && !isIdentChar(text[i - 1]))) {
      const open = c === '"' ? i + 1 : i + 2;
      let j = open;
      let value = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\') {
          const e = text[j + 1];
          if (e === '\n' || (e === '\r' && text[j + 2] === '\n')) {
            // A line continuation: the break and the next line's leading whitespace are dropped.
            j += e === '\n' ? 2 : 3;
            while (j < n && /\s/.test(text[j]!)) j++;
            continue;
          }
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : (e ?? '');
          if (e === 'u' && text[j + 2] === '{') {
            const close = text.indexOf('}', j);
            value = value.slice(0, -1) + safeCodePoint(text.slice(j + 3, close));
            j = close + 1;
            continue;
          }
          if (e === 'x') {
            value = value.slice(0, -1) + String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16) || 0);
            j += 4;
            continue;
          }
          j += 2;
          continue;
        }
        value += text[j];
        j++;
      }
      strings.push({ start: i, end: Math.min(j + 1, n), value });
      flush(open);
      out.push(blank(text.slice(open, j)));
      copied = j;
      i = j + 1;
      continue;
    }
    if (c === "'") {
      // A char literal ('x', '\n', '\u{..}', '"') or a lifetime ('a): only a literal is blanked.
      let end = -1;
      if (text[i + 1] === '\\') end = text.indexOf("'", i + 3);
      else {
        const cp = text.codePointAt(i + 1);
        const width = cp !== undefined && cp > 0xffff ? 2 : 1;
        if (text[i + 1 + width] === "'") end = i + 1 + width;
      }
      if (end > i) {
        flush(i + 1);
        out.push(blank(text.slice(i + 1, end)));
        copied = end;
        i = end + 1;
        continue;
      }
    }
    i++;
  }
  flush(n);
  const lexed = { code: out.join(''), strings, byStart: new Map(strings.map((x) => [x.start, x])) };
  if (lexCache.size > 256) lexCache.clear();
  lexCache.set(text, lexed);
  return lexed;
}

const RAW_START = /^(?:b|c)?r(#*)"/;

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

function safeCodePoint(hex: string): string {
  const v = parseInt(hex.replace(/_/g, ''), 16);
  return Number.isInteger(v) && v >= 0 && v <= 0x10ffff ? String.fromCodePoint(v) : '';
}

/** The string literal that starts at or after `from` (skipping only whitespace), if any. */
export function stringAt(lexed: LexedSource, from: number): StringLiteral | undefined {
  let i = from;
  while (i < lexed.code.length && /\s/.test(lexed.code[i]!)) i++;
  return lexed.byStart.get(i);
}

/** 1-based line and column (in characters) of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

/** A file a source file pulls in: a module (one of `candidates`, the first that exists) or an `include!`. */
export interface PulledIn {
  candidates: string[];
}

/**
 * The files `path` (relative to the crate's root, `/`-separated) pulls in:
 * `mod name;` (`name.rs` or `name/mod.rs` in the module's folder),
 * `#[path = "..."] mod name;` and `include!("...")` relative to the file's
 * folder. `isRoot` is true for the build script itself (a crate root, whose
 * modules sit beside it). Paths leaving the crate, absolute paths and
 * includes built at run time (`concat!(env!("OUT_DIR"), ...)`) are skipped.
 */
export function pulledInFiles(path: string, text: string, isRoot: boolean): PulledIn[] {
  const lexed = lexRust(text);
  const { code } = lexed;
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const base = path.slice(path.lastIndexOf('/') + 1);
  // A crate root or a mod.rs holds its modules beside it; `foo.rs` in `foo/`.
  const modDir = isRoot || base === 'mod.rs' ? dir : (join(dir, base.replace(/\.rs$/, '')) ?? dir);
  const out: PulledIn[] = [];
  const modRe = /(?:^|[^A-Za-z0-9_])mod\s+(r#)?([A-Za-z_][A-Za-z0-9_]*)\s*;/g;
  for (let m = modRe.exec(code); m; m = modRe.exec(code)) {
    const name = m[2]!;
    // The attributes of the item: everything since the previous statement or brace (string contents are blanked in `code`).
    const stmtStart = Math.max(code.lastIndexOf(';', m.index), code.lastIndexOf('}', m.index), code.lastIndexOf('{', m.index)) + 1;
    const attr = /#\s*\[\s*path\s*=\s*/.exec(code.slice(stmtStart, m.index + 1));
    const explicit = attr ? stringAt(lexed, stmtStart + attr.index + attr[0].length)?.value : undefined;
    if (explicit !== undefined) {
      const p = join(dir, explicit);
      if (p) out.push({ candidates: [p] });
    } else out.push({ candidates: [join(modDir, `${name}.rs`), join(modDir, `${name}/mod.rs`)].filter((p): p is string => p !== null) });
  }
  const incRe = /(?:^|[^A-Za-z0-9_])include!\s*[([{]/g;
  for (let m = incRe.exec(code); m; m = incRe.exec(code)) {
    const lit = stringAt(lexed, m.index + m[0].length);
    if (!lit) continue;
    const p = join(dir, lit.value);
    if (p) out.push({ candidates: [p] });
  }
  return out.filter((p) => p.candidates.length > 0);
}

/** `dir/rel`, normalized; null for an absolute path or one that leaves the crate. */
function join(dir: string, rel: string): string | null {
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.includes('\\') || rel.includes('\0')) return null;
  const parts: string[] = dir ? dir.split('/') : [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (!parts.length) return null;
      parts.pop();
    } else parts.push(p);
  }
  return parts.length ? parts.join('/') : null;
}

/** Most files a build script and its modules may count. */
export const MAX_SCRIPT_FILES = 64;

/**
 * The build script and the files it pulls in, transitively, read through
 * `read` (undefined for a file that is not there). Paths relative to the
 * crate's root.
 */
export function collectScriptFiles(buildPath: string, read: (path: string) => string | undefined): { path: string; text: string }[] {
  const first = read(buildPath);
  if (first === undefined) return [];
  const files = [{ path: buildPath, text: first }];
  const seen = new Set([buildPath]);
  for (let i = 0; i < files.length && files.length < MAX_SCRIPT_FILES; i++) {
    const f = files[i]!;
    for (const p of pulledInFiles(f.path, f.text, i === 0)) {
      for (const c of p.candidates) {
        if (seen.has(c)) break;
        const text = c.endsWith('.rs') || !c.includes('.') ? read(c) : undefined;
        if (text === undefined) continue;
        seen.add(c);
        files.push({ path: c, text });
        break;
      }
    }
  }
  return files;
}
