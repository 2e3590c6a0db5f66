/**
 * PE/COFF reader: the machine, whether the image is a DLL, and the DLLs it
 * imports (the import directory, and the delay-load one).
 *
 * Reference: Microsoft's "PE Format" specification
 * (https://learn.microsoft.com/windows/win32/debug/pe-format): "MS-DOS
 * Stub (Image Only)" (e_lfanew at 0x3c), "Signature (Image Only)", "COFF
 * File Header (Object and Image)", "Optional Header (Image Only)" and its
 * "Optional Header Data Directories", "Section Table (Section Headers)",
 * "The .idata Section" (Import Directory Table) and "Delay-Load Import
 * Tables". Every RVA is mapped through the section table and checked.
 */
import { Bytes } from './bytes.js';

const IMAGE_FILE_DLL = 0x2000;
const PE32 = 0x10b;
const PE32_PLUS = 0x20b;
const IMPORT_DIRECTORY = 1;
const DELAY_IMPORT_DIRECTORY = 13;
/** A DLL name longer than this is refused (Windows paths stop far below it). */
const MAX_NAME = 4096;

/** "Machine Types", by the names Rust's target triples use. */
const MACHINES: Record<number, string> = {
  332: 'x86',
  34404: 'x86_64',
  43620: 'aarch64',
  448: 'arm',
  452: 'thumbv7',
  42561: 'arm64ec',
};

export interface PeInfo {
  format: 'pe';
  machine: string;
  /** IMAGE_FILE_DLL in the COFF characteristics. */
  dll: boolean;
  /** The DLLs of the import directory, in its order. */
  imports: string[];
  /** The DLLs of the delay-load import directory. */
  delayImports: string[];
  /** The functions imported by name from each DLL of `imports` then `delayImports`, in the same order (ordinals left out). */
  importedFunctions: string[][];
}

/** The functions that load a DLL at run time: Windows' dlopen. */
export const LOAD_LIBRARY = /^LoadLibrary(?:Ex)?[AW]$|^LoadPackagedLibrary$/;

/** `MZ`, and a `PE\0\0` signature where e_lfanew points. */
export function isPe(buf: Buffer): boolean {
  if (buf.length < 0x40 || buf[0] !== 0x4d || buf[1] !== 0x5a) return false;
  const lfanew = buf.readUInt32LE(0x3c);
  return lfanew + 4 <= buf.length && buf.readUInt32LE(lfanew) === 0x00004550;
}

interface SectionHeader {
  va: number;
  vsize: number;
  rawSize: number;
  rawPtr: number;
}

