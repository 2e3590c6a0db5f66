import { describe, expect, it } from 'vitest';
import { parseLockfile, readLockfile } from '../../src/lockfile/index.js';
import { UserError } from '../../src/errors.js';

const CRATES = 'registry+https://github.com/rust-lang/crates.io-index';

function fails(text: string): UserError {
  try {
    parseLockfile(text, '/p/Cargo.lock');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected an error');
}

describe('lockfile', () => {
  it('reads version 3 with the compact dependency forms', () => {
    const lock = parseLockfile(
      `version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "rand 0.7.3",
 "rand 0.8.5",
 "serde",
]

[[package]]
name = "rand"
version = "0.7.3"
source = "${CRATES}"
checksum = "aa"

[[package]]
name = "rand"
version = "0.8.5"
source = "${CRATES}"

[[package]]
name = "serde"
version = "1.0.0"
source = "sparse+https://index.crates.io/"
`,
      '/p/Cargo.lock',
    );
    expect(lock.version).toBe(3);
    const app = lock.packages.get('app 0.1.0')!;
    expect(app.source).toBeNull();
    expect(app.dependencies).toEqual([`rand 0.7.3 (${CRATES})`, `rand 0.8.5 (${CRATES})`, 'serde 1.0.0 (sparse+https://index.crates.io/)']);
    expect(lock.byName.get('rand')!.map((p) => p.version)).toEqual(['0.7.3', '0.8.5']);
    expect(lock.packages.get(`rand 0.7.3 (${CRATES})`)!.checksum).toBe('aa');
  });

  it('reads version 1 with [root], full dependency ids and [metadata] checksums', () => {
    const lock = parseLockfile(
      `[root]
name = "app"
version = "0.1.0"
dependencies = [
 "libc 0.2.40 (${CRATES})",
]

[[package]]
name = "libc"
version = "0.2.40"
source = "${CRATES}"

[metadata]
"checksum libc 0.2.40 (${CRATES})" = "abc"
`,
      '/p/Cargo.lock',
    );
    expect(lock.version).toBe(1);
    expect(lock.packages.get(`libc 0.2.40 (${CRATES})`)!.checksum).toBe('abc');
    expect(lock.packages.get('app 0.1.0')!.dependencies).toEqual([`libc 0.2.40 (${CRATES})`]);
  });

  it('takes a file without version key and without metadata as version 2, and reads version 4 git sources', () => {
    expect(parseLockfile('[[package]]\nname = "a"\nversion = "1.0.0"\n', '/p/Cargo.lock').version).toBe(2);
    const lock = parseLockfile(
      `version = 4
[[package]]
name = "a"
version = "1.0.0"
dependencies = ["g"]
[[package]]
name = "g"
version = "0.3.0"
source = "git+https://github.com/o/g?branch=main#0123456789abcdef"
`,
      '/p/Cargo.lock',
    );
    expect(lock.version).toBe(4);
    expect(lock.packages.get('a 1.0.0')!.dependencies).toEqual(['g 0.3.0 (git+https://github.com/o/g?branch=main#0123456789abcdef)']);
  });

  it('reports a dependency that is not a package of the file, with its line', () => {
    const e = fails('version = 3\n[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = [\n "missing",\n]\n');
    expect(e.message).toContain('`missing`');
    expect(e.location).toMatchObject({ path: '/p/Cargo.lock', line: 6, column: 2 });
    expect(e.help).toContain('cargo generate-lockfile');
  });

  it('rejects crate names crates.io forbids before they reach a path', () => {
    for (const bad of ['../../etc', 'a/b', 'a b', '..', 'ünï']) {
      const e = fails(`version = 3\n[[package]]\nname = "${bad}"\nversion = "1.0.0"\n`);
      expect(e.message).toMatch(/invalid package name/);
      expect(e.location?.line).toBe(3);
    }
  });

  it('locates TOML syntax errors', () => {
    const e = fails('version = 3\n[[package]\nname = "a"\n');
    expect(e.location).toMatchObject({ path: '/p/Cargo.lock', line: 2 });
  });

  it('refuses unknown lockfile versions', () => {
    expect(fails('version = 9\n').message).toContain('lockfile version 9 is not supported');
  });

  it('says how to make a missing Cargo.lock', () => {
    try {
      readLockfile('/nonexistent/dir/Cargo.lock');
      throw new Error('expected an error');
    } catch (e) {
      expect((e as UserError).message).toContain('no Cargo.lock');
      expect((e as UserError).help).toContain('cargo generate-lockfile');
    }
  });
});
