/**
 * Source positions of keys in a TOML document, from toml-eslint-parser's AST:
 * for every key path (a table header, a key or a dotted key prefix) the
 * 1-based line and column where it first appears.
 */
import { createRequire } from 'node:module';
import type { AST } from 'toml-eslint-parser';
import { forbiddenControl, readSimpleToml } from './simple-toml.js';
import { DEPTH_MESSAGE, fullTomlParser, MAX_KEY_PARTS, MAX_VALUE_DEPTH, TomlLimitError, tomlUserError } from './toml.js';
import { UserError } from '../errors.js';

export interface Position {
  line: number;
  column: number;
}

interface Node {
  pos?: Position;
  children?: Map<string | number, Node>;
}

/**
 * Positions by key path, as a trie: recording every prefix of a path, and
 * finding the nearest recorded prefix, take time and memory linear in the
 * path's length (a header of many keys no longer costs the square of it).
 */
export class PositionIndex {
  private readonly root: Node = {};

  /** Records `pos` for the path and every prefix longer than `from` parts not recorded yet (first position wins). */
  record(path: readonly (string | number)[], pos: Position, from = path.length - 1): void {
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      const children = (node.children ??= new Map());
      let next = children.get(path[i]!);
      if (!next) children.set(path[i]!, (next = {}));
      node = next;
      if (i >= from) node.pos ??= pos;
    }
  }

  /** Position of a key path, or of its nearest recorded prefix. */
  find(path: readonly (string | number)[]): Position | undefined {
    let node: Node | undefined = this.root;
    let found: Position | undefined;
    for (const part of path) {
      node = node.children?.get(part);
      if (!node) break;
      if (node.pos) found = node.pos;
    }
    return found;
  }

  /** Exact position of a key path. */
  get(path: readonly (string | number)[]): Position | undefined {
    let node: Node | undefined = this.root;
    for (const part of path) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node.pos;
  }
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : String(k.value)));
}

function pos(node: AST.TOMLNode, lineShift: number): Position {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 + (node.loc.start.line === 1 ? lineShift : 0) };
}

function indexKeyValues(body: AST.TOMLKeyValue[], base: (string | number)[], idx: PositionIndex, shift: number): void {
  for (const kv of body) {
    const names = keyNames(kv.key);
    const p = pos(kv.key, shift);
    if (names.length > MAX_KEY_PARTS) throw TomlLimitError.keyParts(p.line, p.column, names.length, false);
    idx.record([...base, ...names], p, base.length);
    if (kv.value.type === 'TOMLInlineTable') indexKeyValues(kv.value.body, [...base, ...names], idx, shift);
  }
}

type TomlEslintParser = typeof import('toml-eslint-parser');

// The full parser is loaded only for a manifest the simple reader declines,
// synchronously where Node can require an ES module, else at start-up
// (`importFullParser`).
let fullParser: TomlEslintParser | null = null;

/** On a Node that cannot require an ES module (before 20.19), imports the full parser ahead, for a manifest that needs it. */
export async function importFullParser(): Promise<void> {
  if (!(process.features as { require_module?: boolean }).require_module) fullParser ??= await import('toml-eslint-parser');
}

function full(): TomlEslintParser {
  return (fullParser ??= createRequire(import.meta.url)('toml-eslint-parser') as TomlEslintParser);
}

export interface ParsedToml {
  data: Record<string, unknown>;
  positions: PositionIndex;
}

/** Arrays and inline tables nested deeper than cargo reads: an error at the first one too deep. */
function checkValueDepth(top: AST.TOMLTopLevelTable, shift: number): void {
  const stack: [AST.TOMLNode, number][] = [];
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') stack.push([node.value, 1]);
    else for (const kv of node.body) stack.push([kv.value, 1]);
  }
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node.type !== 'TOMLArray' && node.type !== 'TOMLInlineTable') continue;
    if (depth > MAX_VALUE_DEPTH) {
      const p = pos(node, shift);
      throw new TomlLimitError(p.line, p.column, DEPTH_MESSAGE);
    }
    if (node.type === 'TOMLArray') for (const el of node.elements) stack.push([el, depth + 1]);
    else for (const kv of node.body) stack.push([kv.value, depth + 1]);
  }
}

