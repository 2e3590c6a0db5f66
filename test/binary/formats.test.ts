/**
 * The readers against binutils and LLVM on binaries the tests compile: gcc
 * and musl-gcc on the host, Debian's aarch64 and mingw-w64 cross compilers,
 * clang with lld for big-endian ELF and for Mach-O (thin and universal).
 * A test whose compiler is absent is skipped, saying which (`.ci/run`
 * installs them).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectBinary, type BinaryFacts } from '../../src/binary/index.js';
import { readElf } from '../../src/binary/elf.js';
import { readPe } from '../../src/binary/pe.js';
import { readFileSync } from 'node:fs';
import { buildC, findTool, HELLO_C, toolVersion } from '../helpers/binaries.js';
import { machoPrograms } from './samples.js';
import {
  fileLinkage,
  hasFile,
  hasLlvmReadobj,
  hasReadelf,
  nmHas,
  objdumpDylibId,
  objdumpRpaths,
  readelf,
  readobjCoffHeader,
  readobjCoffImportedFunctions,
  readobjCoffImports,
  readobjNeeded,
} from './oracle.js';

interface ElfFixture {
  name: string;
  compiler: string;
  args: string[];
  sources?: Record<string, string>;
  linkage: BinaryFacts['linkage'];
  machine: string;
  libc: BinaryFacts['libc'];
  interpreterLibc?: 'glibc' | 'musl' | null;
}

const LIB_C = 'int foo(void) { return 0; }\n';
const USES_LIB_C = 'int foo(void);\nint main(void) { return foo(); }\n';
/** A shared library and a PIE using it, with lld and no C library (targets with none here); `/lib/ld.so.1` is glibc's loader on mips and powerpc, so the libc is glibc's by its interpreter. */
const freestanding = (target: string): string[] => [
  '-c',
  `clang --target=${target} -fuse-ld=lld -nostdlib -shared -fPIC -Wl,-soname,libfoo.so.1 -o libfoo.so lib.c && clang --target=${target} -fuse-ld=lld -nostdlib -fPIE -pie -Wl,-e,main -Wl,--dynamic-linker=/lib/ld.so.1 -Wl,-rpath,/opt/app/lib:\\$ORIGIN -Wl,--enable-new-dtags -o out main.c libfoo.so`,
];

const ELF_FIXTURES: ElfFixture[] = [
  { name: 'gcc dynamic', compiler: 'gcc', args: ['-o', 'out', 'main.c'], linkage: 'dynamic', machine: 'x86_64', libc: 'glibc', interpreterLibc: 'glibc' },
  { name: 'gcc -static', compiler: 'gcc', args: ['-static', '-o', 'out', 'main.c'], linkage: 'static', machine: 'x86_64', libc: 'glibc' },
  { name: 'gcc -static-pie', compiler: 'gcc', args: ['-static-pie', '-o', 'out', 'main.c'], linkage: 'static-pie', machine: 'x86_64', libc: 'glibc' },
  {
    name: 'gcc -shared',
    compiler: 'gcc',
    args: ['-shared', '-fPIC', '-Wl,-rpath,/opt/old', '-Wl,--disable-new-dtags', '-o', 'out', 'main.c'],
    linkage: 'shared-library',
    machine: 'x86_64',
    libc: 'glibc',
  },
  { name: 'musl-gcc -static', compiler: 'musl-gcc', args: ['-static', '-o', 'out', 'main.c'], linkage: 'static', machine: 'x86_64', libc: null },
  { name: 'musl-gcc dynamic', compiler: 'musl-gcc', args: ['-o', 'out', 'main.c'], linkage: 'dynamic', machine: 'x86_64', libc: 'musl', interpreterLibc: 'musl' },
  { name: 'aarch64-linux-gnu-gcc dynamic', compiler: 'aarch64-linux-gnu-gcc', args: ['-o', 'out', 'main.c', '-lm'], linkage: 'dynamic', machine: 'aarch64', libc: 'glibc', interpreterLibc: 'glibc' },
  {
    name: 'clang mips (32-bit big-endian)',
    compiler: 'sh',
    args: freestanding('mips-linux-gnu'),
    sources: { 'lib.c': LIB_C, 'main.c': USES_LIB_C },
    linkage: 'dynamic',
    machine: 'mips',
    libc: 'glibc',
  },
  {
    name: 'clang powerpc64 (64-bit big-endian)',
    compiler: 'sh',
    args: freestanding('powerpc64-linux-gnu'),
    sources: { 'lib.c': LIB_C, 'main.c': USES_LIB_C },
    linkage: 'dynamic',
    machine: 'powerpc64',
    libc: 'glibc',
  },
  {
    name: 'clang armv7 (32-bit little-endian)',
    compiler: 'sh',
    args: freestanding('armv7-linux-gnueabihf'),
    sources: { 'lib.c': LIB_C, 'main.c': USES_LIB_C },
    linkage: 'dynamic',
    machine: 'arm',
    libc: 'glibc',
  },
];

