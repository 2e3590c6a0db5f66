/**
 * Key positions: a trie, so that a long key path costs memory linear in its
 * length; and cargo's recursion limit on the keys of a header or a dotted key,
 * checked against cargo itself where it runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseTomlFully, parseTomlWithPositions, PositionIndex } from '../../src/manifest/positions.js';
import { writeProject } from '../helpers/project.js';

const cargoRuns = spawnSync('cargo', ['--version']).status === 0;
const PACKAGE = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
const header = (n: number) =>
  `[package.metadata.${Array(n - 2)
    .fill('a')
    .join('.')}]\nx = 1\n`;
const dotted = (n: number) => `[package.metadata]\n${Array(n).fill('a').join('.')} = 1\n`;

describe('PositionIndex', () => {
  it('records a path and the prefixes beyond `from`, first position winning, and finds the nearest prefix', () => {
    const idx = new PositionIndex();
    idx.record(['a', 'b', 'c'], { line: 1, column: 1 }, 1);
    idx.record(['a', 'b'], { line: 9, column: 9 });
    expect(idx.get(['a'])).toBeUndefined();
    expect(idx.get(['a', 'b'])).toEqual({ line: 1, column: 1 });
    expect(idx.find(['a', 'b', 'c', 'd', 'e'])).toEqual({ line: 1, column: 1 });
    expect(idx.find(['a', 'x'])).toBeUndefined();
    idx.record(['a', 0, 'k'], { line: 3, column: 2 }, 0);
    expect(idx.get(['a', 0])).toEqual({ line: 3, column: 2 });
    expect(idx.get(['a', '0'])).toBeUndefined();
  });

  it('takes memory linear in the length of a recorded path', () => {
    const path = Array.from({ length: 40_000 }, (_, i) => `key${i % 7}`);
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const idx = new PositionIndex();
    idx.record(path, { line: 1, column: 1 }, 0);
    // Every prefix written out as its own key, as before, took gigabytes here.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    expect(idx.find([...path, 'more'])).toEqual({ line: 1, column: 1 });
  });
});

describe("cargo's recursion limit on keys", () => {
  const cases: [string, string, string | null][] = [
    ['a header of 80 keys', header(80), null],
    ['a header of 81 keys', header(81), 'invalid TOML: recursion limit: a table header of 81 keys (cargo reads at most 80)'],
    ['a dotted key of 80 parts', dotted(80), null],
    ['a dotted key of 81 parts', dotted(81), 'invalid TOML: recursion limit: a dotted key of 81 keys (cargo reads at most 80)'],
    ['a header of 20,000 keys', header(20_000), 'invalid TOML: recursion limit: a table header of 20000 keys (cargo reads at most 80)'],
  ];
  for (const [what, tail, error] of cases) {
    it(`${what}: ${error ? 'refused at the key' : 'read'}, by both readers${cargoRuns ? ', as cargo does' : ''}`, () => {
      const text = PACKAGE + tail;
      const line = PACKAGE.split('\n').length + (tail.startsWith('[package.metadata]\n') ? 1 : 0);
      for (const parse of [parseTomlWithPositions, parseTomlFully]) {
        if (!error) {
          expect(() => parse(text, 'Cargo.toml')).not.toThrow();
          continue;
        }
        let thrown: unknown;
        try {
          parse(text, 'Cargo.toml');
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(UserError);
        // The fast reader stops at the first key over the limit; the full parser counts the whole key.
        expect((thrown as UserError).message).toBe(parse === parseTomlWithPositions ? error.replace(/of \d+ keys/, (m) => (m === 'of 20000 keys' ? 'of 81 keys' : m)) : error);
        expect((thrown as UserError).location).toMatchObject({ path: 'Cargo.toml', line, column: tail.startsWith('[package.metadata]\n') ? 1 : 2 });
      }
      if (cargoRuns && !tail.includes(Array(1000).fill('a').join('.'))) {
        const dir = writeProject({ 'Cargo.toml': text, 'src/main.rs': '' });
        const r = spawnSync('cargo', ['metadata', '--offline', '--format-version', '1', '--no-deps', '--manifest-path', join(dir, 'Cargo.toml')], { encoding: 'utf8' });
        expect(r.status === 0, r.stderr).toBe(!error);
        if (error) expect(r.stderr).toContain('recursion limit');
      }
    });
  }
});
