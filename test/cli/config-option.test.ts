/**
 * `--config KEY=VALUE|PATH`, as cargo's: above the environment and every
 * configuration file, the last one winning, values relative to the current
 * directory and a file's paths to the parent of its directory. Compared with
 * real cargo given the same arguments.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { cli } from '../check/cli.js';
import { cargoAvailable } from '../helpers/realworld.js';

const EXAMPLE = resolve(__dirname, '../../example');
const MUSL = 'x86_64-unknown-linux-musl';

/** The example without its .cargo/config.toml: nothing says where its vendored crates are. */
function bareExample(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-config-')), 'example');
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, '.cargo'), { recursive: true, force: true });
  return dir;
}

const cargoTree = (cwd: string, args: string[]) =>
  execFileSync('cargo', ['tree', '--offline', '--locked', '--target', MUSL, '-e', 'normal,no-proc-macro', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CARGO_TERM_COLOR: 'never' },
  });

describe.skipIf(!cargoAvailable())('--config', () => {
  const dir = bareExample();
  const replace = (vendor: string) => ['--config', 'source.crates-io.replace-with="vendored-sources"', '--config', `source.vendored-sources.directory="${vendor}"`];

  it('sets source replacement as cargo does, a value relative to the current directory', async () => {
    const sub = join(dir, 'src');
    const mine = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...replace('../vendor')], { cwd: sub });
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).toBe(cargoTree(sub, replace('../vendor')));
    // Without it, the crates are not found anywhere offline.
    expect((await cli(['tree', '--offline', '--quiet', '--target', MUSL], { cwd: dir })).stderr).toContain('offline');
  });

  it('reads a file, whose paths are relative to the parent of its directory', async () => {
    mkdirSync(join(dir, 'ci', 'cargo'), { recursive: true });
    const file = join(dir, 'ci', 'cargo', 'vendored.toml');
    writeFileSync(file, '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "../vendor"\n');
    const args = ['--config', 'ci/cargo/vendored.toml'];
    const mine = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: dir });
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).toBe(cargoTree(dir, args));
    expect(readFileSync(file, 'utf8')).toContain('../vendor');
  });

  it('refuses what cargo refuses, with its words', async () => {
    for (const [arg, words] of [
      ['nope', 'failed to parse value from --config argument `nope` as a dotted key expression'],
      ['source={x=1}', '--config argument `source={x=1}` sets a value to an inline table, which is not accepted'],
      ['[net]', '--config argument `[net]` was not a TOML dotted key expression (such as `build.jobs = 2`)'],
      ['net.offline = true # why', '--config argument `net.offline = true # why` includes non-whitespace decoration'],
    ] as const) {
      const mine = await cli(['tree', '--offline', '--config', arg], { cwd: dir });
      expect({ arg, code: mine.code }).toEqual({ arg, code: 2 });
      expect(mine.stderr).toMatch(new RegExp(`^error: ${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const theirs = spawnSync('cargo', ['tree', '--offline', '--config', arg], { cwd: dir, encoding: 'utf8' });
      expect(theirs.stderr).toContain(words.split(' as a dotted')[0]);
    }
    // A directory is no configuration file: a clear error, as cargo's.
    const folder = await cli(['tree', '--offline', '--config', '.'], { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`failed to read configuration file \`${join(dir, '.')}\``.replace('/.`', '`'));
    expect(spawnSync('cargo', ['tree', '--offline', '--config', '.'], { cwd: dir, encoding: 'utf8' }).stderr).toContain('failed to read configuration file');
  });
});