/** Whether what a fixture needs is installed (clang and lld for the freestanding ones). */
function missing(f: { compiler: string; args: string[] }): string | null {
  if (f.compiler === 'sh') return toolVersion('clang') && toolVersion('ld.lld') ? null : 'clang and lld';
  return toolVersion(f.compiler) ? null : f.compiler;
}

const oracleMissing = !hasReadelf() || !hasFile();

describe('ELF reader against readelf -d, -l, -V and file', () => {
  for (const f of ELF_FIXTURES) {
    const absent = missing(f) ?? (oracleMissing ? 'readelf or file' : null);
    it.skipIf(!!absent)(`${f.name}${absent ? ` (skipped: ${absent} not installed)` : ''}`, () => {
      const dir = buildC(`elf-${f.name.replace(/\W+/g, '-')}`, f.compiler, f.args, f.sources ?? { 'main.c': HELLO_C }, f.compiler === 'sh' ? 'clang' : f.compiler)!;
      const path = join(dir, 'out');
      const [facts] = inspectBinary(path);
      const oracle = readelf(path);
      expect(facts!.interpreter).toBe(oracle.interpreter);
      expect(facts!.needed).toEqual(oracle.needed);
      expect(facts!.runpath).toEqual(oracle.runpath);
      expect(facts!.rpath).toEqual(oracle.rpath);
      const elf = readElf(readFileSync(path), path);
      expect((elf.flags1 & 0x08000000) !== 0).toBe(oracle.pie);
      expect(elf.versionNeeds).toEqual(oracle.versionNeeds);
      expect(facts!.linkage).toBe(fileLinkage(path));
      expect(facts!.linkage).toBe(f.linkage);
      expect(facts!.machine).toBe(f.machine);
      expect(facts!.libc).toBe(f.libc);
      if (f.interpreterLibc !== undefined) expect(facts!.interpreterLibc).toBe(f.interpreterLibc);
      // The glibc floor is the highest GLIBC_x.y readelf lists from glibc's libraries.
      const glibc = oracle.versionNeeds
        .filter((n) => /^(libc\.so\.6|libm\.so\.6|ld-linux)/.test(n.file))
        .flatMap((n) => n.versions)
        .flatMap((v) => /^GLIBC_(\d+(?:\.\d+)+)$/.exec(v)?.[1] ?? [])
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .pop();
      expect(facts!.glibcFloor).toBe(glibc ?? null);
    });
  }
});

describe('glibc version needs against readelf -V', () => {
  const versionsOf = (path: string, prefix: string) =>
    readelf(path)
      .versionNeeds.flatMap((n) => n.versions)
      .flatMap((v) => (v.startsWith(prefix) ? [v.slice(prefix.length)] : []))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

  it.skipIf(!toolVersion('g++') || oracleMissing)(`a C++ program: GLIBCXX and CXXABI needs reported apart from the glibc floor${!toolVersion('g++') ? ' (skipped: g++ not installed)' : ''}`, () => {
    const dir = buildC('elf-gxx', 'g++', ['-o', 'out', 'main.cc'], {
      'main.cc': '#include <iostream>\n#include <stdexcept>\nint main() { try { throw std::runtime_error("x"); } catch (const std::exception &e) { std::cout << e.what() << std::endl; } }\n',
    })!;
    const path = join(dir, 'out');
    const [facts] = inspectBinary(path);
    const cxx = facts!.runtimeNeeds.find((r) => r.runtime === 'GLIBCXX');
    expect(cxx).toEqual({ runtime: 'GLIBCXX', library: 'libstdc++.so.6', version: versionsOf(path, 'GLIBCXX_').pop() });
    const abi = versionsOf(path, 'CXXABI_')
      .filter((v) => /^\d/.test(v))
      .pop();
    if (abi) expect(facts!.runtimeNeeds.find((r) => r.runtime === 'CXXABI')?.version).toBe(abi);
    expect(facts!.glibcFloor).toBe(
      versionsOf(path, 'GLIBC_')
        .filter((v) => /^\d/.test(v))
        .pop(),
    );
  });

  it.skipIf(oracleMissing)('DT_RELR (`-z pack-relative-relocs`): GLIBC_ABI_DT_RELR makes the floor 2.36', (ctx) => {
    let dir: string | null;
    try {
      dir = buildC('elf-relr', 'gcc', ['-Wl,-z,pack-relative-relocs', '-o', 'out', 'main.c'], { 'main.c': HELLO_C });
    } catch {
      // binutils before 2.38 or glibc before 2.36: no DT_RELR here.
      ctx.skip();
      return;
    }
    const path = join(dir!, 'out');
    if (!versionsOf(path, 'GLIBC_').includes('ABI_DT_RELR')) return ctx.skip();
    expect(inspectBinary(path)[0]!.glibcFloor).toBe('2.36');
  });
});

