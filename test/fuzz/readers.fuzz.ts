/**
 * A fuzz harness for the readers of everything a user, a build or a
 * registry hands the tool: workspace manifests, Cargo.lock, cargo's
 * configuration, vendored (published) manifests, index lines, the binaries
 * `verify` reads (ELF, PE, Mach-O, compiled here by the compilers at hand)
 * and `.crate` archives (packaged here by `cargo package`). Inputs are those
 * real files mutated by fast-check: for text, byte flips, truncation, deleted
 * or duplicated lines, deep nesting, huge strings, invalid UTF-8, BOM and
 * CRLF; for binaries, byte flips in the headers, 32- and 64-bit fields set to
 * edge values (0, 2^31, 2^32-1, the file's length, past it) and truncation;
 * for archives, the gzip stream damaged or cut, and the tar inside damaged,
 * cut, or given hostile sizes, types and paths with a correct header
 * checksum (so the parser reads past it), then compressed again.
 *
 * Each reader must return or refuse the input as bad input, saying where:
 * a UserError naming the file and the line (the text readers), a
 * BinaryError (a UserError) naming the binary's path, an ArchiveError naming
 * the archive and its crate, a RegistryError for index data. Never anything
 * else, and within a time bound. Seeds are fixed and printed, so a failure
 * replays: `FUZZ_SEED=… FUZZ_RUNS=… npx vitest run test/fuzz/readers.test.ts`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { BinaryError, inspectBuffer } from '../../src/binary/index.js';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { UserError } from '../../src/errors.js';
import { readVendoredText } from '../../src/io/text-file.js';
import { readLockfile } from '../../src/lockfile/index.js';
import { loadWorkspace } from '../../src/manifest/workspace.js';
import { publishedManifestToIndex } from '../../src/registry/vendor.js';
import { ArchiveError, readCrateArchive } from '../../src/registry/crate-archive.js';
import { decodeIndexFile, parseIndexFile } from '../../src/registry/parse.js';
import { RegistryError } from '../../src/registry/types.js';
import { samples, type Sample } from '../binary/samples.js';
import { packageCrates } from '../helpers/crates.js';
import { cargoAvailable } from '../helpers/realworld.js';

const FIXTURES = resolve(__dirname, '../fixtures');
const fixture = (rel: string) => readFileSync(join(FIXTURES, rel));

export const SEEDS = {
  seed: Number(process.env.FUZZ_SEED ?? 20261207),
  /** Runs per reader; `npm run fuzz` raises it. */
  runs: Number(process.env.FUZZ_RUNS ?? 400),
};

/** One mutation of a real input, as bytes. */
export function mutated(base: Buffer): fc.Arbitrary<Buffer> {
  const text = base.toString('utf8');
  const lines = text.split('\n');
  return fc.oneof(
    // byte flips
    fc.array(fc.tuple(fc.nat(Math.max(0, base.length - 1)), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = Buffer.from(base);
      for (const [at, v] of flips) b[at] = v;
      return b;
    }),
    // truncation
    fc.nat(base.length).map((n) => base.subarray(0, n)),
    // a line deleted or duplicated
    fc.tuple(fc.nat(Math.max(0, lines.length - 1)), fc.boolean()).map(([i, dup]) => {
      const out = [...lines];
      if (dup) out.splice(i, 0, lines[i]!);
      else out.splice(i, 1);
      return Buffer.from(out.join('\n'));
    }),
    // deep nesting after a line
    fc.tuple(fc.nat(Math.max(0, lines.length - 1)), fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{a=')).map(([i, n, open]) => {
      const out = [...lines];
      out.splice(i, 0, `deep = ${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`);
      return Buffer.from(out.join('\n'));
    }),
    // a huge string
    fc.tuple(fc.nat(Math.max(0, lines.length - 1)), fc.integer({ min: 100_000, max: 4_000_000 })).map(([i, n]) => {
      const out = [...lines];
      out.splice(i, 0, `huge = "${'x'.repeat(n)}"`);
      return Buffer.from(out.join('\n'));
    }),
    // invalid UTF-8 inserted
    fc
      .tuple(fc.nat(base.length), fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]))
      .map(([at, bytes]) => Buffer.concat([base.subarray(0, at), Buffer.from(bytes), base.subarray(at)])),
    // BOM and CRLF
    fc.constantFrom(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), base]), Buffer.from(text.replace(/\n/g, '\r\n'))),
  );
}

