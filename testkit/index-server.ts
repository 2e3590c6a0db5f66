/**
 * A sparse index server on 127.0.0.1 for tests and the bench: serves a folder
 * (plus files set in memory) with ETag/Last-Modified revalidation, optional
 * gzip or brotli, and faults injected per path: latency, status codes (500,
 * 429 with Retry-After), dropped connections, truncated, stalled or trickling bodies,
 * an invalid JSON line, redirects. Every request is logged with its headers.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, relative, sep } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Closes the connection without answering. */
  | { kind: 'drop' }
  /** Announces the full length, sends half of the body, closes the connection. */
  | { kind: 'truncate' }
  /** Announces the full length, sends half of the body, then nothing more (the client has to time out). */
  | { kind: 'stall' }
  /** Announces the full length, then sends the body a byte every `everyMs` (a transfer that never stalls long enough for an idle timeout). */
  | { kind: 'trickle'; everyMs: number }
  /** Serves the file with a broken JSON line appended. */
  | { kind: 'invalid-line' }
  | { kind: 'redirect'; location: string; status?: number };

export interface RequestRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  /** Body bytes sent (as on the wire: compressed when compressed). */
  bytes: number;
}

export interface IndexServerOptions {
  /** Folder served (an index in the crates.io layout, with config.json). */
  root?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Content encoding used when the client accepts it. */
  compression?: 'none' | 'gzip' | 'br';
  /** Send an ETag (default true) and honour If-None-Match. */
  etag?: boolean;
  /** Send Last-Modified and honour If-Modified-Since. */
  lastModified?: boolean;
  /** Answer 401 unless `Authorization` is exactly this (config.json included). */
  requireToken?: string;
}

interface FaultRule {
  match: (path: string) => boolean;
  fault: Fault;
  remaining: number;
}

interface Derived {
  etag: string;
  gzip?: Buffer;
  br?: Buffer;
}

const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT';

export class IndexServer {
  readonly log: RequestRecord[] = [];
  /** Most requests being answered at the same time so far. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly files = new Map<string, Buffer>();
  private readonly disk = new Map<string, Promise<Buffer | undefined>>();
  private readonly derived = new WeakMap<Buffer, Derived>();
  private rules: FaultRule[] = [];

  private constructor(
    private readonly server: Server,
    private readonly opts: IndexServerOptions,
  ) {}

  static async start(opts: IndexServerOptions = {}): Promise<IndexServer> {
    const server = createServer();
    const s = new IndexServer(server, opts);
    server.on('request', (req, res) => void s.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    s.port = (server.address() as AddressInfo).port;
    return s;
  }

  /** The port, kept once listening: requests still answered while the server closes ask for it too. */
  private port = 0;

