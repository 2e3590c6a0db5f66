/**
 * The advisory lock of `fix` runs, between real processes: a second holder
 * waits for the first, a lock left by a dead process is taken over, waiting
 * is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/fixers/lock.js';
import { UserError } from '../../src/errors.js';

const BUILT = pathToFileURL(resolve(__dirname, '../../dist/src/fixers/lock.js')).href;

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'preflight-lock-'));
  lockPath = join(dir, 'locks', 'ws.lock');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A real process that takes the lock, says so on stdout, and holds it until its stdin closes. */
function holder(): Promise<ChildProcess> {
  const code = `
    const { acquireLock } = await import(${JSON.stringify(BUILT)});
    const lock = await acquireLock(${JSON.stringify(lockPath)}, { what: 'test' });
    process.stdout.write('held\\n');
    process.stdin.on('end', async () => { await lock.release(); process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && ok(child));
    child.on('exit', (c) => fail(new Error(`holder exited with ${c}`)));
  });
}

describe.skipIf(!existsSync(new URL(BUILT)))('fix lock', () => {
  it('makes a second run wait until the first releases, and says so once', async () => {
    const first = await holder();
    let blockedOn: number | undefined;
    let blockedCalls = 0;
    const t0 = Date.now();
    const waiting = acquireLock(lockPath, {
      what: 'test',
      pollMs: 20,
      onBlocked: (owner) => {
        blockedCalls++;
        blockedOn = owner?.pid;
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    first.stdin!.end();
    const lock = await waiting;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(blockedCalls).toBe(1);
    expect(blockedOn).toBe(first.pid);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over a lock whose process is dead, without waiting', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    const first = await acquireLock(lockPath, { what: 'test' });
    // Leave the file as a crashed run would: its owner gone.
    writeFileSync(lockPath, JSON.stringify({ pid, host: hostname(), token: 'gone' }));
    let blocked = false;
    const lock = await acquireLock(lockPath, { what: 'test', onBlocked: () => (blocked = true), timeoutMs: 2000 });
    expect(blocked).toBe(false);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    await first.release(); // not its lock any more: nothing removed, nothing thrown
  });

  it('takes over an unreadable lock file older than 10 s, and waits for a fresh one', async () => {
    await acquireLock(lockPath, { what: 'test' }).then((l) => l.release());
    writeFileSync(lockPath, '');
    await expect(acquireLock(lockPath, { what: 'test', timeoutMs: 200, pollMs: 20 })).rejects.toThrow(/timed out after 0.2 s waiting for file lock on test/);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lockPath, old, old);
    const lock = await acquireLock(lockPath, { what: 'test', timeoutMs: 200 });
    await lock.release();
  });

  it('gives up after the timeout with the holder named and the lock file as location', async () => {
    const first = await holder();
    const err = await acquireLock(lockPath, { what: 'the workspace manifests', timeoutMs: 250, pollMs: 20 }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`timed out after 0.25 s waiting for file lock on the workspace manifests (held by process ${first.pid} on ${hostname()})`);
    expect(err.location.path).toBe(lockPath);
  });
});
