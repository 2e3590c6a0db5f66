/** The fix engine's reasons: ids and data, one rendering to text, every template in use. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reason, REASON_MESSAGES, reasonsText, reasonText, type FixReason, type ReasonId } from '../../src/fixers/reasons.js';
import { placeholders } from '../../src/rules/messages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The text of the balanced `{ … }` starting at `open` in TypeScript source
 * (strings, template literals with their `${…}` and parentheses followed),
 * without its braces.
 */
function objectLiteral(source: string, open: number): string {
  const closing: string[] = [];
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      for (i++; source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '`') {
      closing.push('`');
      for (i++; i < source.length; i++) {
        if (source[i] === '\\') i++;
        else if (source[i] === '`') break;
        else if (source[i] === '$' && source[i + 1] === '{') {
          // The expression inside, as code.
          const inner = objectLiteral(source, i + 1);
          i += inner.length + 2;
        }
      }
      closing.pop();
    } else if (c === '{' || c === '(' || c === '[') closing.push(c === '{' ? '}' : c === '(' ? ')' : ']');
    else if (c === '}' || c === ')' || c === ']') {
      if (closing.pop() !== c) throw new Error(`unbalanced ${c} at ${i}`);
      if (!closing.length) return source.slice(open + 1, i);
    }
  }
  throw new Error(`no end to the literal at ${open}`);
}

/** The keys an object literal's text gives (`key: value`, `'key': value`, shorthand `key`); null when it spreads another object. */
export function literalKeys(body: string): string[] | null {
  const keys: string[] = [];
  let depth = 0;
  let start = 0;
  const entries: string[] = [];
  // Top-level commas only: those inside calls, arrays, nested literals and strings do not split.
  for (let i = 0; i <= body.length; i++) {
    const c = body[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < body.length && body[i] !== c; i++) if (body[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === body.length) {
      entries.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  for (const e of entries.filter(Boolean)) {
    if (e.startsWith('...')) return null;
    const m = /^(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*(?::|$)/.exec(e);
    if (!m) throw new Error(`not a key: ${e}`);
    keys.push(m[1] ?? m[2] ?? m[3]!);
  }
  return keys;
}

describe('fix reasons', () => {
  it('render as strategy, candidate, text and causes', () => {
    const r: FixReason = {
      strategy: 'switch',
      candidate: 'reqwest: use rustls instead of OpenSSL',
      ...reason('wholeWorkspace', {}, [reason('stillReported', { findings: 'openssl-sys (native-library, x86_64-unknown-linux-musl)' })]),
    };
    expect(reasonText(r)).toBe(
      "switch: reqwest: use rustls instead of OpenSSL: for the whole workspace (the root's [workspace.dependencies] changes): openssl-sys (native-library, x86_64-unknown-linux-musl) still reported after the change",
    );
    expect(reasonsText([reason('changesNothing'), { strategy: 'pin', ...reason('noMemberLinks', { crate: 'openssl-sys' }) }])).toBe(
      'the edits change nothing; pin: no selected member links `openssl-sys`',
    );
    expect(reason('together', {}, [])).toEqual({ id: 'together', data: {} });
  });

  it('refuse an unknown id or a placeholder without data', () => {
    expect(() => reasonText(reason('noMemberLinks'))).toThrow(/no data for the placeholder \{\{crate\}\}/);
    expect(() => reasonText({ id: 'noSuchReason' as ReasonId, data: {} })).toThrow(/unknown messageId 'noSuchReason'/);
  });

  it('reads the keys of the data a use passes, not the words of its values', () => {
    const source = "reason('x', { crate: target.name, features: lost.map((f) => `${f.crate}: {${f.version}}`).join(', '), dependency, 'odd-key': g(a, b) })";
    expect(literalKeys(objectLiteral(source, source.indexOf('{')))).toEqual(['crate', 'features', 'dependency', 'odd-key']);
    expect(literalKeys('')).toEqual([]);
    expect(literalKeys('...base, crate: x')).toBeNull();
  });

  it('are each given somewhere by the fixers or the fix command, with data for exactly their placeholders', () => {
    const dir = join(root, 'src/fixers');
    const files = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && f !== 'reasons.ts')
        .map((f) => join(dir, f)),
      join(root, 'cli/commands/fix.ts'),
      join(root, 'cli/run/fix.ts'),
    ];
    const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const [id, template] of Object.entries(REASON_MESSAGES)) {
      const uses = [...source.matchAll(new RegExp(`reason\\('${id}'(\\s*,\\s*)?`, 'g'))];
      expect(uses.length, `reason('${id}', ...) in the fixers`).toBeGreaterThan(0);
      for (const u of uses) {
        // No data argument is data `{}`; data must be an object literal, whose keys are read.
        const open = u.index! + u[0].length;
        const keys = u[1] === undefined || source[open] === ')' ? [] : source[open] === '{' ? literalKeys(objectLiteral(source, open)) : null;
        expect(keys, `${id}: data given as a literal`).not.toBeNull();
        expect([...keys!].sort(), `${id}: the data keys of a use`).toEqual([...new Set(placeholders(template))].sort());
      }
    }
  });
});
