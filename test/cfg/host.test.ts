import { spawnSync } from 'node:child_process';
import { describe, it, expect } from 'vitest';
import { hostTriple, knownTargets } from '../../src/cfg/index.js';
import { derivedHostTriple } from '../../src/cfg/host.js';

const rustcHost = /^host: (\S+)$/m.exec(spawnSync(process.env.RUSTC || 'rustc', ['-vV'], { encoding: 'utf8' }).stdout ?? '')?.[1];

describe('hostTriple', () => {
  it('is what rustc says, else derived from Node', () => {
    expect(hostTriple()).toBe(rustcHost ?? derivedHostTriple(process.platform, process.arch));
  });

  it("derives rustc's answer from Node's platform", (ctx) => {
    ctx.skip(rustcHost === undefined, 'rustc is not installed: nothing to compare with');
    ctx.skip(process.platform === 'win32', 'a Windows toolchain may be msvc or gnu');
    expect(derivedHostTriple(process.platform, process.arch)).toBe(rustcHost);
  });

  it.each([
    ['linux', 'x64', false, 'x86_64-unknown-linux-gnu'],
    ['linux', 'x64', true, 'x86_64-unknown-linux-musl'],
    ['linux', 'arm64', false, 'aarch64-unknown-linux-gnu'],
    ['linux', 'arm', false, 'armv7-unknown-linux-gnueabihf'],
    ['linux', 'arm', true, 'armv7-unknown-linux-musleabihf'],
    ['linux', 'ia32', false, 'i686-unknown-linux-gnu'],
    ['linux', 'riscv64', false, 'riscv64gc-unknown-linux-gnu'],
    ['linux', 'ppc64', false, 'powerpc64le-unknown-linux-gnu'],
    ['linux', 's390x', false, 's390x-unknown-linux-gnu'],
    ['linux', 'loong64', false, 'loongarch64-unknown-linux-gnu'],
    ['android', 'arm64', false, 'aarch64-linux-android'],
    ['android', 'arm', false, 'armv7-linux-androideabi'],
    ['darwin', 'arm64', false, 'aarch64-apple-darwin'],
    ['darwin', 'x64', false, 'x86_64-apple-darwin'],
    ['win32', 'x64', false, 'x86_64-pc-windows-msvc'],
    ['win32', 'arm64', false, 'aarch64-pc-windows-msvc'],
    ['win32', 'ia32', false, 'i686-pc-windows-msvc'],
    ['freebsd', 'x64', false, 'x86_64-unknown-freebsd'],
    ['openbsd', 'arm64', false, 'aarch64-unknown-openbsd'],
    ['netbsd', 'x64', false, 'x86_64-unknown-netbsd'],
    ['sunos', 'x64', false, 'x86_64-pc-solaris'],
    ['aix', 'ppc64', false, 'powerpc64-ibm-aix'],
    ['cygwin', 'x64', false, 'x86_64-pc-cygwin'],
    ['haiku', 'x64', false, 'x86_64-unknown-haiku'],
  ] as const)('%s %s (musl: %s) is %s, a known target', (platform, arch, musl, triple) => {
    expect(derivedHostTriple(platform, arch, musl)).toBe(triple);
    expect(knownTargets()).toContain(triple);
  });
});
