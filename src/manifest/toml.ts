/**
 * What every TOML reader here shares (manifests, Cargo.lock, cargo's
 * configuration and credentials, vendored manifests): cargo's limits, the
 * full parser, loaded on first use, its errors and the limits as a
 * `UserError` at their place, and what a table is.
 */
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';

/**
 * cargo's TOML parser stops at recursion limits: a table header or a dotted
 * key of more than 80 keys is refused ("recursion limit"), and so are arrays
 * and inline tables nested more than 80 deep ("cannot recurse further; max
 * recursion depth met"). So are they here, before anything is built from them.
 */
export const MAX_KEY_PARTS = 80;
export const MAX_VALUE_DEPTH = 80;
export const DEPTH_MESSAGE = 'cannot recurse further; max recursion depth met';

/** Input over one of cargo's recursion limits, at a line and column of the text read. */
export class TomlLimitError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'TomlLimitError';
  }

  static keyParts(line: number, column: number, parts: number, header: boolean): TomlLimitError {
    return new TomlLimitError(line, column, `recursion limit: a ${header ? 'table header' : 'dotted key'} of ${parts} keys (cargo reads at most ${MAX_KEY_PARTS})`);
  }
}

type FullTomlParser = typeof import('smol-toml');
let fullParser: FullTomlParser | undefined;

/**
 * The full TOML parser (smol-toml), loaded on first use, as its single-file
 * CommonJS build: the ES module build is ten modules, which cost start-up
 * time on every run, while most runs read no TOML that the small reader
 * declines.
 */
export function fullTomlParser(): FullTomlParser {
  return (fullParser ??= createRequire(import.meta.url)('smol-toml') as FullTomlParser);
}

/** A TOML table as the parsers give it: an object that is neither an array nor a date. */
export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * A syntax error of the full parser, or input over one of cargo's limits, as
 * `${what}: reason`, at its place in `path` when one is given (`columnShift`:
 * columns the caller took off the first line, a byte order mark). The reason
 * is the first line of the parser's message without its `Invalid TOML
 * document:` prefix (the rest quotes the file, which may hold a token), and
 * nesting too deep is said in cargo's words. Any other error is returned as
 * it is.
 */
export function tomlUserError(e: unknown, what: string, path?: string, columnShift = 0): unknown {
  if (e instanceof TomlLimitError) return new UserError(`${what}: ${e.message}`, path === undefined ? undefined : { path, line: e.line, column: e.column });
  if (!fullParser || !(e instanceof fullParser.TomlError)) return e;
  const detail = e.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
  const reason = /excessively nested/.test(detail) ? DEPTH_MESSAGE : detail;
  return new UserError(`${what}: ${reason}`, path === undefined ? undefined : { path, line: e.line, column: e.column + (e.line === 1 ? columnShift : 0) });
}
