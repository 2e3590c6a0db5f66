/**
 * Connections for the HTTP client, on Node's own `http`, `https` and
 * `http2`: HTTP/2 to an https registry that offers it (one connection per
 * host, requests multiplexed on it, as cargo does), else HTTP/1.1 with one
 * keep-alive agent per protocol (and proxy) and at most `jobs` sockets per
 * host; the run's shared name lookup, and the timeouts cargo has
 * (connecting; the wait for the answer and between two chunks of it,
 * `http.timeout`).
 *
 * Proxies as cargo (through curl) takes them: `http.proxy`, else
 * `HTTPS_PROXY`/`HTTP_PROXY` (lower case first) for the URL's protocol, with
 * `NO_PROXY` naming the hosts reached directly (`*`, a host and its
 * subdomains, an optional port). A request through a proxy goes in a CONNECT
 * tunnel, and to an https registry TLS is negotiated inside it, with the
 * registry's name and the certificates of `http.cainfo`. Credentials in the
 * proxy's URL are sent as `Proxy-Authorization` (Basic).
 *
 * Errors carry the system's code, or one of this module's: CONNECT_TIMEOUT,
 * HEADERS_TIMEOUT, BODY_TIMEOUT, TRUNCATED (the connection closed inside the
 * body), PROXY_REFUSED.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { ClientHttp2Session } from 'node:http2';
import type { Agent as HttpsAgent } from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export interface TransportOptions {
  /** Sockets per host (`--jobs`). */
  jobs: number;
  connectTimeoutMs: number;
  /** Longest wait for the answer, and between two chunks of its body. */
  idleTimeoutMs: number;
  /** PEM certificates trusted instead of the system's. */
  ca?: string;
  /** A proxy for every request (cargo's `http.proxy`). */
  proxy?: string;
  env: NodeJS.ProcessEnv;
}

