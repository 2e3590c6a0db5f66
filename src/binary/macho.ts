/**
 * Mach-O reader, thin and fat (universal): per slice, the CPU, the file
 * type, the dylibs loaded and the rpaths.
 *
 * References: Apple's `<mach-o/loader.h>` (mach_header, mach_header_64,
 * load_command, dylib_command, rpath_command, dylinker_command; the LC_*
 * and MH_* values) and `<mach-o/fat.h>` (fat_header, fat_arch,
 * fat_arch_64), as published in xnu's `EXTERNAL_HEADERS/mach-o/` and
 * cctools. The fat header is always big-endian; a thin header's magic gives
 * its byte order. Load commands are read within `sizeofcmds` and the file,
 * each at least 8 bytes, so the walk always moves forward and ends.
 */
import { Bytes } from './bytes.js';

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const MH_CIGAM = 0xcefaedfe;
const MH_CIGAM_64 = 0xcffaedfe;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
/**
 * More slices than this is not a universal binary: 0xcafebabe is also a Java
 * class file's magic, followed there by its version (major 45 and up), so a
 * count above 30 is a class file (the bound file(1) uses too).
 */
const MAX_FAT_ARCHS = 30;

export const MH_EXECUTE = 2;
export const MH_DYLIB = 6;
export const MH_BUNDLE = 8;

const LC_REQ_DYLD = 0x80000000;
const LC_LOAD_DYLIB = 0xc;
const LC_SYMTAB = 0x2;
const LC_LOAD_DYLINKER = 0xe;
const LC_LOAD_WEAK_DYLIB = (0x18 | LC_REQ_DYLD) >>> 0;
const LC_RPATH = (0x1c | LC_REQ_DYLD) >>> 0;
const LC_REEXPORT_DYLIB = (0x1f | LC_REQ_DYLD) >>> 0;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_LOAD_UPWARD_DYLIB = (0x23 | LC_REQ_DYLD) >>> 0;
const DYLIB_LOADS = new Set([LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB]);

/** `<mach/machine.h>` CPU types. */
const CPU_ARCH_ABI64 = 0x01000000;
const CPUS: Record<number, string> = {
  7: 'x86',
  [7 | CPU_ARCH_ABI64]: 'x86_64',
  12: 'arm',
  [12 | CPU_ARCH_ABI64]: 'aarch64',
  [12 | 0x02000000]: 'arm64_32',
  18: 'powerpc',
  [18 | CPU_ARCH_ABI64]: 'powerpc64',
};

export interface MachOSlice {
  machine: string;
  /** MH_EXECUTE 2, MH_DYLIB 6, MH_BUNDLE 8, ... */
  fileType: number;
  /** LC_LOAD_DYLINKER's path (dyld), or null. */
  dylinker: string | null;
  /** Install names of the dylibs loaded (LC_LOAD_DYLIB and its weak, re-export, lazy and upward kinds). */
  dylibs: string[];
  rpaths: string[];
  /** Whether `_dlopen` is in the symbol table (LC_SYMTAB); null without one. */
  dlopen: boolean | null;
}

export interface MachOInfo {
  format: 'macho';
  /** Whether it is a fat (universal) file. */
  fat: boolean;
  slices: MachOSlice[];
}

function magicOf(buf: Buffer): number {
  return buf.length >= 4 ? buf.readUInt32BE(0) : 0;
}

export function isMachO(buf: Buffer): boolean {
  const m = magicOf(buf);
  if (m === FAT_MAGIC || m === FAT_MAGIC_64) return buf.length >= 8 && buf.readUInt32BE(4) > 0 && buf.readUInt32BE(4) <= MAX_FAT_ARCHS;
  return m === MH_MAGIC || m === MH_MAGIC_64 || m === MH_CIGAM || m === MH_CIGAM_64;
}

export function readMachO(buf: Buffer, path: string): MachOInfo {
  const b = new Bytes(buf, path, 'be', 'Mach-O');
  const magic = b.u32(0, 'the magic');
  if (magic === FAT_MAGIC || magic === FAT_MAGIC_64) {
    const is64 = magic === FAT_MAGIC_64;
    const n = b.u32(4, 'nfat_arch');
    if (n === 0 || n > MAX_FAT_ARCHS) b.fail(`malformed Mach-O file: ${n} architectures in a universal file`);
    const size = is64 ? 32 : 20;
    b.check(8, n * size, `the ${n} fat_arch entries`);
    const slices: MachOSlice[] = [];
    for (let i = 0; i < n; i++) {
      const at = 8 + i * size;
      const offset = is64 ? b.u64(at + 8, 'fat_arch offset') : b.u32(at + 8, 'fat_arch offset');
      const length = is64 ? b.u64(at + 16, 'fat_arch size') : b.u32(at + 12, 'fat_arch size');
      const slice = b.slice(offset, length, `slice ${i} of the universal file`);
      const inner = slice.length >= 4 ? slice.buf.readUInt32BE(0) : 0;
      if (inner === FAT_MAGIC || inner === FAT_MAGIC_64) b.fail(`malformed Mach-O file: slice ${i} is itself a universal file`);
      slices.push(readThin(slice, `slice ${i}: `));
    }
    return { format: 'macho', fat: true, slices };
  }
  return { format: 'macho', fat: false, slices: [readThin(b, '')] };
}

