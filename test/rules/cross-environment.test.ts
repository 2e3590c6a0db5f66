import { crossEnvironment } from '../../src/rules/cross-environment.js';
import { environmentChecks, environmentToolNames, targetToolchain } from '../../src/rules/environment-checks.js';
import type { EnvironmentSnapshot } from '../../src/rules/types.js';
import { describe, expect, it } from 'vitest';
import { graphOf, ruleTester } from './harness.js';

const HOST = 'x86_64-unknown-linux-gnu';

function snapshot(target: string, over: Partial<EnvironmentSnapshot> = {}, onPath: Record<string, string | null> = {}): EnvironmentSnapshot {
  return {
    host: HOST,
    target,
    installedTargets: [HOST, target],
    stdInstalled: true,
    sysroot: '/toolchain',
    configuredLinker: null,
    onPath: {
      rustup: '/bin/rustup',
      cross: null,
      'cargo-zigbuild': null,
      zig: null,
      cc: '/usr/bin/cc',
      perl: '/usr/bin/perl',
      make: '/usr/bin/make',
      cmake: null,
      'musl-gcc': '/usr/bin/musl-gcc',
      ...onPath,
    },
    ccVariables: {},
    ...over,
  };
}

const pure = (target = 'x86_64-unknown-linux-musl') => graphOf({ target, packages: [{ name: 'serde', version: '1.0.200' }], edges: [{ from: 'app', to: 'serde' }] });
const withRing = (target = 'x86_64-unknown-linux-musl') =>
  graphOf({ target, packages: [{ name: 'ring', version: '0.17.8', links: 'ring_core_0_17_8', features: ['alloc'] }], edges: [{ from: 'app', to: 'ring' }] });
const vendoredOpenssl = () =>
  graphOf({ packages: [{ name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: ['openssl-src', 'vendored'] }], edges: [{ from: 'app', to: 'openssl-sys' }] });

ruleTester(crossEnvironment, {
  valid: [
    { name: 'no snapshot (the rule is off or the environment was not inspected)', graph: pure() },
    { name: 'musl on an x86_64 Linux host with the target installed and musl-gcc', graph: withRing(), environment: snapshot('x86_64-unknown-linux-musl') },
    { name: 'no C code: a missing C compiler does not matter', graph: pure(), environment: snapshot('x86_64-unknown-linux-musl', {}, { 'musl-gcc': null }) },
    {
      name: 'aarch64 with a configured linker and CC_<target>',
      graph: withRing('aarch64-unknown-linux-musl'),
      environment: snapshot('aarch64-unknown-linux-musl', {
        configuredLinker: { value: 'aarch64-linux-musl-gcc', definedIn: '/p/.cargo/config.toml' },
        ccVariables: { CC_aarch64_unknown_linux_musl: 'aarch64-linux-musl-gcc' },
      }),
    },
    {
      name: 'cargo-zigbuild with zig provides linker and C compiler',
      graph: withRing('aarch64-unknown-linux-musl'),
      environment: snapshot('aarch64-unknown-linux-musl', {}, { 'cargo-zigbuild': '/bin/cargo-zigbuild', zig: '/bin/zig' }),
    },
  ],
  invalid: [
    {
      name: "the target's standard library is missing",
      graph: pure(),
      environment: snapshot('x86_64-unknown-linux-musl', { installedTargets: [HOST], stdInstalled: false }),
      findings: [
        {
          crate: 'app',
          messageId: 'notReady',
          data: { target: 'x86_64-unknown-linux-musl', missing: 'standard library for x86_64-unknown-linux-musl: not installed (rustup has x86_64-unknown-linux-gnu)' },
          detailId: 'host',
          detailData: { host: HOST },
          fixes: [/^rustup target add x86_64-unknown-linux-musl$/],
        },
      ],
    },
    {
      name: 'aarch64 without linker: the host cc cannot link it',
      graph: pure('aarch64-unknown-linux-musl'),
      environment: snapshot('aarch64-unknown-linux-musl'),
      findings: [
        {
          crate: 'app',
          messageId: 'notReady',
          message: ['linker for aarch64-unknown-linux-musl: none configured, no `aarch64-linux-musl-gcc` on PATH'],
          fixes: ['linker = "aarch64-linux-musl-gcc"', 'cargo zigbuild', 'cross build'],
        },
      ],
    },
    {
      name: 'ring needs a C compiler for musl and none is there',
      graph: withRing(),
      environment: snapshot('x86_64-unknown-linux-musl', {}, { 'musl-gcc': null }),
      findings: [
        {
          crate: 'ring',
          messageId: 'cCrateLacks',
          data: {
            crates: '`ring`',
            target: 'x86_64-unknown-linux-musl',
            missing:
              'C compiler for x86_64-unknown-linux-musl: none found (no CC_x86_64-unknown-linux-musl, CC_x86_64_unknown_linux_musl, TARGET_CC set; no `musl-gcc`, `x86_64-linux-musl-gcc`, `x86_64-unknown-linux-musl-gcc` on PATH)',
          },
          fixes: ['sudo apt-get install musl-tools'],
        },
      ],
    },
    {
      name: 'two crates compile C and no C compiler is there: one finding, on the first',
      graph: graphOf({
        packages: [
          { name: 'ring', version: '0.17.8', links: 'ring_core_0_17_8', features: ['alloc'] },
          { name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: ['openssl-src', 'vendored'] },
        ],
        edges: [
          { from: 'app', to: 'ring' },
          { from: 'app', to: 'openssl-sys' },
        ],
      }),
      environment: snapshot('x86_64-unknown-linux-musl', {}, { 'musl-gcc': null }),
      findings: [{ crate: 'ring', messageId: 'cCratesLack', message: ['`ring`, `openssl-sys` compile C for x86_64-unknown-linux-musl'] }],
    },
    {
      name: 'windows-msvc from Linux: cargo-xwin or the Visual Studio tools, never a `<triple>-gcc`, zigbuild or cross',
      graph: pure('x86_64-pc-windows-msvc'),
      environment: snapshot('x86_64-pc-windows-msvc', {}, { 'cargo-zigbuild': '/bin/cargo-zigbuild', zig: '/bin/zig', cross: '/bin/cross' }),
      findings: [
        {
          crate: 'app',
          messageId: 'notReady',
          message: ['linker for x86_64-pc-windows-msvc: none configured (it needs link.exe, or lld-link with the MSVC CRT and the Windows SDK)'],
          fixes: ['cargo xwin build --target x86_64-pc-windows-msvc', 'Visual Studio Build Tools'],
          strategies: ['environment', 'environment'],
        },
      ],
    },
    {
      name: 'vendored OpenSSL needs perl and make too',
      graph: vendoredOpenssl(),
      environment: snapshot('x86_64-unknown-linux-musl', {}, { perl: null }),
      findings: [{ crate: 'openssl-sys', messageId: 'cCrateLacks', message: ['perl: not on PATH'], fixes: ['sudo apt-get install perl'] }],
    },
  ],
});

