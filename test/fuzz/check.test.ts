/** `check` end to end on mutated inputs (check.fuzz.ts): every refusal names its file, and a place in it where the fault is in what the file holds. */
import { describe, expect, it } from 'vitest';
import { CHECK_INPUTS, fuzzCheck, outcomeOf } from './check.fuzz.js';
import { SEEDS } from './readers.fuzz.js';

describe('the judge of a run', () => {
  it('tells a located refusal from one naming only a file, one naming nothing, and a crash', () => {
    expect(outcomeOf(2, '/p/Cargo.toml:3:7: error: invalid TOML: x\n', '/p')).toBe('located');
    expect(outcomeOf(2, 'warning: w\n/p/Cargo.lock: error: no Cargo.lock found\n', '/p')).toBe('file');
    expect(outcomeOf(2, 'error: invalid TOML: x\n', '/p')).toBe('unlocated');
    expect(outcomeOf(2, '/elsewhere/x.toml:1:1: error: x\n', '/p')).toBe('unlocated');
    expect(outcomeOf('threw', 'TypeError: x', '/p')).toBe('internal');
    expect(outcomeOf(1, '', '/p')).toBe('ran');
  });
});

describe(`check on mutated inputs (seed ${SEEDS.seed})`, () => {
  it(`every exit 2 names the file, and never an internal error (${CHECK_INPUTS.length} inputs)`, async () => {
    const { counts, unlocated, fileOnly } = await fuzzCheck();
    console.log(`check on mutated inputs: ${JSON.stringify(counts)}\n${[...new Set(fileOnly)].join('\n')}`);
    expect(unlocated).toEqual([]);
    // Both outcomes occur: the mutations break inputs, and some leave them readable.
    expect(counts.located).toBeGreaterThan(0);
    expect(counts.ran).toBeGreaterThan(0);
  }, 600_000);
});
