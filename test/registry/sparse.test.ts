import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCacheName } from '../../src/registry/cache.js';
import { IndexDirSource } from '../../src/registry/index-dir.js';
import { indexPath, NetworkError, RegistryError, type CrateSource } from '../../src/registry/types.js';
import { generateIndex, type GeneratedCrate } from '../../testkit/registry-gen.js';
import type { SourceSetOptions } from '../../src/registry/index.js';
import { crateFiles, CRATES_IO, FIXTURE_INDEX, project, server, type Project } from './setup.js';

const FIXTURE_CRATES = crateFiles(FIXTURE_INDEX).map((p) => basename(p));

function crates(source: CrateSource, names: string[], versions?: (n: string) => ReadonlySet<string>) {
  return Promise.all(names.map((n) => source.getCrate(n, versions?.(n))));
}

/** One run: a source set, every crate asked for at once, closed (cache written). */
async function run(p: Project, opts: Partial<SourceSetOptions>, names: string[]) {
  const set = p.open(opts);
  const results = await crates(set.sourceFor(CRATES_IO)!, names);
  await set.close();
  return { set, results };
}

let generatedDir: string;
let generated: GeneratedCrate[];
beforeAll(() => {
  generatedDir = mkdtempSync(join(tmpdir(), 'preflight-generated-index-'));
  generated = generateIndex(generatedDir, 150, 7);
});
afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));