export type Outcome = 'read' | 'refused';

/**
 * Where a refusal must point: a file (and a line in it, for text), an
 * archive (its description and crate), or nothing asked (index data, read
 * from a registry's response: a RegistryError of any kind).
 */
export type Where = { file: string; line: boolean } | { archive: string; crate: string } | null;

/** Runs a reader on one input: 'read', 'refused' (bad input, said where `where` asks), or throws what it should not. */
export async function judged(read: () => unknown, where: Where): Promise<Outcome> {
  try {
    await read();
    return 'read';
  } catch (e) {
    if (where && 'archive' in where) {
      if (!(e instanceof ArchiveError)) throw e;
      if (!e.message.startsWith(`${where.archive}: `) || e.crate !== where.crate) throw new Error(`an ArchiveError that does not name ${where.archive}: ${e.message}`, { cause: e });
      return 'refused';
    }
    if (e instanceof UserError) {
      if (where && e.location?.path !== where.file) throw new Error(`a UserError that does not name ${where.file}: ${e.message}`, { cause: e });
      if (where?.line && e.location?.line === undefined) throw new Error(`a UserError without a line: ${e.message}`, { cause: e });
      if (where && !where.line && !(e instanceof BinaryError)) throw new Error(`a UserError that is no BinaryError: ${e.message}`, { cause: e });
      return 'refused';
    }
    if (e instanceof RegistryError && where === null) return 'refused';
    throw e;
  }
}

export interface Target {
  name: string;
  /** The real input mutated, or why there is none on this machine (a compiler or cargo missing). */
  base(): Buffer | string;
  /** The mutations (`mutated`, for text, when not given). */
  mutate?: (base: Buffer) => fc.Arbitrary<Buffer>;
  /** Longest a reader may take on one input, in ms. */
  bound?: number;
  /** Reads `bytes` as this reader would; `where` is what its refusal must name. */
  read(bytes: Buffer, dir: string): { run: () => unknown; where: Where };
}

/** Mutations of a binary: the headers and load commands at its start take most of them. */
export function mutatedBinary(base: Buffer): fc.Arbitrary<Buffer> {
  const head = Math.max(0, Math.min(base.length - 8, 4096));
  const edge = (len: number) => fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, len, len + 1, len - 1, 0x10000);
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(head), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }).map((flips) => {
      const b = Buffer.from(base);
      for (const [at, v] of flips) b[at] = v;
      return b;
    }),
    fc.array(fc.tuple(fc.nat(Math.floor(head / 4)), edge(base.length), fc.boolean()), { minLength: 1, maxLength: 6 }).map((writes) => {
      const b = Buffer.from(base);
      for (const [slot, v, big] of writes) {
        if (big) b.writeUInt32BE(v >>> 0, slot * 4);
        else b.writeUInt32LE(v >>> 0, slot * 4);
      }
      return b;
    }),
    fc.tuple(fc.nat(Math.floor(head / 8)), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([slot, v]) => {
      const b = Buffer.from(base);
      b.writeBigUInt64LE(v, slot * 8);
      return b;
    }),
    fc.nat(base.length).map((n) => base.subarray(0, n)),
  );
}

const TAR_BLOCK = 512;

/** The offsets of the tar headers (ustar magic at 257) of an uncompressed archive. */
function tarHeaders(tar: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + TAR_BLOCK <= tar.length; at += TAR_BLOCK) if (tar.toString('latin1', at + 257, at + 262) === 'ustar') out.push(at);
  return out;
}

