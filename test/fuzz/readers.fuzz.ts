/**
 * A fuzz harness for the readers of everything a user or a registry hands
 * the tool: workspace manifests, Cargo.lock, cargo's configuration, vendored
 * (published) manifests and index lines. Inputs are the repository's real
 * fixtures mutated by fast-check (byte flips, truncation, deleted or
 * duplicated lines, deep nesting, huge strings, invalid UTF-8, BOM and CRLF).
 * Each reader must return or refuse the input as bad input (a UserError
 * naming the file and the line, or a RegistryError for index data), never throw anything
 * else, within a time bound. Seeds are fixed and printed, so a failure
 * replays: `FUZZ_SEED=… FUZZ_RUNS=… npx vitest run test/fuzz`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { UserError } from '../../src/errors.js';
import { readVendoredText } from '../../src/io/text-file.js';
import { readLockfile } from '../../src/lockfile/index.js';
import { loadWorkspace } from '../../src/manifest/workspace.js';
import { publishedManifestToIndex } from '../../src/registry/index.js';
import { decodeIndexFile, parseIndexFile } from '../../src/registry/parse.js';
import { RegistryError } from '../../src/registry/types.js';

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
    fc.tuple(fc.nat(base.length), fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82])).map(([at, bytes]) =>
      Buffer.concat([base.subarray(0, at), Buffer.from(bytes), base.subarray(at)]),
    ),
    // BOM and CRLF
    fc.constantFrom(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), base]), Buffer.from(text.replace(/\n/g, '\r\n'))),
  );
}

export type Outcome = 'read' | 'refused';

/** Runs a reader on one input: 'read', 'refused' (a UserError naming `path` and a line, or a RegistryError), or throws what it should not. */
export function judged(read: () => unknown, path: string | null): Outcome {
  try {
    read();
    return 'read';
  } catch (e) {
    if (e instanceof UserError) {
      if (path !== null && e.location?.path !== path) throw new Error(`a UserError that does not name ${path}: ${e.message}`, { cause: e });
      if (path !== null && e.location?.line === undefined) throw new Error(`a UserError without a line: ${e.message}`, { cause: e });
      return 'refused';
    }
    if (e instanceof RegistryError) return 'refused';
    throw e;
  }
}

export interface Target {
  name: string;
  base: Buffer;
  /** Reads `bytes` as this reader would; `path` is where the input lives. */
  read(bytes: Buffer, dir: string): { run: () => unknown; path: string | null };
}

export const TARGETS: Target[] = [
  {
    name: 'workspace manifest',
    base: fixture('projects/openssl-reqwest/Cargo.toml'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.toml');
      writeFileSync(path, bytes);
      mkdirSync(join(dir, 'src'), { recursive: true });
      return { run: () => loadWorkspace(path), path };
    },
  },
  {
    name: 'Cargo.lock',
    base: fixture('projects/openssl-reqwest/Cargo.lock'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.lock');
      writeFileSync(path, bytes);
      return { run: () => readLockfile(path), path };
    },
  },
  {
    name: 'cargo configuration',
    base: fixture('projects/zlib-static/.cargo/config.toml'),
    read(bytes, dir) {
      mkdirSync(join(dir, '.cargo'), { recursive: true });
      const path = join(dir, '.cargo', 'config.toml');
      writeFileSync(path, bytes);
      return { run: () => CargoConfig.load(dir, { HOME: dir, CARGO_HOME: join(dir, 'cargo-home') }), path };
    },
  },
  {
    name: 'vendored manifest',
    base: fixture('projects/vendor/hyper-tls-0.6.0/Cargo.toml'),
    read(bytes, dir) {
      const path = join(dir, 'Cargo.toml');
      writeFileSync(path, bytes);
      return { run: () => publishedManifestToIndex(readVendoredText(path), path), path };
    },
  },
  {
    name: 'index file',
    base: fixture('registry/index/un/ic/unicode-ident'),
    read(bytes) {
      const where = 'index entry for `unicode-ident` (fuzz)';
      return { run: () => parseIndexFile(decodeIndexFile(bytes, 'unicode-ident', where), 'unicode-ident', undefined, where), path: null };
    },
  },
];

/** Fuzzes one reader; returns how many inputs were read and refused. */
export function fuzz(target: Target, opts = SEEDS): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { read: 0, refused: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'preflight-fuzz-'));
  try {
    fc.assert(
      fc.property(mutated(target.base), (bytes) => {
        const { run, path } = target.read(bytes, dir);
        const started = Date.now();
        counts[judged(run, path)]++;
        const took = Date.now() - started;
        if (took > 5_000) throw new Error(`took ${took} ms`);
      }),
      { seed: opts.seed, numRuns: opts.runs, endOnFailure: true },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}