/** An answer whose head has arrived; its body is read from `body`. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type Http = typeof import('node:http');
type Https = typeof import('node:https');
type Http2 = typeof import('node:http2');
type Tls = typeof import('node:tls');
type CreateConnection = (options: Record<string, unknown>, done: (err: Error | null, socket?: Duplex) => void) => Duplex | undefined;

export class Transport {
  private readonly agents = new Map<string, HttpAgent>();
  /** Per https origin reached directly: its HTTP/2 session, or null when the server speaks only HTTP/1.1. */
  private readonly sessions = new Map<string, Promise<ClientHttp2Session | null>>();
  private readonly lookup = sharedLookup();
  private readonly noProxy: NoProxyEntry[];
  /** Per origin: the proxy its requests go through, or null for none. */
  private readonly proxies = new Map<string, URL | null>();

  constructor(private readonly opts: TransportOptions) {
    this.noProxy = parseNoProxy(opts.env.no_proxy ?? opts.env.NO_PROXY ?? '');
  }

  /** Sends a GET. Resolves when the answer's head has arrived; `signal` ends it at any point. */
  async get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    const proxy = this.proxyFor(url);
    if (url.protocol === 'https:' && !proxy) {
      const session = await this.session(url, signal);
      if (session) return this.get2(session, url, headers, signal);
    }
    return this.get1(url, headers, signal, proxy);
  }

  /** A GET over HTTP/1.1, through `proxy` when one applies. */
  private get1(url: URL, headers: Record<string, string>, signal: AbortSignal, proxy: URL | undefined): Promise<Answer> {
    const secure = url.protocol === 'https:';
    const mod = secure ? https() : http();
    const { connectTimeoutMs, idleTimeoutMs } = this.opts;
    return new Promise<Answer>((resolve, reject) => {
      let connecting: NodeJS.Timeout | undefined;
      const req: ClientRequest = mod.request(url, { method: 'GET', headers, agent: this.agentFor(url, proxy), signal, timeout: idleTimeoutMs });
      req.on('socket', (socket) => {
        // A reused connection is connected already; a tunnel bounds its own connecting.
        if (!socket.connecting) return;
        connecting = setTimeout(() => req.destroy(new TransportError('connecting timed out', 'CONNECT_TIMEOUT')), connectTimeoutMs);
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connecting));
      });
      req.on('timeout', () => req.destroy(new TransportError('no answer within http.timeout', 'HEADERS_TIMEOUT')));
      req.on('response', (res) => {
        clearTimeout(connecting);
        // From here a silence is the body's.
        req.removeAllListeners('timeout');
        req.on('timeout', () => res.destroy(new TransportError('the answer stalled for http.timeout', 'BODY_TIMEOUT')));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.on('error', (e) => {
        clearTimeout(connecting);
        reject(e);
      });
      req.end();
    });
  }

  /** A GET on an HTTP/2 session. */
  private get2(session: ClientHttp2Session, url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const stream = session.request({ ':method': 'GET', ':path': url.pathname + url.search, ...headers }, { signal });
      stream.setTimeout(this.opts.idleTimeoutMs, () => stream.destroy(new TransportError('no answer within http.timeout', 'HEADERS_TIMEOUT')));
      stream.once('response', (head) => {
        // From here a silence is the body's.
        stream.removeAllListeners('timeout');
        stream.setTimeout(this.opts.idleTimeoutMs, () => stream.destroy(new TransportError('the answer stalled for http.timeout', 'BODY_TIMEOUT')));
        resolve({ status: Number(head[':status']), headers: head as IncomingHttpHeaders, body: stream });
      });
      stream.once('error', reject);
      stream.end();
    });
  }

  /**
   * The HTTP/2 session of an https origin, connected on first use: TLS with
   * ALPN offering h2 and http/1.1; null when the server picks http/1.1 (that
   * connection is closed, and the origin is reached over HTTP/1.1 from then
   * on). A session that ends or is being closed by the server is forgotten,
   * and so is a connection that failed, so that the next request (a retry)
   * connects again.
   */
  private session(url: URL, signal: AbortSignal): Promise<ClientHttp2Session | null> {
    const origin = url.origin;
    let found = this.sessions.get(origin);
    if (!found) {
      found = this.connect2(url, signal);
      this.sessions.set(origin, found);
      const forget = () => {
        if (this.sessions.get(origin) === found) this.sessions.delete(origin);
      };
      // A session the server is closing (GOAWAY) takes no new request: the next one connects again.
      found.then((session) => session?.once('goaway', forget).once('close', forget), forget);
    }
    return found;
  }

  private connect2(url: URL, signal: AbortSignal): Promise<ClientHttp2Session | null> {
    const tls = process.getBuiltinModule('node:tls') as Tls;
    const host = bareHost(url.hostname);
    return new Promise((resolve, reject) => {
      const socket: TLSSocket = tls.connect({
        host,
        port: Number(url.port) || 443,
        servername: host,
        ALPNProtocols: ['h2', 'http/1.1'],
        lookup: this.lookup,
        ...(this.opts.ca !== undefined && { ca: this.opts.ca }),
      });
      const fail = (e: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        socket.destroy();
        reject(e);
      };
      const aborted = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => fail(new TransportError('connecting timed out', 'CONNECT_TIMEOUT')), this.opts.connectTimeoutMs);
      signal.addEventListener('abort', aborted, { once: true });
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        socket.removeListener('error', fail);
        if (socket.alpnProtocol !== 'h2') {
          socket.destroy();
          return resolve(null);
        }
        const session = (process.getBuiltinModule('node:http2') as Http2).connect(url.origin, { createConnection: () => socket });
        // A session's own failure ends its streams, which report it; nothing more to do here.
        session.on('error', () => undefined);
        resolve(session);
      });
    });
  }

  /** Closes every connection. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    for (const session of this.sessions.values())
      session.then(
        (s) => s?.destroy(),
        () => undefined,
      );
    this.sessions.clear();
  }

  /** The agent for a URL: direct, or through the proxy that applies to it. */
  private agentFor(url: URL, proxy: URL | undefined): HttpAgent {
    const key = `${url.protocol} ${proxy?.href ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = this.createAgent(url.protocol === 'https:', proxy);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private createAgent(secure: boolean, proxy: URL | undefined): HttpAgent {
    const { jobs, ca } = this.opts;
    const options = { keepAlive: true, maxSockets: jobs, lookup: this.lookup, ...(secure && ca !== undefined && { ca }) };
    const agent: HttpAgent | HttpsAgent = secure ? new (https().Agent)(options) : new (http().Agent)(options);
    if (proxy) {
      const tunnel = this.tunnel.bind(this, proxy, secure);
      (agent as unknown as { createConnection: CreateConnection }).createConnection = (o, done) => {
        tunnel(o, done);
        return undefined;
      };
    }
    return agent;
  }

  /** A CONNECT tunnel through `proxy` to the host of `o` (TLS inside it for https), handed to `done`. */
  private tunnel(proxy: URL, secure: boolean, o: Record<string, unknown>, done: (err: Error | null, socket?: Duplex) => void): void {
    const host = String(o.host);
    const port = Number(o.port) || (secure ? 443 : 80);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username || proxy.password) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const viaTls = proxy.protocol === 'https:';
    const req = (viaTls ? https() : http()).request({
      host: bareHost(proxy.hostname),
      port: Number(proxy.port) || (viaTls ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
      lookup: this.lookup,
      timeout: this.opts.connectTimeoutMs,
      ...(viaTls && this.opts.ca !== undefined && { ca: this.opts.ca }),
    });
    let settled = false;
    const finish = (err: Error | null, socket?: Duplex) => {
      if (settled) return;
      settled = true;
      done(err, socket);
    };
    req.once('timeout', () => req.destroy(new TransportError(`connecting through the proxy ${proxy.host} timed out`, 'CONNECT_TIMEOUT')));
    req.once('error', (e) => finish(e));
    req.once('connect', (res, socket) => {
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        socket.destroy();
        finish(new TransportError(`the proxy ${proxy.host} answered CONNECT with HTTP ${res.statusCode}`, 'PROXY_REFUSED'));
        return;
      }
      if (!secure) return finish(null, socket);
      const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls');
      const servername = typeof o.servername === 'string' && o.servername ? o.servername : host;
      finish(null, tls.connect({ socket, servername, ALPNProtocols: ['http/1.1'], ...(this.opts.ca !== undefined && { ca: this.opts.ca }) }));
    });
    req.end();
  }

  /**
   * The proxy for a URL, if one applies: cargo's `http.proxy`, else the environment's for its
   * protocol; none for a host NO_PROXY names. Decided once per origin. A proxy given as
   * `host:port` (curl, and so cargo, accepts it) is an http:// one.
   */
  private proxyFor(url: URL): URL | undefined {
    let found = this.proxies.get(url.origin);
    if (found === undefined) {
      const { env, proxy } = this.opts;
      const http = env.http_proxy || env.HTTP_PROXY || '';
      const chosen = proxy || (url.protocol === 'https:' ? env.https_proxy || env.HTTPS_PROXY || http : http);
      found = !chosen || bypassed(this.noProxy, url) ? null : new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen) ? chosen : `http://${chosen}`);
      this.proxies.set(url.origin, found);
    }
    return found ?? undefined;
  }
}

