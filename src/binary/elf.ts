/**
 * ELF reader: the facts `verify` needs from an executable or shared object,
 * read from the file itself (nothing is run, no loader is asked).
 *
 * References: the System V gABI, "Object Files" (ELF header, sections,
 * symbol table) and "Program Loading and Dynamic Linking" (program headers,
 * the dynamic section), at https://www.sco.com/developers/gabi/latest/;
 * symbol versioning (`DT_VERNEED`, `Elf*_Verneed`, `Elf*_Vernaux`) from the
 * Linux Standard Base Core specification, "Symbol Versioning"; `DT_FLAGS_1`
 * and `DF_1_PIE` from glibc's `elf/elf.h`. Both classes (32/64-bit) and both
 * byte orders are read; every offset and count is checked against the file
 * before use, and every chain (version needs) is followed at most once per
 * entry.
 */
import { Bytes } from './bytes.js';

// e_ident (gABI "ELF Identification")
const EI_CLASS = 4;
const EI_DATA = 5;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;

// e_type
export const ET_EXEC = 2;
export const ET_DYN = 3;

// p_type (gABI "Program Header")
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;

// sh_type (gABI "Sections"; SHT_GNU_verneed from the LSB)
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

// d_tag (gABI "Dynamic Section"; the GNU tags from glibc's elf.h)
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;
const DT_FLAGS_1 = 0x6ffffffbn;
const DT_VERNEED = 0x6ffffffen;
const DT_VERNEEDNUM = 0x6fffffffn;
export const DF_1_PIE = 0x08000000;

/** gABI e_machine values, by the names binutils' `readelf -h` prints them with (short form). */
const MACHINES: Record<number, string> = {
  2: 'sparc',
  3: 'x86',
  8: 'mips',
  20: 'powerpc',
  21: 'powerpc64',
  22: 's390x',
  40: 'arm',
  43: 'sparc64',
  50: 'ia64',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
};

export interface VersionNeed {
  /** The library the versions are needed from (`vn_file`), e.g. `libc.so.6`. */
  file: string;
  /** The version names (`vna_name`), e.g. `GLIBC_2.34`. */
  versions: string[];
}

export interface ElfInfo {
  format: 'elf';
  bits: 32 | 64;
  endian: 'le' | 'be';
  /** e_type: 1 relocatable, 2 executable, 3 shared object (PIE executables too), 4 core. */
  type: number;
  machine: string;
  interpreter: string | null;
  hasDynamic: boolean;
  needed: string[];
  rpath: string[];
  runpath: string[];
  /** DT_FLAGS_1, 0 when absent. */
  flags1: number;
  versionNeeds: VersionNeed[];
  /** Whether glibc's ABI note (`.note.ABI-tag`, from glibc's crt1.o) is there: evidence of glibc in a static binary. */
  glibcAbiNote: boolean;
  /**
   * Whether the binary calls `dlopen`: an undefined dynamic symbol of that
   * name, or a `dlopen` defined in the symbol table of a static binary; null
   * when no symbol table tells (a stripped static binary).
   */
  dlopen: boolean | null;
}

interface Layout {
  b: Bytes;
  is64: boolean;
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

interface Section {
  name: number;
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export function isElf(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

/** Reads the ELF facts of `buf` (a whole file, `path` for messages). */
export function readElf(buf: Buffer, path: string): ElfInfo {
  const raw = new Bytes(buf, path, 'le', 'ELF');
  const cls = raw.u8(EI_CLASS, 'the ELF class');
  const data = raw.u8(EI_DATA, 'the ELF byte order');
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) raw.fail(`malformed ELF file: unknown class ${cls}`);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) raw.fail(`malformed ELF file: unknown byte order ${data}`);
  const b = raw.withEndian(data === ELFDATA2LSB ? 'le' : 'be');
  const is64 = cls === ELFCLASS64;
  const l: Layout = { b, is64 };
  const headerSize = is64 ? 64 : 52;
  b.check(0, headerSize, 'the ELF header');
  const type = b.u16(16, 'e_type');
  const machineCode = b.u16(18, 'e_machine');
  const phoff = word(l, is64 ? 32 : 28, 'e_phoff');
  const shoff = word(l, is64 ? 40 : 32, 'e_shoff');
  const phentsize = b.u16(is64 ? 54 : 42, 'e_phentsize');
  let phnum = b.u16(is64 ? 56 : 44, 'e_phnum');
  const shentsize = b.u16(is64 ? 58 : 46, 'e_shentsize');
  const shnumField = b.u16(is64 ? 60 : 48, 'e_shnum');
  const shstrndxField = b.u16(is64 ? 62 : 50, 'e_shstrndx');

