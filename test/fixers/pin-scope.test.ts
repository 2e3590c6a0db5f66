/**
 * A pin must bring the native crate into no build that did not have it: it
 * goes under the condition through which the crate comes in, and with
 * `--pin-scope target` only to the selected targets that have the crate.
 * Real cargo is the oracle: `cargo tree --target T` for linux-musl, windows
 * and macOS before and after `fix --strategy pin` (and `cargo update
 * --workspace`, which the report asks for).
 */
import { describe, expect, it } from 'vitest';
import { proveEdits } from '../../src/fixers/index.js';
import { vendoredCrate, VENDOR_CONFIG, writeProject } from '../helpers/project.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { cargo, cli, contextFor, OPENSSL_SRC, read } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';
const ARM_MUSL = 'aarch64-unknown-linux-musl';
const WINDOWS = 'x86_64-pc-windows-msvc';
const MACOS = 'aarch64-apple-darwin';
const NOT_WIN_APPLE = 'cfg(not(any(target_os = "windows", target_vendor = "apple")))';

const OPENSSL_SYS = vendoredCrate(
  'openssl-sys',
  '0.9.103',
  'links = "openssl"\n\n[build-dependencies.openssl-src]\nversion = "300.2.0"\noptional = true\n\n[dependencies.cc]\nversion = "1"\noptional = true\n\n[features]\nvendored = ["openssl-src"]\n',
);
const CC = vendoredCrate('cc', '1.1.0');

/** A native-tls shaped crate: openssl-sys only off Windows and Apple platforms. */
const TLS = vendoredCrate('tls', '0.2.12', `[target.'${NOT_WIN_APPLE}'.dependencies.openssl-sys]\nversion = "0.9.81"\n\n[features]\nvendored = ["openssl-sys/vendored"]\n`);
/** Two crates that bring openssl-sys in on two systems. */
const ON_LINUX = vendoredCrate('on-linux', '1.0.0', `[target.'cfg(target_os = "linux")'.dependencies.openssl-sys]\nversion = "0.9"\n`);
const ON_FREEBSD = vendoredCrate('on-freebsd', '1.0.0', `[target.'cfg(target_os = "freebsd")'.dependencies.openssl-sys]\nversion = "0.9"\n`);
/** A crate that always takes openssl-sys. */
const ALWAYS = vendoredCrate('always', '1.0.0', `[dependencies.openssl-sys]\nversion = "0.9"\n`);
/** A crate that takes `tls` only off wasm, as reqwest takes native-tls. */
const CLIENT = vendoredCrate('client', '0.12.0', `[target.'cfg(not(target_arch = "wasm32"))'.dependencies.tls]\nversion = "0.2"\n`);

function project(deps: string, crates: Record<string, string>[]): string {
  const files: Record<string, string> = {
    ...VENDOR_CONFIG,
    'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`,
    'src/main.rs': 'fn main() {}\n',
    ...OPENSSL_SYS,
    ...OPENSSL_SRC,
    ...CC,
  };
  for (const c of crates) Object.assign(files, c);
  const dir = writeProject(files, 'preflight-pin-scope-');
  cargo(dir, ['generate-lockfile']);
  return dir;
}

const TRIPLES = [MUSL, ARM_MUSL, WINDOWS, MACOS];

const opensslLines = (lines: string[]) => lines.filter((l) => l.startsWith('openssl-sys '));

/** Runs the fix, updates the lock as the report says, and compares cargo's graphs before and after. */
async function fixAndCompare(dir: string, args: string[], expectTable: string) {
  const before = new Map(TRIPLES.map((t) => [t, cargoTreeLines(dir, t)]));
  const r = await cli(['fix', '--strategy', 'pin', ...args], dir);
  expect(r.stderr).not.toContain('error:');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const text = read(dir);
  expect(text).toContain(`${expectTable}\nopenssl-sys = { version = "0.9.103", features = ["vendored"] }\n`);
  cargo(dir, ['update', '--workspace']);
  const after = new Map(TRIPLES.map((t) => [t, cargoTreeLines(dir, t)]));
  for (const t of TRIPLES) {
    const was = opensslLines(before.get(t)!);
    const now = opensslLines(after.get(t)!);
    // Nowhere new; where it was, it builds OpenSSL from source.
    expect(now.length > 0, `openssl-sys on ${t}`).toBe(was.length > 0);
    if (was.length && (args.length === 0 || t === MUSL || t === ARM_MUSL))
      expect(
        now.every((l) => /\|.*\bvendored\b/.test(l)),
        `${t}: ${now.join(', ')}`,
      ).toBe(true);
  }
  // A second run changes nothing.
  const again = await cli(['fix', '--strategy', 'pin', ...args], dir);
  expect(read(dir)).toBe(text);
  expect(again.code).toBe(0);
  return { before, after, text };
}

