/** Small binaries of every format the hostile-input and fuzz tests start from, built with the compilers at hand (absent ones are left out). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, findTool, HELLO_C, toolVersion } from '../helpers/binaries.js';

export interface Sample {
  name: string;
  path: string;
  bytes: Buffer;
}

const LIB_C = 'int foo(void) { return 0; }\n';
const USES_LIB_C = 'int foo(void);\nint main(void) { return foo(); }\n';

export function samples(): Sample[] {
  const out: Sample[] = [];
  const add = (name: string, dir: string | null, file: string) => {
    if (dir) out.push({ name, path: join(dir, file), bytes: readFileSync(join(dir, file)) });
  };
  add('ELF x86_64 dynamic (gcc)', buildC('sample-gcc', 'gcc', ['-O1', '-o', 'out', 'main.c'], { 'main.c': HELLO_C }), 'out');
  if (toolVersion('clang') && toolVersion('ld.lld')) {
    const be =
      'clang --target=mips-linux-gnu -fuse-ld=lld -nostdlib -shared -fPIC -Wl,-soname,libfoo.so.1 -o libfoo.so lib.c && clang --target=mips-linux-gnu -fuse-ld=lld -nostdlib -fPIE -pie -Wl,-e,main -Wl,--dynamic-linker=/lib/ld.so.1 -Wl,-rpath,/opt/x -o out main.c libfoo.so';
    add('ELF mips big-endian (clang)', buildC('sample-mips', 'sh', ['-c', be], { 'lib.c': LIB_C, 'main.c': USES_LIB_C }, 'clang'), 'out');
  }
  if (toolVersion('x86_64-w64-mingw32-gcc')) add('PE x86_64 (mingw)', buildC('sample-pe', 'x86_64-w64-mingw32-gcc', ['-s', '-o', 'out.exe', 'main.c'], { 'main.c': HELLO_C }), 'out.exe');
  const lipo = findTool('llvm-lipo');
  if (toolVersion('clang') && findTool('ld64.lld') && lipo) {
    const script = ['x86_64', 'arm64']
      .map((a) => `clang --target=${a}-apple-macos11 -fuse-ld=lld -nostdlib -shared -Wl,-install_name,/usr/lib/libSystem.B.dylib -Wl,-rpath,@loader_path -o m-${a} sys.c`)
      .join(' && ');
    add('Mach-O universal (clang, lld)', buildC('sample-macho', 'sh', ['-c', `${script} && ${lipo} -create m-x86_64 m-arm64 -output m-fat`], { 'sys.c': LIB_C }, 'clang'), 'm-fat');
  }
  return out;
}

/**
 * Mach-O executables for x86_64 and arm64 loading `@rpath/libfoo.dylib` and
 * libSystem, with an LC_RPATH, and their universal file `m-fat`; null when
 * clang, ld64.lld or llvm-lipo is absent. No macOS SDK here: libSystem is a
 * stand-in with its install name, giving dyld_stub_binder.
 */
export function machoPrograms(): string | null {
  const lipo = findTool('llvm-lipo');
  if (!toolVersion('clang') || !findTool('ld64.lld') || !lipo) return null;
  const script = ['x86_64', 'arm64']
    .map(
      (a) =>
        `clang --target=${a}-apple-macos11 -fuse-ld=lld -nostdlib -shared -Wl,-install_name,/usr/lib/libSystem.B.dylib -o libSystem-${a}.dylib sys.c && ` +
        `clang --target=${a}-apple-macos11 -fuse-ld=lld -nostdlib -shared -Wl,-install_name,@rpath/libfoo.dylib -o libfoo-${a}.dylib lib.c && ` +
        `clang --target=${a}-apple-macos11 -fuse-ld=lld -nostdlib -Wl,-e,_main -L. -Wl,-lfoo-${a} -Wl,-lSystem-${a} -Wl,-rpath,@executable_path/../lib -o m-${a} main.c && ` +
        `clang --target=${a}-apple-macos11 -fuse-ld=lld -nostdlib -Wl,-e,_main -L. -Wl,-lSystem-${a} -o dl-${a} dl.c`,
    )
    .join(' && ');
  const sources = {
    // The stand-in libSystem gives dlopen too, for the program that calls it.
    'sys.c': 'void binder(void) __asm__("dyld_stub_binder");\nvoid binder(void) {}\nvoid *dlopen(const char *path, int mode) { return 0; }\n',
    'lib.c': LIB_C,
    'main.c': USES_LIB_C,
    'dl.c': 'void *dlopen(const char *path, int mode);\nint main(void) { return dlopen("libz.dylib", 1) != 0; }\n',
  };
  return buildC('macho', 'sh', ['-c', `${script} && ${lipo} -create m-x86_64 m-arm64 -output m-fat`], sources, 'clang');
}

/** A mingw-w64 console program (`out.exe`), or null without the cross compiler. */
export function peProgram(): string | null {
  return toolVersion('x86_64-w64-mingw32-gcc') ? buildC('pe-mingw-exe', 'x86_64-w64-mingw32-gcc', ['-o', 'out.exe', 'main.c'], { 'main.c': HELLO_C }) : null;
}
