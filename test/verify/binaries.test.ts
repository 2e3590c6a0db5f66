/**
 * `verify`'s readers on real Rust binaries built here by cargo: a dynamic
 * gnu binary, the same with `+crt-static` (static-pie), one linking zlib
 * through a path dependency with `links = "z"`, one linking libbz2 through
 * a path dependency with no `links` whose build script prints
 * `cargo::rustc-link-lib=bz2`, one linking OpenSSL through openssl-sys, and
 * a cdylib. Every field is compared with binutils'
 * `readelf -d`, `-l`, `-V --wide`, and the linkage with `file`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectBinary, readElf } from '../../src/binary/index.js';
import { cargoAvailable } from '../helpers/realworld.js';
import { fileLinkage, hasFile, hasReadelf, readelf } from '../binary/oracle.js';
import { bin, helloDynamic, helloStatic, linked, missingDevLibraries, scripted } from './fixtures.js';

const absent = !cargoAvailable() ? 'cargo' : !hasReadelf() || !hasFile() ? 'readelf or file' : missingDevLibraries();

describe.skipIf(!!absent)(`Rust binaries against readelf and file${absent ? ` (skipped: ${absent} not installed)` : ''}`, () => {
  const cases = [
    { name: 'dynamic gnu binary', path: () => bin(helloDynamic(), 'release', 'hello'), linkage: 'dynamic', needs: ['libc.so.6'] },
    { name: '+crt-static (static-pie)', path: () => bin(helloStatic(), 'release', 'hello'), linkage: 'static-pie', needs: [] },
    { name: 'links = "z" through a path dependency', path: () => bin(linked(), 'release', 'zapp'), linkage: 'dynamic', needs: ['libz.so.1'] },
    { name: 'rustc-link-lib=bz2 from a build script, no links', path: () => bin(scripted(), 'release', 'bzapp'), linkage: 'dynamic', needs: ['libbz2.so.1.0'] },
    { name: 'openssl-sys', path: () => bin(linked(), 'release', 'sslapp'), linkage: 'dynamic', needs: ['libssl.so.3', 'libcrypto.so.3'] },
    { name: 'cdylib', path: () => bin(linked(), 'release', 'libclib.so'), linkage: 'shared-library', needs: ['libc.so.6'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const path = c.path();
      const [facts] = inspectBinary(path);
      const oracle = readelf(path);
      const elf = readElf(readFileSync(path), path);
      expect(facts!.interpreter).toBe(oracle.interpreter);
      expect(facts!.needed).toEqual(oracle.needed);
      expect(facts!.runpath).toEqual(oracle.runpath);
      expect(facts!.rpath).toEqual(oracle.rpath);
      expect((elf.flags1 & 0x08000000) !== 0).toBe(oracle.pie);
      expect(elf.versionNeeds).toEqual(oracle.versionNeeds);
      expect(facts!.linkage).toBe(fileLinkage(path));
      expect(facts!.linkage).toBe(c.linkage);
      for (const n of c.needs) expect(facts!.needed).toContain(n);
      expect(facts!.libc).toBe('glibc');
      const floor = oracle.versionNeeds
        .filter((n) => /^(libc\.so\.6|libm\.so\.6|ld-linux)/.test(n.file))
        .flatMap((n) => n.versions.flatMap((v) => /^GLIBC_(\d+(?:\.\d+)+)$/.exec(v)?.[1] ?? []))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .pop();
      expect(facts!.glibcFloor).toBe(floor ?? null);
      if (c.linkage === 'static-pie') expect(facts!.glibcFloor).toBeNull();
      else expect(facts!.glibcFloor).toMatch(/^2\.\d+$/);
    });
  }
});
