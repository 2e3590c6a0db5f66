/** Package ID specifications read as cargo reads them. */
import { describe, expect, it } from 'vitest';
import { parsePackageSpec, specMatches, versionMatches } from '../../src/resolve/spec.js';

const v = (text: string) => parsePackageSpec(`x@${text}`).version!;

describe('package ID specifications', () => {
  it('match a version by the parts they give, ignoring build metadata', () => {
    expect(versionMatches(v('0.11.0'), '0.11.0+wasi-snapshot-preview1')).toBe(true);
    expect(versionMatches(v('0.11'), '0.11.3')).toBe(true);
    expect(versionMatches(v('1'), '1.9.0')).toBe(true);
    expect(versionMatches(v('1'), '2.0.0')).toBe(false);
    expect(versionMatches(v('1.2'), '1.20.0')).toBe(false);
  });

  it('match a pre-release only when they name it', () => {
    expect(versionMatches(v('1'), '1.0.0-alpha')).toBe(false);
    expect(versionMatches(v('1.0.0'), '1.0.0-alpha')).toBe(false);
    expect(versionMatches(v('1.0.0-alpha'), '1.0.0-alpha')).toBe(true);
  });

  it('take the URL form cargo pkgid prints', () => {
    const s = parsePackageSpec('registry+https://github.com/rust-lang/crates.io-index#bitflags@2.9.0');
    expect(s).toMatchObject({ name: 'bitflags', source: 'registry+https://github.com/rust-lang/crates.io-index' });
    expect(specMatches(s, { name: 'bitflags', version: '2.9.0', source: 'registry+https://github.com/rust-lang/crates.io-index' })).toBe(true);
    expect(specMatches(s, { name: 'bitflags', version: '2.9.0', source: 'sparse+https://other.example/' })).toBe(false);
    expect(specMatches(parsePackageSpec('path+file:///work/app#app@0.1.0'), { name: 'app', version: '0.1.0', source: null })).toBe(true);
  });

  it('refuses what cargo refuses', () => {
    expect(() => parsePackageSpec('libc@')).toThrow('expected a version like "1.32"');
    expect(() => parsePackageSpec('libc@x')).toThrow('expected a version like "1.32"');
    expect(() => parsePackageSpec('libc@@')).toThrow('one `@` at most');
    expect(() => parsePackageSpec('bitflags@1.3.2@1')).toThrow('one `@` at most');
  });
});
