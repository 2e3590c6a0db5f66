/**
 * HTTP for sparse indexes: one set of connections per run (transport.ts:
 * keep-alive, proxies, timeouts), a shared concurrency limit, retries with
 * backoff, and the rules that keep a token with its registry.
 *
 * Retried: network errors (reset, dropped, timed out, truncated bodies),
 * 5xx and 429, honouring `Retry-After`, up to `net.retry` times; each file's
 * fetch has a total time bound, waits included. A host whose name does not
 * resolve, or that refuses the connection, gets one quick retry (such
 * failures rarely heal within a run). Once a host has failed past its
 * retries, the requests to it still in flight end and no other is sent: the
 * run fails at once with one error naming the host (`NetworkError`). Not
 * retried: anything a retry cannot change (4xx, a body over the size limit).
 *
 * Messages say what failed in plain words; the underlying error's own
 * (its code, the system call) go only to the `-vv` log.
 *
 * Redirects are followed by hand, so that `Authorization` is attached per
 * hop and only when the hop's origin is the registry's own.
 */
import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Secret } from './credentials.js';
import { MAX_INDEX_FILE_BYTES } from './parse.js';
import type { FetchTracker } from './progress.js';
import { Transport, TransportError, type Answer } from './transport.js';
import { NetworkError, RegistryError } from './types.js';

export interface NetworkPolicy {
  /** Attempts after the first (cargo's `net.retry`). */
  retries: number;
  /** First backoff delay; doubled on every retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Bound on one file's fetch, retries and waits included. */
  totalTimeMs: number;
  connectTimeoutMs: number;
  /** Longest wait for the response headers, and between two chunks of the body (cargo's `http.timeout`). */
  idleTimeoutMs: number;
  /**
   * cargo's `http.low-speed-limit` (bytes per second): a body that arrives
   * slower than this on average over `idleTimeoutMs` is abandoned and
   * retried, as cargo (curl) does, so a body trickling a byte at a time
   * cannot hold a run for minutes.
   */
  lowSpeedLimit: number;
}

export const DEFAULT_POLICY: NetworkPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  totalTimeMs: 120_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  lowSpeedLimit: 10,
};

const MAX_REDIRECTS = 5;

export interface GetRequest {
  url: string;
  /** What is fetched, for messages, e.g. "index entry for `serde` (sparse+https://…)". */
  what: string;
  etag?: string;
  lastModified?: string;
  /** Sent as `Authorization` to `origin` only. */
  auth?: { origin: string; token: Secret };
  /** Skips the queue: for a registry's config.json, which every other request of the registry waits on. */
  urgent?: boolean;
  /** A crate archive rather than an index file: its own size bound, and counted apart. */
  archive?: { maxBytes: number };
}

export type GetResponse =
  | { status: 200; body: Buffer; etag?: string; lastModified?: string }
  | { status: 304 }
  /** 404, 410 and 451: the file is not in the index. */
  | { status: 404 }
  | { status: 401 | 403 };

export interface HttpOptions {
  policy: NetworkPolicy;
  /** Maximum requests in flight (`--jobs`). */
  jobs: number;
  tracker: FetchTracker;
  /** Proxy for every request (cargo's `http.proxy`); else `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from `env`. */
  proxy?: string;
  /** PEM certificates trusted instead of the system's (cargo's `http.cainfo`). */
  ca?: string;
  env: NodeJS.ProcessEnv;
  /** What `-v` (level 1: each retry and its reason) and `-vv` (level 2: the underlying errors) show. */
  log?: (level: 1 | 2, line: string) => void;
}

/**
 * A failure worth another attempt (`final`: one that ends the fetch at once,
 * as the time bound); `retryAfterMs` when the server said when; `code` for a
 * network error (which decides how often it is retried), with `detail`, the
 * underlying error's own words, for `-vv`.
 */
class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly code?: string,
    readonly detail?: string,
    readonly final = false,
  ) {
    super(message);
  }
}

/** Failures that say the host cannot be reached at all: one quick retry, then the host is given up for the run. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL', 'ECONNREFUSED']);

/** One host's state in a run: given up (with the error every later request gets), and the signal that ends its requests in flight. */
interface HostState {
  down?: NetworkError;
  readonly abort: AbortController;
}

