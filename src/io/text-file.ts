/**
 * Reading the text files the tool is given or finds (manifests, Cargo.lock,
 * configuration, baselines) as cargo reads them: UTF-8 or an error at the
 * first invalid byte, never a device or a FIFO found by walking the tree (a
 * `Cargo.lock` that is `/dev/zero` would be read forever), and never more
 * than a size far beyond any real manifest or lockfile.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { lineColumnAt, UserError } from '../errors.js';

/** Far above any real manifest or lockfile (the largest lockfiles are a few MiB). */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

export interface ReadTextOptions {
  /** What the file is, for messages ("manifest", "lockfile", ...). */
  what: string;
  /**
   * A file the user named on the command line (`--baseline <(…)`): a pipe is
   * read too, still within the size limit. Files the tool finds itself must
   * be regular files.
   */
  named?: boolean;
  limit?: number;
}

/**
 * The file's text. Throws UserError (with the path, and the line and column
 * of the first invalid byte for bad UTF-8); lets ENOENT through as a
 * `NodeJS.ErrnoException` for callers that word "not found" themselves.
 */
export function readTextFile(path: string, opts: ReadTextOptions): string {
  const limit = opts.limit ?? MAX_TEXT_FILE_BYTES;
  // Opened without blocking: opening a FIFO would otherwise wait for a writer before it can be refused.
  const fd = openSync(path, opts.named ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UserError(`the ${opts.what} is a directory, not a file`, { path });
    if (!st.isFile() && !opts.named) throw new UserError(`the ${opts.what} is not a regular file (a device, FIFO or socket); not reading it`, { path });
    const tooLarge = () => new UserError(`the ${opts.what} is larger than ${sizeText(limit)}; not reading it`, { path });
    if (st.isFile() && st.size > limit) throw tooLarge();
    bytes = st.isFile() ? readRegular(fd, st.size, limit, tooLarge) : readStream(fd, limit, tooLarge);
  } finally {
    closeSync(fd);
  }
  return decodeUtf8(bytes, path);
}

/** A regular file: its size as stat gives it, though it may grow or shrink while read. */
const sizeText = (n: number) => (n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n} bytes`);

function readRegular(fd: number, size: number, limit: number, tooLarge: () => UserError): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, null);
    if (n === 0) return buf.subarray(0, got);
    got += n;
  }
  // Grown since stat: read on as a stream, within the limit.
  const rest = readStream(fd, limit - size, tooLarge);
  return rest.length ? Buffer.concat([buf, rest]) : buf;
}

function readStream(fd: number, limit: number, tooLarge: () => UserError): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    total += n;
    if (total > limit) throw tooLarge();
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks);
}

/**
 * The path for the hundreds of vendored manifests a run reads: one
 * non-blocking read that decodes as it goes (a FIFO in the vendor directory
 * is never waited on: it reads as empty, and is then refused as no regular
 * file), checked for U+FFFD, which replacement leaves where a byte was
 * invalid; only a file that holds one is checked byte by byte (it may hold a
 * real U+FFFD). A `stat` per file would cost about 6 ms a run; a device that
 * never ends (`/dev/zero`) is not guarded against here, as cargo does not.
 */
export function readVendoredText(path: string): string {
  // Node takes numeric open flags here too (its typings name only the string forms).
  const text = readFileSync(path, { encoding: 'utf8', flag: (constants.O_RDONLY | constants.O_NONBLOCK) as unknown as string });
  if (text === '' || text.includes('\uFFFD')) return readTextFile(path, { what: 'manifest' });
  return text;
}

/** UTF-8 text as cargo requires it (a BOM is kept, for byte-exact edits), else an error at the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  const at = firstInvalidByte(bytes);
  const before = Buffer.from(bytes.subarray(0, at)).toString('utf8');
  const { line, column } = lineColumnAt(before, before.length);
  throw new UserError(`invalid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')}): the file must be UTF-8 text`, { path, line, column });
}

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
