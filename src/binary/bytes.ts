/**
 * A bounded view of a binary file: every read names its offset and length
 * and is checked against the end of the file first, so a truncated or
 * hostile file is a `BinaryError` naming the file, never a RangeError, a
 * read past the end or an allocation sized by a field of the file.
 */
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { UserError } from '../errors.js';

/** Binaries larger than this are refused rather than read into memory. */
export const MAX_BINARY_BYTES = 1024 * 1024 * 1024;

/** A malformed or unreadable binary: `path: error: message`, exit 2. */
export class BinaryError extends UserError {
  constructor(path: string, message: string) {
    super(message, { path });
    this.name = 'BinaryError';
  }
}

export type Endian = 'le' | 'be';

export class Bytes {
  constructor(
    readonly buf: Buffer,
    readonly path: string,
    readonly endian: Endian = 'le',
    /** What is being read, for messages ("ELF", "PE", "Mach-O"). */
    readonly what = 'binary',
  ) {}

  get length(): number {
    return this.buf.length;
  }

  withEndian(endian: Endian): Bytes {
    return new Bytes(this.buf, this.path, endian, this.what);
  }

  /** A view of `[offset, offset + length)`, checked (fat Mach-O slices). */
  slice(offset: number, length: number, what: string): Bytes {
    this.check(offset, length, what);
    return new Bytes(this.buf.subarray(offset, offset + length), this.path, this.endian, this.what);
  }

  fail(message: string): never {
    throw new BinaryError(this.path, message);
  }

  /** Throws unless `[offset, offset + length)` lies in the file. */
  check(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.buf.length) {
      this.fail(`malformed ${this.what} file: ${what} (offset ${offset}, ${length} bytes) lies past the end of the file (${this.buf.length} bytes)`);
    }
  }

  /** Whether `[offset, offset + length)` lies in the file. */
  has(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.buf.length;
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.buf[offset]!;
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.endian === 'le' ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.endian === 'le' ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
  }

  /** A 64-bit field as a number; values past 2^53 (never a real offset or size) are refused. */
  u64(offset: number, what: string): number {
    this.check(offset, 8, what);
    const v = this.endian === 'le' ? this.buf.readBigUInt64LE(offset) : this.buf.readBigUInt64BE(offset);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`malformed ${this.what} file: ${what} is ${v}, past any file`);
    return Number(v);
  }

  /** A 64-bit field as a bigint (tags and flags, which may use the high bits). */
  u64big(offset: number, what: string): bigint {
    this.check(offset, 8, what);
    return this.endian === 'le' ? this.buf.readBigUInt64LE(offset) : this.buf.readBigUInt64BE(offset);
  }

  /** The NUL-terminated string at `offset`, read no further than `end` (the end of its table). */
  cstring(offset: number, end: number, what: string): string {
    const limit = Math.min(end, this.buf.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= limit) {
      this.fail(`malformed ${this.what} file: ${what} (offset ${offset}) lies outside its table`);
    }
    const nul = this.buf.indexOf(0, offset);
    if (nul < 0 || nul >= limit) this.fail(`malformed ${this.what} file: ${what} (offset ${offset}) is not terminated`);
    return this.buf.toString('latin1', offset, nul);
  }
}

/**
 * Reads a whole binary, refusing what is not a regular file (a directory, a
 * FIFO: opened non-blocking so it never waits) and anything over
 * `MAX_BINARY_BYTES`.
 */
export function readBinaryFile(path: string, display = path, limit = MAX_BINARY_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BinaryError(display, code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new BinaryError(display, 'is a directory, not a binary');
    if (!st.isFile()) throw new BinaryError(display, 'is not a regular file');
    if (st.size > limit) throw new BinaryError(display, `is ${st.size} bytes, over the limit of ${limit} bytes for a binary`);
    const buf = Buffer.allocUnsafe(st.size);
    let done = 0;
    while (done < st.size) {
      const n = readSync(fd, buf, done, st.size - done, done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } catch (e) {
    if (e instanceof BinaryError) throw e;
    throw new BinaryError(display, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