describe('PE reader against llvm-readobj', () => {
  const absent = !toolVersion('x86_64-w64-mingw32-gcc') ? 'x86_64-w64-mingw32-gcc' : !hasLlvmReadobj() ? 'llvm-readobj' : null;
  const cases = [
    { name: 'mingw exe', args: ['-o', 'out.exe', 'main.c'], dll: false, dlopen: false },
    { name: 'mingw dll calling LoadLibraryA', args: ['-shared', '-o', 'out.exe', 'main.c', '-lws2_32'], dll: true, dlopen: true },
  ];
  for (const c of cases) {
    it.skipIf(!!absent)(`${c.name}${absent ? ` (skipped: ${absent} not installed)` : ''}`, () => {
      const source = c.dll
        ? '#include <winsock2.h>\n#include <windows.h>\n#include <stdio.h>\nint f(void) { WSADATA d; puts("x"); return WSAStartup(2, &d) + (LoadLibraryA("x.dll") != 0); }\n'
        : HELLO_C;
      const dir = buildC(`pe-${c.name.replace(/\W+/g, '-')}`, 'x86_64-w64-mingw32-gcc', c.args, { 'main.c': source })!;
      const path = join(dir, 'out.exe');
      const [facts] = inspectBinary(path);
      expect(facts!.format).toBe('pe');
      expect(facts!.needed).toEqual(readobjCoffImports(path));
      expect(readPe(readFileSync(path), path).importedFunctions).toEqual(readobjCoffImportedFunctions(path));
      expect(facts!.dlopen).toBe(c.dlopen);
      const header = readobjCoffHeader(path);
      expect(facts!.linkage === 'shared-library').toBe(header.dll);
      expect(header.machine).toMatch(/AMD64/);
      expect(facts!.machine).toBe('x86_64');
      // mingw links the system's msvcrt.dll: a system DLL, so the C runtime is not a DLL of its own.
      expect(facts!.libc).toBe('msvcrt');
      if (!c.dll) expect(facts!.linkage).toBe('static');
    });
  }
});

describe('Mach-O reader against llvm-readobj and llvm-objdump', () => {
  const absent = !toolVersion('clang') || !findTool('ld64.lld') ? 'clang and ld64.lld' : !findTool('llvm-lipo') ? 'llvm-lipo' : !hasLlvmReadobj() ? 'llvm-readobj' : null;
  const build = () => machoPrograms()!;

  it.skipIf(!!absent)(`thin and universal executables, and a dylib${absent ? ` (skipped: ${absent} not installed)` : ''}`, () => {
    const dir = build();
    for (const name of ['m-x86_64', 'm-arm64', 'm-fat', 'libfoo-arm64.dylib']) {
      const path = join(dir, name);
      const facts = inspectBinary(path);
      const id = objdumpDylibId(path);
      const oracle = readobjNeeded(path).map((o) => ({ ...o, needed: o.needed.filter((n) => n !== id) }));
      expect(facts.map((f) => f.machine)).toEqual(oracle.map((o) => o.arch));
      expect(facts.map((f) => [...f.needed].sort())).toEqual(oracle.map((o) => [...o.needed].sort()));
      expect(facts.flatMap((f) => f.runpath)).toEqual(objdumpRpaths(path));
    }
    for (const name of ['m-x86_64', 'm-fat', 'dl-arm64']) {
      const path = join(dir, name);
      for (const f of inspectBinary(path)) expect(f.dlopen).toBe(nmHas(path, '_dlopen'));
    }
    expect(inspectBinary(join(dir, 'dl-arm64'))[0]!.dlopen).toBe(true);
    const [exe] = inspectBinary(join(dir, 'm-arm64'));
    expect(exe).toMatchObject({ format: 'macho', linkage: 'dynamic', libc: 'system', interpreter: '/usr/lib/dyld', runpath: ['@executable_path/../lib'] });
    expect(inspectBinary(join(dir, 'm-fat'))).toHaveLength(2);
    expect(inspectBinary(join(dir, 'libfoo-arm64.dylib'))[0]!.linkage).toBe('shared-library');
  });
});
