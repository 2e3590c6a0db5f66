/**
 * The human report as a user sees it: cargo-style diagnostics with the
 * `Cargo.toml` line, why the crate is there and how to fix it; grouped by
 * severity; colours only on a terminal or when asked (`--color`, `NO_COLOR`,
 * `FORCE_COLOR`, `CARGO_TERM_COLOR`), checked in a real pseudo-terminal too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';
import { projectCopy } from './fixtures.js';

const QUIET = { 'cargo-preflight.toml': '[severity]\ncross-environment = "off"\n' };
const ESC = '\x1b[';

describe('human output', () => {
  const dir = projectCopy('openssl-reqwest', QUIET);

  it('reads like a cargo diagnostic: location, source line, why, help, docs', async () => {
    const r = await cli(['check', '--offline', '--quiet'], { cwd: dir });
    expect(r.code).toBe(1);
    const first = r.stdout.split('\n\n')[0];
    expect(first).toBe(
      [
        'error[native-library]: `openssl-sys v0.9.107` links the system OpenSSL (libssl, libcrypto) and none of its static options is on',
        ' --> Cargo.toml:8:1',
        '  |',
        '8 | reqwest = "0.12"',
        '  | ^^^^^^^ brings in `openssl-sys` through its feature `default-tls` (a default feature)',
        '  |',
        '  = note: why: openssl-reqwest → reqwest → native-tls-crate (native-tls) [default-tls] → openssl-sys',
        '               openssl-reqwest → reqwest → hyper-tls [default-tls] → native-tls → openssl-sys',
        '               openssl-reqwest → reqwest → tokio-native-tls [default-tls] → native-tls → openssl-sys',
        // Three shown, the others counted, with the command that draws them all.
        '               … and 5 more (`cargo-preflight why openssl-sys@0.9.107`)',
        '  = note: Looks for OpenSSL with OPENSSL_DIR / OPENSSL_LIB_DIR, pkg-config and vcpkg and panics when it finds none for the target; links a found OpenSSL dynamically unless OPENSSL_STATIC is set. v0.9.107 is newer than every release checked: the meaning of `vendored` was checked up to v0.9.102',
        // The fix service's candidates, each proven or not, the one `fix` applies said.
        '  = help: reqwest: use rustls instead of OpenSSL (proven; `cargo-preflight fix` applies it; needs a C compiler for the target)',
        '  = help: reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`) (proven; needs a C compiler for the target, perl, make)',
        '  = help: add `openssl-sys = { version = "0.9.107", features = ["vendored"] }` (proven; needs a C compiler for the target, perl, make)',
        '  = help: set OPENSSL_STATIC=1 together with OPENSSL_DIR pointing at OpenSSL (libssl, libcrypto) built for x86_64-unknown-linux-musl (its static libraries): cross-compiling, OPENSSL_STATIC alone finds no library for the target',
        '  = note: for more information, see https://docs.rs/openssl/latest/openssl/#vendored',
      ].join('\n'),
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('error: the static build for x86_64-unknown-linux-musl is not ready: 1 error; 2 notes');
  });

  it('groups by severity: errors, then warnings, then notes', async () => {
    const r = await cli(['check', '--offline', '--quiet'], { cwd: dir });
    const heads = r.stdout
      .split('\n')
      .filter((l) => /^(error|warning|note)\[/.test(l))
      .map((l) => l.slice(0, l.indexOf(']') + 1));
    expect(heads).toEqual(['error[native-library]', 'note[musl-behaviour]', 'note[musl-behaviour]']);
  });

  it('paths outside the current folder are absolute, inside relative', async () => {
    const r = await cli(['check', dir, '--offline', '--quiet'], { cwd: '/' });
    expect(r.stdout).toContain(` --> ${dir.slice(1)}/Cargo.toml:8:1`);
    const outside = await cli(['check', dir, '--offline', '--quiet'], { cwd: fileURLToPath(new URL('.', import.meta.url)) });
    expect(outside.stdout).toContain(` --> ${dir}/Cargo.toml:8:1`);
  });

  it('one block for a finding shared by several targets, naming them', async () => {
    const scoped = projectCopy('scoped', QUIET);
    const r = await cli(['check', '--offline', '--quiet', '--include-dev', '--target', 'x86_64-unknown-linux-musl', '--target', 'aarch64-unknown-linux-musl'], { cwd: scoped });
    const blocks = r.stdout.split('\n\n').filter((b) => b.startsWith('error[native-library]'));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain('  = note: targets: aarch64-unknown-linux-musl, x86_64-unknown-linux-musl');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('error: the static build for x86_64-unknown-linux-musl, aarch64-unknown-linux-musl is not ready: 2 errors');
  });

  it("an inherited dependency shows both lines: the member's and `[workspace.dependencies]`", async () => {
    const ws = projectCopy('zlib-system', {
      ...QUIET,
      'Cargo.toml': `[package]
name = "zlib-system"
version = "0.1.0"
edition = "2021"

[workspace]

[workspace.dependencies]
flate2 = { version = "1", default-features = false, features = ["zlib"] }

[dependencies]
flate2.workspace = true
`,
    });
    const r = await cli(['check', '--offline', '--quiet'], { cwd: ws });
    expect(r.stdout.split('\n').slice(0, 10).join('\n')).toBe(
      [
        'error[native-library]: `libz-sys v1.1.16` links the system zlib (libz) when pkg-config finds one for the target (dynamically), else builds the bundled source: no static option is on',
        '  --> Cargo.toml:12:1',
        '   |',
        '12 | flate2.workspace = true',
        '   | ^^^^^^ brings in `libz-sys` through its feature `zlib`',
        '  ::: Cargo.toml:9:1',
        '   |',
        ' 9 | flate2 = { version = "1", default-features = false, features = ["zlib"] }',
        '   | ------ version and features from `[workspace.dependencies]`',
        '   |',
      ].join('\n'),
    );
  });

  it('a clean build ends with a Finished line', async () => {
    const ok = projectCopy('zlib-static', QUIET);
    const r = await cli(['check', '--offline', '--quiet'], { cwd: ok });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('    Finished static-build check for x86_64-unknown-linux-musl: no errors; 1 note');
  });
});

describe('colours', () => {
  const dir = projectCopy('zlib-system', QUIET);
  const run = async (args: string[], env: NodeJS.ProcessEnv, tty: boolean) => (await cli(['check', '--offline', '--quiet', ...args], { cwd: dir, env, tty })).stdout;

  it('off when not a terminal; on in a terminal', async () => {
    expect(await run([], {}, false)).not.toContain(ESC);
    const tty = await run([], {}, true);
    expect(tty).toContain(`${ESC}1;31merror[native-library]${ESC}0m`);
    expect(tty).toContain(`${ESC}1;34m-->${ESC}0m`);
    expect(tty).toContain(`${ESC}1;36mhelp${ESC}0m`);
  });

  it('NO_COLOR, FORCE_COLOR, CARGO_TERM_COLOR and --color', async () => {
    expect(await run([], { NO_COLOR: '1' }, true)).not.toContain(ESC);
    expect(await run([], { FORCE_COLOR: '1' }, false)).toContain(ESC);
    expect(await run([], { CARGO_TERM_COLOR: 'always' }, false)).toContain(ESC);
    expect(await run(['--color', 'always'], { NO_COLOR: '1' }, false)).toContain(ESC);
    expect(await run(['--color', 'never'], { FORCE_COLOR: '1' }, true)).not.toContain(ESC);
  });

  const bin = fileURLToPath(new URL('../../bin/cargo-preflight.js', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../../dist/bundle/cargo-preflight.cjs', import.meta.url)));
  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasScript || !built)('in a real pseudo-terminal (script(1)), and not through a pipe', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    delete env.CARGO_TERM_COLOR;
    let pty = '';
    try {
      pty = execFileSync('script', ['-qec', `node ${bin} check --offline --quiet`, '/dev/null'], { cwd: dir, env, encoding: 'utf8' });
    } catch (e) {
      // exit code 1: the project has an error; `script -e` passes it on
      expect((e as { status: number }).status).toBe(1);
      pty = (e as { stdout: string }).stdout;
    }
    expect(pty).toContain(`${ESC}1;31merror[native-library]`);
    let piped = '';
    try {
      piped = execFileSync('node', [bin, 'check', '--offline', '--quiet'], { cwd: dir, env, encoding: 'utf8' });
    } catch (e) {
      piped = (e as { stdout: string }).stdout;
    }
    expect(piped).toContain('error[native-library]');
    expect(piped).not.toContain(ESC);
  });
});
