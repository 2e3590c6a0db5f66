/**
 * `.crate` archives (gzip over tar, every entry under `<name>-<version>/`),
 * read in one pass: the compressed bytes are hashed while they are
 * decompressed and the tar stream is parsed, and only a few small files are
 * kept in memory. Nothing is ever written to disk. What was kept is handed
 * back only when the archive's sha256 equals every checksum it must match
 * (the index's `cksum`, Cargo.lock's `checksum`).
 *
 * The tar reader is written here rather than taken from a package: reading
 * (never writing) the few entry types cargo produces is about 150 lines, and
 * the refusals this needs (a path outside the crate's folder, any link, a
 * device, an absurd size, a damaged header) are easier to prove on code that
 * does only this. Handled: ustar and GNU headers, the ustar `prefix`, GNU long
 * names (`L`) and PAX extended headers (`x`: `path`, `size`; global `g`
 * headers are read and ignored), base-256 sizes, entries in any order.
 */
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { ARCHIVE_LIMITS, ArchiveError } from './crate-files.js';

export { ARCHIVE_LIMITS, ArchiveError };

export interface ArchiveRequest {
  name: string;
  version: string;
  /** Whether to keep a file, by its path inside `<name>-<version>/`. */
  keep: (path: string) => boolean;
  /**
   * Files kept only while they are small (the modules a build script may pull
   * in): one larger than `ARCHIVE_LIMITS.keptOptional`, or beyond
   * `ARCHIVE_LIMITS.keptOptionalTotal` in all, is passed over, not refused.
   */
  keepIfSmall?: (path: string) => boolean;
  /** Lower-case hex sha256 sums the compressed archive must have (index `cksum`, Cargo.lock `checksum`). */
  checksums: readonly string[];
  /** What is read, for messages: "archive of `serde 1.0.0` (sparse+https://…)". */
  what: string;
}

export interface ArchiveContents {
  /** Kept files by path inside the crate's folder. */
  files: Map<string, Buffer>;
  sha256: string;
  compressedBytes: number;
}

/**
 * Reads an archive as its bytes arrive: each chunk is hashed, decompressed
 * and parsed before the next is taken, so no more than a chunk and the kept
 * files are held at once.
 */
export async function readCrateArchive(source: AsyncIterable<Uint8Array> | Buffer, req: ArchiveRequest): Promise<ArchiveContents> {
  const chunks = Buffer.isBuffer(source) ? slices(source) : source;
  const hash = createHash('sha256');
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const parser = new TarParser(req);
  let compressed = 0;
  let failure: unknown;
  gunzip.on('data', (out: Buffer) => {
    if (failure) return;
    try {
      parser.push(out);
    } catch (e) {
      failure = e;
      gunzip.destroy();
    }
  });
  const ended = new Promise<void>((ok, fail) => {
    gunzip.on('end', ok);
    gunzip.on('close', ok);
    gunzip.on('error', (e) => fail(new ArchiveError(`${req.what}: not a gzip stream (${e.message})`, req.name)));
  });
  ended.catch(() => undefined);
  for await (const c of chunks) {
    if (failure) break;
    const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    compressed += chunk.length;
    if (compressed > ARCHIVE_LIMITS.compressed) {
      gunzip.destroy();
      throw tooLarge(req, 'compressed', ARCHIVE_LIMITS.compressed);
    }
    hash.update(chunk);
    if (!gunzip.write(chunk)) {
      await new Promise((ok) => {
        gunzip.once('drain', ok);
        gunzip.once('close', ok);
      });
    }
  }
  if (!failure) gunzip.end();
  await ended.catch((e: unknown) => {
    failure ??= e;
  });
  if (failure) throw failure;
  return finish(parser, req, hash.digest('hex'), compressed);
}

/** A buffer (a `.crate` file read from disk) in chunks, so that it is inflated and parsed a piece at a time. */
function* slices(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
}

function finish(parser: TarParser, req: ArchiveRequest, sha256: string, compressedBytes: number): ArchiveContents {
  parser.end();
  const wrong = req.checksums.find((c) => c.toLowerCase() !== sha256);
  if (wrong !== undefined) {
    throw new ArchiveError(`${req.what}: checksum mismatch: expected sha256 ${wrong.toLowerCase()}, the archive has ${sha256}; refusing it`, req.name);
  }
  return { files: parser.files, sha256, compressedBytes };
}

