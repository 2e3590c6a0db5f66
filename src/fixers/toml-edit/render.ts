/**
 * TOML text for the keys and values the editor writes: always TOML 1.0, in
 * cargo's style (`key = value`, `{ a = 1, b = 2 }`, `["x", "y"]`).
 */

/** Values the editor can write: what a dependency entry is made of. */
export type TomlOut = string | boolean | TomlOut[] | { [key: string]: TomlOut };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
/** Characters a literal string cannot hold (TOML 1.0 §String). */
const NOT_LITERAL = /['\u0000-\u0008\u000a-\u001f\u007f]/;
/** With the `u` flag only unpaired surrogates are code points of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

export function renderKey(key: string): string {
  if (BARE_KEY.test(key)) return key;
  // Single quotes, as cargo writes `[target.'cfg(unix)'.dependencies]`.
  if (!NOT_LITERAL.test(key) && !LONE_SURROGATE.test(key)) return `'${key}'`;
  return renderString(key);
}

export function renderKeyPath(path: readonly string[]): string {
  return path.map(renderKey).join('.');
}

const ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};

/** A basic string. Lone surrogates cannot be written in TOML at all. */
export function renderString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new Error(`not a Unicode string: ${JSON.stringify(s)}`);
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

export function renderValue(value: TomlOut): string {
  if (typeof value === 'string') return renderString(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${renderKey(k)} = ${renderValue(v)}`).join(', ')} }`;
}