describe('sparse index client', () => {
  it('returns what the index folder holds, for every crate, with and without a version set', async () => {
    const srv = await server();
    const p = project();
    const sparse = p.open({ index: srv.url }).sourceFor(CRATES_IO)!;
    expect(sparse.label).toBe(`sparse+${srv.url}`);
    const local = new IndexDirSource(FIXTURE_INDEX);
    const viaHttp = await crates(sparse, FIXTURE_CRATES);
    expect(viaHttp.map((c) => c?.versions)).toEqual((await crates(local, FIXTURE_CRATES)).map((c) => c?.versions));
    expect(viaHttp.every((c) => c?.origin === 'network')).toBe(true);
    const some = () => new Set(['1.0.200', '0.2.150', '2.0.72']);
    expect((await crates(sparse, FIXTURE_CRATES, some)).map((c) => c?.versions)).toEqual((await crates(local, FIXTURE_CRATES, some)).map((c) => c?.versions));
    // One request per file, config.json included, however often a crate is asked for.
    expect(srv.log).toHaveLength(FIXTURE_CRATES.length + 1);
  });

  it('returns the same as the folder on a generated index of 150 crates', async () => {
    const srv = await server({ root: generatedDir, compression: 'gzip' });
    const sparse = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    const local = new IndexDirSource(generatedDir);
    const names = generated.map((c) => c.name);
    const pick = (n: string) => new Set(generated.find((c) => c.name === n)!.versions.slice(-2));
    expect((await crates(sparse, names, pick)).map((c) => c?.versions)).toEqual((await crates(local, names, pick)).map((c) => c?.versions));
  });

  it('reports a crate the index does not have as null (404 and 410)', async () => {
    const srv = await server();
    srv.fault('2/ab', { kind: 'status', status: 410 });
    const sparse = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    expect(await sparse.getCrate('no-such-crate')).toBeNull();
    expect(await sparse.getCrate('ab')).toBeNull();
  });

  it.each(['gzip', 'br'] as const)('decompresses %s responses', async (compression) => {
    const srv = await server({ compression });
    const set = project().open({ index: srv.url });
    const got = await set.sourceFor(CRATES_IO)!.getCrate('serde');
    expect(got?.versions.map((v) => v.vers)).toEqual(['1.0.100', '1.0.150', '1.0.200']);
    expect(srv.requests()[0]!.headers['accept-encoding']).toBe('gzip, br');
    expect(set.stats().bytes).toBeLessThan(readFileSync(join(FIXTURE_INDEX, 'se/rd/serde')).length);
  });

  it('asks for every crate at once, up to --jobs requests in flight', async () => {
    const srv = await server({ root: generatedDir, latencyMs: 20 });
    const names = generated.slice(0, 40).map((c) => c.name);
    await crates(project().open({ index: srv.url, jobs: 4 }).sourceFor(CRATES_IO)!, names);
    // Four crates, plus config.json, which skips the queue since every crate waits on it.
    expect(srv.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(srv.maxInFlight).toBeLessThanOrEqual(5);
    const wide = await server({ root: generatedDir, latencyMs: 20 });
    await crates(project().open({ index: wide.url }).sourceFor(CRATES_IO)!, names);
    expect(wide.maxInFlight).toBeGreaterThan(8);
  });
});

describe('retries', () => {
  it('retries 5xx until the server recovers', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 500 }, 2);
    srv.fault('2/cc', { kind: 'status', status: 503 }, 3);
    const set = project().open({ index: srv.url });
    const source = set.sourceFor(CRATES_IO)!;
    expect((await source.getCrate('serde'))?.versions).toHaveLength(3);
    expect((await source.getCrate('cc'))?.versions).toHaveLength(1);
    expect(srv.requests('se/rd/serde').map((r) => r.status)).toEqual([500, 500, 200]);
    expect(srv.requests('2/cc').map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(set.stats()).toMatchObject({ retries: 5, failures: 0 });
  });

  it('gives up after the configured number of retries, with the count in the message', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 502 });
    const set = project().open({ index: srv.url, network: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await set
      .sourceFor(CRATES_IO)!
      .getCrate('serde')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toBe(`index entry for \`serde\` (sparse+${srv.url}): HTTP 502 (3 attempts)`);
    expect(srv.requests('se/rd/serde')).toHaveLength(3);
    expect(set.stats()).toMatchObject({ retries: 2, failures: 1 });
  });

  it('does not retry a 4xx other than 429', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 400 });
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow('unexpected HTTP 400');
    expect(srv.requests('se/rd/serde')).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1);
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    const start = Date.now();
    expect(await source.getCrate('serde')).not.toBeNull();
    expect(Date.now() - start).toBeGreaterThanOrEqual(950);
    expect(srv.requests('se/rd/serde').map((r) => r.status)).toEqual([429, 200]);
  });

  it('fails at once when Retry-After is past the time bound', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    const start = Date.now();
    await expect(source.getCrate('serde')).rejects.toThrow(/HTTP 429 \(1 attempt; the server asked to retry in 3600 s, past the 20 s limit\)/);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('retries dropped connections and truncated bodies', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'drop' }, 1);
    srv.fault('li/bc/libc', { kind: 'truncate' }, 2);
    const set = project().open({ index: srv.url });
    const source = set.sourceFor(CRATES_IO)!;
    const [serde, libc] = await crates(source, ['serde', 'libc']);
    expect(serde?.versions).toHaveLength(3);
    expect(libc?.versions).toHaveLength(2);
    expect(srv.requests('li/bc/libc')).toHaveLength(3);
    expect(set.stats().retries).toBe(3);
  });

  it('retries a truncated gzip body', async () => {
    const srv = await server({ compression: 'gzip' });
    srv.fault('se/rd/serde', { kind: 'truncate' }, 1);
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    expect((await source.getCrate('serde'))?.versions).toHaveLength(3);
  });

  it('stops at the total time bound', async () => {
    const srv = await server({ latencyMs: 300 });
    const source = project()
      .open({ index: srv.url, network: { totalTimeMs: 200, baseDelayMs: 1 } })
      .sourceFor(CRATES_IO)!;
    // The first request to reach the bound gives the host up: config.json, sent alongside, or the crate's file.
    await expect(source.getCrate('serde')).rejects.toThrow(
      /^(index entry for `serde` \(sparse\+http:.*\)|config\.json of sparse\+http:\S*): timed out: no complete answer within the 0\.2 s limit \(1 attempt\)$/,
    );
  });

  it('reports a refused connection after retrying', async () => {
    const srv = await server();
    const url = srv.url;
    await srv.close();
    const source = project()
      .open({ index: url, network: { retries: 1, baseDelayMs: 1 } })
      .sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow(/: cannot reach 127\.0\.0\.1:\d+: the connection was refused \(2 attempts\)$/);
  });

  it('gives a refusing host one quick retry whatever net.retry says, then sends it nothing more', async () => {
    const srv = await server();
    const url = srv.url;
    await srv.close();
    const logged: string[] = [];
    const set = project().open({ index: url, network: { retries: 5, baseDelayMs: 1 }, log: (level, line) => logged.push(`${level} ${line}`) });
    const source = set.sourceFor(CRATES_IO)!;
    const err = await source.getCrate('serde').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ host: new URL(url).host, crate: 'serde', cache: { cached: 0, asked: 1 } });
    expect((err as Error).message).not.toMatch(/ECONNREFUSED|UND_ERR/);
    // config.json and serde's file: two attempts each at most.
    const sent = set.stats().requests;
    expect(sent).toBeLessThanOrEqual(4);
    // Given up: the next lookups fail with the same error, and nothing is sent.
    for (const name of ['libc', 'cc']) await expect(source.getCrate(name)).rejects.toThrow((err as Error).message);
    expect(set.stats().requests).toBe(sent);
    // -v: each retry with its reason in plain words; -vv: the underlying error.
    expect(logged.some((l) => /^1 Retrying .* in 0\.0 s \(attempt 2 of 2\): cannot reach 127\.0\.0\.1:\d+: the connection was refused$/.test(l))).toBe(true);
    expect(logged.some((l) => l.startsWith('2 ') && l.includes('ECONNREFUSED'))).toBe(true);
  });

  it('gives up a host whose name does not resolve after one quick retry', async () => {
    // `.invalid` never resolves (RFC 6761).
    const set = project().open({ index: 'http://no-such-registry.invalid/', network: { retries: 5, baseDelayMs: 1 } });
    const source = set.sourceFor(CRATES_IO)!;
    const results = await Promise.allSettled(['serde', 'libc', 'cc'].map((n) => source.getCrate(n)));
    const errors = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : null));
    expect(errors.every((e) => e instanceof NetworkError)).toBe(true);
    expect(errors[0]!.message).toMatch(/cannot reach no-such-registry\.invalid: (its name does not resolve|name resolution failed.*) \(2 attempts\)$/);
    // Four files (config.json and three crates), two attempts each at most.
    expect(set.stats().requests).toBeLessThanOrEqual(8);
  });
});

