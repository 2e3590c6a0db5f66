/**
 * A `cfg()` typo in a `[target.<spec>]` header is bad input, not an internal
 * error: `Cargo.toml:LINE:COL: error: failed to parse … as a cfg expression: …`
 * at the table header, exit code 2, in cargo's words (cargo itself is asked
 * for its message where it runs); also in a vendored crate's manifest.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const cargoRuns = spawnSync('cargo', ['--version']).status === 0;

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };
  delete env.CARGO_PREFLIGHT_BACKTRACE;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HEAD = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n';
const LOCK = 'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "dep",\n]\n\n[[package]]\nname = "dep"\nversion = "0.1.0"\n';
const DEP = { 'dep/Cargo.toml': '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n', 'dep/src/lib.rs': '' };

const TYPOS: [spec: string, message: string][] = [
  ['cfg(unix', 'failed to parse `cfg(unix` as a cfg expression: invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`'],
  ['cfg(target_os = linux)', 'failed to parse `target_os = linux` as a cfg expression: expected a string, found an identifier'],
  ['cfg()', 'failed to parse `` as a cfg expression: expected start of a cfg expression, but cfg expression ended'],
  ['cfg(not(unix, windows))', 'failed to parse `not(unix, windows)` as a cfg expression: expected `)`, found `,`'],
];

describe('a malformed cfg() in a manifest', () => {
  for (const [spec, message] of TYPOS) {
    it(`[target.'${spec}'] is reported at its header, exit 2`, () => {
      const dir = writeProject({ 'Cargo.toml': `${HEAD}[target.'${spec}'.dependencies]\ndep = { path = "dep" }\n`, 'Cargo.lock': LOCK, 'src/main.rs': '', ...DEP });
      for (const command of ['tree', 'check']) {
        const r = run([command, '--offline', '-q'], dir);
        expect(r.stderr).toBe(`${join(dir, 'Cargo.toml')}:6:2: error: ${message}\n`);
        expect(r.code).toBe(2);
      }
      if (cargoRuns) {
        const cargo = spawnSync('cargo', ['metadata', '--offline', '--format-version', '1', '--no-deps'], { cwd: dir, encoding: 'utf8' });
        expect(cargo.status).not.toBe(0);
        expect(cargo.stderr).toContain(message);
      }
    });
  }

  it('a well-formed one still resolves', () => {
    const dir = writeProject({ 'Cargo.toml': `${HEAD}[target.'cfg(unix)'.dependencies]\ndep = { path = "dep" }\n`, 'Cargo.lock': LOCK, 'src/main.rs': '', ...DEP });
    const r = run(['tree', '--offline', '--target', 'x86_64-unknown-linux-musl'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`app v0.1.0 (${dir})\n└── dep v0.1.0 (${join(dir, 'dep')})\n`);
    expect(r.code).toBe(0);
  });

  it('in a vendored crate: an error naming its manifest, exit 2', () => {
    const dir = writeProject({
      'Cargo.toml': `${HEAD}[dependencies]\nbad = "1"\n`,
      'Cargo.lock': `version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "bad",\n]\n\n[[package]]\nname = "bad"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${crateChecksum('bad', '1.0.0')}"\n`,
      'src/main.rs': '',
      ...VENDOR_CONFIG,
      ...vendoredCrate('bad', '1.0.0', "\n[target.'cfg(unix'.dependencies]\n"),
    });
    const r = run(['tree', '--offline'], dir);
    expect(r.stderr).toContain(`${join(dir, 'vendor/bad/Cargo.toml')}:6:2: error: failed to parse \`cfg(unix\` as a cfg expression`);
    expect(r.code).toBe(2);
  });
});