export class HttpClient {
  /** Created on the first request: offline runs never need it. */
  private transport: Transport | undefined;
  private readonly limit: LimitFunction;
  /** Aborted by `close`: requests in flight and waits before a retry end at once. */
  private readonly closed = new AbortController();
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly opts: HttpOptions) {
    this.limit = pLimit(opts.jobs);
    // Every request in flight and every wait before a retry listens to it: up to --jobs at once, not a leak.
    setMaxListeners(0, this.closed.signal);
  }

  /** GET with retries. Throws `RegistryError` once retrying is pointless, `NetworkError` when the host cannot be reached. */
  async get(req: GetRequest): Promise<GetResponse> {
    const { policy, tracker } = this.opts;
    const deadline = Date.now() + policy.totalTimeMs;
    const host = new URL(req.url).host;
    const state = this.host(host);
    for (let attempt = 0; ; attempt++) {
      let failure: Transient;
      try {
        if (state.down) throw state.down;
        // A request queued behind others is not sent once its host has failed meanwhile.
        const send = () => (state.down ? Promise.reject(state.down) : this.attempt(req, deadline, state));
        return await (req.urgent ? send() : this.limit(send));
      } catch (e) {
        if (this.closed.signal.aborted) throw this.cancelled(req);
        if (state.down) throw state.down;
        failure = transient(e, req.what, host, policy);
      }
      const attempts = `${attempt + 1} attempt${attempt ? 's' : ''}`;
      const unreachable = failure.code !== undefined && UNREACHABLE_CODES.has(failure.code);
      // A name that does not resolve, a refused connection: one quick retry, whatever net.retry says.
      const allowed = unreachable ? Math.min(policy.retries, 1) : policy.retries;
      if (failure.final || attempt >= allowed) throw this.giveUp(state, host, req, failure, attempts);
      const delay = failure.retryAfterMs ?? (unreachable ? Math.min(policy.baseDelayMs, 250) : backoff(attempt, policy));
      if (Date.now() + delay >= deadline) {
        const why = failure.retryAfterMs !== undefined ? `the server asked to retry in ${Math.ceil(delay / 1000)} s, past` : 'gave up at';
        throw this.giveUp(state, host, req, failure, `${attempts}; ${why} the ${policy.totalTimeMs / 1000} s limit`);
      }
      tracker.retry();
      this.opts.log?.(1, `Retrying ${req.what} in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${allowed + 1}): ${failure.message}`);
      if (failure.detail) this.opts.log?.(2, `  caused by: ${failure.detail}`);
      await sleep(delay, undefined, { signal: AbortSignal.any([this.closed.signal, state.abort.signal]) }).catch(() => {
        throw state.down ?? this.cancelled(req);
      });
    }
  }

  /**
   * The error that ends a fetch past its retries. A network failure gives the
   * host up: its requests in flight end, and no other is sent.
   */
  private giveUp(state: HostState, host: string, req: GetRequest, failure: Transient, attempts: string): RegistryError {
    // A body that could not be decompressed is no network failure.
    if (failure.code === undefined && !failure.final && !/^HTTP \d/.test(failure.message) && !failure.message.startsWith('the transfer was slower')) {
      return new RegistryError(`${req.what}: ${failure.message} (${attempts})`);
    }
    const error = new NetworkError(`${req.what}: ${failure.message} (${attempts})`, host, failure.detail);
    if (failure.detail) this.opts.log?.(2, `${host}: ${failure.detail}`);
    if (!state.down) {
      state.down = error;
      state.abort.abort();
    }
    return state.down;
  }

  private host(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { abort: new AbortController() };
      setMaxListeners(0, state.abort.signal);
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Ends the requests in flight and the waits for a retry (their lookups fail), then closes the connections. */
  async close(): Promise<void> {
    this.closed.abort();
    this.transport?.close();
  }

  private cancelled(req: GetRequest): RegistryError {
    return new RegistryError(`${req.what}: cancelled, the sources were closed`);
  }

  private connections(): Transport {
    const { policy, jobs, env, ca, proxy } = this.opts;
    this.transport ??= new Transport({
      jobs,
      connectTimeoutMs: policy.connectTimeoutMs,
      idleTimeoutMs: policy.idleTimeoutMs,
      env,
      ...(ca !== undefined && { ca }),
      ...(proxy !== undefined && { proxy }),
    });
    return this.transport;
  }

  private async attempt(req: GetRequest, deadline: number, state: HostState): Promise<GetResponse> {
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        'user-agent': 'cargo-preflight',
        accept: 'text/plain, application/json',
        'accept-encoding': 'gzip, br',
        // Tells the server this is a sparse-protocol client, as cargo does.
        'cargo-protocol': 'version=1',
      };
      if (req.etag) headers['if-none-match'] = req.etag;
      else if (req.lastModified) headers['if-modified-since'] = req.lastModified;
      const target = new URL(url);
      if (req.auth && target.origin === req.auth.origin) headers.authorization = req.auth.token.reveal();
      const host = target.host;
      this.opts.tracker.request(host, req.archive !== undefined);
      // Ended by the time bound, the end of the run, or the host given up: one controller and one timer per request.
      const ended = new AbortController();
      const end = () => ended.abort();
      const timer = setTimeout(() => ended.abort(new DOMException('the time bound passed', 'TimeoutError')), Math.max(1, deadline - Date.now()));
      this.closed.signal.addEventListener('abort', end);
      state.abort.signal.addEventListener('abort', end);
      try {
        if (this.closed.signal.aborted || state.abort.signal.aborted) end();
        const res = await this.connections().get(target, headers, ended.signal);
        const answer = await this.answer(req, url, host, res, hop);
        if (typeof answer === 'string') {
          url = answer;
          continue;
        }
        return answer;
      } finally {
        clearTimeout(timer);
        this.closed.signal.removeEventListener('abort', end);
        state.abort.signal.removeEventListener('abort', end);
        this.opts.tracker.requestEnded(host);
      }
    }
  }

  /** What a response means: the answer, or the URL a redirect leads to. */
  private async answer(req: GetRequest, url: string, host: string, res: Answer, hop: number): Promise<GetResponse | string> {
    const { status } = res;
    if ([301, 302, 303, 307, 308].includes(status) && typeof res.headers.location === 'string') {
      res.body.resume();
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`${req.what}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(res.headers.location, url);
      const from = new URL(url).protocol;
      if (next.protocol !== 'https:' && (from === 'https:' || next.protocol !== 'http:')) {
        throw new RegistryError(`${req.what}: refusing a redirect from ${from} to ${next.protocol}`);
      }
      return next.href;
    }
    if (status === 200) {
      const max = req.archive?.maxBytes ?? MAX_INDEX_FILE_BYTES;
      const raw = await this.readBody(res.body, req.what, host, max, req.archive !== undefined);
      return {
        status: 200,
        body: decompress(raw, header(res.headers['content-encoding']), req.what, max),
        ...optionalHeader('etag', header(res.headers.etag)),
        ...optionalHeader('lastModified', header(res.headers['last-modified'])),
      };
    }
    // Read to its end, so that the connection serves the next request.
    res.body.resume();
    if (status === 304 || status === 401 || status === 403) return { status };
    if (status === 404 || status === 410 || status === 451) return { status: 404 };
    if (status === 429 || status >= 500) {
      throw new Transient(`HTTP ${status}`, retryAfter(header(res.headers['retry-after'])));
    }
    throw new RegistryError(`${req.what}: unexpected HTTP ${status}`);
  }

  /** The body, read with events rather than an async iterator (a promise per chunk, on every one of hundreds of answers). */
  private readBody(body: Readable, what: string, host: string, max: number, archive: boolean): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // cargo's low-speed rule, over windows of `http.timeout`: fewer bytes than the limit allows, and the transfer is retried.
      const { lowSpeedLimit, idleTimeoutMs } = this.opts.policy;
      let windowStart = Date.now();
      let windowBytes = 0;
      const fail = (e: Error) => {
        body.removeAllListeners('data');
        body.destroy();
        reject(e);
      };
      body.on('data', (chunk: Buffer) => {
        windowBytes += chunk.length;
        const elapsed = Date.now() - windowStart;
        if (elapsed >= idleTimeoutMs) {
          if (lowSpeedLimit > 0 && (windowBytes * 1000) / elapsed < lowSpeedLimit) {
            return fail(new Transient(`the transfer was slower than ${lowSpeedLimit} bytes/s for ${+(elapsed / 1000).toFixed(1)} s (http.low-speed-limit)`));
          }
          windowStart = Date.now();
          windowBytes = 0;
        }
        size += chunk.length;
        this.opts.tracker.bytes(chunk.length, host, archive);
        if (size > max) return fail(new RegistryError(`${what}: the response is larger than ${max / 2 ** 20} MiB`));
        chunks.push(chunk);
      });
      body.once('end', () => resolve(Buffer.concat(chunks, size)));
      body.once('error', (e: NodeJS.ErrnoException) => {
        // A connection that closes inside an HTTP/1.1 body (an IncomingMessage says whether it arrived whole).
        if (e.code === 'ECONNRESET' && (body as { complete?: boolean }).complete === false) reject(new TransportError('the answer was cut short', 'TRUNCATED'));
        else reject(e);
      });
    });
  }
}

/**
 * Synchronous on purpose: index files are small, and for them the thread-pool
 * round trip of the asynchronous API costs more than the decompression.
 */
function decompress(raw: Buffer, encoding: string | undefined, what: string, max: number): Buffer {
  const enc = encoding?.trim().toLowerCase();
  if (!enc || enc === 'identity') return raw;
  const options = { maxOutputLength: max };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(raw, options);
    if (enc === 'br') return brotliDecompressSync(raw, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new RegistryError(`${what}: the response is larger than ${max / 2 ** 20} MiB once decompressed`);
    }
    // A truncated or damaged stream: the next attempt may get it whole.
    throw new Transient(`could not decompress the response (${(e as Error).message})`);
  }
  throw new RegistryError(`${what}: the server used content encoding \`${enc}\`, which was not asked for`);
}

