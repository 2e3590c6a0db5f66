/** Cargo's requirement rules, checked case by case and against node-semver where the two agree by design. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import semver from 'semver';
import { compareVersions, parseReq, satisfies } from '../../src/resolve/semver-req.js';

describe('cargo version requirements', () => {
  const cases: [string, string, boolean][] = [
    ['1.2.3', '1.2.3', true],
    ['1.9.0', '1.2.3', true],
    ['2.0.0', '1.2.3', false],
    ['1.2.2', '1.2.3', false],
    ['0.2.9', '0.2.3', true],
    ['0.3.0', '0.2.3', false],
    ['0.0.3', '0.0.3', true],
    ['0.0.4', '0.0.3', false],
    ['0.1.7', '0.1', true],
    ['0.2.0', '0.1', false],
    ['0.0.9', '0.0', true],
    ['0.1.0', '0.0', false],
    ['0.9.0', '0', true],
    ['1.0.0', '0', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.2.0', '=1.2', true],
    ['1.3.0', '=1.2', false],
    ['1.3.0', '>1.2', true],
    ['1.2.9', '>1.2', false],
    ['2.0.0', '>1', true],
    ['1.9.9', '>1', false],
    ['1.2.9', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
    ['1.5.0', '>=1.2, <1.8', true],
    ['1.8.0', '>=1.2, <1.8', false],
    ['3.1.4', '*', true],
    ['1.7.0', '1.*', true],
    ['2.0.0', '1.*', false],
    ['1.2.5', '1.2.*', true],
    ['1.3.0', '1.2.x', false],
    ['1.0.0-alpha.2', '1.0.0-alpha.1', true],
    ['1.0.0-alpha.1', '1.0.0-alpha.2', false],
    ['1.0.1-alpha.1', '1.0.0', false],
    ['1.0.0-beta', '>=1.0.0-alpha, <2', true],
    ['1.0.0', '^1.0.0-alpha', true],
    ['0.3.0+build.5', '0.3', true],
    ['1.2.3', '= 1.2.3', true],
    ['1.2.3', '>= 1.0, < 2', true],
    ['0.1.0-alpha', '0.1, 0.1.0-alpha', true],
    ['0.1.0-alpha', '0.1', false],
  ];
  for (const [v, req, expected] of cases) {
    it(`${v} ${expected ? 'matches' : 'does not match'} ${req}`, () => expect(satisfies(v, req)).toBe(expected));
  }

  it('rejects what is not a requirement', () => {
    for (const req of ['1.2.3.4', 'abc', '>=', '1.2,,3', '^*']) expect(parseReq(req)).toBeNull();
    expect(satisfies('not-a-version', '1')).toBe(false);
  });

  it('agrees with node-semver on caret, tilde, comparison and wildcard requirements', () => {
    const num = fc.integer({ min: 0, max: 3 });
    const pre = fc.option(fc.constantFrom('alpha', 'alpha.1', 'beta.2', 'rc.1'), { nil: undefined });
    const version = fc.tuple(num, num, num, pre).map(([a, b, c, p]) => `${a}.${b}.${c}${p ? `-${p}` : ''}`);
    const partial = fc.oneof(
      num.map((a) => `${a}`),
      fc.tuple(num, num).map(([a, b]) => `${a}.${b}`),
      version,
    );
    const comparator = fc.tuple(fc.constantFrom('', '^', '~', '=', '>', '>=', '<', '<='), partial).map(([op, v]) => `${op}${v}`);
    const req = fc.array(comparator, { minLength: 1, maxLength: 2 }).map((cs) => cs.join(', '));
    fc.assert(
      fc.property(version, req, (v, r) => {
        // The semver crate lets a partial comparator (`0.1`, `~1`) match a pre-release once another
        // comparator names that pre-release; node-semver's desugaring (`>=0.1.0 <0.2.0-0`) does not.
        if (v.includes('-') && r.split(',').some((c) => !/\d+\.\d+\.\d+/.test(c))) return;
        const range = new semver.Range(
          r
            .split(',')
            .map((c) => (/^\d/.test(c.trim()) ? `^${c.trim()}` : c.trim()))
            .join(' '),
        );
        expect(satisfies(v, r)).toBe(range.test(v));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the common forms (`1.2.3`, `^1.2`, `1`) as the general parser does, and versions as well', () => {
    // A leading space takes the general parser (the requirement is split and trimmed); the bare form takes the short one.
    const num = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom('00', '07', '123456789012345', '1234567890123456789'));
    const req = fc.tuple(fc.constantFrom('', '^'), fc.array(num, { minLength: 1, maxLength: 3 })).map(([op, ns]) => `${op}${ns.join('.')}`);
    const version = fc.oneof(
      fc.tuple(num, num, num).map((ns) => ns.join('.')),
      fc.constantFrom('1.2.3-alpha.1', '1.2.3+build.5', 'v1.2.3', ' 1.2.3', '1.2', '1.2.3.4', '01.2.3', ''),
    );
    fc.assert(
      fc.property(req, version, (r, v) => {
        expect(parseReq(r)).toEqual(parseReq(` ${r}`));
        expect(satisfies(v, r)).toBe(satisfies(v, ` ${r}`));
        expect(satisfies(v, r)).toBe(satisfies(v, `${r}, *`));
      }),
      { numRuns: 3000 },
    );
    for (const r of ['^', '1.', '.1', '1..2', '^^1', '1.2.3.4', '1 .2', '']) expect(parseReq(r)).toEqual(parseReq(` ${r}`));
  });

  it('orders versions as semver does', () => {
    const vs = ['1.0.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '0.9.10', '0.9.9', '1.10.0', '1.9.0'];
    expect([...vs].sort(compareVersions)).toEqual([...vs].sort(semver.compare));
  });
});