describe('cache', () => {
  it('revalidates with If-None-Match on the next run, and gets only 304s', async () => {
    const srv = await server();
    const p = project();
    const { set: first, results: cold } = await run(p, { index: srv.url }, FIXTURE_CRATES);
    expect(first.stats()).toMatchObject({ requests: FIXTURE_CRATES.length + 1, notModified: 0, cacheHits: 0 });
    srv.log.length = 0;

    const { set: second, results: warm } = await run(p, { index: srv.url }, FIXTURE_CRATES);
    expect(warm.map((c) => c?.versions)).toEqual(cold.map((c) => c?.versions));
    expect(warm.every((c) => c?.origin === 'cache')).toBe(true);
    expect(srv.log).toHaveLength(FIXTURE_CRATES.length + 1);
    for (const r of srv.log) {
      expect(r.headers['if-none-match']).toMatch(/^"[0-9a-f]{40}"$/);
      expect(r.status).toBe(304);
    }
    expect(second.stats()).toMatchObject({
      requests: FIXTURE_CRATES.length + 1,
      notModified: FIXTURE_CRATES.length + 1,
      cacheHits: FIXTURE_CRATES.length,
      bytes: 0,
    });
  });

  it('revalidates with If-Modified-Since when the server sends Last-Modified only', async () => {
    const srv = await server({ etag: false, lastModified: true });
    const p = project();
    await run(p, { index: srv.url }, ['serde']);
    srv.log.length = 0;
    expect((await run(p, { index: srv.url }, ['serde'])).results[0]?.origin).toBe('cache');
    expect(srv.requests()[0]).toMatchObject({ status: 304, headers: { 'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT' } });
  });

  it('fetches again a file that changed on the server', async () => {
    const srv = await server();
    const p = project();
    await run(p, { index: srv.url }, ['a']);
    srv.setFile('1/a', '{"name":"a","vers":"0.2.0","deps":[],"features":{}}\n');
    const [again] = (await run(p, { index: srv.url }, ['a'])).results;
    expect(again).toMatchObject({ origin: 'network', versions: [{ vers: '0.2.0' }] });
  });

  it('works offline after a warm run: same data, no request', async () => {
    const srv = await server();
    const p = project();
    const { results: online } = await run(p, { index: srv.url }, FIXTURE_CRATES);
    srv.log.length = 0;
    const set = p.open({ index: srv.url, offline: true });
    expect(set.offline).toBe(true);
    const offline = await crates(set.sourceFor(CRATES_IO)!, FIXTURE_CRATES);
    expect(offline.map((c) => c?.versions)).toEqual(online.map((c) => c?.versions));
    expect(srv.log).toHaveLength(0);
    expect(set.stats()).toMatchObject({ requests: 0, cacheHits: FIXTURE_CRATES.length, missingOffline: [] });
  });

  it('offline, lists the crates no cache holds instead of failing silently', async () => {
    const srv = await server();
    const p = project({ env: { CARGO_NET_OFFLINE: 'true' } });
    const set = p.open({ index: srv.url });
    expect(set.offline).toBe(true);
    const source = set.sourceFor(CRATES_IO)!;
    const results = await Promise.allSettled([source.getCrate('serde'), source.getCrate('libc', new Set(['0.2.155']))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('not in any local cache, and the network is off');
    expect(set.stats().missingOffline).toEqual([
      { name: 'serde', source: `sparse+${srv.url}` },
      { name: 'libc', source: `sparse+${srv.url}` },
    ]);
    expect(srv.log).toHaveLength(0);
  });

  it('discards a truncated or corrupted entry and fetches it again', async () => {
    const srv = await server();
    const p = project();
    await run(p, { index: srv.url }, ['serde', 'libc', 'cc']);
    const dir = join(p.cacheDir, registryCacheName(srv.url));
    const serdeEntry = join(dir, indexPath('serde'));
    const libcEntry = join(dir, indexPath('libc'));
    const serdeBytes = readFileSync(serdeEntry);
    writeFileSync(serdeEntry, serdeBytes.subarray(0, serdeBytes.length - 10));
    const libcBytes = readFileSync(libcEntry);
    libcBytes[libcBytes.length - 5] ^= 0x20;
    writeFileSync(libcEntry, libcBytes);
    srv.log.length = 0;

    const [serde, libc, cc] = (await run(p, { index: srv.url }, ['serde', 'libc', 'cc'])).results;
    expect([serde?.origin, libc?.origin, cc?.origin]).toEqual(['network', 'network', 'cache']);
    expect(libc?.versions.map((v) => v.vers)).toEqual(['0.2.150', '0.2.155']);
    const byPath = (path: string) => srv.requests(path)[0]!;
    expect(byPath('se/rd/serde').headers['if-none-match']).toBeUndefined();
    expect(byPath('li/bc/libc').headers['if-none-match']).toBeUndefined();
    expect(byPath('2/cc').status).toBe(304);
    // And the refetched entries are whole again.
    srv.log.length = 0;
    await run(p, { index: srv.url }, ['serde', 'libc']);
    expect(srv.requests().map((r) => r.status)).toEqual([304, 304]);
  });

  it('goes on without a cache when the cache folder cannot be written, and says so', async () => {
    const srv = await server();
    const p = project();
    writeFileSync(join(p.dir, 'not-a-folder'), '');
    const { set, results } = await run(p, { index: srv.url, cacheDir: join(p.dir, 'not-a-folder') }, ['serde', 'libc']);
    expect(results.map((r) => r?.origin)).toEqual(['network', 'network']);
    expect(set.stats().cacheWriteFailures).toBe(3);
  });

  it('leaves no temporary files behind', async () => {
    const srv = await server({ root: generatedDir });
    const p = project();
    await run(
      p,
      { index: srv.url },
      generated.map((c) => c.name),
    );
    const files = crateFiles(join(p.cacheDir, registryCacheName(srv.url)));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toHaveLength(generated.length);
  });
});

describe('hostile index data', () => {
  it('rejects a 50 MB line with a clear message', async () => {
    const srv = await server();
    const pad = 'x'.repeat(50 * 1024 * 1024);
    srv.setFile('se/rd/serde', `{"name":"serde","vers":"1.0.0","deps":[],"features":{},"pad":"${pad}"}\n`);
    const set = project().open({ index: srv.url });
    await expect(set.sourceFor(CRATES_IO)!.getCrate('serde')).rejects.toThrow(`index entry for \`serde\` (sparse+${srv.url}): line 1 is longer than 8 MiB; refusing the index file`);
    expect(set.stats().failures).toBe(1);
  });

  it('rejects a file that holds another crate', async () => {
    const srv = await server();
    srv.setFile('se/rd/serde', readFileSync(join(FIXTURE_INDEX, 'li/bc/libc')));
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow('line 1: the entry is for crate `libc`, not `serde`');
  });

  it('rejects deeply nested JSON', async () => {
    const srv = await server();
    srv.setFile('1/a', `{"name":"a","vers":"0.1.0","deps":${'['.repeat(50_000)}${']'.repeat(50_000)},"features":{}}\n`);
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('a')).rejects.toThrow('line 1: JSON nested deeper than 16 levels');
  });

  it('rejects an invalid JSON line when it is needed, and skips it when it is not', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'invalid-line' });
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow(/serde.*: line 4: not valid JSON/);
    expect((await source.getCrate('serde', new Set(['1.0.200'])))?.versions).toHaveLength(1);
  });

  it('rejects a body over the size limit without reading it all', async () => {
    const srv = await server();
    srv.setFile('se/rd/serde', Buffer.alloc(65 * 1024 * 1024, 0x20));
    const set = project().open({ index: srv.url });
    await expect(set.sourceFor(CRATES_IO)!.getCrate('serde')).rejects.toThrow('the response is larger than 64 MiB');
    expect(set.stats().bytes).toBeLessThan(66 * 1024 * 1024);
  });

  it('rejects a crate name that could escape the index layout', async () => {
    const srv = await server();
    const source = project().open({ index: srv.url }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('../../etc/passwd')).rejects.toThrow('is not a valid crate name');
    expect(srv.log).toHaveLength(0);
  });
});