  // Sections (gABI "Sections": e_shnum 0 and e_shstrndx SHN_XINDEX put the real values in section 0).
  let sections: Section[] = [];
  if (shoff !== 0) {
    if (shentsize < (is64 ? 64 : 40)) b.fail(`malformed ELF file: section header size ${shentsize} is too small`);
    const first = sectionAt(l, shoff, 'section header 0');
    const shnum = shnumField === 0 ? first.size : shnumField;
    if (phnum === PN_XNUM) phnum = sectionInfo(l, shoff, 'section header 0');
    b.check(shoff, shnum * shentsize, `the ${shnum} section headers`);
    sections = Array.from({ length: shnum }, (_, i) => sectionAt(l, shoff + i * shentsize, `section header ${i}`));
  }

  // Program headers (gABI "Program Header").
  const segments: Segment[] = [];
  if (phnum > 0) {
    if (phentsize < (is64 ? 56 : 32)) b.fail(`malformed ELF file: program header size ${phentsize} is too small`);
    b.check(phoff, phnum * phentsize, `the ${phnum} program headers`);
    for (let i = 0; i < phnum; i++) segments.push(segmentAt(l, phoff + i * phentsize, i));
  }

  const interpSeg = segments.find((s) => s.type === PT_INTERP);
  let interpreter: string | null = null;
  if (interpSeg) {
    b.check(interpSeg.offset, interpSeg.filesz, 'PT_INTERP');
    interpreter = b.cstring(interpSeg.offset, interpSeg.offset + interpSeg.filesz, 'the interpreter name (PT_INTERP)');
  }

  const dynSeg = segments.find((s) => s.type === PT_DYNAMIC);
  const loads = segments.filter((s) => s.type === PT_LOAD);
  const info: ElfInfo = {
    format: 'elf',
    bits: is64 ? 64 : 32,
    endian: b.endian,
    type,
    machine: MACHINES[machineCode] ?? `elf-machine-${machineCode}`,
    interpreter,
    hasDynamic: !!dynSeg,
    needed: [],
    rpath: [],
    runpath: [],
    flags1: 0,
    versionNeeds: [],
    glibcAbiNote: false,
    dlopen: null,
  };

  const names = sectionNames(l, sections, shstrndxField === SHN_XINDEX && sections.length ? sections[0]!.link : shstrndxField);
  info.glibcAbiNote = names.includes('.note.ABI-tag');