describe('the precedence of --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-config-order-'));
  mkdirSync(join(dir, '.cargo'));
  writeFileSync(join(dir, '.cargo', 'config.toml'), '[net]\noffline = true\nretry = 7\n');
  const load = (args: string[], env: NodeJS.ProcessEnv = {}) => CargoConfig.load(dir, { CARGO_HOME: join(dir, 'home'), ...env }, { args, cwd: dir });

  it('reads a # inside a string, multi-line ones included, as part of the value', () => {
    expect(load(["env.FOO='''it's # fine'''"]).get(['env', 'FOO'])?.value).toBe("it's # fine");
    expect(load(['env.FOO="""a"b # c"""']).get(['env', 'FOO'])?.value).toBe('a"b # c');
    expect(load(['env.FOO="a # b"']).get(['env', 'FOO'])?.value).toBe('a # b');
    expect(() => load(['env.FOO="a" # b'])).toThrow('includes non-whitespace decoration');
  });

  it('is above the environment, which is above the files; the last argument wins', () => {
    expect(load([]).offline).toBe(true);
    expect(load([], { CARGO_NET_OFFLINE: 'false' }).offline).toBe(false);
    expect(load(['net.offline=true'], { CARGO_NET_OFFLINE: 'false' }).offline).toBe(true);
    expect(load(['net.offline=true', 'net.offline=false']).offline).toBe(false);
    expect(load(['net.retry=2']).getWithEnv(['net', 'retry'], 'CARGO_NET_RETRY', { CARGO_NET_RETRY: '5' })?.value).toBe(2);
    expect(load([]).getWithEnv(['net', 'retry'], 'CARGO_NET_RETRY', { CARGO_NET_RETRY: '5' })).toMatchObject({ value: '5', definedIn: 'environment variable CARGO_NET_RETRY' });
    expect(load([]).get(['net', 'retry'])).toMatchObject({ value: 7, definedIn: join(dir, '.cargo', 'config.toml') });
    // Another key of the same table still comes from the file.
    expect(load(['net.offline=false']).get(['net', 'retry'])?.value).toBe(7);
  });
});

describe.skipIf(!cargoAvailable())("cargo's build.target", () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-build-target-')), 'example');
  cpSync(EXAMPLE, dir, { recursive: true });
  const config = join(dir, '.cargo', 'config.toml');
  const base = readFileSync(config, 'utf8');
  const plainCargoTree = (env: NodeJS.ProcessEnv = {}) =>
    execFileSync('cargo', ['tree', '--offline', '--locked', '-e', 'normal,no-proc-macro'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CARGO_TERM_COLOR: 'never', ...env } });

  it('is the target without --target, from the file or CARGO_BUILD_TARGET, as for cargo tree', async () => {
    writeFileSync(config, `${base}\n[build]\ntarget = "x86_64-pc-windows-msvc"\n`);
    const mine = await cli(['tree', '--offline', '--quiet'], { cwd: dir });
    expect(mine.stdout).toBe(plainCargoTree());
    expect(mine.stdout).toContain('windows-sys');
    const env = { CARGO_BUILD_TARGET: 'aarch64-apple-darwin' };
    const fromEnv = await cli(['tree', '--offline', '--quiet'], { cwd: dir, env });
    expect(fromEnv.stdout).toBe(plainCargoTree(env));
    expect(fromEnv.stdout).not.toBe(mine.stdout);
    // --target still decides, and check names the target it checked.
    expect((await cli(['tree', '--offline', '--quiet', '--target', MUSL], { cwd: dir })).stdout).toBe(cargoTree(dir, []));
    expect((await cli(['check', '--offline', '--quiet', '--format', 'json'], { cwd: dir })).stdout).toContain('"x86_64-pc-windows-msvc"');
  });

  it('may list several targets, and refuses a custom target specification', async () => {
    writeFileSync(config, `${base}\n[build]\ntarget = ["x86_64-pc-windows-msvc", "${MUSL}"]\n`);
    const both = await cli(['tree', '--offline', '--quiet'], { cwd: dir });
    expect(both.stdout).toMatch(/^target: x86_64-pc-windows-msvc\n[\s\S]*\ntarget: x86_64-unknown-linux-musl\n/);
    writeFileSync(config, `${base}\n[build]\ntarget = "all"\n`);
    for (const command of ['tree', 'check', 'doctor']) {
      const all = await cli([command, '--offline', '--quiet'], { cwd: dir });
      expect({ command, code: all.code }).toEqual({ command, code: 2 });
      expect(all.stderr).toContain('is `all`, which names no target');
    }
    // Without a project, doctor takes build.target too.
    const outside = mkdtempSync(join(tmpdir(), 'cargo-preflight-doctor-target-'));
    const doctor = await cli(['doctor', '--no-project', '--format', 'json'], { cwd: outside, env: { CARGO_BUILD_TARGET: 'aarch64-unknown-linux-musl', CARGO_HOME: join(outside, 'home') } });
    expect(JSON.parse(doctor.stdout).targets.map((t: { target: string }) => t.target)).toEqual(['aarch64-unknown-linux-musl']);
    writeFileSync(config, `${base}\n[build]\ntarget = "my-board.json"\n`);
    const custom = await cli(['tree', '--offline', '--quiet'], { cwd: dir });
    expect(custom.code).toBe(2);
    expect(custom.stderr).toContain('the custom target specification `my-board.json`');
    writeFileSync(config, base);
  });
});
