import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCargoCacheFile } from '../../src/registry/cargo-cache.js';
import { IndexDirSource } from '../../src/registry/index-dir.js';
import { parseIndexFile } from '../../src/registry/parse.js';
import { indexPath } from '../../src/registry/types.js';
import { CRATES_IO, FIXTURE_INDEX, project, server, type Project } from './setup.js';

/** Written by cargo 1.95 (`cargo generate-lockfile` against the fixture index served on 127.0.0.1). */
const CARGO_WRITTEN = join(import.meta.dirname, '../fixtures/registry/cargo-cache');

/** Cargo's cache format, as cargo's `SummariesCache::serialize` writes it. */
function cargoCacheFile(indexVersion: string, lines: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([3, 2, 0, 0, 0]), Buffer.from(`${indexVersion}\0`)];
  for (const line of lines) {
    const vers = (JSON.parse(line) as { vers: string }).vers;
    parts.push(Buffer.from(`${vers}\0${line}\0`));
  }
  return Buffer.concat(parts);
}

function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURE_INDEX, indexPath(name)), 'utf8')
    .trim()
    .split('\n');
}

/** Puts a cargo cache entry for `name` in the project's CARGO_HOME, in the folder cargo uses for `host`. */
function putCargoEntry(p: Project, host: string, name: string, data: Buffer, hash = '0123456789abcdef'): void {
  const file = join(p.cargoHome, 'registry', 'index', `${host}-${hash}`, '.cache', indexPath(name));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
}

const etagOf = (name: string) =>
  `"${createHash('sha1')
    .update(readFileSync(join(FIXTURE_INDEX, indexPath(name))))
    .digest('hex')}"`;

describe("cargo's cache format", () => {
  it('reads files written by cargo itself', async () => {
    const serde = parseCargoCacheFile(readFileSync(join(CARGO_WRITTEN, 'se/rd/serde')))!;
    expect(serde.lastModified).toMatch(/GMT$/);
    expect(serde.etag).toBeUndefined();
    const local = await new IndexDirSource(FIXTURE_INDEX).getCrate('serde');
    expect(parseIndexFile(serde.text, 'serde', undefined, 'x')).toEqual(local!.versions);
    // Cargo keeps lines of a newer schema (libc 9.0.0 has v: 3); they are skipped on parsing, as cargo does.
    const libc = parseCargoCacheFile(readFileSync(join(CARGO_WRITTEN, 'li/bc/libc')))!;
    expect(libc.text.split('\n')).toHaveLength(3);
    expect(parseIndexFile(libc.text, 'libc', undefined, 'x').map((v) => v.vers)).toEqual(['0.2.150', '0.2.155']);
  });

  it('takes the ETag from the index file version', () => {
    const entry = parseCargoCacheFile(cargoCacheFile('etag: W/"abc"', fixtureLines('libc')))!;
    expect(entry.etag).toBe('W/"abc"');
  });

  it('skips files of another format or damaged ones', () => {
    const good = cargoCacheFile('etag: "x"', fixtureLines('serde'));
    expect(parseCargoCacheFile(good)).toBeDefined();
    const otherVersion = Buffer.from(good);
    otherVersion[0] = 2;
    expect(parseCargoCacheFile(otherVersion)).toBeUndefined();
    const otherSchema = Buffer.from(good);
    otherSchema[1] = 9;
    expect(parseCargoCacheFile(otherSchema)).toBeUndefined();
    expect(parseCargoCacheFile(good.subarray(0, good.length - 20))).toBeUndefined();
    expect(parseCargoCacheFile(Buffer.from([3]))).toBeUndefined();
    // A blob that is not for the version it is filed under.
    const swapped = Buffer.from(good.toString('latin1').replace('1.0.100\0', '1.0.999\0'), 'latin1');
    expect(parseCargoCacheFile(swapped)).toBeUndefined();
  });
});

describe("reusing cargo's cache", () => {
  it('revalidates cargo’s entry with its ETag, uses it on a 304, and keeps it for the next run', async () => {
    const srv = await server();
    const p = project();
    putCargoEntry(p, '127.0.0.1', 'serde', cargoCacheFile(`etag: ${etagOf('serde')}`, fixtureLines('serde')));
    const set = p.open({ index: srv.url });
    const got = await set.sourceFor(CRATES_IO)!.getCrate('serde');
    await set.close();
    expect(got?.origin).toBe('cargo-cache');
    expect(got?.versions).toEqual((await new IndexDirSource(FIXTURE_INDEX).getCrate('serde'))!.versions);
    expect(srv.requests()[0]).toMatchObject({ status: 304, headers: { 'if-none-match': etagOf('serde') } });
    // Now in our own cache: offline works without cargo's.
    const offline = await p.open({ index: srv.url, offline: true }).sourceFor(CRATES_IO)!.getCrate('serde');
    expect(offline?.origin).toBe('cache');
  });

  it('serves offline from cargo’s cache, read-only', async () => {
    const srv = await server();
    const p = project();
    const data = cargoCacheFile('last-modified: Wed, 01 Jan 2025 00:00:00 GMT', fixtureLines('libc'));
    putCargoEntry(p, '127.0.0.1', 'libc', data);
    const set = p.open({ index: srv.url, offline: true });
    const got = await set.sourceFor(CRATES_IO)!.getCrate('libc', new Set(['0.2.155']));
    expect(got).toMatchObject({ origin: 'cargo-cache', versions: [{ vers: '0.2.155' }] });
    expect(srv.log).toHaveLength(0);
    expect(readFileSync(join(p.cargoHome, 'registry/index/127.0.0.1-0123456789abcdef/.cache/li/bc/libc'))).toEqual(data);
  });

  it('fetches past a damaged cargo entry', async () => {
    const srv = await server();
    const p = project();
    putCargoEntry(p, '127.0.0.1', 'serde', Buffer.from([3, 2, 0, 0, 0, 0x41]));
    const got = await p.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('serde');
    expect(got?.origin).toBe('network');
    expect(srv.requests()[0]!.headers['if-none-match']).toBeUndefined();
  });

  it('ignores cargo folders when two of them could belong to this host', async () => {
    const srv = await server();
    const p = project();
    const data = cargoCacheFile('etag: "x"', fixtureLines('serde'));
    putCargoEntry(p, '127.0.0.1', 'serde', data, '0123456789abcdef');
    putCargoEntry(p, '127.0.0.1', 'serde', data, 'fedcba9876543210');
    const set = p.open({ index: srv.url, offline: true });
    await expect(set.sourceFor(CRATES_IO)!.getCrate('serde')).rejects.toThrow('not in any local cache');
  });

  it('uses the cache cargo wrote for crates.io', async () => {
    const p = project();
    const dir = join(p.cargoHome, 'registry', 'index', 'index.crates.io-1949cf8c6b5b557f', '.cache');
    cpSync(CARGO_WRITTEN, dir, { recursive: true });
    const set = p.open({ offline: true });
    const got = await set.sourceFor(CRATES_IO)!.getCrate('serde', new Set(['1.0.200']));
    expect(got).toMatchObject({ origin: 'cargo-cache', versions: [{ vers: '1.0.200', features: { derive: ['dep:serde_derive'] } }] });
  });
});
