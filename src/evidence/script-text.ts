/**
 * Shapes of a build script's text that the classifier (`build-script.ts`)
 * reads around a match: where a call or a block ends, where a statement
 * starts, what an `if` tests, and the literal values a local binding can
 * take. Every scan is bounded (a line, or a few thousand characters), so a
 * script of any size is read in linear time.
 */
import { stringAt, type LexedSource } from '../crate/rust-source.js';

/** The end of a call whose argument list starts at `open` (just after its `(`): after the matching `)`, on the same line and within reason. */
export function callEnd(code: string, open: number): number {
  let depth = 1;
  for (let i = open; i < code.length && i < open + 160; i++) {
    const c = code[i];
    if (c === '\n') return open;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return open;
}

/** The start of the expression on the line that holds `at`: a macro call (`println!(`) or the first non-blank of the line. */
export function statementStart(code: string, at: number): number {
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  const head = code.slice(lineStart, at);
  const mac = /[A-Za-z_][A-Za-z0-9_]*!\s*\(\s*$/.exec(head);
  if (mac) return lineStart + mac.index;
  const call = /[A-Za-z_][A-Za-z0-9_]*(?:\s*::\s*[A-Za-z_][A-Za-z0-9_]*)*\s*\(\s*$/.exec(head);
  if (call) return lineStart + call.index;
  const chain = /(?:[A-Za-z_][A-Za-z0-9_:]*\s*(?:\([^()\n]*\))?\s*\.\s*)*[A-Za-z_][A-Za-z0-9_]*\s*\.\s*$/.exec(head);
  if (chain) return lineStart + chain.index;
  return at;
}

/** How far a block is followed: a longer one is not read (its end is not looked for). */
const BLOCK_LIMIT = 4000;

/** The `{ ... }` block that opens at `open` (the index of its `{`): the index just after its `}`, or -1 past the limit. */
export function blockEnd(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length && i < open + BLOCK_LIMIT; i++) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The `if` whose condition holds `at` (on that condition's line): the part of the condition that
 * holds `at` (split at `||`, `&&` marked), and the block it guards, `{ start, end }` (from its `{`
 * to just after its `}`). Null when `at` is not in an `if` condition on one line.
 */
export function ifAround(code: string, at: number): { test: string; block: { start: number; end: number } } | null {
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  const head = code.slice(lineStart, at);
  const kw = /\bif\s/.exec(head);
  if (!kw || /[;{}]/.test(head.slice(kw.index))) return null;
  const lineEnd = code.indexOf('\n', at);
  const rest = code.slice(at, lineEnd < 0 ? code.length : lineEnd);
  // The block opens at the first `{` outside parentheses after `at`.
  let depth = 0;
  let open = -1;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '{' && depth <= 0) {
      open = at + i;
      break;
    } else if (c === ';' || c === '}') return null;
  }
  if (open < 0) return null;
  const end = blockEnd(code, open);
  if (end < 0) return null;
  const condition = code.slice(lineStart + kw.index + 2, open);
  const rel = at - (lineStart + kw.index + 2);
  // The disjunct that holds `at`: with `||`, the block runs whenever that part is true.
  const from = condition.lastIndexOf('||', rel);
  const to = condition.indexOf('||', rel);
  const part = condition.slice(from < 0 ? 0 : from + 2, to < 0 ? condition.length : to);
  return { test: /&&/.test(condition) ? `${part} &&` : part, block: { start: open, end } };
}

/**
 * Whether the part of an `if` condition that reads a feature or a variable is true when the
 * feature is on or the variable set (`cfg!(feature = "x")`, `env::var("X").is_ok()`, `.is_some()`),
 * with nothing else needed: no `!`, `not(`, `is_err`, `is_none` in it, and no `&&` in the condition.
 */
export function positiveTest(test: string): boolean {
  const bare = test.replace(/\b[A-Za-z_][A-Za-z0-9_]*!/g, '');
  return !/!|\bnot\s*\(|&&|\bis_err\b|\bis_none\b/.test(bare);
}

/** The body of a block (between its braces) is one `panic!(...)` and nothing else. */
export function onlyPanics(code: string, block: { start: number; end: number }): boolean {
  const body = code.slice(block.start + 1, block.end - 1).trim();
  if (!/^panic!\s*\(/.test(body)) return false;
  const semi = body.indexOf(';');
  return semi < 0 || semi === body.length - 1;
}

/**
 * The literal values a local binding takes where it is used at `at`: the nearest `let NAME =` before
 * `at` whose value is a string literal, an `if … { "a" } else { "b" }` chain or a `match` whose every
 * arm is a string literal; with `paths`, also a path made of one literal (`Path::new("opus")`,
 * `PathBuf::from("opus")`). Null for anything else (a value computed some other way).
 */
export function localLiterals(lexed: LexedSource, name: string, at: number, paths = false): string[] | null {
  const { code } = lexed;
  const from = Math.max(0, at - BLOCK_LIMIT);
  const re = new RegExp(`\\blet\\s+(?:mut\\s+)?${name}\\s*(?::[^=;{}]*)?=(?!=)`, 'g');
  const window = code.slice(from, at);
  let start = -1;
  for (let m = re.exec(window); m; m = re.exec(window)) start = from + m.index + m[0].length;
  if (start < 0) return null;
  // The value runs to the `;` that ends the statement, outside braces and parentheses.
  let depth = 0;
  let stop = -1;
  for (let i = start; i < code.length && i < start + BLOCK_LIMIT; i++) {
    const c = code[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ';' && depth === 0) {
      stop = i;
      break;
    }
  }
  if (stop < 0) return null;
  // The value with each string literal written `S`, and the literals in order.
  const values: string[] = [];
  let shape = '';
  let last = start;
  for (const s of lexed.strings) {
    if (s.start < start || s.end > stop) continue;
    shape += `${code.slice(last, s.start)}S`;
    values.push(s.value);
    last = s.end;
  }
  shape = `${shape}${code.slice(last, stop)}`.trim();
  if (shape === 'S') return values;
  if (paths && /^(?:(?:std\s*::\s*)?path\s*::\s*)?(?:Path\s*::\s*new|PathBuf\s*::\s*from)\s*\(\s*S\s*\)$/.test(shape)) return values;
  const picked = /^if\b/.test(shape) ? ifChainValues(shape) : /^match\b/.test(shape) ? matchValues(shape) : null;
  if (!picked) return null;
  return picked.map((i) => values[i]!).filter((v, i, all) => all.indexOf(v) === i);
}

/** `if c { S } else if d { S } else { S }`: the indexes (among the shape's `S`) of the values, or null. */
function ifChainValues(shape: string): number[] | null {
  const out: number[] = [];
  let n = 0;
  let rest = shape;
  for (;;) {
    const cond = /^(?:if\b[^{}]*)?\{\s*S\s*\}\s*/.exec(rest);
    if (!cond) return null;
    n += (cond[0].match(/S/g) ?? []).length;
    out.push(n - 1);
    rest = rest.slice(cond[0].length);
    if (rest === '') return out.length > 1 ? out : null;
    const el = /^else\s+/.exec(rest);
    if (!el) return null;
    rest = rest.slice(el[0].length);
  }
}

/** `match x { P => S, P => S }` with patterns of literals, `_` or paths: the indexes of the arm values, or null. */
function matchValues(shape: string): number[] | null {
  const open = shape.indexOf('{');
  if (open < 0 || !shape.endsWith('}')) return null;
  const scrutinee = shape.slice(0, open);
  let n = (scrutinee.match(/S/g) ?? []).length;
  const arms = shape.slice(open + 1, -1).split('=>');
  if (arms.length < 2) return null;
  const out: number[] = [];
  n += (arms[0]!.match(/S/g) ?? []).length;
  for (let i = 1; i < arms.length; i++) {
    const part = arms[i]!;
    const value = /^\s*S\s*(?:,|$)/.exec(part);
    if (!value || /[{}]/.test(part)) return null;
    out.push(n);
    n += (part.match(/S/g) ?? []).length;
  }
  return out;
}

/** The argument right after a literal that ends at `end` in a call: `("…{}", name)` gives `name`. */
export function nextArgument(code: string, end: number): string | null {
  return /^\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,)]/.exec(code.slice(end, end + 80))?.[1] ?? null;
}

/** A `#[link(...)]` attribute that stands on an `extern` block: where it is (from its `#` to just after its `]`), and the literal values of its `name` and `kind` (null when absent). */
export interface LinkAttribute {
  start: number;
  end: number;
  name: string | null;
  kind: string | null;
}

/** How far an attribute's argument list, and the attributes between it and its `extern` block, are followed. */
const ATTRIBUTE_LIMIT = 600;

/**
 * The `#[link(...)]` attributes of a file that stand on an `extern` block (other attributes may come
 * between, and the block may be `unsafe extern`), with the literal values of their top-level `name`
 * and `kind` keys. One given through `cfg_attr(.., link(..))` is not read, nor a name that is a
 * macro's fragment (`name = $lib`): neither is a literal here.
 */
export function linkAttributes(lexed: LexedSource): LinkAttribute[] {
  const { code } = lexed;
  const out: LinkAttribute[] = [];
  const re = /#\s*\[\s*link\s*\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const open = m.index + m[0].length;
    // The argument list runs to its `)` (string contents are blanked: no parentheses there), then `]` closes the attribute.
    let depth = 1;
    let close = -1;
    for (let i = open; i < code.length && i < open + ATTRIBUTE_LIMIT; i++) {
      const c = code[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) continue;
    const bracket = /^\s*\]/.exec(code.slice(close + 1, close + 64));
    if (!bracket) continue;
    const end = close + 1 + bracket[0].length;
    // On an extern block (`extern "C" {`, `unsafe extern {`), not on an `extern crate` or a function.
    if (!/^\s*(?:#\s*\[[^\]]*\]\s*)*(?:unsafe\s+)?extern\s*(?:"[^"\n]*"\s*)?\{/.test(code.slice(end, end + ATTRIBUTE_LIMIT))) continue;
    out.push({ start: m.index, end, name: topLevelKey(lexed, open, close, 'name'), kind: topLevelKey(lexed, open, close, 'kind') });
  }
  return out;
}

/** The literal value of `key = "…"` at the top level of the argument list from `open` to `close` (its `)`): not inside a nested `cfg(..)`. */
function topLevelKey(lexed: LexedSource, open: number, close: number, key: string): string | null {
  const args = lexed.code.slice(open, close);
  const re = new RegExp(`(?<![\\w$])${key}\\s*=\\s*`, 'g');
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const before = args.slice(0, m.index);
    if ((before.match(/\(/g) ?? []).length !== (before.match(/\)/g) ?? []).length) continue;
    const lit = stringAt(lexed, open + m.index + m[0].length);
    return lit && lit.end <= close ? lit.value : null;
  }
  return null;
}
