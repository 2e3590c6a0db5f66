/**
 * Reading built binaries: the format is told by the magic, and each format
 * has its own reader (`elf.ts`, `pe.ts`, `macho.ts`); `classify.ts` says
 * what their facts mean. Nothing here runs the binary or a loader.
 */
import { BinaryError, readBinaryFile } from './bytes.js';
import { elfFacts, machoFacts, peFacts, type BinaryFacts } from './classify.js';
import { isElf, readElf } from './elf.js';
import { isMachO, readMachO } from './macho.js';
import { isPe, readPe } from './pe.js';

export { BinaryError, MAX_BINARY_BYTES, readBinaryFile } from './bytes.js';
export * from './classify.js';
export { readElf, type ElfInfo, type VersionNeed } from './elf.js';
export { readPe, type PeInfo } from './pe.js';
export { readMachO, type MachOInfo, type MachOSlice } from './macho.js';

/** The facts of a binary held in `buf` (one per slice of a universal Mach-O); `path` names it in errors. */
export function inspectBuffer(buf: Buffer, path: string): BinaryFacts[] {
  if (isElf(buf)) return [elfFacts(path, readElf(buf, path))];
  if (isPe(buf)) return [peFacts(path, readPe(buf, path))];
  if (isMachO(buf)) return readMachO(buf, path).slices.map((s) => machoFacts(path, s));
  if (buf.length < 4) throw new BinaryError(path, `not a binary: ${buf.length} bytes, too short for any executable format`);
  throw new BinaryError(path, 'not an ELF, PE or Mach-O binary');
}

/** Reads and inspects the binary at `path` (shown as `display`). */
export function inspectBinary(path: string, display = path): BinaryFacts[] {
  return inspectBuffer(readBinaryFile(path, display), display);
}