  if (dynSeg) readDynamic(l, dynSeg, loads, sections, info);
  info.dlopen = findDlopen(l, sections, !!dynSeg);
  return info;
}

/** An address-sized field (Elf32_Addr/Off or Elf64_Addr/Off). */
function word(l: Layout, offset: number, what: string): number {
  return l.is64 ? l.b.u64(offset, what) : l.b.u32(offset, what);
}

function segmentAt(l: Layout, at: number, i: number): Segment {
  const what = `program header ${i}`;
  if (l.is64) {
    return { type: l.b.u32(at, what), offset: l.b.u64(at + 8, what), vaddr: l.b.u64(at + 16, what), filesz: l.b.u64(at + 32, what) };
  }
  return { type: l.b.u32(at, what), offset: l.b.u32(at + 4, what), vaddr: l.b.u32(at + 8, what), filesz: l.b.u32(at + 16, what) };
}

function sectionAt(l: Layout, at: number, what: string): Section {
  const b = l.b;
  if (l.is64) {
    return { name: b.u32(at, what), type: b.u32(at + 4, what), offset: b.u64(at + 24, what), size: b.u64(at + 32, what), link: b.u32(at + 40, what), entsize: b.u64(at + 56, what) };
  }
  return { name: b.u32(at, what), type: b.u32(at + 4, what), offset: b.u32(at + 16, what), size: b.u32(at + 20, what), link: b.u32(at + 24, what), entsize: b.u32(at + 36, what) };
}

function sectionInfo(l: Layout, at: number, what: string): number {
  return l.b.u32(at + (l.is64 ? 44 : 28), what);
}

/** Section names from the section header string table; an unreadable table gives no names (names only add evidence). */
function sectionNames(l: Layout, sections: Section[], shstrndx: number): string[] {
  const table = sections[shstrndx];
  if (!table || !l.b.has(table.offset, table.size)) return [];
  const end = table.offset + table.size;
  return sections.map((s) => (s.name < table.size ? safeString(l.b, table.offset + s.name, end) : ''));
}

function safeString(b: Bytes, offset: number, end: number): string {
  const nul = b.buf.indexOf(0, offset);
  return nul < 0 || nul >= end ? '' : b.buf.toString('latin1', offset, nul);
}

/** The file offset of virtual address `addr`, through the PT_LOAD segment that maps it. */
function fileOffset(l: Layout, loads: Segment[], addr: number, what: string): number {
  const seg = loads.find((s) => addr >= s.vaddr && addr < s.vaddr + s.filesz);
  if (!seg) l.b.fail(`malformed ELF file: ${what} (address 0x${addr.toString(16)}) is in no loaded segment`);
  return seg.offset + (addr - seg.vaddr);
}

/** The dynamic section (gABI "Dynamic Section"): read up to DT_NULL or the segment's end, whichever is first. */
function readDynamic(l: Layout, seg: Segment, loads: Segment[], sections: Section[], info: ElfInfo): void {
  const b = l.b;
  b.check(seg.offset, seg.filesz, 'the dynamic section (PT_DYNAMIC)');
  const entSize = l.is64 ? 16 : 8;
  const count = Math.floor(seg.filesz / entSize);
  const needed: number[] = [];
  const rpath: number[] = [];
  const runpath: number[] = [];
  let strtab: number | undefined;
  let strsz: number | undefined;
  let verneed: number | undefined;
  let verneednum: number | undefined;
  for (let i = 0; i < count; i++) {
    const at = seg.offset + i * entSize;
    const tag = l.is64 ? b.u64big(at, 'd_tag') : BigInt(b.u32(at, 'd_tag'));
    // A 64-bit value past 2^53 is no offset or address in any file: kept as one no bounds check passes.
    const val = l.is64 ? Math.min(Number(b.u64big(at + 8, 'd_val')), Number.MAX_SAFE_INTEGER) : b.u32(at + 4, 'd_val');
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) needed.push(val);
    else if (tag === DT_RPATH) rpath.push(val);
    else if (tag === DT_RUNPATH) runpath.push(val);
    else if (tag === DT_STRTAB) strtab = val;
    else if (tag === DT_STRSZ) strsz = val;
    else if (tag === DT_FLAGS_1) info.flags1 = val >>> 0;
    else if (tag === DT_VERNEED) verneed = val;
    else if (tag === DT_VERNEEDNUM) verneednum = val;
  }
  const wantsStrings = needed.length || rpath.length || runpath.length || verneed !== undefined;
  if (!wantsStrings) return;
  if (strtab === undefined) return b.fail('malformed ELF file: the dynamic section has no string table (DT_STRTAB)');
  const strOff = fileOffset(l, loads, strtab, 'the dynamic string table (DT_STRTAB)');
  const strEnd = strsz === undefined ? b.length : Math.min(b.length, strOff + strsz);
  const str = (v: number, what: string) => b.cstring(strOff + v, strEnd, what);
  info.needed = needed.map((v) => str(v, 'a DT_NEEDED name'));
  info.rpath = rpath.flatMap((v) => str(v, 'DT_RPATH').split(':')).filter(Boolean);
  info.runpath = runpath.flatMap((v) => str(v, 'DT_RUNPATH').split(':')).filter(Boolean);
  if (verneed !== undefined) {
    info.versionNeeds = readVerneed(l, fileOffset(l, loads, verneed, 'the version needs (DT_VERNEED)'), verneednum, str);
  } else {
    const sec = sections.find((s) => s.type === SHT_GNU_VERNEED);
    const strSec = sec && sections[sec.link];
    if (sec && strSec) {
      b.check(strSec.offset, strSec.size, 'the string table of .gnu.version_r');
      const end = strSec.offset + strSec.size;
      info.versionNeeds = readVerneed(l, sec.offset, undefined, (v, what) => b.cstring(strSec.offset + v, end, what));
    }
  }
}

