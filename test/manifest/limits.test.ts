/**
 * Input nested or sized beyond reason is bad input, never a stack overflow:
 * arrays and inline tables over cargo's nesting limit are refused in cargo's
 * words (cargo refuses them too); a string of megabytes is read (cargo reads
 * it); a cfg() nested thousands deep and a dependency chain longer than any
 * real graph are refused with a clear reason (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crateChecksum, VENDOR_CONFIG, writeProject } from '../helpers/project.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const cargoRuns = spawnSync('cargo', ['--version']).status === 0;
const REG = 'registry+https://github.com/rust-lang/crates.io-index';
const APP = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
const LOCK = 'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cargoAccepts = (dir: string) => spawnSync('cargo', ['metadata', '--offline', '--format-version', '1', '--no-deps'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('nesting and size limits', () => {
  for (const [what, prefix] of [
    ['the fast reader', ''],
    ['the full parser', 'f = 1.5\n'],
  ] as const) {
    it(`arrays or inline tables nested 10,000 deep: cargo's words at the place, exit 2 (${what})`, () => {
      for (const value of ['['.repeat(10_000) + ']'.repeat(10_000), '{a='.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
        const dir = writeProject({ 'Cargo.toml': `${APP}\n[package.metadata]\n${prefix}x = ${value}\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' });
        const r = run(['tree', '--offline'], dir);
        expect(r.stderr).toMatch(
          new RegExp(`^${join(dir, 'Cargo.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${prefix ? 8 : 7}:\\d+: error: invalid TOML: cannot recurse further; max recursion depth met\\n$`),
        );
        expect(r.code).toBe(2);
      }
    });
  }

  it(`80 levels are read, 81 refused${cargoRuns ? ', as cargo does' : ''}`, () => {
    for (const n of [80, 81]) {
      const dir = writeProject({ 'Cargo.toml': `${APP}\n[package.metadata]\nx = ${'['.repeat(n)}${']'.repeat(n)}\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' });
      expect(run(['tree', '--offline'], dir).code).toBe(n === 80 ? 0 : 2);
      if (cargoRuns) expect(cargoAccepts(dir).status === 0).toBe(n === 80);
    }
  });

  it(`a string of 9 MB is read by both readers${cargoRuns ? ', as cargo reads it' : ''}`, () => {
    for (const prefix of ['', 'f = 1.5\n']) {
      const dir = writeProject({ 'Cargo.toml': `${APP}\n[package.metadata]\n${prefix}x = "${'a'.repeat(9_000_000)}"\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' });
      const r = run(['tree', '--offline'], dir);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`app v0.1.0 (${dir})\n`);
      if (cargoRuns && !prefix) expect(cargoAccepts(dir).status).toBe(0);
    }
  });

  it('a cfg() nested 10,000 deep is refused with its reason at the header; 1,000 deep is read', () => {
    const spec = (n: number) => `cfg(${'not('.repeat(n)}unix${')'.repeat(n)})`;
    const files = (n: number) => ({ 'Cargo.toml': `${APP}\n[target.'${spec(n)}'.dependencies]\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' });
    const deep = writeProject(files(10_000));
    const r = run(['tree', '--offline'], deep);
    expect(r.stderr).toMatch(/:6:2: error: failed to parse `(not\(){50}.*…` as a cfg expression: the expression nests `all`, `any` and `not` more than 1000 deep\n$/);
    expect(r.code).toBe(2);
    expect(run(['tree', '--offline'], writeProject(files(1000))).code).toBe(0);
  });

  it('a dependency chain longer than 1,000 crates is refused with its reason; 900 resolve', () => {
    for (const n of [900, 1100]) {
      const files: Record<string, string> = { 'Cargo.toml': `${APP}\n[dependencies]\nc0 = "1"\n`, 'src/main.rs': '', ...VENDOR_CONFIG };
      const lock = [`version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "c0",\n]\n`];
      for (let i = 0; i < n; i++) {
        const next = i + 1 < n ? `\n[dependencies.c${i + 1}]\nversion = "1"\n` : '';
        files[`vendor/c${i}/Cargo.toml`] = `[package]\nedition = "2021"\nname = "c${i}"\nversion = "1.0.0"\n${next}`;
        files[`vendor/c${i}/src/lib.rs`] = '';
        files[`vendor/c${i}/.cargo-checksum.json`] = JSON.stringify({ files: {}, package: crateChecksum(`c${i}`, '1.0.0') });
        lock.push(`[[package]]\nname = "c${i}"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum(`c${i}`, '1.0.0')}"\n${i + 1 < n ? `dependencies = [\n "c${i + 1}",\n]\n` : ''}`);
      }
      files['Cargo.lock'] = lock.join('\n');
      const dir = writeProject(files);
      const r = run(['tree', '--offline', '--prefix', 'none'], dir);
      if (n === 900) {
        expect(r.stderr).toBe('');
        expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(901);
      } else {
        expect(r.stderr).toBe(
          'error: the dependency graph is too deep to resolve: dependencies and features chain more than 1000 deep at `c999 v1.0.0`\n' +
            '  help: a real dependency graph is a few dozen crates deep; check Cargo.lock and the features for a generated chain\n',
        );
        expect(r.code).toBe(2);
      }
    }
  });

  it('a chain of 3,000 features turning each other on is refused with its reason, not a stack overflow', () => {
    const features = Array.from({ length: 3000 }, (_, i) => `f${i} = [${i + 1 < 3000 ? `"f${i + 1}"` : ''}]`).join('\n');
    const dir = writeProject({ 'Cargo.toml': `${APP}\n[features]\ndefault = ["f0"]\n${features}\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' });
    const r = run(['tree', '--offline'], dir);
    expect(r.stderr).toMatch(/^error: the dependency graph is too deep to resolve: dependencies and features chain more than 1000 deep at `app v0\.1\.0`\n/);
    expect(r.code).toBe(2);
    // 500 are read, as cargo reads them.
    const short = Array.from({ length: 500 }, (_, i) => `f${i} = [${i + 1 < 500 ? `"f${i + 1}"` : ''}]`).join('\n');
    expect(run(['tree', '--offline'], writeProject({ 'Cargo.toml': `${APP}\n[features]\ndefault = ["f0"]\n${short}\n`, 'Cargo.lock': LOCK, 'src/main.rs': '' })).code).toBe(0);
  });

  it('a chain of 990 path crates forwarding a feature is refused with its reason, not a stack overflow', () => {
    const n = 990;
    const files: Record<string, string> = { 'Cargo.toml': `${APP}\n[dependencies]\nc0 = { path = "c0", features = ["x"] }\n`, 'src/main.rs': '' };
    const lock = ['version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "c0",\n]\n'];
    for (let i = 0; i < n; i++) {
      const last = i + 1 === n;
      files[`c${i}/Cargo.toml`] =
        `[package]\nname = "c${i}"\nversion = "0.1.0"\nedition = "2021"\n${last ? '[features]\nx = []\n' : `[dependencies]\nc${i + 1} = { path = "../c${i + 1}", optional = true }\n[features]\nx = ["c${i + 1}/x"]\n`}`;
      files[`c${i}/src/lib.rs`] = '';
      lock.push(`[[package]]\nname = "c${i}"\nversion = "0.1.0"\n${last ? '' : `dependencies = [\n "c${i + 1}",\n]\n`}`);
    }
    files['Cargo.lock'] = lock.join('\n');
    const r = run(['tree', '--offline'], writeProject(files));
    expect(r.stderr).toMatch(/^error: the dependency graph is too deep to resolve: dependencies and features chain more than 1000 deep at `c\d+ v0\.1\.0`\n/);
    expect(r.code).toBe(2);
  });
});