describe('environment checks', () => {
  it('a non-Linux host building for Linux needs cross or cargo-zigbuild', () => {
    const checks = environmentChecks({ ...snapshot('x86_64-unknown-linux-musl'), host: 'aarch64-apple-darwin' });
    const c = checks.find((x) => x.id === 'cross-tool')!;
    expect(c).toMatchObject({ needed: true, ok: false });
    expect(c.fix.join('\n')).toContain('cargo install cargo-zigbuild');
    expect(checks.find((x) => x.id === 'linker')).toMatchObject({ needed: true, ok: false });
  });

  it('says where a configured linker comes from', () => {
    const checks = environmentChecks(
      snapshot('aarch64-unknown-linux-musl', { configuredLinker: { value: 'aarch64-linux-musl-gcc', definedIn: 'environment variable CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER' } }),
    );
    expect(checks.find((x) => x.id === 'linker')!.found).toBe('`aarch64-linux-musl-gcc` (environment variable CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER)');
  });
});

describe('toolchains outside GNU/Linux', () => {
  const LINUX = 'x86_64-unknown-linux-gnu';
  const all = (checks: ReturnType<typeof environmentChecks>) => checks.flatMap((c) => [c.found, ...c.fix]).join('\n');

  it('windows-msvc: no `<triple>-gcc`; cargo-xwin provides linker and C compiler, zigbuild and cross do not', () => {
    const bare = environmentChecks(snapshot('x86_64-pc-windows-msvc'), { cCode: ['ring'], tools: {} });
    expect(all(bare)).not.toMatch(/windows-msvc-gcc|zigbuild|cross build/);
    expect(bare.find((c) => c.id === 'linker')).toMatchObject({ needed: true, ok: false });
    expect(bare.find((c) => c.id === 'c-compiler')!.fix.join('\n')).toContain('cargo xwin build');
    const zig = environmentChecks(snapshot('x86_64-pc-windows-msvc', {}, { 'cargo-zigbuild': '/bin/cargo-zigbuild', zig: '/bin/zig', cross: '/bin/cross' }), { cCode: ['ring'], tools: {} });
    expect(zig.find((c) => c.id === 'linker')!.ok).toBe(false);
    expect(zig.find((c) => c.id === 'c-compiler')!.ok).toBe(false);
    const xwin = environmentChecks(snapshot('x86_64-pc-windows-msvc', {}, { 'cargo-xwin': '/bin/cargo-xwin' }), { cCode: ['ring'], tools: {} });
    expect(xwin.find((c) => c.id === 'linker')).toMatchObject({ ok: true, found: expect.stringContaining('cargo-xwin provides one') });
    expect(xwin.find((c) => c.id === 'c-compiler')!.ok).toBe(true);
  });

  it('windows-msvc on a Windows msvc host: the host links it', () => {
    const checks = environmentChecks({ ...snapshot('x86_64-pc-windows-msvc'), host: 'x86_64-pc-windows-msvc' });
    expect(checks.find((c) => c.id === 'linker')).toMatchObject({ needed: false, ok: true });
  });

  it('windows-gnu: the MinGW-w64 gcc, which rustc uses as the linker by default', () => {
    expect(targetToolchain('x86_64-pc-windows-gnu', LINUX).compilers).toEqual(['x86_64-w64-mingw32-gcc']);
    expect(targetToolchain('i686-pc-windows-gnu', LINUX).compilers).toEqual(['i686-w64-mingw32-gcc']);
    const bare = environmentChecks(snapshot('x86_64-pc-windows-gnu'), { cCode: ['ring'], tools: {} });
    expect(all(bare)).not.toContain('x86_64-pc-windows-gnu-gcc');
    expect(bare.find((c) => c.id === 'linker')!.fix[0]).toContain('sudo apt-get install gcc-mingw-w64-x86-64');
    const mingw = environmentChecks(snapshot('x86_64-pc-windows-gnu', {}, { 'x86_64-w64-mingw32-gcc': '/usr/bin/x86_64-w64-mingw32-gcc' }), { cCode: ['ring'], tools: {} });
    expect(mingw.find((c) => c.id === 'linker')).toMatchObject({ ok: true, found: '`x86_64-w64-mingw32-gcc` on PATH, which rustc uses for x86_64-pc-windows-gnu by default' });
    expect(mingw.find((c) => c.id === 'c-compiler')).toMatchObject({ ok: true, found: '`x86_64-w64-mingw32-gcc` on PATH (/usr/bin/x86_64-w64-mingw32-gcc)' });
  });

  it('Apple targets from Linux need the macOS SDK (osxcross or zigbuild); cross has no images for them', () => {
    const checks = environmentChecks(snapshot('aarch64-apple-darwin', {}, { cross: '/bin/cross' }), { cCode: ['ring'], tools: {} });
    const linker = checks.find((c) => c.id === 'linker')!;
    expect(linker.ok).toBe(false);
    expect(linker.found).toContain('macOS SDK');
    expect(linker.fix.join('\n')).toMatch(/osxcross[\s\S]*oa64-clang[\s\S]*cargo zigbuild/);
    expect(all(checks)).not.toContain('cross build');
    expect(targetToolchain('x86_64-apple-darwin', LINUX).compilers).toEqual(['o64-clang']);
    const onMac = environmentChecks({ ...snapshot('x86_64-apple-darwin'), host: 'aarch64-apple-darwin' });
    expect(onMac.find((c) => c.id === 'linker')).toMatchObject({ needed: false, ok: true });
  });

  it("the CLI looks up each family's tools on PATH", () => {
    expect(environmentToolNames('x86_64-pc-windows-gnu', LINUX)).toContain('x86_64-w64-mingw32-gcc');
    expect(environmentToolNames('x86_64-pc-windows-msvc', LINUX)).toEqual(expect.arrayContaining(['cargo-xwin', 'clang-cl']));
    expect(environmentToolNames('aarch64-apple-darwin', LINUX)).toContain('oa64-clang');
  });

  it("cargo-zigbuild does not stand in for perl and make (it runs the host's tools); cross's images have them", () => {
    const needs = { cCode: ['openssl-sys'], tools: { perl: ['openssl-sys'] } };
    const zig = environmentChecks(snapshot('aarch64-unknown-linux-musl', {}, { perl: null, 'cargo-zigbuild': '/bin/cargo-zigbuild', zig: '/bin/zig' }), needs);
    expect(zig.find((c) => c.id === 'perl')!.ok).toBe(false);
    const cross = environmentChecks(snapshot('aarch64-unknown-linux-musl', {}, { perl: null, cross: '/bin/cross' }), needs);
    expect(cross.find((c) => c.id === 'perl')!.ok).toBe(true);
  });

  it("a cargo-zigbuild glibc suffix: cargo's settings and the compiler variables name the triple without it", () => {
    const checks = environmentChecks(snapshot('aarch64-unknown-linux-gnu.2.17', { installedTargets: [HOST], stdInstalled: false }), { cCode: ['ring'], tools: {} });
    const all = checks.flatMap((c) => [c.found, ...c.fix]).join('\n');
    expect(all).toContain('rustup target add aarch64-unknown-linux-gnu\n');
    expect(all).toContain('[target.aarch64-unknown-linux-gnu]');
    expect(all).toContain('CC_aarch64_unknown_linux_gnu=');
    expect(all).toContain('no `aarch64-linux-gnu-gcc` on PATH');
    // Only the zigbuild command keeps it: that is where cargo-zigbuild reads it.
    expect(all).toContain('cargo zigbuild --target aarch64-unknown-linux-gnu.2.17');
    expect(all.replaceAll('cargo zigbuild --target aarch64-unknown-linux-gnu.2.17', '')).not.toContain('2.17');
  });
});