/**
 * The version needs (LSB "Version Requirements"): a chain of Elf_Verneed
 * (16 bytes: vn_version, vn_cnt, vn_file, vn_aux, vn_next), each with a
 * chain of Elf_Vernaux (16 bytes: vna_hash, vna_flags, vna_other, vna_name,
 * vna_next). Each entry is visited at most once, so a looping chain ends.
 */
function readVerneed(l: Layout, start: number, num: number | undefined, str: (v: number, what: string) => string): VersionNeed[] {
  const b = l.b;
  const out: VersionNeed[] = [];
  const seen = new Set<number>();
  let at = start;
  const limit = num ?? Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < limit; i++) {
    if (seen.has(at)) b.fail('malformed ELF file: the version needs (DT_VERNEED) form a loop');
    seen.add(at);
    b.check(at, 16, 'a version need (Elf_Verneed)');
    const cnt = b.u16(at + 2, 'vn_cnt');
    const file = str(b.u32(at + 4, 'vn_file'), 'a version need file name');
    const versions: string[] = [];
    let aux = at + b.u32(at + 8, 'vn_aux');
    for (let j = 0; j < cnt; j++) {
      if (seen.has(aux)) b.fail('malformed ELF file: the version need entries (Elf_Vernaux) form a loop');
      seen.add(aux);
      b.check(aux, 16, 'a version need entry (Elf_Vernaux)');
      versions.push(str(b.u32(aux + 8, 'vna_name'), 'a version name'));
      const next = b.u32(aux + 12, 'vna_next');
      if (next === 0) break;
      aux += next;
    }
    out.push({ file, versions });
    const next = b.u32(at + 12, 'vn_next');
    if (next === 0) break;
    at += next;
  }
  return out;
}

/**
 * Whether `dlopen` is called: in a dynamic binary a `dlopen` in `.dynsym`
 * (imported, undefined there); in a static one a `dlopen` in `.symtab`
 * (linked in because something calls it). Null when the
 * table that would tell is absent (stripped).
 */
function findDlopen(l: Layout, sections: Section[], dynamic: boolean): boolean | null {
  const b = l.b;
  const entSize = l.is64 ? 24 : 16;
  const table = sections.find((s) => s.type === (dynamic ? SHT_DYNSYM : SHT_SYMTAB)) ?? (dynamic ? sections.find((s) => s.type === SHT_SYMTAB) : undefined);
  if (!table) return null;
  const strSec = sections[table.link];
  if (!strSec) return b.fail('malformed ELF file: a symbol table names no string table (sh_link)');
  b.check(table.offset, table.size, 'a symbol table');
  b.check(strSec.offset, strSec.size, 'the string table of a symbol table');
  const strEnd = strSec.offset + strSec.size;
  const count = Math.floor(table.size / entSize);
  const target = Buffer.from('dlopen\0', 'latin1');
  for (let i = 1; i < count; i++) {
    const at = table.offset + i * entSize;
    const name = b.u32(at, 'st_name');
    const nameAt = strSec.offset + name;
    if (name >= strSec.size || nameAt + target.length > strEnd) continue;
    if (b.buf.compare(target, 0, target.length, nameAt, nameAt + target.length) !== 0) continue;
    return true;
  }
  return false;
}
