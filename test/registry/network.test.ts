import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defaultCacheDir } from '../../src/registry/cache.js';
import { connectProxy } from '../helpers/proxy.js';
import { CRATES_IO, FIXTURE_INDEX, project, server } from './setup.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A TLS server offering HTTP/2 (and HTTP/1.1), with a certificate made for 127.0.0.1; records the HTTP versions used. */
async function h2Server(dir: string, opts: { closeSessions?: boolean; stallBodies?: boolean } = {}): Promise<{ url: string; versions: string[]; certPath: string; sessions: () => number }> {
  const key = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  args.push('-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', certPath);
  execFileSync('openssl', args, { stdio: 'ignore' });
  const versions: string[] = [];
  let sessions = 0;
  const srv = createSecureServer({ key: readFileSync(key), cert: readFileSync(certPath), allowHTTP1: true }, (req, res) => {
    versions.push(req.httpVersion);
    // A server that ends each HTTP/2 connection after one answer (GOAWAY), as servers do on restart or after a number of requests.
    const session = req.stream?.session;
    if (opts.closeSessions && session) res.on('finish', () => session.close());
    // The head and a first piece of the body, then nothing.
    if (opts.stallBodies) return void res.writeHead(200, { 'content-type': 'text/plain' }).write('{');
    try {
      const body = readFileSync(join(FIXTURE_INDEX, new URL(req.url, 'https://x').pathname));
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  srv.on('session', () => sessions++);
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  onTestFinished(() => new Promise<void>((ok) => srv.close(() => ok())));
  return { url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}/`, versions, certPath, sessions: () => sessions };
}

describe('network', () => {
  it('times out a stalled body and retries', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'stall' }, 1);
    const set = project().open({ index: srv.url, network: { idleTimeoutMs: 150, baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await set.sourceFor(CRATES_IO)!.getCrate('serde'))?.versions).toHaveLength(3);
    expect(srv.requests('se/rd/serde')).toHaveLength(2);
    expect(set.stats().retries).toBe(1);
  });

  it('abandons a body that trickles slower than the low-speed limit, and retries it', async () => {
    const srv = await server();
    // 20 bytes/s against a limit of 100 over windows of 300 ms: abandoned after the first window.
    srv.fault('se/rd/serde', { kind: 'trickle', everyMs: 50 }, 1);
    const started = Date.now();
    const set = project().open({ index: srv.url, network: { idleTimeoutMs: 300, lowSpeedLimit: 100, baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await set.sourceFor(CRATES_IO)!.getCrate('serde'))?.versions).toHaveLength(3);
    expect(srv.requests('se/rd/serde')).toHaveLength(2);
    expect(set.stats().retries).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says why when a trickling body outlasts the retries', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'trickle', everyMs: 50 });
    const set = project().open({ index: srv.url, network: { idleTimeoutMs: 200, lowSpeedLimit: 100, retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(set.sourceFor(CRATES_IO)!.getCrate('serde')).rejects.toThrow(/the transfer was slower than 100 bytes\/s for 0\.\d s \(http\.low-speed-limit\)/);
    expect(srv.requests('se/rd/serde')).toHaveLength(2);
  });

  it("takes the limit from cargo's http.low-speed-limit", async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'trickle', everyMs: 100 });
    const set = project({ config: '[http]\nlow-speed-limit = 50\n' }).open({ index: srv.url, network: { idleTimeoutMs: 300, retries: 0 } });
    await expect(set.sourceFor(CRATES_IO)!.getCrate('serde')).rejects.toThrow(/the transfer was slower than 50 bytes\/s for 0\.\d s/);
  });

  it('goes through HTTP_PROXY, unless NO_PROXY names the host', async () => {
    const srv = await server();
    const viaProxy = await connectProxy();
    const proxied = project({ env: { HTTP_PROXY: viaProxy.url } });
    expect(await proxied.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('serde')).not.toBeNull();
    expect(viaProxy.targets.length).toBeGreaterThan(0);
    expect(new Set(viaProxy.targets)).toEqual(new Set([new URL(srv.url).host]));

    const bypass = await connectProxy();
    const direct = project({ env: { HTTP_PROXY: bypass.url, NO_PROXY: '127.0.0.1' } });
    expect(await direct.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('libc')).not.toBeNull();
    expect(bypass.targets).toEqual([]);
  });

  it("takes cargo's http.proxy over the environment", async () => {
    const srv = await server();
    const fromConfig = await connectProxy();
    const fromEnv = await connectProxy();
    const p = project({ config: `[http]\nproxy = "${fromConfig.url.replace('http://', '')}"\n`, env: { HTTP_PROXY: fromEnv.url } });
    expect(await p.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('serde')).not.toBeNull();
    expect(fromConfig.targets.length).toBeGreaterThan(0);
    expect(fromEnv.targets).toEqual([]);
  });

  it.skipIf(!hasOpenssl)('speaks HTTP/2 when the server offers it, trusting http.cainfo', async () => {
    const p = project();
    const srv = await h2Server(p.dir);
    const trusting = project({ config: `[http]\ncainfo = "${srv.certPath}"\n` });
    const source = trusting.open({ index: srv.url }).sourceFor(CRATES_IO)!;
    const got = await Promise.all(['serde', 'libc', 'cc'].map((n) => source.getCrate(n)));
    expect(got.map((c) => c?.versions.length)).toEqual([3, 2, 1]);
    expect(srv.versions).toEqual(['2.0', '2.0', '2.0', '2.0']);
    // Without the certificate, the connection is refused, and the message says why.
    const untrusting = p.open({ index: srv.url, network: { retries: 0 } }).sourceFor(CRATES_IO)!;
    await expect(untrusting.getCrate('serde')).rejects.toThrow(/self.signed certificate/);
  });

  it.skipIf(!hasOpenssl)('connects again when the server ends an HTTP/2 connection (GOAWAY)', async () => {
    const p = project();
    const srv = await h2Server(p.dir, { closeSessions: true });
    const trusting = project({ config: `[http]\ncainfo = "${srv.certPath}"\n` });
    const source = trusting.open({ index: srv.url, network: { baseDelayMs: 1, maxDelayMs: 1 } }).sourceFor(CRATES_IO)!;
    for (const [name, count] of [
      ['serde', 3],
      ['libc', 2],
      ['cc', 1],
    ] as const)
      expect((await source.getCrate(name))?.versions).toHaveLength(count);
    expect(srv.versions.every((v) => v === '2.0')).toBe(true);
    expect(srv.sessions()).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(!hasOpenssl)('says that an HTTP/2 answer stalled in its body, once its head came', async () => {
    const p = project();
    const srv = await h2Server(p.dir, { stallBodies: true });
    const trusting = project({ config: `[http]\ncainfo = "${srv.certPath}"\n` });
    const source = trusting.open({ index: srv.url, network: { idleTimeoutMs: 150, retries: 0 } }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow(/stopped sending for 0\.15 s \(http\.timeout\)/);
    expect(srv.versions.every((v) => v === '2.0')).toBe(true);
  });

  it.skipIf(!hasOpenssl)('reaches an https registry through HTTPS_PROXY, unless NO_PROXY names it', async () => {
    const p = project();
    const srv = await h2Server(p.dir);
    const config = `[http]\ncainfo = "${srv.certPath}"\n`;
    const viaProxy = await connectProxy();
    const proxied = project({ config, env: { HTTPS_PROXY: viaProxy.url } });
    expect((await proxied.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('serde'))?.versions).toHaveLength(3);
    expect(new Set(viaProxy.targets)).toEqual(new Set([new URL(srv.url).host]));

    const bypass = await connectProxy();
    const direct = project({ config, env: { https_proxy: bypass.url, NO_PROXY: 'localhost,127.0.0.1' } });
    expect((await direct.open({ index: srv.url }).sourceFor(CRATES_IO)!.getCrate('libc'))?.versions).toHaveLength(2);
    expect(bypass.targets).toEqual([]);
  });

  it('close() cancels the lookups still waiting, and nothing is written afterwards', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 503, headers: { 'retry-after': '30' } });
    srv.fault('li/bc/libc', { kind: 'stall' });
    const p = project();
    const set = p.open({ index: srv.url, network: { idleTimeoutMs: 60_000 } });
    const source = set.sourceFor(CRATES_IO)!;
    const lookups = ['serde', 'libc', 'cc'].map((n) =>
      source.getCrate(n).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    while (srv.requests().length < 3) await new Promise((r) => setTimeout(r, 5));
    const start = Date.now();
    await set.close();
    expect(Date.now() - start).toBeLessThan(1000);
    const outcomes = await Promise.all(lookups);
    expect(outcomes[0]).toMatch(/`serde`.*: cancelled, the sources were closed/);
    expect(outcomes[1]).toMatch(/`libc`.*: cancelled, the sources were closed/);
    rmSync(p.cacheDir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(p.cacheDir)).toBe(false);
  });

  it('refuses a --jobs that is not a positive integer', () => {
    expect(() => project().open({ jobs: 0 })).toThrow('--jobs must be a positive integer, not 0');
  });

  it('caches under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: '/home/me' })).toBe(join('/xdg', 'cargo-preflight'));
    // A relative XDG_CACHE_HOME is ignored, as the XDG specification says.
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'xdg', HOME: '/home/me' })).toBe(join('/home/me', '.cache', 'cargo-preflight'));
    expect(defaultCacheDir({ HOME: '/home/me' })).toBe(join('/home/me', '.cache', 'cargo-preflight'));
  });
});
