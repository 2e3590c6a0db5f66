/**
 * Target `cfg(...)` handling, as cargo does it: parsing target specs
 * (`cfg(...)` or a triple), the cfg set of a target, matching the two, and
 * the host triple. One module on purpose: every module costs the CLI's
 * start-up about half a millisecond, and every run needs all of this.
 * `parse.ts`, `eval.ts`, `targets.ts` and `host.ts` re-export their parts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { CfgExpr, Platform, TargetInfo } from './types.js';

export type { CfgExpr, Platform, TargetInfo } from './types.js';

// ---- Parsing (parse.ts) ----

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
type Token =
  | { kind: Punct; start: number; end: number }
  | { kind: 'ident'; raw: boolean; text: string; start: number; end: number }
  | { kind: 'string'; text: string; start: number; end: number };

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
      throw new CfgSyntaxError(
        spec,
        paren,
        'invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`',
      );
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

// ---- Evaluation (eval.ts) ----

/** Whether `expr` holds for the target. `true` and `false` are cfg literals (cargo >= 1.88). */
export function evalCfg(expr: CfgExpr, target: TargetInfo): boolean {
  switch (expr.kind) {
    case 'name':
      if (expr.name === 'true') return true;
      if (expr.name === 'false') return false;
      return target.names.has(expr.name);
    case 'keyvalue':
      return target.values.get(expr.key)?.has(expr.value) ?? false;
    case 'not':
      return !evalCfg(expr.arg, target);
    case 'all':
      return expr.args.every((arg) => evalCfg(arg, target));
    case 'any':
      return expr.args.some((arg) => evalCfg(arg, target));
  }
}

/**
 * Answers per target and spec. Keyed by the TargetInfo object, which
 * `targetInfo()` hands out once per triple, so an ad-hoc TargetInfo with a
 * different cfg set can never read another's answers.
 */
const answers = new WeakMap<TargetInfo, Map<string, boolean>>();

/** Parsed specs, shared by all targets (a run asks about the target and the host). */
const parsed = new Map<string, Platform>();

/**
 * Checks a target spec's syntax when a manifest is read, so that a typo is
 * reported at its table header; the parse is kept for `platformMatches`.
 * Throws CfgSyntaxError.
 */
export function checkPlatform(spec: string): void {
  if (!parsed.has(spec)) parsed.set(spec, parsePlatform(spec));
}

/**
 * Whether a target spec (`cfg(...)` or a triple, as in `[target.<spec>]`)
 * applies to the target. Throws CfgSyntaxError for a malformed spec.
 */
export function platformMatches(spec: string, target: TargetInfo): boolean {
  if (target.all) {
    // Still a syntax check, as for a real target.
    if (!parsed.has(spec)) parsed.set(spec, parsePlatform(spec));
    return true;
  }
  let known = answers.get(target);
  if (!known) answers.set(target, (known = new Map()));
  let answer = known.get(spec);
  if (answer === undefined) {
    let platform = parsed.get(spec);
    if (!platform) parsed.set(spec, (platform = parsePlatform(spec)));
    answer = platform.kind === 'cfg' ? evalCfg(platform.expr, target) : platform.triple === (target.base ?? target.triple);
    known.set(spec, answer);
  }
  return answer;
}

// ---- Target cfg sets (targets.ts) ----

/**
 * Where a target's cfg set comes from: the bundled table
 * (data/target-cfg.json), else the local rustc (targets newer than the
 * table), else an error that suggests close names. Kept in one module, as
 * every module costs the CLI's start-up about a millisecond.
 *
 * The table is written by scripts/gen-target-cfg.ts. Layout:
 *
 *   { "rustc": "rustc 1.95.0 (...)",
 *     "cfgs": ["debug_assertions", "target_os=\"linux\"", ...],
 *     "targets": { "x86_64-unknown-linux-musl": [0, 3, 17, ...], ... } }
 *
 * `cfgs` holds each distinct line of `rustc --print cfg` once, most shared
 * first so the common lines get the shortest indices; a target lists the
 * indices of its lines. That keeps the file small and JSON.parse fast, and a
 * target's sets are only built when it is asked for.
 */

export interface TargetCfgTable {
  /** `rustc -V` of the compiler the table came from. */
  rustc: string;
  cfgs: string[];
  targets: Record<string, number[]>;
}

export type RustcResult = { ok: true; stdout: string } | { ok: false; missing: boolean; stderr: string };