/** What each network error code means, in the words of the messages (the codes stay out of them). */
const REASONS: Record<string, string> = {
  ENOTFOUND: 'its name does not resolve',
  EAI_NONAME: 'its name does not resolve',
  EAI_NODATA: 'its name has no address',
  EAI_FAIL: 'name resolution failed',
  EAI_AGAIN: 'name resolution failed for now (the DNS server did not answer)',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection broke',
  ETIMEDOUT: 'connecting timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  ERR_STREAM_PREMATURE_CLOSE: 'the connection closed unexpectedly',
  ERR_HTTP2_GOAWAY_SESSION: 'the connection closed unexpectedly',
  ERR_HTTP2_INVALID_SESSION: 'the connection closed unexpectedly',
  ERR_HTTP2_SESSION_ERROR: 'the connection closed unexpectedly',
  ERR_HTTP2_STREAM_ERROR: 'the connection closed unexpectedly',
  ERR_HTTP2_STREAM_CANCEL: 'the connection closed unexpectedly',
  CONNECT_TIMEOUT: 'connecting timed out',
  HEADERS_TIMEOUT: 'no answer within http.timeout',
  BODY_TIMEOUT: 'the answer stalled for http.timeout',
  TRUNCATED: 'the answer was cut short',
};

/** Network error codes worth a retry (the system's, Node's and the transport's). */
const TRANSIENT_CODES = new Set(Object.keys(REASONS));

