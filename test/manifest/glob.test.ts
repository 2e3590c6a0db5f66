/** Package-name globs of `-p` and `--exclude`, read as the `glob` crate reads them (cargo's). */
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/manifest/glob.js';

const names = ['foo-a', 'foo-b', 'foo-]', 'bar', 'baz', 'a.b', 'a+b'];
const matching = (pattern: string) => names.filter(globMatcher(pattern));

describe('globMatcher', () => {
  it('reads *, ? and sets with ranges and negation', () => {
    expect(matching('foo-*')).toEqual(['foo-a', 'foo-b', 'foo-]']);
    expect(matching('ba?')).toEqual(['bar', 'baz']);
    expect(matching('foo-[ab]')).toEqual(['foo-a', 'foo-b']);
    expect(matching('foo-[a-b]')).toEqual(['foo-a', 'foo-b']);
    expect(matching('foo-[!a]')).toEqual(['foo-b', 'foo-]']);
    expect(matching('*')).toEqual(names);
  });

  it('takes a ] right after [ or [! as one of the set', () => {
    expect(matching('foo-[]]')).toEqual(['foo-]']);
    expect(matching('foo-[!]b]')).toEqual(['foo-a']);
  });

  it('lets a reversed range match nothing, and characters of regular expressions stand for themselves', () => {
    expect(matching('foo-[b-a]')).toEqual([]);
    expect(matching('a.b')).toEqual(['a.b']);
    expect(matching('a+b')).toEqual(['a+b']);
    expect(matching('ba[-z]')).toEqual(['baz']);
  });

  it('refuses an unclosed set, and reads a ] outside a set as itself', () => {
    expect(() => globMatcher('foo-[ab')).toThrow('cannot build glob pattern from `foo-[ab`');
    expect(() => globMatcher('a**')).toThrow('cannot build glob pattern from `a**`');
    expect(matching('**')).toEqual(names);
    expect(matching('foo-]')).toEqual(['foo-]']);
    expect(matching('foo]')).toEqual([]);
  });
});