const http = (): Http => process.getBuiltinModule('node:http') as Http;
const https = (): Https => process.getBuiltinModule('node:https') as Https;

/** A host name without the brackets of an IPv6 literal (`[::1]` → `::1`). */
const bareHost = (host: string): string => host.replace(/^\[|\]$/g, '');

interface NoProxyEntry {
  host: string;
  port: number;
}

/** NO_PROXY as curl reads it: names separated by commas or spaces, each with an optional port; `*` alone means every host. */
export function parseNoProxy(value: string): NoProxyEntry[] {
  const out: NoProxyEntry[] = [];
  for (const raw of value.split(/[,\s]+/)) {
    if (!raw) continue;
    const m = /^(.+):(\d+)$/.exec(raw);
    let host = (m ? m[1]! : raw).toLowerCase();
    if (host !== '*') host = host.replace(/^\*?\./, '');
    out.push({ host: bareHost(host), port: m ? Number(m[2]) : 0 });
  }
  return out;
}

/** Whether NO_PROXY names the URL's host: itself, or a domain it is in; with a port, only that port. */
export function bypassed(entries: readonly NoProxyEntry[], url: URL): boolean {
  const host = bareHost(url.hostname.toLowerCase());
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return entries.some((e) => e.host === '*' || ((e.port === 0 || e.port === port) && (host === e.host || host.endsWith(`.${e.host}`))));
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Name resolution shared by the run's connections: one lookup per host name
 * at a time, its answer kept for the run. Without it, each of the dozens of
 * connections opened at once asks the system resolver on its own: they queue
 * in libuv's four resolver threads, and a name that does not resolve fails
 * some requests at once and others seconds later. A failed lookup is
 * forgotten, so that a retry asks again.
 */
function sharedLookup() {
  const answers = new Map<string, Promise<LookupAddress[]>>();
  return (hostname: string, options: { all?: boolean; family?: number | string } | undefined, callback: LookupCallback): void => {
    const family = typeof options?.family === 'number' ? options.family : 0;
    const key = `${hostname}\0${family}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = new Promise<LookupAddress[]>((ok, fail) => dnsLookup(hostname, { all: true, family }, (err, addresses) => (err ? fail(err) : ok(addresses))));
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    answer.then(
      (addresses) => {
        if (options?.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, options?.all ? [] : ''),
    );
  };
}
