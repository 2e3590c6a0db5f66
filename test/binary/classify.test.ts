/** What the readers' facts mean: the glibc floor, the distributions that meet it, linkage, and `--expect static` per format. */
import { describe, expect, it } from 'vitest';
import { checkMaxGlibc, compareVersions, distributionsFor, elfLinkage, expectStatic, glibcNeeds, isRuntimeLibrary, type BinaryFacts } from '../../src/binary/index.js';
import { linkName } from '../../cli/run/verify.js';

const facts = (f: Partial<BinaryFacts>): BinaryFacts => ({
  path: 'bin',
  format: 'elf',
  machine: 'x86_64',
  linkage: 'dynamic',
  interpreter: null,
  interpreterLibc: null,
  libc: null,
  needed: [],
  runpath: [],
  rpath: [],
  glibcFloor: null,
  glibcPrivate: false,
  runtimeNeeds: [],
  dlopen: null,
  ...f,
});

describe('glibc floor', () => {
  it('is the highest GLIBC_x.y of glibc libraries; GLIBC_ABI_DT_RELR is 2.36; GLIBC_PRIVATE apart; C++ and GCC runtimes apart', () => {
    const needs = glibcNeeds([
      { file: 'libc.so.6', versions: ['GLIBC_2.2.5', 'GLIBC_2.17', 'GLIBC_2.9', 'GLIBC_PRIVATE'] },
      { file: 'libm.so.6', versions: ['GLIBC_2.29'] },
      { file: 'libstdc++.so.6', versions: ['GLIBCXX_3.4.21', 'GLIBCXX_3.4.9', 'CXXABI_1.3.13', 'CXXABI_1.3'] },
      { file: 'libgcc_s.so.1', versions: ['GCC_4.2.0', 'GCC_3.0'] },
      // A library of someone else's that names its versions like glibc's does not move the floor.
      { file: 'libfoo.so.1', versions: ['GLIBC_2.99'] },
    ]);
    expect(needs.floor).toBe('2.29');
    expect(needs.private).toBe(true);
    expect(needs.runtimes).toEqual([
      { runtime: 'GLIBCXX', library: 'libstdc++.so.6', version: '3.4.21' },
      { runtime: 'CXXABI', library: 'libstdc++.so.6', version: '1.3.13' },
      { runtime: 'GCC', library: 'libgcc_s.so.1', version: '4.2.0' },
    ]);
    expect(glibcNeeds([{ file: 'libc.so.6', versions: ['GLIBC_2.34', 'GLIBC_ABI_DT_RELR'] }]).floor).toBe('2.36');
    expect(glibcNeeds([{ file: 'ld-linux-x86-64.so.2', versions: ['GLIBC_2.3'] }]).floor).toBe('2.3');
    expect(glibcNeeds([]).floor).toBeNull();
  });

  it('names the distributions that meet it', () => {
    expect(distributionsFor('2.28')).toEqual({
      meet: [
        'RHEL/Alma/Rocky 8 (2.28)',
        'Debian 11 (2.31)',
        'Ubuntu 20.04 (2.31)',
        'RHEL/Alma/Rocky 9 (2.34)',
        'Amazon Linux 2023 (2.34)',
        'Ubuntu 22.04 (2.35)',
        'Debian 12 (2.36)',
        'Ubuntu 24.04 (2.39)',
      ],
      miss: ['Amazon Linux 2 (2.26)'],
    });
    expect(distributionsFor('2.39').miss).toHaveLength(8);
    expect(compareVersions('2.9', '2.17')).toBeLessThan(0);
    expect(compareVersions('2.17.1', '2.17')).toBeGreaterThan(0);
  });

  it('--max-glibc', () => {
    expect(checkMaxGlibc(facts({ glibcFloor: '2.34' }), '2.28')).toEqual([{ id: 'glibc-too-new', data: { floor: '2.34', max: '2.28' } }]);
    expect(checkMaxGlibc(facts({ glibcFloor: '2.28' }), '2.28')).toEqual([]);
    expect(checkMaxGlibc(facts({}), '2.17')).toEqual([]);
  });
});