describe.skipIf(!cargoAvailable())('pin fixes add the native crate nowhere new (cargo tree as the oracle)', () => {
  it('a crate that comes in under a cfg is pinned under that cfg', async () => {
    const dir = project('tls = "0.2"\n', [TLS]);
    const { before } = await fixAndCompare(dir, [], `[target.'${NOT_WIN_APPLE}'.dependencies]`);
    expect(opensslLines(before.get(WINDOWS)!)).toEqual([]);
    expect(opensslLines(before.get(MACOS)!)).toEqual([]);
  });

  it('the conditions along the path are all kept (reqwest takes native-tls only off wasm)', async () => {
    const dir = project('client = "0.12"\n', [CLIENT, TLS]);
    await fixAndCompare(dir, [], `[target.'cfg(all(not(any(target_os = "windows", target_vendor = "apple")), not(target_arch = "wasm32")))'.dependencies]`);
  });

  it('several ways in: the any(...) of their cfgs', async () => {
    const dir = project('on-linux = "1"\non-freebsd = "1"\n', [ON_LINUX, ON_FREEBSD]);
    await fixAndCompare(dir, ['--target', MUSL, '--target', 'x86_64-unknown-freebsd'], `[target.'cfg(any(target_os = "freebsd", target_os = "linux"))'.dependencies]`);
  });

  it('unconditional only when some way in is', async () => {
    const dir = project('tls = "0.2"\nalways = "1"\n', [TLS, ALWAYS]);
    await fixAndCompare(dir, [], '[dependencies]\ntls = "0.2"\nalways = "1"');
  });

  it('--pin-scope target writes only for the selected targets that have the crate', async () => {
    const dir = project('tls = "0.2"\n', [TLS]);
    const { text } = await fixAndCompare(dir, ['--pin-scope', 'target', '--target', ARM_MUSL, '--target', WINDOWS], `[target.'cfg(target_env = "musl")'.dependencies]`);
    expect(text).not.toContain(WINDOWS);
  });

  it('the proof rejects a pin that would bring the crate into a graph that lacked it', async () => {
    const dir = project('tls = "0.2"\n', [TLS]);
    const { ctx, close } = await contextFor(dir, ['--target', MUSL, '--target', WINDOWS]);
    try {
      const ids = ctx.findings.filter((f) => f.package.name === 'openssl-sys').map((f) => f.id);
      expect(ids.length).toBeGreaterThan(0);
      const spec = { version: '0.9.103', features: ['vendored'] };
      const unconditional = await proveEdits(ctx, [{ path: `${dir}/Cargo.toml`, ops: [{ op: 'add-dependency', table: { kind: 'dependencies' }, key: 'openssl-sys', spec }] }], ids);
      expect(unconditional.proven).toBe(false);
      expect(unconditional.reasons).toEqual([{ id: 'spreads', data: { crates: expect.stringContaining(`\`openssl-sys\` into the ${WINDOWS} graph`) } }]);
      // Not selected, yet a platform the table admits: macOS is checked too.
      const unix = await proveEdits(ctx, [{ path: `${dir}/Cargo.toml`, ops: [{ op: 'add-dependency', table: { kind: 'dependencies', target: 'cfg(unix)' }, key: 'openssl-sys', spec }] }], ids);
      expect(unix.proven).toBe(false);
      expect(unix.reasons).toEqual([{ id: 'spreads', data: { crates: expect.stringContaining('`openssl-sys` into the aarch64-apple-darwin graph') } }]);
      const right = await proveEdits(ctx, [{ path: `${dir}/Cargo.toml`, ops: [{ op: 'add-dependency', table: { kind: 'dependencies', target: NOT_WIN_APPLE }, key: 'openssl-sys', spec }] }], ids);
      expect((right.reasons ?? []).map((r) => r.id)).not.toContain('spreads');
      expect(right.proven).toBe(true);
    } finally {
      await close();
    }
  });
});