function readThin(raw: Bytes, where: string): MachOSlice {
  const magic = raw.withEndian('be').u32(0, `${where}the magic`);
  const endian = magic === MH_MAGIC || magic === MH_MAGIC_64 ? 'be' : magic === MH_CIGAM || magic === MH_CIGAM_64 ? 'le' : null;
  if (!endian) return raw.fail(`malformed Mach-O file: ${where}unknown magic 0x${magic.toString(16)}`);
  const b = raw.withEndian(endian);
  const is64 = magic === MH_MAGIC_64 || magic === MH_CIGAM_64;
  const headerSize = is64 ? 32 : 28;
  b.check(0, headerSize, `${where}the Mach-O header`);
  const cpu = b.u32(4, 'cputype');
  const fileType = b.u32(12, 'filetype');
  const ncmds = b.u32(16, 'ncmds');
  const sizeofcmds = b.u32(20, 'sizeofcmds');
  b.check(headerSize, sizeofcmds, `${where}the load commands (sizeofcmds)`);
  const end = headerSize + sizeofcmds;
  const slice: MachOSlice = { machine: CPUS[cpu] ?? `macho-cpu-0x${cpu.toString(16)}`, fileType, dylinker: null, dylibs: [], rpaths: [], dlopen: null };
  let at = headerSize;
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > end) b.fail(`malformed Mach-O file: ${where}load command ${i} of ${ncmds} lies past sizeofcmds`);
    const cmd = b.u32(at, 'cmd');
    const cmdsize = b.u32(at + 4, 'cmdsize');
    if (cmdsize < 8 || at + cmdsize > end) b.fail(`malformed Mach-O file: ${where}load command ${i} has size ${cmdsize}, outside sizeofcmds`);
    // lc_str: an offset from the start of the command to a NUL-terminated string inside it.
    const lcStr = (what: string) => {
      const off = b.u32(at + 8, what);
      if (off < 8 || off >= cmdsize) b.fail(`malformed Mach-O file: ${where}${what} points outside its load command`);
      return b.cstring(at + off, at + cmdsize, `${where}${what}`);
    };
    if (DYLIB_LOADS.has(cmd)) slice.dylibs.push(lcStr('a dylib name'));
    else if (cmd === LC_RPATH) slice.rpaths.push(lcStr('an rpath'));
    else if (cmd === LC_LOAD_DYLINKER) slice.dylinker = lcStr('the dylinker name');
    else if (cmd === LC_SYMTAB) slice.dlopen = hasSymbol(b, at, is64, '_dlopen', where);
    at += cmdsize;
  }
  return slice;
}

/**
 * Whether the symbol table of an LC_SYMTAB command (symtab_command: symoff,
 * nsyms, stroff, strsize after cmd and cmdsize) names `symbol`; entries are
 * nlist (12 bytes) or nlist_64 (16), n_strx first.
 */
function hasSymbol(b: Bytes, at: number, is64: boolean, symbol: string, where: string): boolean {
  const symoff = b.u32(at + 8, 'symoff');
  const nsyms = b.u32(at + 12, 'nsyms');
  const stroff = b.u32(at + 16, 'stroff');
  const strsize = b.u32(at + 20, 'strsize');
  const size = is64 ? 16 : 12;
  b.check(symoff, nsyms * size, `${where}the symbol table (LC_SYMTAB)`);
  b.check(stroff, strsize, `${where}the string table (LC_SYMTAB)`);
  const wanted = Buffer.from(`${symbol}\0`, 'latin1');
  for (let i = 0; i < nsyms; i++) {
    const strx = b.u32(symoff + i * size, 'n_strx');
    if (strx + wanted.length > strsize) continue;
    const s = stroff + strx;
    if (b.buf.compare(wanted, 0, wanted.length, s, s + wanted.length) === 0) return true;
  }
  return false;
}
