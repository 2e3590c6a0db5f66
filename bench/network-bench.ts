/**
 * Network trouble, timed: the built command line (`check` on a copy of the
 * bundled example without its vendor configuration, so that every crate's
 * index entry is asked for) against registries that cannot answer. Each case
 * must end with exit code 3 and one error naming the host, with its `help:`
 * lines, no error code and no stack trace, within its bound:
 *
 *   refused     127.0.0.1, a port nothing listens on              ≤ 5 s
 *   no-name     a `.invalid` host name (RFC 6761): the system
 *               resolver answers that it does not exist            ≤ 5 s
 *   no-dns      the same name in a network namespace with no
 *               route to a DNS server (EAI_AGAIN, net.retry)       ≤ 5 s
 *               (skipped where `unshare -rn` is not allowed)
 *   stalled     127.0.0.1, a server that accepts and never
 *               answers, http.timeout 6 s, net.retry 1             ≤ 4 × 6 s + 3 s;
 *               and, stderr not being a terminal, a line
 *               `waiting for HOST: N/M crates` at least every 5 s of no progress
 *
 * Every address contacted is this machine's loopback; the `.invalid` name is
 * only looked up.
 *
 * Run after `npm run build`: node dist/bench/network-bench.js
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun, type Exit } from './child.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'cargo-preflight.js');
const WAIT_LINE_EVERY_MS = 5_000;

interface Row {
  name: string;
  ms: number;
  boundMs: number;
  problems: string[];
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** A server on 127.0.0.1 that accepts every connection and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        srv.close(() => ok());
      }),
  };
}

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What every case's output must be: exit 3, one error naming `host`, help lines, no internals. */
function judge(run: Exit, host: string): string[] {
  const problems: string[] = [];
  if (run.code !== 3) problems.push(`exit code ${run.code}, not 3`);
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
  if (errors.length !== 1) problems.push(`${errors.length} error lines`);
  else if (!errors[0]!.includes(host)) problems.push(`the error does not name ${host}: ${errors[0]}`);
  for (const words of ['`--offline`', '`cargo fetch`', '`cargo vendor`', 'HTTPS_PROXY', '`http.proxy`', '`--index URL|DIR`']) {
    if (!run.stderr.includes(words)) problems.push(`no help naming ${words}`);
  }
  if (/UND_ERR|ERR_|_TIMEOUT|\n\s+at /.test(run.stderr)) problems.push('error codes or a stack trace in the output');
  return problems;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'preflight-network-bench-'));
  const rows: Row[] = [];
  try {
    const project = join(work, 'project');
    mkdirSync(project);
    for (const f of ['Cargo.toml', 'Cargo.lock', 'src']) cpSync(join(ROOT, 'example', f), join(project, f), { recursive: true });
    const cargoHome = join(work, 'cargo-home');
    mkdirSync(cargoHome);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: work, CARGO_HOME: cargoHome, XDG_CACHE_HOME: join(work, 'cache'), NO_COLOR: '1' };
    const check = (index: string, more: NodeJS.ProcessEnv = {}, prefix: string[] = []) => {
      const args = [BIN, 'check', '--index', index];
      return prefix.length ? timedRun(prefix[0]!, [...prefix.slice(1), process.execPath, ...args], project, { ...env, ...more }) : timedRun(process.execPath, args, project, { ...env, ...more });
    };

    const port = await closedPort();
    const refused = await check(`http://127.0.0.1:${port}/`);
    rows.push({ name: 'refused', ms: refused.ms, boundMs: 5_000, problems: judge(refused, `127.0.0.1:${port}`) });

    const noName = await check('http://no-such-registry.invalid/');
    rows.push({ name: 'no-name', ms: noName.ms, boundMs: 5_000, problems: judge(noName, 'no-such-registry.invalid') });

    if (canUnshare()) {
      const noDns = await check('http://no-such-registry.invalid/', {}, ['unshare', '-rn']);
      rows.push({ name: 'no-dns', ms: noDns.ms, boundMs: 5_000, problems: judge(noDns, 'no-such-registry.invalid') });
    } else console.log('no-dns    skipped: `unshare -rn` is not allowed here');

    const silent = await silentServer();
    try {
      const timeoutS = 6;
      const stalled = await check(silent.url, { CARGO_HTTP_TIMEOUT: String(timeoutS), CARGO_NET_RETRY: '1' });
      const host = new URL(silent.url).host;
      const problems = judge(stalled, host);
      const waits = stalled.stderr.split('\n').filter((l) => l.startsWith('waiting for '));
      const expected = Math.max(1, Math.floor(stalled.ms / WAIT_LINE_EVERY_MS) - 1);
      if (waits.length < expected) problems.push(`${waits.length} waiting lines in ${(stalled.ms / 1000).toFixed(1)} s (at least ${expected} expected)`);
      if (!waits.every((l) => new RegExp(`^waiting for ${host.replace(/\./g, '\\.')}: \\d+/\\d+ crates$`).test(l))) problems.push(`a waiting line of another form: ${waits[0]}`);
      if (/\x1b|\r/.test(stalled.stderr)) problems.push('control characters on a stderr that is no terminal');
      rows.push({ name: 'stalled', ms: stalled.ms, boundMs: 4 * timeoutS * 1000 + 3_000, problems });
      console.log(`stalled   stderr:\n${stalled.stderr.replace(/^/gm, '          | ')}`);
    } finally {
      await silent.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  console.log('case      wall      bound     result');
  let ok = true;
  for (const r of rows) {
    const fine = r.ms <= r.boundMs && !r.problems.length;
    ok &&= fine;
    const verdict = r.ms > r.boundMs ? 'SLOW' : r.problems.length ? 'WRONG' : 'ok';
    console.log(
      `${r.name.padEnd(9)} ${`${(r.ms / 1000).toFixed(2)} s`.padStart(7)}  ${`≤ ${(r.boundMs / 1000).toFixed(0)} s`.padStart(7)}   ${verdict}${r.problems.length ? `: ${r.problems.join('; ')}` : ''}`,
    );
  }
  if (!ok) process.exitCode = 1;
}

await main();
