/** binutils' `readelf`, `file` and LLVM's `llvm-readobj`/`llvm-objdump`, read as the oracle the readers are compared with. */
import { execFileSync } from 'node:child_process';
import { toolVersion } from '../helpers/binaries.js';

const run = (tool: string, args: string[]) => execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } });

export const hasReadelf = () => toolVersion('readelf') !== null;
export const hasFile = () => toolVersion('file') !== null;
export const hasLlvmReadobj = () => toolVersion('llvm-readobj') !== null;

export interface ElfOracle {
  interpreter: string | null;
  needed: string[];
  runpath: string[];
  rpath: string[];
  pie: boolean;
  /** `readelf -V`'s version needs: file and version names. */
  versionNeeds: { file: string; versions: string[] }[];
}

/** `readelf -d`, `-l` and `-V --wide`. */
export function readelf(path: string): ElfOracle {
  const dyn = run('readelf', ['-d', '--wide', path]);
  const seg = run('readelf', ['-l', '--wide', path]);
  const ver = run('readelf', ['-V', '--wide', path]);
  const all = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[1]!);
  const versionNeeds: ElfOracle['versionNeeds'] = [];
  const needSection = ver.split(/\n(?=Version needs section)/).find((s) => s.startsWith('Version needs section')) ?? '';
  for (const line of needSection.split('\n')) {
    const file = /File: (\S+)\s+Cnt:/.exec(line);
    if (file) versionNeeds.push({ file: file[1]!, versions: [] });
    const name = /Name: (\S+)\s+Flags:/.exec(line);
    if (name) versionNeeds[versionNeeds.length - 1]!.versions.push(name[1]!);
  }
  return {
    interpreter: /\[Requesting program interpreter: ([^\]]+)\]/.exec(seg)?.[1] ?? null,
    needed: all(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g, dyn),
    runpath: all(/\(RUNPATH\)\s+Library runpath: \[([^\]]+)\]/g, dyn).flatMap((p) => p.split(':')),
    rpath: all(/\(RPATH\)\s+Library rpath: \[([^\]]+)\]/g, dyn).flatMap((p) => p.split(':')),
    pie: /\(FLAGS_1\)\s+Flags:.*\bPIE\b/.test(dyn),
    versionNeeds,
  };
}

/** The linkage `file` gives: `static-pie`, `static`, `shared-library` or `dynamic`. */
export function fileLinkage(path: string): string {
  const out = run('file', ['-b', path]);
  if (/static-pie linked/.test(out)) return 'static-pie';
  if (/statically linked/.test(out)) return 'static';
  if (/shared object/.test(out) && !/pie executable/.test(out)) return 'shared-library';
  if (/dynamically linked/.test(out)) return 'dynamic';
  throw new Error(`file says nothing of the linkage of ${path}: ${out}`);
}

/** `llvm-readobj --needed-libs`: per slice (a universal file has several), the libraries in the tool's (sorted) order. */
export function readobjNeeded(path: string): { arch: string; needed: string[] }[] {
  const out = run('llvm-readobj', ['--needed-libs', path]);
  return out
    .split(/\n(?=File: )/)
    .filter((s) => s.includes('NeededLibraries'))
    .map((s) => ({
      arch: /Arch: (\S+)/.exec(s)?.[1] ?? '',
      needed: (/NeededLibraries \[\n([\s\S]*?)\n\]/.exec(s)?.[1] ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    }));
}

/** `llvm-readobj --coff-imports`: the imported DLL names, in order (delay-loaded ones too). */
export function readobjCoffImports(path: string): string[] {
  const out = run('llvm-readobj', ['--coff-imports', path]);
  return [...out.matchAll(/^\s*(?:Import|DelayImport) \{\n\s*Name: (\S+)/gm)].map((m) => m[1]!);
}

/** `llvm-readobj --file-headers` of a PE: whether IMAGE_FILE_DLL is set, and the machine. */
export function readobjCoffHeader(path: string): { dll: boolean; machine: string } {
  const out = run('llvm-readobj', ['--file-headers', path]);
  return { dll: /IMAGE_FILE_DLL/.test(out), machine: /Machine: (\S+)/.exec(out)?.[1] ?? '' };
}

/** `llvm-objdump --macho --private-headers`: the LC_RPATH paths of each slice, in order. */
export function objdumpRpaths(path: string): string[] {
  const out = run('llvm-objdump', ['--macho', '--private-headers', '--arch=all', path]);
  return [...out.matchAll(/cmd LC_RPATH\n\s*cmdsize \d+\n\s*path (\S+)/g)].map((m) => m[1]!);
}

/** `llvm-objdump --macho --private-headers`: a dylib's own install name (LC_ID_DYLIB), which `llvm-readobj --needed-libs` lists among the needed. */
export function objdumpDylibId(path: string): string | null {
  const out = run('llvm-objdump', ['--macho', '--private-headers', path]);
  return /cmd LC_ID_DYLIB\n\s*cmdsize \d+\n\s*name (\S+)/.exec(out)?.[1] ?? null;
}

/** `llvm-readobj --coff-imports`: the functions imported by name from each DLL, in order (delay-loaded ones too). */
export function readobjCoffImportedFunctions(path: string): string[][] {
  const out = run('llvm-readobj', ['--coff-imports', path]);
  return out
    .split(/^\s*(?:Import|DelayImport) \{$/m)
    .slice(1)
    .map((block) => [...block.matchAll(/^\s*Symbol: (\S+) \(\d+\)$/gm)].map((m) => m[1]!));
}

/** `llvm-nm`: whether the symbol table (of every slice) names `symbol`. */
export function nmHas(path: string, symbol: string): boolean {
  const out = run('llvm-nm', ['--arch=all', path]);
  return out.split('\n').some((l) => l.trim().split(/\s+/).pop() === symbol);
}
