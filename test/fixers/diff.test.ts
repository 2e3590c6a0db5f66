import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/fixers/diff.js';
import { shownDiff } from '../../cli/output/diff.js';

const plain = {};

/** Applies a unified diff as patch(1) would, checking every context and removed line. */
function applyPatch(oldText: string, diff: string): string {
  const oldLines = oldText.split(/(?<=\n)/).filter(Boolean);
  const lines = diff.split('\n').slice(2, -1);
  const out: string[] = [];
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (header) {
      const start = Number(header[1]) - (header[2] === '0' ? 0 : 1);
      out.push(...oldLines.slice(pos, start));
      pos = start;
      continue;
    }
    const noEol = lines[i + 1] === '\\ No newline at end of file';
    if (noEol) i++;
    const full = line.slice(1).replace(/\^M$/, '\r') + (noEol ? '' : '\n');
    if (line[0] === '+') {
      out.push(full);
      continue;
    }
    expect(oldLines[pos]).toBe(full);
    if (line[0] === ' ') out.push(full);
    pos++;
  }
  return out.join('') + oldLines.slice(pos).join('');
}

/** Length of a longest common subsequence of lines, the best any diff can keep. */
function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
    }
  }
  return t[a.length]![b.length]!;
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('Cargo.toml', 'a\n', 'a\n', plain)).toBe('');
  });

  it('prints hunks as diff -u does', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn';
    expect(unifiedDiff('Cargo.toml', before, after, plain)).toBe(
      ['--- a/Cargo.toml', '+++ b/Cargo.toml', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -11,3 +11,4 @@', ' k', ' l', ' m', '+n', '\\ No newline at end of file', ''].join('\n'),
    );
  });

  it('merges changes whose context touches and honours the context size', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\n';
    const after = 'A\nb\nc\nd\ne\nf\nG\n';
    expect(unifiedDiff('x', before, after, plain).match(/^@@/gm)).toHaveLength(1);
    expect(unifiedDiff('x', before, after, { context: 1 })).toBe('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -6,2 +6,2 @@\n f\n-g\n+G\n');
  });

  it('writes empty ranges at the line before', () => {
    expect(unifiedDiff('x', '', 'a\n', plain)).toBe('--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n');
    expect(unifiedDiff('x', 'a\nb\n', 'b\n', plain)).toBe('--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n b\n');
  });

  it('shows a change of line ending with ^M', () => {
    expect(unifiedDiff('x', 'a\r\nb\r\n', 'a\nb\r\n', plain)).toBe('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a^M\n+a\n b\n');
  });

  it('does not mark carriage returns of lines that changed otherwise', () => {
    expect(unifiedDiff('x', 'a\r\n', 'b\r\n', plain)).toBe('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
  });

  it('colours like git (in the CLI: the core writes no colours)', () => {
    expect(unifiedDiff('x', 'a\n', 'b\n')).not.toContain('\x1b');
    const out = shownDiff('x', 'a\n', 'b\n', true);
    expect(out).toBe('\x1b[1m--- a/x\x1b[0m\n\x1b[1m+++ b/x\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-a\x1b[0m\n\x1b[32m+b\x1b[0m\n');
  });

  it('property: the diff applies back and keeps as many lines as possible', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd', '', '[dependencies]');
    const text = fc.tuple(fc.array(line, { maxLength: 30 }), fc.boolean()).map(([lines, final]) => lines.join('\n') + (final && lines.length > 0 ? '\n' : ''));
    fc.assert(
      fc.property(text, text, fc.nat(4), (before, after, context) => {
        const diff = unifiedDiff('x', before, after, { context });
        if (before === after) {
          expect(diff).toBe('');
          return;
        }
        expect(applyPatch(before, diff)).toBe(after);
        const a = before.split(/(?<=\n)/).filter(Boolean);
        const b = after.split(/(?<=\n)/).filter(Boolean);
        const changed = diff.split('\n').filter((l) => /^[-+](?![-+]{2} [ab]\/)/.test(l)).length;
        expect(changed).toBe(a.length + b.length - 2 * lcs(a, b));
      }),
      { numRuns: 300 },
    );
  });
});