/** Runs rustc synchronously: `$RUSTC` when set (as cargo does), else `rustc` from PATH. */
export function runRustc(args: string[]): RustcResult {
  // node:child_process is loaded here, not at start-up: most runs never start rustc.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(process.env.RUSTC || 'rustc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT', stderr: r.error.message };
  if (r.status !== 0) return { ok: false, missing: false, stderr: r.stderr };
  return { ok: true, stdout: r.stdout };
}

/** The lines of `rustc --print cfg` output. */
export function cfgLines(output: string): string[] {
  return output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Builds a TargetInfo from `rustc --print cfg` lines: `name` or `key="value"`. */
function targetInfoFromLines(triple: string, lines: Iterable<string>): TargetInfo {
  const names = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const line of lines) {
    const eq = line.indexOf('="');
    if (eq < 0 || !line.endsWith('"')) {
      names.add(line);
      continue;
    }
    const key = line.slice(0, eq);
    let set = values.get(key);
    if (!set) values.set(key, (set = new Set()));
    set.add(line.slice(eq + 2, -1));
  }
  return { triple, names, values };
}

/** The data directory sits at the package root: two levels up from src/cfg, three from dist/src/cfg. */
const TABLE_PATHS = ['../../data/target-cfg.json', '../../../data/target-cfg.json'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

let table: TargetCfgTable | undefined;

function loadTable(): TargetCfgTable {
  if (!table) {
    const path = TABLE_PATHS.find((p) => existsSync(p));
    if (!path) throw new Error(`cargo-preflight is missing its target table (looked for ${TABLE_PATHS.join(', ')})`);
    table = JSON.parse(readFileSync(path, 'utf8')) as TargetCfgTable;
  }
  return table;
}

/** The built-in targets of the bundled table, sorted. */
export function knownTargets(): string[] {
  return Object.keys(loadTable().targets).sort();
}

/** `rustc -V` of the compiler the bundled table was generated with. */
export function tableRustcVersion(): string {
  return loadTable().rustc;
}

const infos = new Map<string, TargetInfo>();

const ALL_TARGET_INFO: TargetInfo = { triple: 'all', names: new Set(), values: new Map(), all: true };

/**
 * The cfg set of a target triple. Throws UserError for an unknown target.
 * Returns the same object for the same triple, which keeps memoization cheap.
 */
/** cargo's `--target all`: no platform is left out. */
export const ALL_TARGETS = 'all';

/** Longer than any target name rustc knows (the longest built-in is 35 characters; cargo-zigbuild adds `.2.17`). */
export const MAX_TARGET_NAME = 128;
const TARGET_NAME_CHARS = /^[A-Za-z0-9_.-]+$/;

/**
 * A target name's shape, checked in time independent of its length before
 * anything is asked about it: a name rustc cannot know is refused without
 * running rustc or comparing it with every known target.
 */
function checkTargetName(triple: string): void {
  if (triple.length <= MAX_TARGET_NAME && TARGET_NAME_CHARS.test(triple)) return;
  const shown = triple.length > 60 ? `${triple.slice(0, 60)}…` : triple;
  const why = triple.length > MAX_TARGET_NAME ? `it is ${triple.length} characters long (at most ${MAX_TARGET_NAME})` : `a target name has only letters, digits, \`-\`, \`_\` and \`.\``;
  throw new UserError(`invalid target \`${shown}\`: ${why}`, undefined, 'run `rustc --print target-list` for the list of built-in targets');
}

/**
 * cargo-zigbuild's target with a glibc version (`x86_64-unknown-linux-gnu.2.17`:
 * link against glibc 2.17's symbols): the triple cargo is given, and the
 * version; null for any other name.
 */
export function zigbuildTarget(triple: string): { base: string; glibc: string } | null {
  const m = /^([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-linux-gnu[A-Za-z0-9_]*)\.(\d+\.\d+)$/.exec(triple);
  return m ? { base: m[1]!, glibc: m[2]! } : null;
}

export function targetInfo(triple: string): TargetInfo {
  if (triple === ALL_TARGETS) return ALL_TARGET_INFO;
  let info = infos.get(triple);
  if (!info) {
    // cargo-zigbuild's `…-gnu.2.17`: the base triple's cfg set, under the name as given (reports keep it).
    const zig = zigbuildTarget(triple);
    if (zig) {
      info = { ...targetInfo(zig.base), triple, base: zig.base };
      infos.set(triple, info);
      return info;
    }
    info = fromTable(triple);
    if (!info) checkTargetName(triple);
    info ??= fromRustc(triple);
    infos.set(triple, info);
  }
  return info;
}

function fromTable(triple: string): TargetInfo | undefined {
  const { cfgs, targets } = loadTable();
  const ids = Object.hasOwn(targets, triple) ? targets[triple] : undefined;
  return ids && targetInfoFromLines(triple, ids.map((i) => cfgs[i]!));
}

function fromRustc(triple: string): TargetInfo {
  const r = runRustc(['--print', 'cfg', `--target=${triple}`]);
  if (r.ok) return targetInfoFromLines(triple, cfgLines(r.stdout));
  const close = closeTriples(triple, knownTargets());
  const help = close.length
    ? `did you mean ${close.map((t) => `\`${t}\``).join(', ')}?`
    : 'run `rustc --print target-list` for the list of built-in targets';
  const why = r.missing ? ' (rustc is not installed, so only the bundled built-in targets are known)' : '';
  throw new UserError(`unknown target \`${triple}\`${why}`, undefined, help);
}

