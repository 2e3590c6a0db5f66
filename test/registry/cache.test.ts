/** The tool's disk cache: entries with their checksums, and the folder listings that spare a run its failed reads. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskCache } from '../../src/registry/cache.js';

const fresh = () => new DiskCache(mkdtempSync(join(tmpdir(), 'cargo-preflight-cache-')));

describe('DiskCache', () => {
  it('reads back what it wrote, in nested and dot-named folders, and refuses an entry whose body changed', async () => {
    const cache = fresh();
    expect(cache.write('3/s/syn', { body: Buffer.from('{"name":"syn"}\n'), etag: '"a"' })).toBe(true);
    expect(await cache.writeSoon('.crate-files-v2/syn-2.0.0-ab', { body: Buffer.from('x') })).toBe(true);
    expect(cache.read('3/s/syn')).toEqual({ body: Buffer.from('{"name":"syn"}\n'), etag: '"a"' });
    expect(cache.read('.crate-files-v2/syn-2.0.0-ab')?.body.toString()).toBe('x');
    // A name with `..` is joined as a path, as before: the same file.
    expect(cache.read('3/x/../s/syn')?.etag).toBe('"a"');
    const file = join(cache.dir, '3/s/syn');
    writeFileSync(file, readFileSync(file, 'utf8').replace('syn', 'nys'));
    expect(cache.read('3/s/syn')).toBeUndefined();
  });

  it('lists a folder once for mayHave, and counts the entries this process writes after', async () => {
    const cache = fresh();
    expect(cache.mayHave('.crate-files-v2/a-1.0.0-ab')).toBe(false);
    expect(cache.write('.crate-files-v2/a-1.0.0-ab', { body: Buffer.from('a') })).toBe(true);
    expect(await cache.writeSoon('.crate-files-v2/b-1.0.0-cd', { body: Buffer.from('b') })).toBe(true);
    expect(cache.mayHave('.crate-files-v2/a-1.0.0-ab')).toBe(true);
    expect(cache.mayHave('.crate-files-v2/b-1.0.0-cd')).toBe(true);
    // Another process's entry, written after the listing, is not seen in this run (a miss, never a wrong answer).
    writeFileSync(join(cache.dir, '.crate-files-v2/c-1.0.0-ef'), 'c');
    expect(cache.mayHave('.crate-files-v2/c-1.0.0-ef')).toBe(false);
    // A folder listed after the write sees it.
    const other = new DiskCache(cache.dir);
    expect(other.mayHave('.crate-files-v2/c-1.0.0-ef')).toBe(true);
    mkdirSync(join(cache.dir, 'top'));
    expect(other.mayHave('top')).toBe(true);
    expect(other.mayHave('nothing/here')).toBe(false);
  });

  it('reads nothing from a cache folder that did not exist when first asked, until it writes there itself', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cargo-preflight-cache-')), 'registry');
    const cache = new DiskCache(dir);
    expect(cache.read('3/s/syn')).toBeUndefined();
    // Another process fills the folder meanwhile: this run does not look (it fetches what it needs).
    new DiskCache(dir).write('3/s/syn', { body: Buffer.from('a') });
    expect(cache.read('3/s/syn')).toBeUndefined();
    // Its own write makes the folder one to read.
    expect(cache.write('3/s/serde', { body: Buffer.from('b') })).toBe(true);
    expect(cache.read('3/s/syn')?.body.toString()).toBe('a');
    expect(new DiskCache(dir).read('3/s/serde')?.body.toString()).toBe('b');
  });
});