/** Writes a header's checksum as tar does (the sum of its bytes, the checksum field counted as spaces), so that a damaged header reads past it. */
function fixChecksum(tar: Buffer, at: number): void {
  tar.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += tar[at + i]!;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

/**
 * Mutations of a `.crate`: the gzip stream damaged or cut; the tar inside
 * damaged (bytes of a header, its size, type or path set to hostile values,
 * the checksum made right again or not) or cut, then compressed again.
 */
export function mutatedArchive(base: Buffer, root: string): fc.Arbitrary<Buffer> {
  const tar = gunzipSync(base);
  const headers = tarHeaders(tar);
  const header = fc.constantFrom(...headers);
  const gz = (t: Buffer) => gzipSync(t);
  const field = (offset: number, values: string[]) =>
    fc.tuple(header, fc.constantFrom(...values), fc.boolean()).map(([at, v, fix]) => {
      const t = Buffer.from(tar);
      t.fill(0, at + offset, at + offset + (offset === 0 ? 100 : offset === 124 ? 12 : 1));
      t.write(v, at + offset, 'latin1');
      if (fix) fixChecksum(t, at);
      return gz(t);
    });
  return fc.oneof(
    // The compressed stream: flipped bytes, or cut.
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = Buffer.from(base);
      for (const [at, v] of flips) b[at] = v;
      return b;
    }),
    fc.nat(base.length).map((n) => base.subarray(0, n)),
    // A header's bytes flipped, its checksum made right again or not.
    fc.tuple(header, fc.array(fc.tuple(fc.nat(TAR_BLOCK - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.boolean()).map(([at, flips, fix]) => {
      const t = Buffer.from(tar);
      for (const [i, v] of flips) t[at + i] = v;
      if (fix) fixChecksum(t, at);
      return gz(t);
    }),
    // Sizes: zero, the largest octal, base-256 (2^63), not a number, one more block than the data.
    field(124, ['00000000000', '77777777777', '\x80\0\0\0\x80\0\0\0\0\0\0\0', 'zzzzzzzzzzz', '           ', '00000001000', '-0000000001']),
    // Entry types: links, a directory, a device, a FIFO, GNU long names and links, PAX headers.
    field(156, ['1', '2', '3', '4', '5', '6', 'L', 'K', 'x', 'g', 'S', 'V', '\0']),
    // Paths: outside the crate's folder, absolute, another crate's, long, empty.
    field(0, ['../escape', '/etc/passwd', 'other-9.9.9/Cargo.toml', `${root}../x`, `${root}${'a'.repeat(100 - root.length)}`, '', `${root}build.rs`]),
    // The tar cut anywhere, then compressed.
    fc.nat(tar.length).map((n) => gz(tar.subarray(0, n))),
  );
}

/** Chunks of `size` bytes, as a network body arrives. */
async function* inChunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** The binaries `verify`'s tests compile here, by name (built once, cached across runs). */
let built: Sample[] | undefined;
const sample = (name: string) => (built ??= samples()).find((s) => s.name.startsWith(name));

function binaryTarget(name: string, prefix: string, tools: string): Target {
  return {
    name,
    base: () => sample(prefix)?.bytes ?? `${tools} not installed`,
    mutate: mutatedBinary,
    bound: 2000,
    read(bytes, dir) {
      const file = join(dir, 'fuzzed.bin');
      return { run: () => inspectBuffer(bytes, file), where: { file, line: false } };
    },
  };
}

/** A crate packaged by cargo: a manifest, a build script, a module it pulls in, the library. */
const ARCHIVED = { name: 'fuzzed-sys', version: '0.3.1', root: 'fuzzed-sys-0.3.1/' };
let archive: Buffer | string | undefined;
function archiveBase(): Buffer | string {
  if (archive !== undefined) return archive;
  if (!cargoAvailable()) return (archive = 'cargo not installed');
  const dir = mkdtempSync(join(tmpdir(), 'preflight-fuzz-crate-'));
  try {
    const [c] = packageCrates(dir, [
      {
        name: ARCHIVED.name,
        version: ARCHIVED.version,
        links: 'fuzzed',
        build: 'build.rs',
        files: { 'build.rs': 'mod probe;\n\nfn main() {\n    probe::run();\n}\n', 'probe.rs': 'pub fn run() {\n    println!("cargo::rustc-link-lib=fuzzed");\n}\n' },
      },
    ]);
    return (archive = c!.archive);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const TARGETS: Target[] = [
  {
    name: 'workspace manifest',
    base: () => fixture('projects/openssl-reqwest/Cargo.toml'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.toml');
      writeFileSync(path, bytes);
      mkdirSync(join(dir, 'src'), { recursive: true });
      return { run: () => loadWorkspace(path), where: { file: path, line: true } };
    },
  },
  {
    name: 'Cargo.lock',
    base: () => fixture('projects/openssl-reqwest/Cargo.lock'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.lock');
      writeFileSync(path, bytes);
      return { run: () => readLockfile(path), where: { file: path, line: true } };
    },
  },
  {
    name: 'cargo configuration',
    base: () => fixture('projects/zlib-static/.cargo/config.toml'),
    read(bytes, dir) {
      mkdirSync(join(dir, '.cargo'), { recursive: true });
      const path = join(dir, '.cargo', 'config.toml');
      writeFileSync(path, bytes);
      return { run: () => CargoConfig.load(dir, { HOME: dir, CARGO_HOME: join(dir, 'cargo-home') }), where: { file: path, line: true } };
    },
  },
  {
    name: 'vendored manifest',
    base: () => fixture('projects/vendor/hyper-tls-0.6.0/Cargo.toml'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.toml');
      writeFileSync(path, bytes);
      return { run: () => publishedManifestToIndex(readVendoredText(path), path), where: { file: path, line: true } };
    },
  },
  {
    name: 'index file',
    base: () => fixture('registry/index/un/ic/unicode-ident'),
    read(bytes) {
      const where = 'index entry for `unicode-ident` (fuzz)';
      return { run: () => parseIndexFile(decodeIndexFile(bytes, 'unicode-ident', where), 'unicode-ident', undefined, where), where: null };
    },
  },
  binaryTarget('ELF x86_64 (gcc)', 'ELF x86_64', 'gcc'),
  binaryTarget('ELF mips big-endian (clang, lld)', 'ELF mips', 'clang or ld.lld'),
  binaryTarget('PE x86_64 (mingw-w64)', 'PE x86_64', 'x86_64-w64-mingw32-gcc'),
  binaryTarget('Mach-O universal (clang, lld)', 'Mach-O universal', 'clang, ld64.lld or llvm-lipo'),
  {
    name: '.crate archive (cargo package)',
    base: archiveBase,
    mutate: (base) => mutatedArchive(base, ARCHIVED.root),
    read(bytes) {
      const what = `archive of \`${ARCHIVED.name} ${ARCHIVED.version}\` (fuzz)`;
      const req = {
        name: ARCHIVED.name,
        version: ARCHIVED.version,
        keep: (p: string) => p === 'Cargo.toml' || p === 'build.rs',
        keepIfSmall: (p: string) => p.endsWith('.rs'),
        // The checksum of the input itself: what is judged is the gzip and tar reading, not the hash.
        checksums: [createHash('sha256').update(bytes).digest('hex')],
        what,
      };
      // Whole, or in chunks of a size the input decides (splitting headers anywhere).
      const size = 1 + (bytes.length % 997);
      return { run: () => readCrateArchive(bytes.length % 2 ? inChunks(bytes, size) : bytes, req), where: { archive: what, crate: ARCHIVED.name } };
    },
  },
];

/** Fuzzes one reader; returns how many inputs were read and refused, or why it was not fuzzed here. */
export async function fuzz(target: Target, opts = SEEDS): Promise<Record<Outcome, number> | string> {
  const base = target.base();
  if (typeof base === 'string') return base;
  const counts: Record<Outcome, number> = { read: 0, refused: 0 };
  const bound = target.bound ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'preflight-fuzz-'));
  try {
    await fc.assert(
      fc.asyncProperty((target.mutate ?? mutated)(base), async (bytes) => {
        const { run, where } = target.read(bytes, dir);
        const started = performance.now();
        counts[await judged(run, where)]++;
        const took = performance.now() - started;
        if (took > bound) throw new Error(`took ${Math.round(took)} ms (bound ${bound} ms)`);
      }),
      { seed: opts.seed, numRuns: opts.runs, endOnFailure: true },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}
