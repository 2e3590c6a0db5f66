/**
 * Bad input through the real command line (`node bin/cargo-preflight.js`):
 * every error is `path:line:col: error: message` (or `error: message`) on
 * stderr with exit code 2, never a stack trace unless `--verbose` is given.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { realworldAvailable, realworldProject } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const REG = 'registry+https://github.com/rust-lang/crates.io-index';

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };
  delete env.CARGO_PREFLIGHT_BACKTRACE;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /^\s+at .+(:\d+:\d+\)?)$/m;

function expectUserError(r: ReturnType<typeof run>, pattern: RegExp, json = false) {
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(STACK);
  // Under --format json the error is also one JSON document on stdout; else nothing is printed there.
  if (json) expect((JSON.parse(r.stdout) as { error: { exitCode: number } }).error.exitCode).toBe(2);
  else expect(r.stdout).toBe('');
}

const APP = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
const LOCK_APP = 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n';

function lockWith(deps: string[], packages: string): string {
  return `version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n${deps.map((d) => ` "${d}",`).join('\n')}\n]\n\n${packages}`;
}

describe('bad input through the CLI', () => {
  it('malformed Cargo.toml: the line and column of the mistake', () => {
    const dir = writeProject({ 'Cargo.toml': `${APP}\n[dependencies]\nserde = = "1"\n`, 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
    for (const cmd of [['tree'], ['why', 'serde'], ['tree', '--format', 'json']]) {
      const r = run([...cmd, '--offline'], dir);
      expectUserError(r, new RegExp(`^${dir}/Cargo\\.toml:7:9: error: invalid TOML: invalid value\\n`), cmd.includes('json'));
    }
  });

  it('malformed Cargo.lock: the line and column of the mistake', () => {
    const dir = writeProject({ 'Cargo.toml': APP, 'Cargo.lock': 'version = 3\n\n[[package]\nname = "app"\n', 'src/main.rs': '' });
    const r = run(['tree', '--offline'], dir);
    expectUserError(r, new RegExp(`^${dir}/Cargo\\.lock:3:\\d+: error: invalid TOML in lockfile: expected .+\\n`));
  });

  it('a Cargo.lock of the wrong shape names the spot', () => {
    const dir = writeProject({ 'Cargo.toml': APP, 'Cargo.lock': 'version = 3\n\n[[package]]\nname = "app"\nversion = 7\n', 'src/main.rs': '' });
    expectUserError(run(['tree', '--offline'], dir), new RegExp(`^${dir}/Cargo\\.lock:4:1: error: every \\[\\[package\\]\\] needs a string .+\\n`));
  });

  it('a dependency missing from Cargo.lock: says so at the declaration and suggests cargo update --workspace (not generate-lockfile, which moves every version)', () => {
    const dir = writeProject({ 'Cargo.toml': `${APP}\n[dependencies]\nserde = "1"\n`, 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
    const r = run(['tree', '--offline'], dir);
    expectUserError(r, new RegExp(`^${dir}/Cargo\\.toml:7:1: error: dependency \`serde\` of \`app\` is not in Cargo\\.lock\\n`));
    expect(r.stderr).toContain('help: the lockfile does not match the manifests; run `cargo update --workspace` to add it (it moves nothing else), then try again\n');
  });

  it('a member missing from Cargo.lock', () => {
    const dir = writeProject({
      'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n',
      'b/Cargo.toml': '[package]\nname = "b"\nversion = "0.1.0"\n',
      'Cargo.lock': 'version = 3\n\n[[package]]\nname = "a"\nversion = "0.1.0"\n',
    });
    const r = run(['tree', '--offline'], dir);
    expectUserError(r, new RegExp(`^${dir}/Cargo\\.lock: error: workspace member \`b 0\\.1\\.0\` is not in Cargo\\.lock\\n`));
    expect(r.stderr).toContain('run `cargo update --workspace` (it adds what is missing and moves nothing else)');
  });

  it('a missing Cargo.lock: a clear message and what to run', () => {
    const dir = writeProject({ 'Cargo.toml': APP, 'src/main.rs': '' });
    const r = run(['tree', '--offline'], dir);
    expectUserError(r, new RegExp(`^${dir}/Cargo\\.lock: error: no Cargo\\.lock found`));
    expect(r.stderr).toContain('help: run `cargo generate-lockfile` in the workspace root');
  });

  it('no Cargo.toml at all', () => {
    const dir = writeProject({ 'notes.txt': '' });
    expectUserError(run(['tree', '--offline'], dir), /^error: could not find `Cargo\.toml` in `.+` or any parent directory\n/);
  });

  // Each bad name sits beside a trap: a vendored directory the name would reach
  // if it were used as a path, holding a manifest that does not parse. The error
  // must be about the name, never about the trap.
  const trap = {
    ...VENDOR_CONFIG,
    'evil-1.0.0/Cargo.toml': 'this is not toml = = =\n',
    'vendor/evil-1.0.0/Cargo.toml': 'this is not toml = = =\n',
  };

  for (const name of ['../evil', '../../evil', 'a/b', 'evil\\\\x', 'ev il', '.evil', '1evil']) {
    it(`a lockfile package named ${JSON.stringify(name)} is rejected before any path is built from it`, () => {
      const dir = writeProject({
        ...trap,
        'Cargo.toml': `${APP}\n[dependencies]\nevil = "1"\n`,
        'Cargo.lock': lockWith([name], `[[package]]\nname = "${name}"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum('evil', '1.0.0')}"\n`),
        'src/main.rs': '',
      });
      const r = run(['tree', '--offline'], dir);
      expectUserError(r, new RegExp(`^${dir}/Cargo\\.lock:\\d+:\\d+: error: invalid package name \`.+\`: only ASCII letters, digits`));
    });
  }

  it('a dependency name or package rename with path characters is rejected at its declaration', () => {
    for (const [decl, line] of [
      ['"../evil" = "1"', 7],
      ['evil = { package = "../evil", version = "1" }', 7],
      ['"evil/x" = { version = "1" }', 7],
    ] as const) {
      const dir = writeProject({ ...trap, 'Cargo.toml': `${APP}\n[dependencies]\n${decl}\n`, 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
      const r = run(['tree', '--offline'], dir);
      expectUserError(r, new RegExp(`^${dir}/Cargo\\.toml:${line}:\\d+: error: invalid character \`[/.]\` in (dependency|package) name`));
    }
  });

  it('a malformed vendored manifest names its file', () => {
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': `${APP}\n[dependencies]\nlib = "1"\n`,
      'Cargo.lock': lockWith(['lib'], `[[package]]\nname = "lib"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum('lib', '1.0.0')}"\n`),
      'src/main.rs': '',
      ...vendoredCrate('lib', '1.0.0', '[features]\nstd = [\n'),
    });
    const r = run(['tree', '--offline'], dir);
    expectUserError(r, new RegExp(`^${dir}/vendor/lib/Cargo\\.toml:\\d+:\\d+: error: invalid TOML`));
  });

  it("a bad value in cargo's configuration: the line and column of its key", () => {
    const project = (config: string) =>
      writeProject({
        '.cargo/config.toml': config,
        'Cargo.toml': `${APP}\n[dependencies]\nlib = "1"\n`,
        'Cargo.lock': lockWith(['lib'], `[[package]]\nname = "lib"\nversion = "1.0.0"\nsource = "${REG}"\nchecksum = "${crateChecksum('lib', '1.0.0')}"\n`),
        'src/main.rs': '',
        ...vendoredCrate('lib', '1.0.0'),
      });
    const nowhere = project('[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "no-such-dir"\n');
    expectUserError(
      run(['check', '--offline', '--quiet'], nowhere),
      new RegExp(`^${nowhere}/\\.cargo/config\\.toml:5:1: error: cannot read the vendored sources in \`${nowhere}/no-such-dir\`: no such directory\\n`),
    );
    const unnamed = project('[source.crates-io]\nreplace-with = "elsewhere"\n');
    expectUserError(run(['check', '--offline', '--quiet'], unnamed), new RegExp(`^${unnamed}/\\.cargo/config\\.toml:2:1: error: \`replace-with = "elsewhere"\` names a source`));
    const target = project(`${VENDOR_CONFIG['.cargo/config.toml']}\n[build]\ntarget = 7\n`);
    expectUserError(run(['check', '--offline', '--quiet'], target), new RegExp(`^${target}/\\.cargo/config\\.toml:8:1: error: \`build\\.target\` in .+ must be a target triple`));
    // A triple that is no target: at the key that names it, in cargo's configuration and in the tool's settings.
    const unknown = project(`${VENDOR_CONFIG['.cargo/config.toml']}\n[build]\ntarget = "x86_64-unknown-nowhere"\n`);
    expectUserError(run(['check', '--offline', '--quiet'], unknown), new RegExp(`^${unknown}/\\.cargo/config\\.toml:8:1: error: .*x86_64-unknown-nowhere`));
    const settings = project(VENDOR_CONFIG['.cargo/config.toml']);
    writeFileSync(join(settings, 'cargo-preflight.toml'), '# targets to check\ntargets = ["x86_64-unknown-linux-musl", "sparc-nowhere"]\n');
    expectUserError(run(['check', '--offline', '--quiet'], settings), new RegExp(`^${settings}/cargo-preflight\\.toml:2:1: error: .*sparc-nowhere`));
  });

  it('a package version that is not a semantic version: at the key, as cargo refuses it', () => {
    for (const v of ['1.0', 'no-such-thing', '1.0.0-01', '01.0.0']) {
      const dir = writeProject({ 'Cargo.toml': APP.replace('"0.1.0"', `"${v}"`), 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
      expectUserError(run(['tree', '--offline'], dir), new RegExp(`^${dir}/Cargo\\.toml:3:1: error: invalid \`package\\.version\` \`${v.replace(/\./g, '\\.')}\`: not a semantic version`));
    }
  });

  it('an unknown feature, target or option', () => {
    const dir = writeProject({ 'Cargo.toml': `${APP}\n[features]\nfast = []\n`, 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
    expectUserError(run(['tree', '--offline', '--features', 'nope'], dir), /error: the package 'app' does not contain this feature: nope\n/);
    expectUserError(run(['tree', '--offline', '--features', 'dep:x'], dir), /error: feature `dep:x` is not allowed to use explicit `dep:` syntax\n/);
    expectUserError(run(['tree', '--offline', '--target', 'no-such-triple'], dir), /error: .*no-such-triple/);
    expectUserError(run(['tree', '--offline', '--frobnicate'], dir), /^error: unexpected argument '--frobnicate' found\n/);
    expectUserError(run(['why', 'app', '--offline', '--format', 'xml'], dir), /^error: invalid value 'xml' for '--format <FORMAT>'/);
    expectUserError(run(['why'], dir), /^error: the following required arguments were not provided: <CRATE\[@VERSION\]>/);
    expect(run(['tree', '--offline', '--features', 'fast'], dir).code).toBe(0);
  });

  it('--verbose adds the backtrace', () => {
    const dir = writeProject({ 'Cargo.toml': `${APP}\n[dependencies]\nserde = "1"\n`, 'Cargo.lock': LOCK_APP, 'src/main.rs': '' });
    for (const v of ['--verbose', '-v', '-vv', '-vvv']) {
      const r = run(['tree', '--offline', v], dir);
      expect(r.code, v).toBe(2);
      expect(r.stderr).toMatch(/error: dependency `serde` of `app` is not in Cargo\.lock/);
      expect(r.stderr, v).toMatch(STACK);
    }
    expectUserError(run(['tree', '--offline', '-vx'], dir), /^error: unexpected argument '-x' found\n/);
  });

  it.skipIf(!realworldAvailable())('a reader that stops early (`| head`) ends the run quietly', async () => {
    const dir = realworldProject('cloud-image-download');
    const child = spawn(process.execPath, [BIN, 'tree', '--no-dedupe', '--offline', '--quiet'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