function tooLarge(req: ArchiveRequest, what: 'compressed' | 'unpacked', limit: number): ArchiveError {
  return new ArchiveError(`${req.what}: the archive is larger than ${limit / 2 ** 20} MiB ${what}; refusing it`, req.name);
}

const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

type State =
  | { kind: 'header' }
  /** The data of an entry: kept (collected), read as metadata, or skipped. */
  | { kind: 'data'; left: number; pad: number; use: 'skip' | 'keep' | 'longname' | 'pax' | 'global'; path: string; parts: Buffer[] };

/** A tar stream parser fed with blocks of any size. */
class TarParser {
  readonly files = new Map<string, Buffer>();
  private pending: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'header' };
  private unpacked = 0;
  private entries = 0;
  private zeroBlocks = 0;
  private done = false;
  /** From a GNU `L` entry or a PAX header, for the next entry. */
  private nextPath: string | undefined;
  private nextSize: number | undefined;
  private readonly root: string;
  private optionalBytes = 0;

  constructor(private readonly req: ArchiveRequest) {
    this.root = `${req.name}-${req.version}/`;
  }

  push(chunk: Buffer): void {
    this.unpacked += chunk.length;
    if (this.unpacked > ARCHIVE_LIMITS.unpacked + 1024) throw tooLarge(this.req, 'unpacked', ARCHIVE_LIMITS.unpacked);
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    while (pos < buf.length) {
      const s = this.state;
      if (s.kind === 'data') {
        const n = Math.min(s.left + s.pad, buf.length - pos);
        const data = Math.min(n, s.left);
        if (s.use !== 'skip' && data > 0) s.parts.push(buf.subarray(pos, pos + data));
        s.left -= data;
        s.pad -= n - data;
        pos += n;
        if (s.left === 0 && s.pad === 0) this.entryDone(s);
        continue;
      }
      if (buf.length - pos < BLOCK) break;
      this.header(buf.subarray(pos, pos + BLOCK));
      pos += BLOCK;
    }
    // Only a partial header is carried to the next chunk; entry data is consumed as it comes.
    this.pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
  }

  end(): void {
    if (this.state.kind === 'data' || this.pending.length) throw this.fail('the archive ends inside an entry (truncated)');
    if (!this.done && this.entries === 0) throw this.fail('the archive holds no entry');
  }

  private fail(why: string): ArchiveError {
    return new ArchiveError(`${this.req.what}: ${why}; refusing the archive`, this.req.name);
  }

  private header(h: Buffer): void {
    if (this.done) return; // padding after the end-of-archive blocks
    // An entry's header starts with its name; only a block that does not is compared with zeros.
    if (h[0] === 0 && h.equals(ZERO_BLOCK)) {
      if (++this.zeroBlocks === 2) this.done = true;
      return;
    }
    if (this.zeroBlocks) throw this.fail('an entry follows an empty block');
    if (++this.entries > ARCHIVE_LIMITS.entries) throw this.fail(`more than ${ARCHIVE_LIMITS.entries} entries`);
    if (!checksumOk(h)) throw this.fail('a tar header has a wrong checksum (damaged or not a tar archive)');
    const type = String.fromCharCode(h[156]!);
    const size = this.nextSize ?? parseSize(h.subarray(124, 136));
    if (size === undefined || size < 0) throw this.fail('a tar header has an unreadable size');
    const isMeta = type === 'L' || type === 'x' || type === 'g' || type === 'K';
    if (isMeta && size > ARCHIVE_LIMITS.meta) throw this.fail(`a ${type === 'L' || type === 'K' ? 'GNU long name' : 'PAX header'} of ${size} bytes`);
    if (size > ARCHIVE_LIMITS.unpacked) throw this.fail(`an entry claims ${size} bytes, more than the ${ARCHIVE_LIMITS.unpacked / 2 ** 20} MiB an archive may unpack to`);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    const data = (use: Extract<State, { kind: 'data' }>['use'], path = '') => {
      this.state = { kind: 'data', left: size, pad, use, path, parts: [] };
      if (size === 0 && pad === 0) this.entryDone(this.state);
    };
    if (type === 'L') return data('longname');
    if (type === 'x') return data('pax');
    if (type === 'g') return data('global');
    if (type === 'K') throw this.fail('an entry is a link (GNU long link name)');
    const path = this.nextPath ?? headerPath(h);
    this.nextPath = undefined;
    this.nextSize = undefined;
    const inside = this.inside(path);
    if (type === '1' || type === '2') throw this.fail(`\`${path}\` is a ${type === '1' ? 'hard' : 'symbolic'} link`);
    if (type === '5') return data('skip');
    if (type !== '0' && type !== '\0' && type !== '7') throw this.fail(`\`${path}\` is not a regular file (tar type \`${type}\`)`);
    let keep = inside !== '' && this.req.keep(inside);
    if (keep && size > ARCHIVE_LIMITS.kept) throw this.fail(`\`${path}\` is larger than ${ARCHIVE_LIMITS.kept / 2 ** 20} MiB`);
    if (!keep && inside !== '' && size <= ARCHIVE_LIMITS.keptOptional && this.optionalBytes + size <= ARCHIVE_LIMITS.keptOptionalTotal && this.req.keepIfSmall?.(inside)) {
      keep = true;
      this.optionalBytes += size;
    }
    if (keep && this.files.has(inside)) throw this.fail(`\`${path}\` appears twice`);
    data(keep ? 'keep' : 'skip', inside);
  }

  /** The path inside `<name>-<version>/`; throws for anything outside it. */
  private inside(path: string): string {
    const p = path.endsWith('/') ? path.slice(0, -1) : path;
    if (p === this.root.slice(0, -1)) return '';
    const parts = p.split('/');
    if (!p.startsWith(this.root) || parts.some((x) => x === '..' || x === '.' || x === '') || p.includes('\\') || p.includes('\0')) {
      throw this.fail(`the entry \`${path}\` is outside \`${this.root}\``);
    }
    return p.slice(this.root.length);
  }

  private entryDone(s: Extract<State, { kind: 'data' }>): void {
    this.state = { kind: 'header' };
    const body = () => Buffer.concat(s.parts);
    if (s.use === 'keep') this.files.set(s.path, body());
    else if (s.use === 'longname') {
      this.nextPath = body().toString('utf8').replace(/\0+$/, '');
    } else if (s.use === 'pax') {
      const records = parsePax(body());
      if (!records) throw this.fail('a PAX header is malformed');
      if (records.has('linkpath')) throw this.fail('a PAX header names a link');
      const path = records.get('path');
      if (path !== undefined) this.nextPath = path;
      const size = records.get('size');
      if (size !== undefined) {
        if (!/^\d{1,15}$/.test(size)) throw this.fail('a PAX header has an unreadable size');
        this.nextSize = Number(size);
      }
    }
  }
}

