import { crossEnvironment } from '../../src/rules/cross-environment.js';
import { environmentChecks } from '../../src/rules/environment-checks.js';
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
    onPath: { rustup: '/bin/rustup', cross: null, 'cargo-zigbuild': null, zig: null, cc: '/usr/bin/cc', perl: '/usr/bin/perl', make: '/usr/bin/make', cmake: null, 'musl-gcc': '/usr/bin/musl-gcc', ...onPath },
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
      name: 'the target\'s standard library is missing',
      graph: pure(),
      environment: snapshot('x86_64-unknown-linux-musl', { installedTargets: [HOST], stdInstalled: false }),
      findings: [{ crate: 'app', message: ['standard library for x86_64-unknown-linux-musl: not installed'], fixes: [/^rustup target add x86_64-unknown-linux-musl$/] }],
    },
    {
      name: 'aarch64 without linker: the host cc cannot link it',
      graph: pure('aarch64-unknown-linux-musl'),
      environment: snapshot('aarch64-unknown-linux-musl'),
      findings: [{ crate: 'app', message: ['linker for aarch64-unknown-linux-musl: none configured, no `aarch64-linux-musl-gcc` on PATH'], fixes: ['linker = "aarch64-linux-musl-gcc"', 'cargo zigbuild', 'cross build'] }],
    },
    {
      name: 'ring needs a C compiler for musl and none is there',
      graph: withRing(),
      environment: snapshot('x86_64-unknown-linux-musl', {}, { 'musl-gcc': null }),
      findings: [{ crate: 'ring', message: ['`ring` compiles C for x86_64-unknown-linux-musl', 'C compiler'], fixes: ['sudo apt-get install musl-tools'] }],
    },
    {
      name: 'vendored OpenSSL needs perl and make too',
      graph: vendoredOpenssl(),
      environment: snapshot('x86_64-unknown-linux-musl', {}, { perl: null }),
      findings: [{ crate: 'openssl-sys', message: ['perl: not on PATH'], fixes: ['sudo apt-get install perl'] }],
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
