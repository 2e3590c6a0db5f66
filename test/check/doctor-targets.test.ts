/**
 * `doctor` for the targets and tools people use: cargo-zigbuild (zig, and
 * its `…-gnu.2.17` glibc version accepted as a target), static glibc and
 * MSVC (`+crt-static`: whether rustflags set it, what it gives and does
 * not), wasm (rust-lld links it; no gcc, cross or zigbuild advice), and the
 * host's own target (no linker advice at all).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetInfo, platformMatches } from '../../src/cfg/index.js';
import { crtStaticIn } from '../../src/rules/environment-checks.js';
import { cli } from './cli.js';

const EXAMPLE = resolve(import.meta.dirname, '../../example');

interface Check {
  id: string;
  ok: boolean;
  needed: boolean;
  title: string;
  found: string;
  fix: string[];
  note?: string;
}

/** A folder of stand-in executables, for PATH. */
function bin(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-bin-'));
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

async function doctor(target: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; checks: Check[]; human: string }> {
  const args = ['doctor', '--no-project', '--target', target];
  const json = await cli([...args, '--format', 'json'], { env, ...(cwd && { cwd }) });
  const human = await cli(args, { env, ...(cwd && { cwd }) });
  expect(json.code).toBe(human.code);
  return { code: json.code, checks: (JSON.parse(json.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks, human: human.stdout };
}

describe('cargo-zigbuild', () => {
  it("accepts its glibc version suffix as a target: the base triple's cfg, the name kept in reports", async () => {
    const info = targetInfo('x86_64-unknown-linux-gnu.2.17');
    expect(info.triple).toBe('x86_64-unknown-linux-gnu.2.17');
    expect(info.values.get('target_env')).toEqual(new Set(['gnu']));
    // `[target.x86_64-unknown-linux-gnu.dependencies]` applies, as cargo (given the base triple by cargo-zigbuild) applies it.
    expect(platformMatches('x86_64-unknown-linux-gnu', info)).toBe(true);
    const tree = await cli(['tree', '--target', 'aarch64-unknown-linux-gnu.2.28', '--format', 'json'], { cwd: EXAMPLE });
    expect(tree.code).toBe(0);
    expect(JSON.parse(tree.stdout).target).toBe('aarch64-unknown-linux-gnu.2.28');
    // A suffix on anything but a glibc target is no target.
    expect((await cli(['tree', '--target', 'x86_64-unknown-linux-musl.1.2'], { cwd: EXAMPLE })).code).toBe(2);
  });

  it('needs cargo-zigbuild and zig for such a target, and says which is missing', async () => {
    const none = await doctor('aarch64-unknown-linux-gnu.2.17', { PATH: bin([]) });
    const check = none.checks.find((c) => c.id === 'cross-tool')!;
    expect(check).toMatchObject({ needed: true, ok: false, found: 'cargo-zigbuild not on PATH' });
    expect(check.note).toContain("links against glibc 2.17's symbols");
    expect(check.fix[0]).toContain('cargo zigbuild --target aarch64-unknown-linux-gnu.2.17');
    // rustup knows the triple without the version.
    expect(none.checks.find((c) => c.id === 'std')!.fix).toEqual(['rustup target add aarch64-unknown-linux-gnu']);
    const noZig = await doctor('aarch64-unknown-linux-gnu.2.17', { PATH: bin(['cargo-zigbuild']) });
    expect(noZig.checks.find((c) => c.id === 'cross-tool')).toMatchObject({ ok: false, found: 'cargo-zigbuild on PATH, zig not' });
    const both = await doctor('aarch64-unknown-linux-gnu.2.17', { PATH: bin(['cargo-zigbuild', 'zig']) });
    expect(both.checks.find((c) => c.id === 'cross-tool')).toMatchObject({ ok: true, found: 'cargo-zigbuild and zig on PATH' });
    // cargo-zigbuild provides the linker and the C compiler.
    expect(both.checks.find((c) => c.id === 'linker')).toMatchObject({ ok: true });
    expect(both.checks.find((c) => c.id === 'c-compiler')).toMatchObject({ ok: true, found: 'none on PATH; cargo-zigbuild provides one' });
  });

  it('on a plain target, cargo-zigbuild without zig is said to be of no use', async () => {
    const r = await doctor('aarch64-unknown-linux-musl', { PATH: bin(['cargo-zigbuild']) });
    expect(r.checks.find((c) => c.id === 'cross-tool')!.found).toBe('cargo-zigbuild on PATH, but not zig, which it links with');
    expect(r.checks.find((c) => c.id === 'linker')).toMatchObject({ ok: false });
  });
});

describe('static glibc and MSVC', () => {
  it('reads +crt-static from rustflags as rustc does: the last target-feature naming it wins', () => {
    expect(crtStaticIn(['-C', 'target-feature=+crt-static'])).toBe(true);
    expect(crtStaticIn(['-Ctarget-feature=+avx2,+crt-static'])).toBe(true);
    expect(crtStaticIn(['--codegen=target-feature=+crt-static', '-C', 'target-feature=-crt-static'])).toBe(false);
    expect(crtStaticIn(['-C', 'opt-level=3'])).toBeNull();
  });

  it('says whether RUSTFLAGS, build.rustflags or target.T.rustflags set it, and what it does and does not give', async () => {
    const gnu = 'aarch64-unknown-linux-gnu';
    const off = await doctor(gnu, { PATH: bin([]) });
    const check = off.checks.find((c) => c.id === 'crt-static')!;
    expect(check).toMatchObject({ needed: true, ok: false });
    expect(check.found).toBe(`not set (no RUSTFLAGS, build.rustflags, target.${gnu}.rustflags or matching target.'cfg(…)'.rustflags): the C runtime is linked dynamically`);
    expect(check.note).toMatch(/NSS modules .*dlopens/);
    expect(check.fix).toContain(`or build for aarch64-unknown-linux-musl (no NSS or dlopen caveat)`);
    expect(off.human).toContain('note: +crt-static links glibc into the binary');

    const env = await doctor(gnu, { PATH: bin([]), RUSTFLAGS: '-C target-feature=+crt-static' });
    expect(env.checks.find((c) => c.id === 'crt-static')).toMatchObject({ ok: true, found: '`-C target-feature=+crt-static` is set (RUSTFLAGS)' });

    const project = mkdtempSync(join(tmpdir(), 'cargo-preflight-rustflags-'));
    mkdirSync(join(project, '.cargo'));
    writeFileSync(join(project, '.cargo', 'config.toml'), `[target.${gnu}]\nrustflags = ["-C", "target-feature=+crt-static"]\n\n[build]\nrustflags = ["-C", "opt-level=3"]\n`);
    const file = await doctor(gnu, { PATH: bin([]) }, project);
    expect(file.checks.find((c) => c.id === 'crt-static')).toMatchObject({ ok: true, found: expect.stringContaining(`is set (target.${gnu}.rustflags (`) as unknown });
    // build.rustflags alone, without the feature: not set, and where it looked.
    writeFileSync(join(project, '.cargo', 'config.toml'), '[build]\nrustflags = ["-C", "opt-level=3"]\n');
    const build = await doctor(gnu, { PATH: bin([]) }, project);
    expect(build.checks.find((c) => c.id === 'crt-static')!.found).toMatch(/^not set in build\.rustflags \(.*config\.toml\): the C runtime is linked dynamically$/);
  });

  it("reads [target.'cfg(…)'] rustflags that match the target, joined with target.T.rustflags as cargo joins them (build.rustflags then ignored)", async () => {
    const gnu = 'aarch64-unknown-linux-gnu';
    const project = mkdtempSync(join(tmpdir(), 'cargo-preflight-rustflags-cfg-'));
    mkdirSync(join(project, '.cargo'));
    const config = (text: string) => writeFileSync(join(project, '.cargo', 'config.toml'), text);
    config(`[target.'cfg(all(target_os = "linux", target_env = "gnu"))']\nrustflags = ["-C", "target-feature=+crt-static"]\n\n[build]\nrustflags = ["-C", "target-feature=-crt-static"]\n`);
    const cfg = (await doctor(gnu, { PATH: bin([]) }, project)).checks.find((c) => c.id === 'crt-static')!;
    expect(cfg.ok).toBe(true);
    expect(cfg.found).toContain(`target.'cfg(all(target_os = "linux", target_env = "gnu"))'.rustflags (`);
    // A cfg the target does not match is not read: build.rustflags applies.
    config(`[target.'cfg(target_env = "msvc")']\nrustflags = ["-C", "target-feature=+crt-static"]\n\n[build]\nrustflags = ["-C", "opt-level=3"]\n`);
    expect((await doctor(gnu, { PATH: bin([]) }, project)).checks.find((c) => c.id === 'crt-static')!.found).toMatch(/^not set in build\.rustflags/);
    // The triple's own table and a matching cfg: joined, the cfg's flags after the triple's.
    config(`[target.${gnu}]\nrustflags = ["-C", "target-feature=+crt-static"]\n\n[target.'cfg(unix)']\nrustflags = ["-C", "target-feature=-crt-static"]\n`);
    const joined = (await doctor(gnu, { PATH: bin([]) }, project)).checks.find((c) => c.id === 'crt-static')!;
    expect(joined.ok).toBe(false);
    expect(joined.found).toContain(`target.${gnu}.rustflags (`);
    expect(joined.found).toContain(`and target.'cfg(unix)'.rustflags (`);
  });

  it('for MSVC: the C runtime linked in, the system DLLs still used; none for musl', async () => {
    const msvc = await doctor('x86_64-pc-windows-msvc', { PATH: bin([]), CARGO_TARGET_X86_64_PC_WINDOWS_MSVC_RUSTFLAGS: '-C target-feature=+crt-static' });
    const check = msvc.checks.find((c) => c.id === 'crt-static')!;
    expect(check.ok).toBe(true);
    expect(check.found).toContain('target.x86_64-pc-windows-msvc.rustflags');
    expect(check.note).toContain('no vcruntime DLLs to ship');
    const musl = await doctor('aarch64-unknown-linux-musl', { PATH: bin([]) });
    expect(musl.checks.some((c) => c.id === 'crt-static')).toBe(false);
  });
});

describe('wasm and the host target', () => {
  it('wasm: rust-lld links it; clang compiles C; no gcc, cross or zigbuild advice', async () => {
    for (const target of ['wasm32-unknown-unknown', 'wasm32-wasip1']) {
      const r = await doctor(target, { PATH: bin([]) });
      expect(r.checks.find((c) => c.id === 'linker')).toMatchObject({ needed: false, found: `rust-lld, which comes with the Rust toolchain, links ${target}` });
      const cc = r.checks.find((c) => c.id === 'c-compiler')!;
      expect(cc.ok).toBe(false);
      expect(cc.fix[0]).toMatch(/^install clang, whose WebAssembly backend compiles C/);
      expect(r.human).not.toMatch(/gcc|cargo zigbuild|cross build|cargo-zigbuild \(|musl-tools/);
      expect(r.checks.find((c) => c.id === 'cross-tool')!.needed).toBe(false);
    }
    const withClang = await doctor('wasm32-unknown-unknown', { PATH: bin(['clang']) });
    expect(withClang.checks.find((c) => c.id === 'c-compiler')).toMatchObject({ ok: true, found: expect.stringContaining('`clang` on PATH') as unknown });
  });

  it('the host target: no linker advice, nothing "on PATH but not used"', async () => {
    const host = (await cli(['doctor', '--no-project', '--format', 'json'], { env: { PATH: bin([]) } })).stdout;
    const hostTriple = (JSON.parse(host) as { host: string }).host;
    const gcc = `${hostTriple.replace('-unknown-', '-')}-gcc`;
    const r = await doctor(hostTriple, { PATH: bin([gcc, 'cc']) });
    const linker = r.checks.find((c) => c.id === 'linker')!;
    expect(linker).toMatchObject({ needed: false, fix: [] });
    expect(linker.found).toBe("the host's linker (the host's own target)");
    expect(r.human).not.toContain('cargo does not use it');
  });
});
