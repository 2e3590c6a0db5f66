/**
 * Parser for `cfg(...)` expressions and target specs, a port of cargo's
 * `cargo-platform` crate (src/cfg.rs, src/lib.rs) that accepts and rejects
 * exactly what cargo does, with cargo's error wording. Some of cargo's rules
 * look odd but are kept on purpose, because a spec cargo rejects is a build
 * that fails:
 *  - only U+0020 counts as whitespace; a tab is an unexpected character;
 *  - strings have no escapes: a string runs to the next `"`, backslashes included;
 *  - `r#name` is a raw identifier equal to `name` (so `r#all` is a plain name);
 *  - `true` and `false` are literals, kept here as names that `evalCfg` knows.
 * The tokenizer is lazy, like cargo's, so an error after a complete expression
 * reads "unexpected content" rather than "unexpected character".
 */
import type { CfgExpr, Platform } from './types.js';

/** A malformed `cfg(...)` expression or target spec. */
export class CfgSyntaxError extends Error {
  constructor(
    /** The text cargo quotes: the inside of `cfg(...)`, or the whole spec when it is no cfg. */
    readonly expression: string,
    /** Where the problem is: a UTF-16 index into the string passed to the parse function. */
    readonly offset: number,
    /** The message without the "failed to parse" prefix, e.g. "expected `)`, found `,`". */
    readonly reason: string,
  ) {
    // cargo quotes the whole expression; one of thousands of characters is cut, for a readable line.
    super(`failed to parse \`${expression.length > 200 ? `${expression.slice(0, 200)}…` : expression}\` as a cfg expression: ${reason}`);
    this.name = 'CfgSyntaxError';
  }
}

type Punct = '(' | ')' | ',' | '=';
type Token = { kind: Punct; start: number; end: number } | { kind: 'ident'; raw: boolean; text: string; start: number; end: number } | { kind: 'string'; text: string; start: number; end: number };

const OPERATORS = new Set(['all', 'any', 'not']);

/** One token: punctuation, a string (no escapes), or a possibly raw identifier. */
const TOKEN = /([(),=])|"([^"]*)"|(r#)?([A-Za-z_][A-Za-z0-9_]*)/y;

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'ident':
      return 'an identifier';
    case 'string':
      return 'a string';
    default:
      return `\`${token.kind}\``;
  }
}

/**
 * How deep `all`, `any` and `not` may nest: far beyond any real manifest, and
 * within what the recursive parser and evaluator take (cargo reads deeper; a
 * spec nested ten thousand deep is refused here with this reason, not a
 * stack overflow).
 */
export const MAX_CFG_DEPTH = 1000;

class Parser {
  private pos = 0;
  private depth = 0;
  /** The last peek and where it was made: most tokens are peeked before they are taken. */
  private peekedAt = -1;
  private peeked: Token | CfgSyntaxError | null = null;

  /** `base` is where `src` starts in the text the caller gave, for error offsets. */
  constructor(
    private readonly src: string,
    private readonly base: number,
  ) {}

  parse(): CfgExpr {
    const expr = this.expr();
    let rest = this.pos;
    while (this.src.charCodeAt(rest) === 32) rest++;
    if (rest < this.src.length) {
      throw this.error(rest, `unexpected content \`${this.src.slice(rest)}\` found after cfg expression`);
    }
    return expr;
  }

  private error(at: number, reason: string): CfgSyntaxError {
    return new CfgSyntaxError(this.src, this.base + at, reason);
  }

  private ended(expected: string): CfgSyntaxError {
    return this.error(this.src.length, `expected ${expected}, but cfg expression ended`);
  }

  /** The token at the current position, without consuming it; errors are returned, not thrown. */
  private peek(): Token | CfgSyntaxError | null {
    if (this.peekedAt !== this.pos) {
      this.peeked = this.lex();
      this.peekedAt = this.pos;
    }
    return this.peeked;
  }

  private lex(): Token | CfgSyntaxError | null {
    const s = this.src;
    let start = this.pos;
    while (s.charCodeAt(start) === 32) start++;
    TOKEN.lastIndex = start;
    const m = TOKEN.exec(s);
    if (m) {
      const end = TOKEN.lastIndex;
      if (m[1]) return { kind: m[1] as Punct, start, end };
      if (m[2] !== undefined) return { kind: 'string', text: m[2], start, end };
      // `r#` that no identifier follows: the regex read just the `r`.
      if (m[4] === 'r' && !m[3] && s[end] === '#') {
        return end + 1 >= s.length ? this.ended('identifier') : this.unexpectedChar(end + 1);
      }
      return { kind: 'ident', raw: m[3] !== undefined, text: m[4]!, start, end };
    }
    if (start >= s.length) return null;
    if (s[start] === '"') return this.error(start, 'unterminated string in cfg');
    return this.unexpectedChar(start);
  }