/**
 * Whether parsed data holds a date or time anywhere (without recursion).
 * smol-toml takes an impossible date (February 30th, February 29th of a
 * common year) for a later valid one, where cargo refuses it; a text holding
 * a date is read again by `parseTomlFully`, whose parser checks them.
 */
export function holdsDate(data: unknown): boolean {
  const stack: unknown[] = [data];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Date) return true;
    if (typeof v === 'object' && v !== null) for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return false;
}

/** How deep arrays and tables nest in parsed data (without recursion). */
function dataDepth(data: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null || v instanceof Date) continue;
    max = Math.max(max, d);
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

/** Parses TOML keeping key positions. Errors become `path:line:col: message`. */
export function parseTomlWithPositions(text: string, path: string): ParsedToml {
  const control = forbiddenControl(text);
  if (control) throw new UserError(`invalid TOML: ${control.message}`, { path, line: control.line, column: control.column });
  try {
    const simple = readSimpleToml(text);
    if (simple) {
      const positions = new PositionIndex();
      for (const p of simple.positions) positions.record(p.path, { line: p.line, column: p.column }, p.from);
      return { data: simple.data, positions };
    }
    return parseTomlFully(text, path);
  } catch (e) {
    // Input over one of cargo's recursion limits is bad input at its place.
    throw tomlUserError(e, 'invalid TOML', path);
  }
}

/** The same with the full parser (toml-eslint-parser), for any TOML. */
export function parseTomlFully(text: string, path: string): ParsedToml {
  const { parseTOML, getStaticTOMLValue } = full();
  let shift = 0;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    shift = 1;
  }
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text, { tomlVersion: 'latest' });
  } catch (e) {
    // smol-toml names the offending spot more precisely; ask it first.
    let data: Record<string, unknown>;
    try {
      data = fullTomlParser().parse(text) as Record<string, unknown>;
    } catch (e2) {
      throw tomlUserError(e2, 'invalid TOML', path, shift);
    }
    if (e instanceof RangeError) {
      // Valid, but beyond what the position-keeping parser's recursion takes (a value of megabytes):
      // the data without positions, after cargo's nesting limit.
      if (dataDepth(data) > MAX_VALUE_DEPTH) throw new UserError(`invalid TOML: ${DEPTH_MESSAGE}`, { path });
      return { data, positions: new PositionIndex() };
    }
    const err = e as { message: string; lineNumber?: number; column?: number };
    if (typeof err.lineNumber === 'number') {
      throw new UserError(`invalid TOML: ${err.message}`, {
        path,
        line: err.lineNumber,
        column: (err.column ?? 0) + 1 + (err.lineNumber === 1 ? shift : 0),
      });
    }
    throw new UserError(`invalid TOML: ${err.message}`, { path });
  }
  const positions = new PositionIndex();
  const top = ast.body[0];
  try {
    checkValueDepth(top, shift);
    indexKeyValues(
      top.body.filter((n): n is AST.TOMLKeyValue => n.type === 'TOMLKeyValue'),
      [],
      positions,
      shift,
    );
    for (const node of top.body) {
      if (node.type !== 'TOMLTable') continue;
      const p = pos(node.key, shift);
      if (node.resolvedKey.length > MAX_KEY_PARTS) throw TomlLimitError.keyParts(p.line, p.column, node.resolvedKey.length, true);
      positions.record(node.resolvedKey, p, 0);
      indexKeyValues(node.body, node.resolvedKey, positions, shift);
    }
  } catch (e) {
    // Input over one of cargo's recursion limits is bad input at its place.
    throw tomlUserError(e, 'invalid TOML', path);
  }
  return { data: getStaticTOMLValue(ast) as Record<string, unknown>, positions };
}
