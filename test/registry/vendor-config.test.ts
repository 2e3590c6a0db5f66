/**
 * A malformed vendored manifest is reported like the project's other bad
 * input (`path:line:col: error: invalid TOML: ...`, at the line cargo names),
 * and cargo configuration read by the small TOML reader gives what the full
 * parser gives.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { UserError } from '../../src/errors.js';
import { publishedManifestToIndex } from '../../src/registry/vendor.js';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable, realworldAvailable, realworldProject, REALWORLD_PROJECTS } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const REG = 'registry+https://github.com/rust-lang/crates.io-index';
const APP = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';

/** A published manifest whose mistake comes after sections the reader drops (examples, dev-dependencies). */
const BROKEN = [
  '[package]',
  'name = "lib"',
  'version = "1.0.0"',
  '',
  '[[example]]',
  'name = "one"',
  'path = "examples/one.rs"',
  '',
  '[dev-dependencies.foo]',
  'version = "1"',
  '',
  '[features]',
  'std = = []',
  '',
].join('\n');
const BROKEN_LINE = 13;

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('a malformed vendored manifest', () => {
  it('is reported at its line in the whole file, in the wording of the other TOML errors', () => {
    const e = userError(() => publishedManifestToIndex(BROKEN, '/v/lib/Cargo.toml'));
    expect(e.message).toMatch(/^invalid TOML: /);
    expect(e.message).not.toMatch(/Invalid TOML document/);
    expect(e.location).toMatchObject({ path: '/v/lib/Cargo.toml', line: BROKEN_LINE });
    expect(e.location?.column).toBeGreaterThan(0);
  });

  it('through the CLI: path:line:col: error: invalid TOML, at the line cargo names', () => {
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': `${APP}\n[dependencies]\nlib = "1"\n`,
      'Cargo.lock': `version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "lib",\n]\n\n[[package]]\nname = "lib"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum('lib', '1.0.0')}"\n`,
      'src/main.rs': '',
      ...vendoredCrate('lib', '1.0.0'),
    });
    writeFileSync(join(dir, 'vendor/lib/Cargo.toml'), BROKEN);
    const env = { ...process.env, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };
    const r = spawnSync(process.execPath, [BIN, 'tree', '--offline'], { cwd: dir, encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${dir}/vendor/lib/Cargo\\.toml:${BROKEN_LINE}:\\d+: error: invalid TOML: [a-z]`));
    expect(r.stderr).not.toMatch(/Invalid TOML document|^\s+at /m);
    if (cargoAvailable()) {
      const c = spawnSync('cargo', ['tree', '--offline', '--locked'], { cwd: dir, encoding: 'utf8', env });
      expect(c.status).not.toBe(0);
      // cargo: `--> vendor/lib/Cargo.toml:LINE:COL`
      expect(c.stderr).toMatch(new RegExp(`vendor/lib/Cargo\\.toml:${BROKEN_LINE}:\\d+`));
    }
  });
});

describe('cargo configuration', () => {
  const load = (text: string, name = 'config.toml') => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-config-'));
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, '.cargo', name), text);
    return { dir, config: CargoConfig.load(dir, { CARGO_HOME: join(dir, 'no-cargo-home') }) };
  };

  const documents = [
    '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n',
    '[net]\noffline = true\nretry = 5\n\n[http]\ntimeout = 30\nproxy = "host:3128"\n',
    '[registries.corp]\nindex = "sparse+https://corp.example/index/" # comment\ntoken = \'tok\'\n[registries]\nother = { index = "sparse+https://o.example/" }\n',
    '[target.x86_64-unknown-linux-musl]\nlinker = "musl-gcc"\nrustflags = [\n  "-C", "target-feature=+crt-static",\n]\n\n[target.\'cfg(unix)\']\nrunner = ["a", "b"]\n',
    'build.target = "x86_64-unknown-linux-musl"\n[env]\nCC = { value = "cc", force = true }\n',
    // Left to the full parser: a float, a date, a hexadecimal integer.
    '[http]\ntimeout = 1.5\n',
    '[env]\nWHEN = 1979-05-27T07:32:00Z\n',
    '[net]\nretry = 0x10\n',
  ];

  it('gives the data the full parser gives, for the small reader and for what it declines', () => {
    const texts = [...documents];
    if (realworldAvailable()) {
      for (const p of REALWORLD_PROJECTS) {
        const dir = join(realworldProject(p), '.cargo');
        texts.push(readFileSync(existsSync(join(dir, 'config.toml')) ? join(dir, 'config.toml') : join(dir, 'config'), 'utf8'));
      }
    }
    for (const text of texts) {
      const { config } = load(text);
      expect(config.files).toHaveLength(1);
      expect(config.files[0].data).toEqual(parse(text));
    }
  });

  it('reads `.cargo/config` (no extension) and reports a mistake at its place', () => {
    expect(load('[net]\noffline = true\n', 'config').config.offline).toBe(true);
    const text = '[net]\noffline = true\nretry = = 2\n';
    let where: { line: number; column: number } | undefined;
    try {
      parse(text);
    } catch (e) {
      where = e as { line: number; column: number };
    }
    const e = userError(() => load(text));
    expect(e.message).toMatch(/^could not parse cargo configuration: /);
    expect(e.location).toMatchObject({ line: where!.line, column: where!.column });
    expect(e.location?.path).toMatch(/\.cargo\/config\.toml$/);
  });
});
