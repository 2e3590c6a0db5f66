/**
 * The binary readers fuzzed with fast-check: real binaries of each format
 * with bytes flipped, 32- and 64-bit fields overwritten with edge values
 * (0, 2^31, 2^32-1, the file's length, past it), and truncated. Each input
 * is read or refused as a `BinaryError`, never another exception, and in
 * bounded time. Seeds are fixed: `FUZZ_SEED=… FUZZ_RUNS=… npx vitest run test/fuzz/binary.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryError, inspectBuffer } from '../../src/binary/index.js';
import { samples } from '../binary/samples.js';
import { SEEDS } from './readers.fuzz.js';

function mutatedBinary(base: Buffer): fc.Arbitrary<Buffer> {
  // Headers and load commands live at the start: most mutations land there.
  const head = Math.min(base.length - 8, 4096);
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

describe(`fuzzed binary readers (seed ${SEEDS.seed}, ${SEEDS.runs} runs each)`, () => {
  for (const s of samples()) {
    it(`${s.name}: read or refused as a BinaryError, in bounded time`, () => {
      let refused = 0;
      let read = 0;
      fc.assert(
        fc.property(mutatedBinary(s.bytes), (buf) => {
          const started = performance.now();
          try {
            inspectBuffer(buf, 'fuzzed.bin');
            read++;
          } catch (e) {
            if (!(e instanceof BinaryError)) throw e;
            refused++;
          }
          expect(performance.now() - started).toBeLessThan(2000);
        }),
        { seed: SEEDS.seed, numRuns: SEEDS.runs },
      );
      expect(read).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    }, 120_000);
  }
});