export function readPe(buf: Buffer, path: string): PeInfo {
  const b = new Bytes(buf, path, 'le', 'PE');
  const lfanew = b.u32(0x3c, 'e_lfanew');
  if (b.u32(lfanew, 'the PE signature') !== 0x00004550) b.fail('malformed PE file: no PE signature where e_lfanew points');
  const coff = lfanew + 4;
  b.check(coff, 20, 'the COFF file header');
  const machineCode = b.u16(coff, 'Machine');
  const nsections = b.u16(coff + 2, 'NumberOfSections');
  const optSize = b.u16(coff + 16, 'SizeOfOptionalHeader');
  const characteristics = b.u16(coff + 18, 'Characteristics');
  const opt = coff + 20;
  b.check(opt, optSize, 'the optional header');
  const magic = b.u16(opt, 'the optional header magic');
  if (magic !== PE32 && magic !== PE32_PLUS) b.fail(`malformed PE file: unknown optional header magic 0x${magic.toString(16)}`);
  const plus = magic === PE32_PLUS;
  const countAt = opt + (plus ? 108 : 92);
  const dirsAt = opt + (plus ? 112 : 96);
  const ndirs = countAt + 4 <= opt + optSize ? b.u32(countAt, 'NumberOfRvaAndSizes') : 0;
  const dir = (i: number): { rva: number; size: number } | null => {
    const at = dirsAt + i * 8;
    if (i >= ndirs || at + 8 > opt + optSize) return null;
    const rva = b.u32(at, 'a data directory');
    return rva ? { rva, size: b.u32(at + 4, 'a data directory size') } : null;
  };

  const secAt = opt + optSize;
  b.check(secAt, nsections * 40, `the ${nsections} section headers`);
  const sections: SectionHeader[] = Array.from({ length: nsections }, (_, i) => {
    const at = secAt + i * 40;
    return { vsize: b.u32(at + 8, 'VirtualSize'), va: b.u32(at + 12, 'VirtualAddress'), rawSize: b.u32(at + 16, 'SizeOfRawData'), rawPtr: b.u32(at + 20, 'PointerToRawData') };
  });
  const offsetOf = (rva: number, what: string): number => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + Math.max(x.vsize, x.rawSize));
    if (!s || rva - s.va >= s.rawSize) return b.fail(`malformed PE file: ${what} (RVA 0x${rva.toString(16)}) is in no section's data`);
    return s.rawPtr + (rva - s.va);
  };
  const name = (rva: number, what: string): string => {
    const at = offsetOf(rva, what);
    return b.cstring(at, Math.min(b.length, at + MAX_NAME), what);
  };

  /**
   * "Import Lookup Table": entries of 4 bytes (PE32) or 8 (PE32+) up to a
   * zero one; the high bit marks an import by ordinal, else the low 31 bits
   * are the RVA of a Hint/Name entry (a 2-byte hint, then the name).
   */
  const functions = (rva: number): string[] => {
    const out: string[] = [];
    if (rva === 0) return out;
    const size = plus ? 8 : 4;
    for (let at = offsetOf(rva, 'an import lookup table'); ; at += size) {
      b.check(at, size, 'an import lookup table entry');
      const low = b.u32(at, 'an import lookup table entry');
      const high = plus ? b.u32(at + 4, 'an import lookup table entry') : 0;
      if (low === 0 && high === 0) break;
      const byOrdinal = plus ? (high & 0x80000000) !== 0 : (low & 0x80000000) !== 0;
      if (!byOrdinal) out.push(name((low & 0x7fffffff) + 2, 'an imported function name'));
    }
    return out;
  };
  const imports: string[] = [];
  const importedFunctions: string[][] = [];
  const importDir = dir(IMPORT_DIRECTORY);
  if (importDir) {
    // Import Directory Table: 20-byte entries up to an all-zero one; Import Lookup Table RVA at +0, Name at +12, Import Address Table at +16.
    const start = offsetOf(importDir.rva, 'the import directory');
    for (let at = start; ; at += 20) {
      b.check(at, 20, 'an import directory entry');
      if (buf.subarray(at, at + 20).every((x) => x === 0)) break;
      imports.push(name(b.u32(at + 12, 'an import Name RVA'), 'an imported DLL name'));
      importedFunctions.push(functions(b.u32(at, 'an Import Lookup Table RVA') || b.u32(at + 16, 'an Import Address Table RVA')));
    }
  }
  const delayImports: string[] = [];
  const delayDir = dir(DELAY_IMPORT_DIRECTORY);
  if (delayDir) {
    // Delay-Load Directory Table: 32-byte entries up to an all-zero one; Name at +4, Delay Import Name Table at +16.
    const start = offsetOf(delayDir.rva, 'the delay-load import directory');
    for (let at = start; ; at += 32) {
      b.check(at, 32, 'a delay-load import entry');
      if (buf.subarray(at, at + 32).every((x) => x === 0)) break;
      delayImports.push(name(b.u32(at + 4, 'a delay-load Name RVA'), 'a delay-loaded DLL name'));
      importedFunctions.push(functions(b.u32(at + 16, 'a Delay Import Name Table RVA')));
    }
  }
  return {
    format: 'pe',
    machine: MACHINES[machineCode] ?? `pe-machine-0x${machineCode.toString(16)}`,
    dll: (characteristics & IMAGE_FILE_DLL) !== 0,
    imports,
    delayImports,
    importedFunctions,
  };
}
