/**
 * Hostile and broken inputs: every reader answers with facts or with a
 * `BinaryError` naming the file (exit 2 from the command), never another
 * exception, a hang or an allocation sized by the file's fields.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BinaryError, inspectBinary, inspectBuffer } from '../../src/binary/index.js';
import { readElf } from '../../src/binary/elf.js';
import { samples } from './samples.js';

const PATH = 'hostile.bin';

/** The facts, or the error's text; anything but a BinaryError fails the test. */
function outcome(buf: Buffer): string {
  try {
    inspectBuffer(buf, PATH);
    return 'read';
  } catch (e) {
    if (!(e instanceof BinaryError)) throw e;
    expect(e.format().startsWith(`${PATH}: `)).toBe(true);
    return e.message;
  }
}

/** The ELF's section and segment boundaries (offsets and ends) and its header tables' ends. */
function elfBoundaries(buf: Buffer): number[] {
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const out = new Set<number>([0, 4, 16, is64 ? 64 : 52]);
  const phoff = word(is64 ? 32 : 28);
  const shoff = word(is64 ? 40 : 32);
  const phnum = u16(is64 ? 56 : 44);
  const shnum = u16(is64 ? 60 : 48);
  const phent = u16(is64 ? 54 : 42);
  const shent = u16(is64 ? 58 : 46);
  out
    .add(phoff)
    .add(phoff + phnum * phent)
    .add(shoff)
    .add(shoff + shnum * shent);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phent;
    const off = word(at + (is64 ? 8 : 4));
    const size = word(at + (is64 ? 32 : 16));
    out
      .add(off)
      .add(off + size)
      .add(off + size - 1);
  }
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shent;
    const off = word(at + (is64 ? 24 : 16));
    const size = word(at + (is64 ? 32 : 20));
    if (u32(at + 4) !== 8)
      out
        .add(off)
        .add(off + size)
        .add(off + size - 1); // SHT_NOBITS takes no file space
  }
  return [...out].filter((n) => n >= 0 && n < buf.length).sort((a, b) => a - b);
}

describe('truncated binaries', () => {
  for (const s of samples()) {
    it(`${s.name}: truncated at every boundary is read or refused, and truncated headers are refused`, () => {
      const cuts = s.bytes[0] === 0x7f ? elfBoundaries(s.bytes) : Array.from({ length: 257 }, (_, i) => Math.floor((s.bytes.length * i) / 256));
      // And every byte of the first headers.
      for (let n = 0; n < Math.min(s.bytes.length, 600); n++) cuts.push(n);
      let refused = 0;
      for (const n of cuts) if (outcome(s.bytes.subarray(0, n)) !== 'read') refused++;
      expect(refused).toBeGreaterThan(0);
      expect(outcome(s.bytes.subarray(0, 3))).toMatch(/too short/);
    });
  }
});