/** The header's checksum: the sum of its bytes with the checksum field taken as spaces (unsigned, or signed as some old tars wrote). */
function checksumOk(h: Buffer): boolean {
  const field = h
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  const want = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}

/** An octal size field, or GNU base-256 (high bit of the first byte set). */
function parseSize(f: Buffer): number | undefined {
  if (f[0]! & 0x80) {
    if (f[0] !== 0x80) return undefined; // negative or beyond 2^88: absurd
    let n = 0;
    for (let i = 1; i < f.length; i++) {
      n = n * 256 + f[i]!;
      if (n > Number.MAX_SAFE_INTEGER) return undefined;
    }
    return n;
  }
  const s = f
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return undefined;
  return parseInt(s, 8);
}

/** `name`, with the ustar `prefix` before it (not in GNU headers, where those bytes hold times). */
function headerPath(h: Buffer): string {
  const str = (a: number, b: number) => {
    const f = h.subarray(a, b);
    const end = f.indexOf(0);
    return f.subarray(0, end === -1 ? f.length : end).toString('utf8');
  };
  const name = str(0, 100);
  const ustar = h.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = ustar ? str(345, 500) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** PAX records: `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Buffer): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 8) return undefined;
    const digits = data.toString('latin1', pos, space);
    if (!/^\d+$/.test(digits)) return undefined;
    const len = Number(digits);
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) return undefined;
    const rec = data.toString('utf8', space + 1, end - 1);
    const eq = rec.indexOf('=');
    if (eq <= 0) return undefined;
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    pos = end;
  }
  return out;
}
