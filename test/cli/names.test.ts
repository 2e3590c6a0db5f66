/**
 * Names and habits from cargo: "did you mean" for crate specs, settings,
 * rules and targets; `--message-format` for `--format`; cargo tree's
 * `-f TEMPLATE`; a positional PATH as cargo's `-C PATH`; machine-dependent
 * findings kept out of baselines and SARIF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestNames } from '../../src/errors.js';
import { cli } from '../check/cli.js';
import { cargoAvailable, realworldAvailable, realworldProject } from '../helpers/realworld.js';
import { workspaceCopy } from '../output/helpers.js';

const EXAMPLE = resolve(import.meta.dirname, '../../example');

describe('did you mean', () => {
  it('finds close names, and none for a name far from all', () => {
    expect(closestNames('opensl-sys', ['openssl-sys', 'openssl', 'libz-sys'])).toEqual(['openssl-sys']);
    expect(closestNames('musl-behavior', ['musl-behaviour', 'dlopen', 'native-library'])).toEqual(['musl-behaviour']);
    expect(closestNames('serde-json', ['serde_json', 'serde', 'tokio'])).toEqual(['serde_json']);
    expect(closestNames('x', ['p', 'l', 'f'])).toEqual([]);
    expect(closestNames('nothing-like-it', ['openssl-sys', 'tokio'])).toEqual([]);
  });

  it('for a crate Cargo.lock does not hold: `why` and `tree -i` refuse it as a usage error (exit 2)', async () => {
    const why = await cli(['why', 'opensl-sys'], { cwd: EXAMPLE });
    expect(why).toEqual({ code: 2, stdout: '', stderr: 'error: package ID specification `opensl-sys` did not match any packages\n  help: did you mean `openssl-sys`?\n' });
    const tree = await cli(['tree', '-i', 'opensl-sys'], { cwd: EXAMPLE });
    expect(tree).toEqual({ code: 2, stdout: '', stderr: 'error: package ID specification `opensl-sys` did not match any packages\n  help: did you mean `openssl-sys`?\n' });
    // The name is right, the version is not: the locked versions.
    const version = await cli(['why', 'openssl-sys@0.8'], { cwd: EXAMPLE });
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/^error: package ID specification `openssl-sys@0\.8` did not match any packages\n {2}help: Cargo\.lock holds `openssl-sys@0\.9\.\d+`\n$/);
  });

  it('for a setting, a rule and a key of the configuration, at their place', async () => {
    const base = readFileSync(join(workspaceCopy('workspace'), 'Cargo.toml'), 'utf8');
    const rule = workspaceCopy('workspace', { 'Cargo.toml': base.replace('cross-environment = "off"', 'cross-environment = "off"\nmusl-behavior = "off"') });
    const r = await cli(['check', '--offline'], { cwd: rule });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cargo\.toml:\d+:1: error: unknown rule `musl-behavior` in `severity`\n {2}help: did you mean `musl-behaviour`\?\n/);
    const setting = workspaceCopy('workspace', { 'Cargo.toml': base.replace('targets = [', 'target = [') });
    const s = await cli(['check', '--offline'], { cwd: setting });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/error: unknown cargo-preflight setting `target`\n {2}help: did you mean `targets`\?\n/);
    const allow = workspaceCopy('workspace', { 'Cargo.toml': base.replace('reason = "zlib', 'reasons = "zlib') });
    expect((await cli(['check', '--offline'], { cwd: allow })).stderr).toMatch(/error: unknown key `reasons` in `allow` entry\n {2}help: did you mean `reason`\?\n/);
  });

  it('for a target', async () => {
    const r = await cli(['tree', '--target', 'x86_64-unknown-linux-musk'], { cwd: EXAMPLE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('help: did you mean `x86_64-unknown-linux-musl`');
  });
});

describe("cargo's spellings", () => {
  it('takes --message-format for --format in every command, and shows it in the help', async () => {
    for (const c of ['check', 'tree', 'why', 'doctor']) {
      const help = await cli([c, '--help']);
      expect(help.stdout).toMatch(/--format <FORMAT> +.*\(also --message-format\)/);
    }
    const tree = await cli(['tree', '--message-format', 'json'], { cwd: EXAMPLE });
    expect(tree.code).toBe(0);
    expect(JSON.parse(tree.stdout).target).toBe('x86_64-unknown-linux-musl');
    const check = await cli(['check', '--message-format=json', '--quiet'], { cwd: EXAMPLE });
    expect(JSON.parse(check.stdout).findings.length).toBeGreaterThan(0);
    const why = await cli(['why', 'openssl-sys', '--message-format', 'json'], { cwd: EXAMPLE });
    expect(JSON.parse(why.stdout).packages[0].name).toBe('openssl-sys');
    // fix spells it --message-format, and takes --format too.
    expect((await cli(['fix', '--help'])).stdout).toMatch(/--message-format <FMT> +.*\(also --format\)/);
    const fix = await cli(['fix', '--dry-run', '--format', 'json', '--quiet'], { cwd: EXAMPLE });
    expect(JSON.parse(fix.stdout).dryRun).toBe(true);
  });

  it('`why --help` shows its [PATH]', async () => {
    expect((await cli(['why', '--help'])).stdout).toContain('Usage: cargo-preflight why [OPTIONS] <CRATE[@VERSION]> [PATH]');
  });

  it('fills cargo tree templates: -f and --format with a value other than human and json', async () => {
    const f = await cli(['tree', '-f', '{p} {l} {r} [{lib}] {f}', '--depth', '1'], { cwd: EXAMPLE });
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('├── reqwest v0.12.15 MIT OR Apache-2.0 https://github.com/seanmonstar/reqwest [reqwest] __tls,charset,default,');
    // A member with no library target: `{lib}` is empty, as cargo prints it.
    expect(f.stdout.split('\n')[0]).toBe(`weather-report v0.1.0 (${EXAMPLE})   [] `);
    expect((await cli(['tree', '--format', '{p} {l} {r} [{lib}] {f}', '--depth', '1'], { cwd: EXAMPLE })).stdout).toBe(f.stdout);
    const bad = await cli(['tree', '-f', '{p} {lisence}'], { cwd: EXAMPLE });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: tree format `{p} {lisence}` not valid: unsupported pattern `lisence`\n  help: the patterns are {p}, {l}, {r}, {f}, {lib}\n' });
    expect((await cli(['tree', '-f', '{p'], { cwd: EXAMPLE })).stderr).toBe('error: tree format `{p` not valid: expected `}`\n');
  });

  it.skipIf(!cargoAvailable())('gives what `cargo tree -f` gives', async () => {
    const template = '{p} | {l} | {r} | {lib} | {f}';
    const cargo = execFileSync('cargo', ['tree', '--offline', '--target', 'x86_64-unknown-linux-musl', '-e', 'normal,no-proc-macro', '-f', template], {
      cwd: EXAMPLE,
      encoding: 'utf8',
    });
    expect((await cli(['tree', '-f', template], { cwd: EXAMPLE })).stdout).toBe(cargo);
  });
});

describe('tree -e features', () => {
  it('refuses the edge kinds tree does not draw, and names the close one', async () => {
    expect((await cli(['tree', '-e', 'build'], { cwd: EXAMPLE })).stderr).toContain('build dependencies and proc-macros are not');
    expect((await cli(['tree', '-e', 'dev'], { cwd: EXAMPLE })).stderr).toContain('`--include-dev`');
    const typo = await cli(['tree', '-e', 'featurs'], { cwd: EXAMPLE });
    expect(typo).toEqual({ code: 2, stdout: '', stderr: "error: invalid value 'featurs' for '--edges <KINDS>'\n  help: did you mean `features`?\n" });
    const json = await cli(['tree', '-e', 'features', '--format', 'json'], { cwd: EXAMPLE });
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('not available with --duplicates or --format json');
  });

  it('draws the feature nodes between packages', async () => {
    const r = await cli(['tree', '-e', 'features', '--depth', '3'], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('├── reqwest feature "default"\n│   ├── reqwest v0.12.15\n');
    expect(r.stdout).toMatch(/^│ {3}[├└]── reqwest feature "default-tls"$/m);
  });

  it.skipIf(!cargoAvailable())('gives what `cargo tree -e features,normal,no-proc-macro` gives', async () => {
    for (const [target, more] of [
      ['x86_64-unknown-linux-musl', []],
      ['x86_64-pc-windows-msvc', ['--no-dedupe', '--depth', '6']],
      ['aarch64-apple-darwin', ['--features', 'rusqlite/bundled']],
      // Inverted: the feature nodes up to the member and the features asked on the command line.
      ['x86_64-unknown-linux-musl', ['-i', 'openssl-sys']],
      ['x86_64-unknown-linux-musl', ['-i', 'libsqlite3-sys', '--no-default-features', '--features', 'rusqlite/bundled']],
      ['x86_64-pc-windows-msvc', ['-i', 'windows-sys@0.59.0', '--charset', 'ascii']],
    ] as const) {
      const cargo = execFileSync('cargo', ['tree', '--offline', '--target', target, '-e', 'features,normal,no-proc-macro', ...more], { cwd: EXAMPLE, encoding: 'utf8', maxBuffer: 1 << 28 });
      const mine = await cli(['tree', '-e', 'features', '--target', target, ...more], { cwd: EXAMPLE });
      expect(mine.stdout, `${target} ${more.join(' ')}`).toBe(cargo);
    }
  });
});

describe.skipIf(!cargoAvailable() || !realworldAvailable())('tree -e features on a real workspace', () => {
  it('equals cargo tree on cloud-image-download for a Linux, an Apple and a Windows target', async () => {
    const dir = realworldProject('cloud-image-download');
    for (const target of ['x86_64-unknown-linux-musl', 'aarch64-apple-darwin', 'x86_64-pc-windows-msvc']) {
      const cargo = execFileSync('cargo', ['tree', '--offline', '--workspace', '--target', target, '-e', 'features,normal,no-proc-macro'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      expect((await cli(['tree', '--offline', '--workspace', '--target', target, '-e', 'features'], { cwd: dir })).stdout, target).toBe(cargo);
    }
  });

  it('inverted (-i) equals cargo tree for the crates a static build asks about', async () => {
    const dir = realworldProject('cloud-image-download');
    for (const spec of ['openssl-sys', 'libc', 'tokio']) {
      const args = ['--target', 'x86_64-unknown-linux-musl', '-i', spec];
      const cargo = execFileSync('cargo', ['tree', '--offline', '-e', 'features,normal,no-proc-macro', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      expect((await cli(['tree', '--offline', '-e', 'features', ...args], { cwd: dir })).stdout, spec).toBe(cargo);
    }
  });
});

describe("a PATH argument is cargo's -C PATH", () => {
  it("reads cargo's configuration from PATH upward; --manifest-path reads it from the current directory, as cargo does", async () => {
    const root = workspaceCopy('workspace');
    const outside = mkdtempSync(join(tmpdir(), 'cargo-preflight-elsewhere-'));
    // The vendored sources are named by the workspace's .cargo/config.toml.
    for (const path of [root, join(root, 'Cargo.toml')]) {
      const r = await cli(['tree', path, '--offline', '--format', 'json', '--target', 'x86_64-unknown-linux-musl'], { cwd: outside });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).packages.some((p: { name: string }) => p.name === 'openssl-sys')).toBe(true);
    }
    const manifest = await cli(['tree', '--manifest-path', join(root, 'Cargo.toml'), '--offline', '--format', 'json', '--target', 'x86_64-unknown-linux-musl'], { cwd: outside });
    expect(manifest.stderr).toMatch(/warning: offline: \d+ crates have no cached index data/);
    // With PATH, --manifest-path is read relative to it.
    const both = await cli(['tree', dirname(root), '--manifest-path', 'workspace/Cargo.toml', '--offline', '--format', 'json', '--target', 'x86_64-unknown-linux-musl'], { cwd: outside });
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout).packages.length).toBeGreaterThan(0);
  });
});

describe('machine-dependent findings', () => {
  it('stay in the human report and out of a baseline unless --include-environment', async () => {
    const base = readFileSync(join(workspaceCopy('workspace'), 'Cargo.toml'), 'utf8');
    const root = workspaceCopy('workspace', { 'Cargo.toml': base.replace('cross-environment = "off"\n', '') });
    const args = ['check', '--offline', '--quiet', '--target', 'riscv64gc-unknown-linux-musl'];
    const human = await cli(args, { cwd: root });
    expect(human.stdout).toContain('warning[cross-environment]');
    const file = join(root, 'baseline.json');
    await cli([...args, '--write-baseline', file], { cwd: root });
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { findings: { rule: string }[] };
    expect(recorded.findings.length).toBeGreaterThan(0);
    expect(recorded.findings.some((e) => e.rule === 'cross-environment')).toBe(false);
    await cli([...args, '--write-baseline', file, '--include-environment'], { cwd: root });
    expect((JSON.parse(readFileSync(file, 'utf8')) as typeof recorded).findings.some((e) => e.rule === 'cross-environment')).toBe(true);
    // Recorded, then gone on a machine that has what it lacked: not reported as fixed.
    const other = JSON.parse(readFileSync(file, 'utf8')) as { findings: { rule: string; id: string }[] };
    writeFileSync(file, JSON.stringify({ ...other, findings: other.findings.map((e) => (e.rule === 'cross-environment' ? { ...e, id: '0000000000000000' } : e)) }, null, 2));
    const compared = await cli([...args, '--baseline', file, '--format', 'json'], { cwd: root });
    const report = JSON.parse(compared.stdout) as { baseline?: { fixed: { rule: string }[] } };
    expect(report.baseline).toBeDefined();
    expect(report.baseline!.fixed.some((e) => e.rule === 'cross-environment')).toBe(false);
  });
});
