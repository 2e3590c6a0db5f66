import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { UserError } from '../../src/errors.js';
import { knownTargets, platformMatches, tableRustcVersion, targetInfo } from '../../src/cfg/index.js';

function localRustc(args: string[]): string | null {
  const r = spawnSync(process.env.RUSTC || 'rustc', args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

const rustcVersion = localRustc(['-V'])?.trim() ?? null;

/** A TargetInfo flattened back to sorted `rustc --print cfg` lines. */
function lines(triple: string): string[] {
  const info = targetInfo(triple);
  const out = [...info.names];
  for (const [key, values] of info.values) for (const v of values) out.push(`${key}="${v}"`);
  return out.sort();
}

const SAMPLE = [
  'x86_64-unknown-linux-gnu',
  'x86_64-unknown-linux-musl',
  'aarch64-unknown-linux-musl',
  'aarch64-unknown-linux-gnu',
  'armv7-unknown-linux-musleabihf',
  'arm-unknown-linux-gnueabi',
  'i686-unknown-linux-musl',
  'x86_64-pc-windows-msvc',
  'x86_64-pc-windows-gnu',
  'i686-pc-windows-msvc',
  'aarch64-pc-windows-msvc',
  'x86_64-apple-darwin',
  'aarch64-apple-darwin',
  'aarch64-apple-ios',
  'aarch64-linux-android',
  'wasm32-unknown-unknown',
  'wasm32-wasip1',
  'wasm32-unknown-emscripten',
  'x86_64-unknown-freebsd',
  'x86_64-unknown-netbsd',
  'x86_64-unknown-illumos',
  'riscv64gc-unknown-linux-gnu',
  'powerpc64le-unknown-linux-gnu',
  's390x-unknown-linux-gnu',
  'thumbv7em-none-eabihf',
  'x86_64-unknown-none',
  'x86_64-fortanix-unknown-sgx',
];

describe('bundled table', () => {
  it('agrees with the local rustc', (ctx) => {
    ctx.skip(rustcVersion === null, 'rustc is not installed: nothing to compare the bundled table with');
    ctx.skip(rustcVersion !== tableRustcVersion(), `the table comes from ${tableRustcVersion()}, the local compiler is ${rustcVersion}: regenerate with scripts/gen-target-cfg.ts`);
    const listed = localRustc(['--print', 'target-list'])!.split('\n').filter(Boolean).sort();
    expect(knownTargets()).toEqual(listed);
    for (const triple of SAMPLE) {
      const fromRustc = localRustc(['--print', 'cfg', `--target=${triple}`])!
        .split('\n')
        .filter(Boolean)
        .sort();
      expect(lines(triple), triple).toEqual(fromRustc);
    }
  });

  it('is well-formed and records its rustc', () => {
    const raw = JSON.parse(readFileSync(new URL('../../data/target-cfg.json', import.meta.url), 'utf8'));
    expect(raw.rustc).toMatch(/^rustc \d+\.\d+\.\d+/);
    expect(new Set(raw.cfgs).size).toBe(raw.cfgs.length);
    for (const ids of Object.values<number[]>(raw.targets)) {
      for (const id of ids) expect(raw.cfgs[id]).toBeDefined();
    }
    expect(knownTargets().length).toBeGreaterThan(250);
  });

  it('gives the static-linking facts for musl and gnu', () => {
    const musl = targetInfo('x86_64-unknown-linux-musl');
    expect(musl.triple).toBe('x86_64-unknown-linux-musl');
    expect(musl.names.has('unix')).toBe(true);
    expect(musl.values.get('target_env')).toEqual(new Set(['musl']));
    expect(musl.values.get('target_feature')?.has('crt-static')).toBe(true);
    const gnu = targetInfo('x86_64-unknown-linux-gnu');
    expect(gnu.values.get('target_env')).toEqual(new Set(['gnu']));
    expect(gnu.values.get('target_feature')?.has('crt-static')).toBe(false);
    const msvc = targetInfo('x86_64-pc-windows-msvc');
    expect(platformMatches('cfg(windows)', msvc)).toBe(true);
    expect(platformMatches('cfg(unix)', msvc)).toBe(false);
    expect(platformMatches('x86_64-pc-windows-msvc', msvc)).toBe(true);
    expect(platformMatches('cfg(all(target_arch = "wasm32", target_os = "unknown"))', targetInfo('wasm32-unknown-unknown'))).toBe(true);
  });

  it('hands out one object per triple', () => {
    expect(targetInfo('aarch64-apple-darwin')).toBe(targetInfo('aarch64-apple-darwin'));
  });

  it('evaluates many distinct specs (their time is measured by bench/cfg-bench.ts)', () => {
    const info = targetInfo('riscv64gc-unknown-linux-musl');
    for (let i = 0; i < 500; i++) {
      expect(platformMatches(`cfg(any(target_os = "os${i}", all(unix, not(target_env = "musl"))))`, info)).toBe(false);
      expect(platformMatches(`cfg(any(target_os = "os${i}", all(unix, target_env = "musl")))`, info)).toBe(true);
    }
  });
});

describe('unknown targets', () => {
  function userError(triple: string): UserError {
    try {
      targetInfo(triple);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return e as UserError;
    }
    throw new Error(`expected \`${triple}\` to be unknown`);
  }

  it('names the target and suggests close ones', () => {
    const e = userError('x86_64-unknown-linux-musk');
    expect(e.message).toMatch(/^unknown target `x86_64-unknown-linux-musk`/);
    expect(e.help).toMatch(/^did you mean `x86_64-unknown-linux-musl`/);
    expect(userError('x86_64-linux-musl').help).toContain('`x86_64-unknown-linux-musl`');
    expect(userError('aarch64-darwin').help).toContain('`aarch64-apple-darwin`');
    expect(userError('bogus').help).toBe('run `rustc --print target-list` for the list of built-in targets');
  });

  it('refuses a name no target can have at once, without asking rustc or comparing it with every target', () => {
    const saved = process.env.RUSTC;
    // Were rustc asked, this would say it is not installed.
    process.env.RUSTC = '/nonexistent/rustc';
    try {
      const long = userError('x'.repeat(1_000_000));
      expect(long.message).toBe(`invalid target \`${'x'.repeat(60)}…\`: it is 1000000 characters long (at most 128)`);
      expect(long.help).toBe('run `rustc --print target-list` for the list of built-in targets');
      expect(userError('foo bar').message).toBe('invalid target `foo bar`: a target name has only letters, digits, `-`, `_` and `.`');
      expect(userError('x86_64-unknown-linux-gnu\n').message).toContain('a target name has only letters');
    } finally {
      if (saved === undefined) delete process.env.RUSTC;
      else process.env.RUSTC = saved;
    }
  });

  it('says when rustc was not there to ask', () => {
    const saved = process.env.RUSTC;
    process.env.RUSTC = '/nonexistent/rustc';
    try {
      expect(userError('x86_64-unknown-linux-mus').message).toBe('unknown target `x86_64-unknown-linux-mus` (rustc is not installed, so only the bundled built-in targets are known)');
      // The table needs no rustc.
      expect(targetInfo('mips64el-unknown-linux-muslabi64').values.get('target_env')).toEqual(new Set(['musl']));
    } finally {
      if (saved === undefined) delete process.env.RUSTC;
      else process.env.RUSTC = saved;
    }
  });
});