describe('hostile fields', () => {
  const elf = samples().find((s) => s.name.startsWith('ELF x86_64'))!;
  const patched = (write: (b: Buffer) => void) => {
    const b = Buffer.from(elf.bytes);
    write(b);
    return b;
  };

  it('offsets past the end: program and section header tables', () => {
    expect(outcome(patched((b) => b.writeBigUInt64LE(BigInt(elf.bytes.length) + 8n, 32)))).toMatch(/program headers .* past the end/);
    expect(outcome(patched((b) => b.writeBigUInt64LE(0xffffffff_ffffn, 40)))).toMatch(/section header 0 .* past the end/);
    expect(outcome(patched((b) => b.writeBigUInt64LE(0xffffffff_ffffffffn, 40)))).toMatch(/e_shoff is \d+, past any file/);
  });

  it('counts of 2^32: a section count taken from section 0, and a Mach-O with 2^32-1 load commands', () => {
    // e_shnum 0: the count is section 0's sh_size, here 2^32.
    const b = Buffer.from(elf.bytes);
    const shoff = Number(b.readBigUInt64LE(40));
    b.writeUInt16LE(0, 60);
    b.writeBigUInt64LE(0x1_0000_0000n, shoff + 32);
    const started = Date.now();
    expect(outcome(b)).toMatch(/the 4294967296 section headers .* past the end/);
    expect(Date.now() - started).toBeLessThan(1000);
    // 64-bit Mach-O header claiming 2^32-1 commands in 16 bytes of commands.
    const macho = Buffer.alloc(32 + 16);
    macho.writeUInt32LE(0xfeedfacf, 0);
    macho.writeUInt32LE(0x0100000c, 4);
    macho.writeUInt32LE(2, 12);
    macho.writeUInt32LE(0xffffffff, 16);
    macho.writeUInt32LE(16, 20);
    macho.writeUInt32LE(0x19, 32);
    macho.writeUInt32LE(16, 36);
    expect(outcome(macho)).toMatch(/load command 1 of 4294967295 lies past sizeofcmds/);
    // A universal header claiming 2^32-1 slices is no Mach-O at all (0xcafebabe is also Java's magic).
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(0xffffffff, 4);
    expect(outcome(fat)).toMatch(/not an ELF, PE or Mach-O binary/);
    // A Java class file (Java 8: minor 0, major 52) is not taken for a universal binary.
    const java = Buffer.alloc(64);
    java.writeUInt32BE(0xcafebabe, 0);
    java.writeUInt16BE(52, 6);
    expect(outcome(java)).toBe('not an ELF, PE or Mach-O binary');
  });

  it('a dynamic section without DT_NULL ends at its segment, and one reaching past the file is refused', () => {
    const b = Buffer.from(elf.bytes);
    const phoff = Number(b.readBigUInt64LE(32));
    const phnum = b.readUInt16LE(56);
    let dyn = -1;
    for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * 56) === 2) dyn = phoff + i * 56;
    expect(dyn).toBeGreaterThan(0);
    const off = Number(b.readBigUInt64LE(dyn + 8));
    const size = Number(b.readBigUInt64LE(dyn + 32));
    // Every entry a DT_FLAGS_1 (no DT_NULL, no strings): read to the segment's end and stop.
    const noNull = Buffer.from(b);
    for (let at = off; at < off + size; at += 16) {
      noNull.writeBigUInt64LE(0x6ffffffbn, at);
      noNull.writeBigUInt64LE(0n, at + 8);
    }
    expect(outcome(noNull)).toBe('read');
    const past = Buffer.from(b);
    past.writeBigUInt64LE(BigInt(b.length), dyn + 32);
    expect(outcome(past)).toMatch(/dynamic section \(PT_DYNAMIC\).* past the end/);
  });

  it('a version-need chain that comes back on itself is refused, not followed forever', () => {
    const b = Buffer.from(elf.bytes);
    const info = readElf(b, PATH);
    expect(info.versionNeeds.length).toBeGreaterThan(0);
    // Find .gnu.version_r through the section headers and make its first entry's aux chain point at itself.
    const shoff = Number(b.readBigUInt64LE(40));
    const shnum = b.readUInt16LE(60);
    let verneed = -1;
    for (let i = 0; i < shnum; i++) if (b.readUInt32LE(shoff + i * 64 + 4) === 0x6ffffffe) verneed = Number(b.readBigUInt64LE(shoff + i * 64 + 24));
    expect(verneed).toBeGreaterThan(0);
    const aux = verneed + b.readUInt32LE(verneed + 8);
    // vn_cnt 65535 with vna_next 0 stops at the first entry; vn_aux pointing back at the Verneed itself is a loop.
    const many = Buffer.from(b);
    many.writeUInt16LE(0xffff, verneed + 2);
    many.writeUInt32LE(0, aux + 12);
    expect(outcome(many)).toBe('read');
    const loop = Buffer.from(b);
    loop.writeUInt32LE(0, verneed + 8);
    expect(outcome(loop)).toMatch(/form a loop/);
  });

  it('a text file, an empty file, a directory and a missing file are refused with their path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-hostile-'));
    writeFileSync(join(dir, 'notes.txt'), 'just some text\n');
    writeFileSync(join(dir, 'empty'), '');
    mkdirSync(join(dir, 'folder'));
    const refusal = (p: string) => {
      try {
        inspectBinary(join(dir, p), p);
        return 'read';
      } catch (e) {
        expect(e).toBeInstanceOf(BinaryError);
        return (e as BinaryError).format();
      }
    };
    expect(refusal('notes.txt')).toBe('notes.txt: not an ELF, PE or Mach-O binary');
    expect(refusal('empty')).toBe('empty: not a binary: 0 bytes, too short for any executable format');
    expect(refusal('folder')).toBe('folder: is a directory, not a binary');
    expect(refusal('missing')).toBe('missing: no such file');
  });
});
