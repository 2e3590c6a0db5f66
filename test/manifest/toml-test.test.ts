/**
 * The invalid documents of the toml-test suite, composed after a valid
 * `[package]` header, against cargo's recorded verdict on each
 * (test/fixtures/toml-test): the workspace manifest reader refuses exactly
 * what cargo refuses; the vendored-manifest reader too, but for the gaps
 * recorded in vendored-reader-gaps.txt (none now).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { readVendoredText } from '../../src/io/text-file.js';
import { loadWorkspace } from '../../src/manifest/workspace.js';
import { publishedManifestToIndex } from '../../src/registry/vendor.js';
import { composed } from '../../scripts/toml-test-verdicts.js';

const SUITE = join(__dirname, '../fixtures/toml-test');
const { verdicts } = JSON.parse(readFileSync(join(SUITE, 'cargo-verdicts.json'), 'utf8')) as { verdicts: Record<string, 'accepted' | 'refused'> };
const gaps = readFileSync(join(SUITE, 'vendored-reader-gaps.txt'), 'utf8').split('\n').filter(Boolean);

/** 'refused' when the reader throws a UserError naming the file and a line; any other exception fails the test. */
function verdict(read: () => unknown, path: string): 'accepted' | 'refused' {
  try {
    read();
    return 'accepted';
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    expect(e.location?.path).toBe(path);
    expect(e.location?.line).toBeGreaterThan(0);
    return 'refused';
  }
}

describe('the toml-test invalid documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-toml-test-'));
  const path = join(dir, 'Cargo.toml');
  const files = Object.keys(verdicts);

  it('are 499, of which cargo refuses 482', () => {
    expect(files).toHaveLength(499);
    expect(files.filter((f) => verdicts[f] === 'refused')).toHaveLength(482);
  });

  it("the workspace manifest reader gives cargo's verdict on every one", () => {
    const wrong: string[] = [];
    for (const f of files) {
      writeFileSync(path, composed(readFileSync(join(SUITE, f))));
      if (verdict(() => loadWorkspace(path), path) !== verdicts[f]) wrong.push(`${f}: cargo ${verdicts[f]}`);
    }
    expect(wrong).toEqual([]);
  });

  it("the vendored manifest reader gives cargo's verdict on every one but the recorded gaps", () => {
    const wrong: string[] = [];
    for (const f of files) {
      writeFileSync(path, composed(readFileSync(join(SUITE, f))));
      if (verdict(() => publishedManifestToIndex(readVendoredText(path), path), path) !== verdicts[f]) wrong.push(f);
    }
    // Every gap is a document cargo refuses and the reader accepts; none other.
    for (const f of wrong) expect(verdicts[f], f).toBe('refused');
    expect(wrong.sort()).toEqual(gaps);
  });
});
