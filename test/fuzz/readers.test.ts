/** The short fuzz run of `npm test` (`npm run fuzz` runs the same longer). */
import { describe, expect, it } from 'vitest';
import { fuzz, SEEDS, TARGETS } from './readers.fuzz.js';

describe(`fuzzed readers (seed ${SEEDS.seed}, ${SEEDS.runs} runs each)`, () => {
  for (const target of TARGETS) {
    it(`${target.name}: read or refused as bad input at its file and line, never another error`, () => {
      const counts = fuzz(target);
      // Both outcomes occur: mutations break the input, and some (a BOM, CRLF, a deleted line) leave it readable.
      expect(counts.refused).toBeGreaterThan(0);
      expect(counts.read).toBeGreaterThan(0);
    }, 120_000);
  }
});
