/**
 * Proc-macro status of crates read from an index (which carries no flag):
 * the crate's unpacked manifest under `$CARGO_HOME/registry/src` when cargo
 * has it, else what is known by name and version (each case checked against
 * the published manifests or the index's dependency shape), else a guess.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrateFiles } from '../../src/registry/crate-files.js';
import type { IndexDep, IndexVersion } from '../../src/registry/types.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import { procMacroOf as procMacroWith } from '../../src/resolve/packages.js';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable } from '../helpers/realworld.js';

const d = (name: string, extra: Partial<IndexDep> = {}): IndexDep => ({ name, req: '1', features: [], optional: false, default_features: true, target: null, kind: 'normal', ...extra });
const v = (name: string, vers: string, deps: IndexDep[] = []): IndexVersion => ({ name, vers, deps, features: {}, cksum: '', yanked: false, links: null }) as unknown as IndexVersion;
const toolkit = [d('proc-macro2'), d('quote'), d('syn')];
/** The status with what the knowledge base knows by name and version, as the CLI passes it (knowledge-base/crates/proc-macros.toml). */
const procMacroOf = (ver: IndexVersion, files?: CrateFiles) => procMacroWith(ver, files, builtInProcMacroHints());

describe('proc-macro status from the index', () => {
  const cases: [IndexVersion, boolean][] = [
    // hex-literal: 0.2 re-exports hex-literal-impl, 0.3 is a proc-macro, 0.4 is a library.
    [v('hex-literal', '0.2.2', [d('hex-literal-impl'), d('proc-macro-hack')]), false],
    [v('hex-literal', '0.3.4'), true],
    [v('hex-literal', '0.4.1'), false],
    // ctor: a proc-macro up to 0.2, a library over ctor-proc-macro since.
    [v('ctor', '0.2.8', [d('quote'), d('syn')]), true],
    [v('ctor', '0.3.0', [d('ctor-proc-macro'), d('dtor')]), false],
    [v('ctor', '0.8.0', [d('ctor-proc-macro'), d('dtor')]), false],
    [v('ctor-proc-macro', '0.0.7'), true],
    // derive_more: a proc-macro before 1.0, a library over derive_more-impl since.
    [v('derive_more', '0.99.18', toolkit), true],
    [v('derive_more', '1.0.0', [d('derive_more-impl')]), false],
    [v('derive_more-impl', '1.0.0', toolkit), true],
    // Libraries that look like proc-macro crates.
    [v('cxx-build', '1.0.0', [d('cc'), d('codespan-reporting'), ...toolkit]), false],
    [v('synstructure', '0.13.1', toolkit), false],
    // Proc-macros whose names or dependencies do not say.
    [v('const-random-macro', '0.1.16', [d('getrandom'), d('once_cell'), d('tiny-keccak')]), true],
    [v('cssparser-macros', '0.6.1', [d('quote'), d('syn')]), true],
    [v('match_token', '0.1.0', toolkit), true],
    // A facade over its own -impl crate is a library (typed-builder 0.15, paste 0.1, indoc 0.3).
    [v('typed-builder', '0.20.0', [d('typed-builder-macro')]), false],
    [v('paste', '0.1.18', [d('paste-impl'), d('proc-macro-hack')]), false],
    [v('paste', '1.0.15'), true],
    // The heuristic: a macro-like name and the proc-macro toolkit.
    [v('frob-derive', '1.0.0', toolkit), true],
    [v('frob-derive', '1.0.0'), false],
    [v('frob', '1.0.0', toolkit), false],
  ];
  for (const [ver, expected] of cases) {
    it(`${ver.name} ${ver.vers}: ${expected ? 'a proc-macro' : 'a library'}`, () => {
      expect(procMacroOf(ver).procMacro).toBe(expected);
    });
  }

  it('a guess is marked as one; what is known is not', () => {
    expect(procMacroOf(v('frob-derive', '1.0.0', toolkit)).guessed).toBe(true);
    expect(procMacroOf(v('frob', '1.0.0', toolkit)).guessed).toBe(true);
    expect(procMacroOf(v('hex-literal', '0.4.1')).guessed).toBe(false);
    expect(procMacroOf(v('serde', '1.0.219', [d('serde_derive', { target: 'cfg(any())' })])).guessed).toBe(false);
    // No sign at all: a library, as nearly every crate is.
    expect(procMacroOf(v('libc', '0.2.170')).guessed).toBe(false);
  });

  it('without the hints, what they know becomes a guess again', () => {
    expect(procMacroWith(v('hex-literal', '0.3.4'))).toEqual({ procMacro: false, guessed: false });
    expect(procMacroWith(v('serde_derive_internals', '0.29.1', toolkit))).toEqual({ procMacro: true, guessed: true });
    expect(procMacroWith(v('match_token', '0.1.0', toolkit))).toEqual({ procMacro: false, guessed: true });
  });

  it('the unpacked manifest under $CARGO_HOME/registry/src decides, in both directions, where .cargo-ok says the unpacking finished', () => {
    const dir = 'registry/src/index.crates.io-1949cf8c6b5b557f';
    const home = writeProject({
      [`${dir}/frob-derive-1.0.0/Cargo.toml`]: '[package]\nname = "frob-derive"\nversion = "1.0.0"\n',
      [`${dir}/frob-derive-1.0.0/.cargo-ok`]: '{"v":1}',
      [`${dir}/quirk-1.0.0/Cargo.toml`]: '[package]\nname = "quirk"\nversion = "1.0.0"\n\n[lib]\nproc-macro = true\n',
      [`${dir}/quirk-1.0.0/.cargo-ok`]: '{"v":1}',
      // Unpacked by cargo before 1.74.
      [`${dir}/odd-1.0.0/Cargo.toml`]: '[package]\nname = "odd"\nversion = "1.0.0"\n\n[lib]\nproc_macro = true\npath = "src/lib.rs"\n',
      [`${dir}/odd-1.0.0/.cargo-ok`]: 'ok',
      // An unpacking cut short, and one with no marker: not trusted.
      [`${dir}/cut-derive-1.0.0/Cargo.toml`]: '[package]\nname = "cut-derive"\nversion = "1.0.0"\n',
      [`${dir}/cut-derive-1.0.0/.cargo-ok`]: '',
      [`${dir}/bare-derive-1.0.0/Cargo.toml`]: '[package]\nname = "bare-derive"\nversion = "1.0.0"\n',
    });
    const files = new CrateFiles(home);
    expect(procMacroOf(v('frob-derive', '1.0.0', toolkit), files)).toEqual({ procMacro: false, guessed: false });
    expect(procMacroOf(v('quirk', '1.0.0'), files)).toEqual({ procMacro: true, guessed: false });
    expect(procMacroOf(v('odd', '1.0.0'), files)).toEqual({ procMacro: true, guessed: false });
    // Not unpacked, or not to be trusted: back to the guess.
    expect(procMacroOf(v('frob-derive', '2.0.0', toolkit), files)).toEqual({ procMacro: true, guessed: true });
    expect(procMacroOf(v('cut-derive', '1.0.0', toolkit), files)).toEqual({ procMacro: true, guessed: true });
    expect(procMacroOf(v('bare-derive', '1.0.0', toolkit), files)).toEqual({ procMacro: true, guessed: true });
  });

  it('names and versions that would leave the folder are never read', () => {
    const x = 'registry/src/index.crates.io-0123456789abcdef';
    const home = writeProject({ [`${x}/evil-1.0.0/Cargo.toml`]: '[lib]\nproc-macro = true\n', [`${x}/evil-1.0.0/.cargo-ok`]: '{"v":1}' });
    mkdirSync(join(home, `${x}/a`), { recursive: true });
    writeFileSync(join(home, `${x}/a/Cargo.toml`), '[lib]\nproc-macro = true\n');
    writeFileSync(join(home, `${x}/a/.cargo-ok`), '{"v":1}');
    const files = new CrateFiles(home);
    expect(files.procMacro('evil', '1.0.0')).toBe(true);
    expect(files.procMacro('../x/evil', '1.0.0')).toBeNull();
    expect(files.procMacro('evil', '1.0.0/../../x/a')).toBeNull();
    expect(files.procMacro('a', '../a')).toBeNull();
  });
});

