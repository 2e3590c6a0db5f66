/** The short fuzz run of `npm test` (`npm run fuzz` runs the same longer). */
import { describe, expect, it } from 'vitest';
import { fuzz, SEEDS, TARGETS } from './readers.fuzz.js';

describe(`fuzzed readers (seed ${SEEDS.seed}, ${SEEDS.runs} runs each; replay with FUZZ_SEED and FUZZ_RUNS)`, () => {
  for (const target of TARGETS) {
    it(`${target.name}: read or refused as bad input saying where, never another error, in bounded time`, async (ctx) => {
      const counts = await fuzz(target);
      if (typeof counts === 'string') {
        ctx.skip(`not fuzzed here: ${counts}`);
        return;
      }
      console.log(`${target.name} (seed ${SEEDS.seed}): ${counts.read} read, ${counts.refused} refused`);
      // Both outcomes occur: mutations break the input, and some (a BOM, CRLF, a deleted line, a flipped byte of a body) leave it readable.
      expect(counts.refused).toBeGreaterThan(0);
      expect(counts.read).toBeGreaterThan(0);
    }, 180_000);
  }
});