  /** `http://127.0.0.1:PORT/` */
  get url(): string {
    return `${this.origin}/`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves `content` at `path` (e.g. `se/rd/serde`), over the folder. */
  setFile(path: string, content: string | Buffer): void {
    this.files.set(path, Buffer.from(content));
  }

  /** Injects a fault for the next `times` requests whose path matches (a path, or a test on it). */
  fault(match: string | ((path: string) => boolean), fault: Fault, times = Infinity): void {
    const test = typeof match === 'string' ? (p: string) => p === match : match;
    this.rules.push({ match: test, fault, remaining: times });
  }

  /**
   * Reads every file of the folder and prepares its ETag and compressed form
   * now rather than on first request, as a CDN serving a warm cache would
   * (for the bench, so that the server's first reads do not count as the client's time).
   */
  async preload(): Promise<void> {
    const root = this.opts.root;
    if (!root) return;
    const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    await Promise.all(
      files.map(async (e) => {
        const rel = relative(root, join(e.parentPath, e.name)).split(sep).join('/');
        const body = await this.content(rel);
        if (!body) return;
        const d = this.derive(body);
        if (this.opts.compression === 'gzip') d.gzip ??= gzipSync(body);
        if (this.opts.compression === 'br') d.br ??= brotliCompressSync(body);
      }),
    );
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Requests for index files (config.json left out), optionally only those for `path`. */
  /** The requests for `path`, else for index files (config.json and archive downloads under `dl/` left out). */
  requests(path?: string): RequestRecord[] {
    return this.log.filter((r) => (path ? r.path === path : r.path !== 'config.json' && !r.path.startsWith('dl/')));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const record: RequestRecord = { method: req.method ?? 'GET', path, headers, status: 0, bytes: 0 };
    this.log.push(record);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    res.on('close', () => this.inFlight--);
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));

    const rule = this.rules.find((r) => r.remaining > 0 && r.match(path));
    if (rule) rule.remaining--;
    const fault = rule?.fault;
    const send = (status: number, h: Record<string, string> = {}, body?: Buffer) => {
      record.status = status;
      record.bytes = body?.length ?? 0;
      res.writeHead(status, h);
      res.end(body);
    };

    if (fault?.kind === 'drop') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') return send(fault.status, fault.headers ?? {}, Buffer.from(`fault ${fault.status}\n`));
    if (fault?.kind === 'redirect') return send(fault.status ?? 302, { location: fault.location });
    if (this.opts.requireToken !== undefined && headers.authorization !== this.opts.requireToken) {
      return send(401, { 'www-authenticate': 'Cargo login_url="https://example.invalid/me"' });
    }

    let body = await this.content(path);
    if (!body) return send(404, {}, Buffer.from('not found\n'));
    // Fixtures name their download host `example.invalid`: served, it is this server (so a test never
    // looks a name up, and archives it lacks are a quick 404).
    if (path === 'config.json') body = Buffer.from(body.toString('utf8').replaceAll('https://example.invalid', this.origin));
    if (fault?.kind === 'invalid-line') body = Buffer.concat([body, Buffer.from('{"name": "broken", "vers": \n')]);

    const h: Record<string, string> = { 'content-type': 'text/plain' };
    const derived = this.derive(body);
    if (this.opts.etag !== false) {
      const etag = derived.etag;
      h.etag = etag;
      if (headers['if-none-match'] === etag) return send(304, h);
    }
    if (this.opts.lastModified) {
      h['last-modified'] = LAST_MODIFIED;
      if (headers['if-modified-since'] === LAST_MODIFIED) return send(304, h);
    }
    const accepts = headers['accept-encoding'] ?? '';
    if (this.opts.compression === 'gzip' && accepts.includes('gzip')) {
      body = derived.gzip ??= gzipSync(body);
      h['content-encoding'] = 'gzip';
    } else if (this.opts.compression === 'br' && accepts.includes('br')) {
      body = derived.br ??= brotliCompressSync(body);
      h['content-encoding'] = 'br';
    }
    if (fault?.kind === 'trickle') {
      record.status = 200;
      res.writeHead(200, { ...h, 'content-length': String(body.length) });
      let at = 0;
      const tick = setInterval(() => {
        if (res.destroyed || at >= body.length) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(at, ++at));
        record.bytes = at;
      }, fault.everyMs);
      res.on('close', () => clearInterval(tick));
      return;
    }
    if (fault?.kind === 'truncate' || fault?.kind === 'stall') {
      record.status = 200;
      res.writeHead(200, { ...h, 'content-length': String(body.length) });
      const half = body.subarray(0, Math.floor(body.length / 2));
      record.bytes = half.length;
      if (fault.kind === 'truncate') res.write(half, () => req.socket.destroy());
      else res.write(half);
      return;
    }
    send(200, { ...h, 'content-length': String(body.length) }, body);
  }

  /** In-memory files first, then the folder, each file of which is read once (as a static server with a cache would). */
  private content(path: string): Promise<Buffer | undefined> {
    const mem = this.files.get(path);
    if (mem) return Promise.resolve(mem);
    const root = this.opts.root;
    if (!root || normalize(path).startsWith('..') || path === '') return Promise.resolve(undefined);
    let read = this.disk.get(path);
    if (!read) {
      read = readFile(join(root, path)).catch(() => undefined);
      this.disk.set(path, read);
    }
    return read;
  }

  /** ETag and compressed forms of a body, computed once per body. */
  private derive(body: Buffer): Derived {
    let d = this.derived.get(body);
    if (!d) {
      d = { etag: `"${createHash('sha1').update(body).digest('hex')}"` };
      this.derived.set(body, d);
    }
    return d;
  }
}
