/**
 * `why` on a crate Cargo.lock holds but the artifact graph does not: each
 * locked dependent says what keeps its edge out (another platform, a build or
 * dev dependency, an optional dependency left off, a proc-macro), or that it
 * is out itself. The lockfile is real cargo's; cargo tree agrees the crate is
 * not linked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { featuresEnabling } from '../../src/resolve/absent.js';
import type { Summary } from '../../src/resolve/packages.js';
import { cargoAvailable } from '../helpers/realworld.js';

const MUSL = 'x86_64-unknown-linux-musl';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-absent-'));
  const crate = (name: string, body = '', lib = '') => {
    mkdirSync(join(dir, name, 'src'), { recursive: true });
    writeFileSync(join(dir, name, 'src', 'lib.rs'), '');
    writeFileSync(join(dir, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${lib}\n${body}`);
  };
  for (const leaf of ['win-only', 'builder', 'opt', 'tester', 'pm-helper', 'only-other', 'common']) crate(leaf);
  crate('pm', '[dependencies]\npm-helper = { path = "../pm-helper" }\n', '\n[lib]\nproc-macro = true\n');
  crate(
    'app',
    '[dependencies]\ncommon = { path = "../common" }\npm = { path = "../pm" }\nopt = { path = "../opt", optional = true }\n\n' +
      '[target.\'cfg(windows)\'.dependencies]\nwin-only = { path = "../win-only" }\n\n' +
      '[build-dependencies]\nbuilder = { path = "../builder" }\n\n[dev-dependencies]\ntester = { path = "../tester" }\n\n' +
      '[features]\nextra = ["dep:opt"]\n',
  );
  crate('other', '[dependencies]\nonly-other = { path = "../only-other" }\n');
  writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["app", "other"]\nresolver = "2"\n');
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
  return dir;
}

describe.skipIf(!cargoAvailable())('why, for a crate left out of the graph', () => {
  const dir = project();
  const why = (crate: string, ...more: string[]) => cli(['why', crate, '--offline', '--quiet', '--target', MUSL, '-p', 'app', ...more], { cwd: dir });
  const note = (crate: string, rest: string) => `\`${crate}\` is not in the artifact graph for ${MUSL}\n  = note: \`${crate} v0.1.0\` is in Cargo.lock; ${rest}\n`;

  it('says which edge keeps it out, and why', async () => {
    expect(await why('win-only')).toEqual({ code: 1, stderr: '', stdout: note('win-only', '`app v0.1.0` depends on it only for `cfg(windows)`') });
    expect((await why('builder')).stdout).toBe(note('builder', '`app v0.1.0` has it as a build dependency (for its build script, not linked)'));
    expect((await why('tester')).stdout).toBe(note('tester', '`app v0.1.0` has it as a dev-dependency (tests, examples and benches; `--include-dev` counts them)'));
    expect((await why('opt')).stdout).toBe(note('opt', '`app v0.1.0` has it as an optional dependency, and no active feature turns it on (its feature `extra` would)'));
    expect((await why('pm')).stdout).toBe(note('pm', '`pm v0.1.0` is a proc-macro: it runs inside the compiler, and nothing of it is linked'));
    expect((await why('pm-helper')).stdout).toBe(note('pm-helper', 'the proc-macro `pm v0.1.0` depends on it (it runs inside the compiler, and is not linked)'));
    expect((await why('only-other')).stdout).toBe(note('only-other', '`other v0.1.0` depends on it, but is not in the graph itself'));
    expect((await why('other')).stdout).toBe(note('other', 'nothing selected depends on `other v0.1.0` (Cargo.lock keeps it for a package or feature outside this selection)'));
    // A crate Cargo.lock does not hold is a usage error, as for `cargo tree -i`, with the names it may have meant.
    expect(await why('nothing-like-it')).toEqual({ code: 2, stdout: '', stderr: 'error: package ID specification `nothing-like-it` did not match any packages\n' });
    expect(await why('opt-')).toEqual({ code: 2, stdout: '', stderr: 'error: package ID specification `opt-` did not match any packages\n  help: did you mean `opt`?\n' });
  });

  it('agrees with cargo that those crates are not linked, and finds them once the edge is on', async () => {
    const linked = execFileSync('cargo', ['tree', '--offline', '-p', 'app', '--target', MUSL, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}'], { cwd: dir, encoding: 'utf8' });
    for (const c of ['win-only', 'builder', 'tester', 'opt', 'pm', 'pm-helper', 'only-other']) expect(linked).not.toMatch(new RegExp(`^${c} `, 'm'));
    expect((await why('opt', '--features', 'extra')).code).toBe(0);
    expect((await why('win-only', '--target', 'x86_64-pc-windows-msvc')).stdout).toContain('win-only v0.1.0');
    expect((await why('tester', '--include-dev')).code).toBe(0);
  });

  it('gives the reasons in JSON', async () => {
    const r = await why('opt', '--format', 'json');
    expect(JSON.parse(r.stdout)).toEqual({
      target: MUSL,
      absent: [{ name: 'opt', version: '0.1.0', procMacro: false, orphan: false, reasons: [{ kind: 'optional', dependent: 'app v0.1.0', features: ['extra'] }] }],
      packages: [],
    });
  });
});

describe('the features that turn an optional dependency on', () => {
  it('are those naming it with dep:, dep/feat (not dep?/feat), its implicit feature, and the features that turn those on', () => {
    const s = {
      features: new Map([
        ['a', ['dep:x']],
        ['b', ['x/std']],
        ['c', ['x?/std']],
        ['d', ['y']],
        ['x', ['dep:x']],
        ['io', ['x']],
        ['full', ['io', 'd']],
        ['weak', ['c']],
      ]),
    } as unknown as Summary;
    expect(featuresEnabling(s, 'x')).toEqual(['a', 'b', 'full', 'io', 'x']);
  });
});