  private unexpectedChar(at: number): CfgSyntaxError {
    const ch = String.fromCodePoint(this.src.codePointAt(at)!);
    return this.error(at, `unexpected character \`${ch}\` in cfg, expected parens, a comma, an identifier, or a string`);
  }

  private next(): Token | null {
    const token = this.peek();
    if (token instanceof CfgSyntaxError) throw token;
    if (token) this.pos = token.end;
    return token;
  }

  /** Consumes the next token if it is `kind`. */
  private accept(kind: Punct): boolean {
    const token = this.peek();
    if (token instanceof CfgSyntaxError || token?.kind !== kind) return false;
    this.pos = token.end;
    return true;
  }

  private expect(kind: Punct): void {
    const token = this.next();
    if (!token) throw this.ended(`\`${kind}\``);
    if (token.kind !== kind) throw this.error(token.start, `expected \`${kind}\`, found ${describeToken(token)}`);
  }

  private expr(): CfgExpr {
    const token = this.peek();
    if (token instanceof CfgSyntaxError) throw token;
    if (!token) throw this.ended('start of a cfg expression');
    if (token.kind !== 'ident' || token.raw || !OPERATORS.has(token.text)) return this.value();
    if (++this.depth > MAX_CFG_DEPTH) throw this.error(token.start, `the expression nests \`all\`, \`any\` and \`not\` more than ${MAX_CFG_DEPTH} deep`);
    this.pos = token.end;
    this.expect('(');
    if (token.text === 'not') {
      const arg = this.expr();
      this.expect(')');
      this.depth--;
      return { kind: 'not', arg };
    }
    const args: CfgExpr[] = [];
    while (!this.accept(')')) {
      args.push(this.expr());
      if (!this.accept(',')) {
        this.expect(')');
        break;
      }
    }
    this.depth--;
    return { kind: token.text as 'all' | 'any', args };
  }

  /** A bare name or `key = "value"`. */
  private value(): CfgExpr {
    const ident = this.next();
    if (!ident) throw this.ended('identifier');
    if (ident.kind !== 'ident') throw this.error(ident.start, `expected identifier, found ${describeToken(ident)}`);
    if (!this.accept('=')) return { kind: 'name', name: ident.text };
    const value = this.next();
    if (!value) throw this.ended('a string');
    if (value.kind !== 'string') throw this.error(value.start, `expected a string, found ${describeToken(value)}`);
    return { kind: 'keyvalue', key: ident.text, value: value.text };
  }
}

/** Parses the inside of `cfg(...)`, e.g. `any(unix, target_os = "wasi")`. */
export function parseCfgExpr(text: string): CfgExpr {
  return new Parser(text, 0).parse();
}

/** Rust's `char::is_alphanumeric` (Unicode), `_`, `-` and `.`: what cargo allows in a target name. */
const TARGET_NAME = /^[\p{Alphabetic}\p{N}_.-]*$/u;
/** The usual case, checked first: the Unicode class above is slow to compile and run. */
const ASCII_TARGET_NAME = /^[A-Za-z0-9_.-]*$/;

/**
 * Parses a target spec as written in `[target.<spec>]` or an index entry's
 * `target` field: `cfg(...)` or a target name such as `x86_64-pc-windows-gnu`.
 * Error offsets are relative to `spec`.
 */
export function parsePlatform(spec: string): Platform {
  if (spec.length >= 5 && spec.startsWith('cfg(') && spec.endsWith(')')) {
    return { kind: 'cfg', expr: new Parser(spec.slice(4, -1), 4).parse() };
  }
  if (!ASCII_TARGET_NAME.test(spec) && !TARGET_NAME.test(spec)) {
    const paren = spec.indexOf('(');
    if (paren >= 0) {
      throw new CfgSyntaxError(spec, paren, 'invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`');
    }
    for (let i = 0; i < spec.length; ) {
      const ch = String.fromCodePoint(spec.codePointAt(i)!);
      if (!TARGET_NAME.test(ch)) {
        throw new CfgSyntaxError(spec, i, `invalid target specifier: unexpected character ${ch} in target name`);
      }
      i += ch.length;
    }
  }
  return { kind: 'triple', triple: spec };
}

/** An identifier as cargo would print it; operator names need the raw form to read back as names. */
function ident(name: string): string {
  return OPERATORS.has(name) ? `r#${name}` : name;
}

/** Prints an expression the way cargo does (`all(unix, target_os = "linux")`); `parseCfgExpr` reads it back. */
export function formatCfgExpr(expr: CfgExpr): string {
  switch (expr.kind) {
    case 'name':
      return ident(expr.name);
    case 'keyvalue':
      return `${ident(expr.key)} = "${expr.value}"`;
    case 'not':
      return `not(${formatCfgExpr(expr.arg)})`;
    default:
      return `${expr.kind}(${expr.args.map(formatCfgExpr).join(', ')})`;
  }
}