describe('proc-macro status of vendored crates', () => {
  const REG = 'registry+https://github.com/rust-lang/crates.io-index';
  const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
  const locked = (name: string) => `[[package]]\nname = "${name}"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum(name, '1.0.0')}"\n`;

  it("reads only the manifests of crates the graph reaches: another platform's dependency, or the unpacked copy under $CARGO_HOME, is never read", () => {
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nlib = "1"\n\n[target.\'cfg(windows)\'.dependencies]\nwinlib = "1"\n',
      'Cargo.lock': `version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "lib",\n "winlib",\n]\n\n${locked('lib')}\n${locked('winlib')}`,
      'src/main.rs': '',
      ...vendoredCrate('lib', '1.0.0'),
      ...vendoredCrate('winlib', '1.0.0'),
    });
    // cargo's unpacked copy says otherwise; the vendored manifest is the crate that is built.
    const home = writeProject({ 'registry/src/index.crates.io-1949cf8c6b5b557f/lib-1.0.0/Cargo.toml': '[package]\nname = "lib"\nversion = "1.0.0"\n\n[lib]\nproc-macro = true\n' });
    const env = { ...process.env, CARGO_HOME: home, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };
    const args = ['tree', '--offline', '--target', 'x86_64-unknown-linux-musl'];
    const mine = spawnSync(process.execPath, [BIN, ...args, '--quiet'], { cwd: dir, encoding: 'utf8', env });
    expect(mine.stderr).toBe('');
    expect(mine.status).toBe(0);
    expect(mine.stdout).toBe(`app v0.1.0 (${dir})\n└── lib v1.0.0\n`);
    if (cargoAvailable()) {
      const cargo = spawnSync('cargo', [...args, '--locked', '-e', 'normal,no-proc-macro'], { cwd: dir, encoding: 'utf8', env });
      expect(cargo.status).toBe(0);
      expect(cargo.stdout).toBe(mine.stdout);
    }
    // The Windows-only crate is not read for this target: a broken manifest there changes nothing.
    writeFileSync(join(dir, 'vendor/winlib/Cargo.toml'), '[package]\nname = "winlib"\nversion = "1.0.0"\n\n[features]\nstd = = []\n');
    const again = spawnSync(process.execPath, [BIN, ...args, '--quiet'], { cwd: dir, encoding: 'utf8', env });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(mine.stdout);
  });
});