/** Up to three known triples that `input` may have meant, closest first. */
function closeTriples(input: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const scored: [number, string][] = [];
  for (const triple of known) {
    const d = editDistance(input, triple);
    if (d <= limit || partsInOrder(input, triple)) scored.push([d, triple]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  return scored.slice(0, 3).map(([, triple]) => triple);
}

/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Whether every `-` part of `input` is a part of `triple`, in order: `x86_64-linux-musl` in `x86_64-unknown-linux-musl`. */
function partsInOrder(input: string, triple: string): boolean {
  const want = input.toLowerCase().split('-');
  if (want.length < 2) return false;
  let i = 0;
  for (const part of triple.split('-')) if (part === want[i]) i++;
  return i === want.length;
}

// ---- Host triple (host.ts) ----

let host: string | undefined;

/**
 * The host triple: what `rustc -vV` reports, as cargo asks it; derived from
 * Node's platform when rustc is absent. Starting rustc (through rustup) costs
 * 60-90 ms, so a caller that can live with Node's view uses derivedHostTriple.
 */
export function hostTriple(): string {
  if (host === undefined) {
    const r = runRustc(['-vV']);
    const m = r.ok ? /^host: (\S+)$/m.exec(r.stdout) : null;
    host = m ? m[1]! : derivedHostTriple(process.platform, process.arch);
  }
  return host;
}

const ARCH: Partial<Record<string, string>> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ia32: 'i686',
  arm: 'armv7',
  riscv64: 'riscv64gc',
  ppc64: 'powerpc64le',
  s390x: 's390x',
  loong64: 'loongarch64',
};

/**
 * Whether this Node runs on musl: the C library the process itself mapped
 * (`/proc/self/maps`), not which loaders lie in `/lib` (Debian's musl-tools puts
 * `ld-musl-*` there beside glibc). Without /proc, the loaders in `/lib`.
 */
function muslLibc(): boolean {
  try {
    const maps = readFileSync('/proc/self/maps', 'latin1');
    if (/\/ld-musl-|\/libc\.musl-/.test(maps)) return true;
    if (/\/libc\.so\.6|\/ld-linux/.test(maps)) return false;
  } catch {
    // no /proc: fall through
  }
  try {
    const lib = readdirSync('/lib');
    return lib.some((f) => f.startsWith('ld-musl-')) && !lib.some((f) => f.startsWith('ld-linux'));
  } catch {
    return false;
  }
}

/** The rustc host triple for a Node platform and architecture (`ppc64` taken as the common little-endian Linux port). */
export function derivedHostTriple(platform: string, arch: string, musl = platform === 'linux' && muslLibc()): string {
  const a = ARCH[arch] ?? arch;
  const eabi = arch === 'arm' ? 'eabihf' : '';
  switch (platform) {
    case 'linux':
      return `${a}-unknown-linux-${musl ? 'musl' : 'gnu'}${eabi}`;
    case 'android':
      return arch === 'arm' ? 'armv7-linux-androideabi' : `${a}-linux-android`;
    case 'darwin':
      return `${a}-apple-darwin`;
    case 'win32':
      return `${a}-pc-windows-msvc`;
    case 'sunos':
      return `${a}-pc-solaris`;
    case 'cygwin':
      return `${a}-pc-cygwin`;
    case 'aix':
      return 'powerpc64-ibm-aix';
    default:
      return `${a}-unknown-${platform}`;
  }
}