describe('ELF linkage', () => {
  it('PT_INTERP makes it dynamic; without one, DF_1_PIE tells a static-pie from a shared library; PT_DYNAMIC alone says nothing', () => {
    expect(elfLinkage({ interpreter: '/lib/ld-musl-x86_64.so.1', type: 3, flags1: 0x08000000, needed: ['libc.so'] })).toBe('dynamic');
    expect(elfLinkage({ interpreter: null, type: 3, flags1: 0x08000001, needed: [] })).toBe('static-pie');
    expect(elfLinkage({ interpreter: null, type: 3, flags1: 0, needed: ['libc.so.6'] })).toBe('shared-library');
    expect(elfLinkage({ interpreter: null, type: 2, flags1: 0, needed: [] })).toBe('static');
  });
});

describe('--expect static per format', () => {
  it('ELF: static and static-pie pass; a cdylib is judged on what it needs beyond the C runtime', () => {
    expect(expectStatic(facts({ linkage: 'static-pie' }))).toEqual([]);
    expect(expectStatic(facts({ linkage: 'dynamic' })).map((p) => p.id)).toEqual(['not-static']);
    expect(expectStatic(facts({ linkage: 'shared-library', needed: ['libgcc_s.so.1', 'libc.so.6', 'ld-linux-x86-64.so.2'] }))).toEqual([]);
    expect(expectStatic(facts({ linkage: 'shared-library', needed: ['libz.so.1', 'libc.so.6'] }))).toEqual([{ id: 'library-needed', library: 'libz.so.1', data: { library: 'libz.so.1' } }]);
  });

  it('PE: only Windows system DLLs; the VC++ runtime, the UCRT API sets and MSVCP fail', () => {
    const pe = (needed: string[]) => expectStatic(facts({ format: 'pe', linkage: 'static', needed })).map((p) => `${p.id} ${p.library}`);
    expect(pe(['KERNEL32.dll', 'ntdll.dll', 'bcryptprimitives.dll', 'api-ms-win-core-synch-l1-2-0.dll', 'WS2_32.dll', 'msvcrt.dll'])).toEqual([]);
    expect(pe(['KERNEL32.dll', 'VCRUNTIME140.dll', 'api-ms-win-crt-runtime-l1-1-0.dll', 'MSVCP140.dll', 'libssl-3-x64.dll'])).toEqual([
      'crt-dll VCRUNTIME140.dll',
      'crt-dll api-ms-win-crt-runtime-l1-1-0.dll',
      'crt-dll MSVCP140.dll',
      'non-system-dll libssl-3-x64.dll',
    ]);
  });

  it('Mach-O: only libSystem, /usr/lib and system frameworks', () => {
    const macho = (needed: string[]) => expectStatic(facts({ format: 'macho', needed })).map((p) => p.library);
    expect(macho(['/usr/lib/libSystem.B.dylib', '/System/Library/Frameworks/Security.framework/Versions/A/Security', '/usr/lib/libiconv.2.dylib'])).toEqual([]);
    expect(macho(['/usr/lib/libSystem.B.dylib', '/opt/homebrew/opt/openssl@3/lib/libssl.3.dylib', '@rpath/libfoo.dylib'])).toEqual([
      '/opt/homebrew/opt/openssl@3/lib/libssl.3.dylib',
      '@rpath/libfoo.dylib',
    ]);
  });

  it('the C runtime is never attributed', () => {
    expect(['libc.so.6', 'libm.so.6', 'libgcc_s.so.1', 'ld-linux-aarch64.so.1', 'libc.musl-x86_64.so.1'].every((n) => isRuntimeLibrary('elf', n))).toBe(true);
    expect(isRuntimeLibrary('elf', 'libz.so.1')).toBe(false);
  });
});

describe('link names', () => {
  it("the -l name of each format's file names", () => {
    expect(['libz.so.1', 'libssl.so.3', 'libpcre2-8.so.0', 'libusb-1.0.so.0', 'libssl-3-x64.dll', 'libcrypto-3.dll', '/usr/local/lib/libzstd.1.dylib', '@rpath/libfoo.dylib'].map(linkName)).toEqual([
      'z',
      'ssl',
      'pcre2-8',
      'usb-1.0',
      'ssl',
      'crypto',
      'zstd',
      'foo',
    ]);
  });
});