/** The reason of a network error in plain words, with its timing where it has one (`no answer within 30 s (http.timeout)`). */
function reasonOf(code: string, host: string, policy: NetworkPolicy): string {
  if (code === 'HEADERS_TIMEOUT') return `${host} gave no answer within ${policy.idleTimeoutMs / 1000} s (http.timeout)`;
  if (code === 'BODY_TIMEOUT') return `${host} stopped sending for ${policy.idleTimeoutMs / 1000} s (http.timeout)`;
  if (code === 'CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `cannot reach ${host}: connecting timed out after ${policy.connectTimeoutMs / 1000} s`;
  return `cannot reach ${host}: ${REASONS[code] ?? 'network error'}`;
}

/** The error as a `Transient`, or as the final error when retrying cannot help. */
function transient(e: unknown, what: string, host: string, policy: NetworkPolicy): Transient {
  if (e instanceof Transient) return e;
  if (e instanceof RegistryError) throw e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const detail = `${err?.message ?? String(e)}${code ? ` (${code})` : ''}`;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    // Only the time bound aborts a request here (the end of the run and a host given up are told apart before).
    return new Transient(`timed out: no complete answer within the ${policy.totalTimeMs / 1000} s limit`, undefined, undefined, detail, true);
  }
  // An error may wrap the system's; its cause carries the code.
  const causeCode = (err?.cause as NodeJS.ErrnoException | undefined)?.code;
  const known = [code, causeCode].find((c) => c !== undefined && TRANSIENT_CODES.has(c));
  const causeDetail = err?.cause ? `; caused by: ${(err.cause as Error).message}` : '';
  if (known) return new Transient(reasonOf(known, host, policy), undefined, known, detail + causeDetail);
  // The proxy said no: its own words, no code.
  if (e instanceof TransportError) throw new RegistryError(`${what}: ${err.message}`);
  if (code) throw new RegistryError(`${what}: ${err.message} (${code})`);
  throw e;
}

/** Exponential backoff with jitter: a random delay in [d/2, d], d = base * 2^attempt, capped. */
function backoff(attempt: number, policy: NetworkPolicy): number {
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return d / 2 + Math.random() * (d / 2);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function optionalHeader<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
