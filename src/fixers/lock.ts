/**
 * An advisory lock around a `fix` run, as cargo takes one around its own
 * files: a second run on the same workspace waits ("Blocking waiting for file
 * lock …") instead of reading manifests the first is about to rewrite.
 *
 * The lock is a file holding the owner's pid, host and a random token,
 * linked into place (so it is created exclusively and never seen empty); it lives in the tool's cache, never beside
 * Cargo.toml. A lock whose owner is a dead process on this host is taken over:
 * it is renamed away (only one waiter can do that) and checked to be the stale
 * one; a live lock renamed by mistake in a race is put back.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { errnoText } from './write.js';

export interface LockOptions {
  /** What the lock protects, for the waiting line and errors (cargo says "on build directory"). */
  what: string;
  /** Called once when the lock is held by another run and this one starts waiting. */
  onBlocked?: (owner: LockOwner | null) => void;
  /** How long to wait for another run before giving up (default 120 s). */
  timeoutMs?: number;
  pollMs?: number;
}

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

export async function acquireLock(path: string, opts: LockOptions): Promise<FileLock> {
  const timeout = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const poll = opts.pollMs ?? 100;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  const started = Date.now();
  let blocked = false;
  await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`could not create the directory of the lock file: ${errnoText(e)}`, { path: dirname(path) });
  });
  for (;;) {
    if (await tryCreate(path, me)) return { path, release: () => release(path, me) };
    const owner = await readOwner(path);
    if (owner === undefined) continue; // released meanwhile: try again at once
    if (owner ? isStale(owner) : await unreadableForLong(path)) {
      await takeOver(path, owner);
      continue;
    }
    if (!blocked) {
      blocked = true;
      opts.onBlocked?.(owner);
    }
    if (Date.now() - started >= timeout) {
      throw new UserError(
        `timed out after ${+(timeout / 1000).toFixed(2)} s waiting for file lock on ${opts.what}${owner ? ` (held by process ${owner.pid} on ${owner.host})` : ''}`,
        { path },
        'another cargo-preflight run holds it; if none is running, remove the lock file',
      );
    }
    await new Promise((r) => setTimeout(r, poll));
  }
}

/**
 * Creates the lock already holding its owner: the owner is written to a file
 * of its own, then linked into place (`link` fails if a lock exists), so no
 * other run ever sees the lock empty, and a failed write leaves no lock.
 */
async function tryCreate(path: string, me: LockOwner): Promise<boolean> {
  const draft = `${path}.${me.token}.new`;
  try {
    await writeFile(draft, JSON.stringify(me), { mode: 0o644 });
  } catch (e) {
    await unlink(draft).catch(() => {});
    throw new UserError(`could not create the lock file: ${errnoText(e)}`, { path });
  }
  try {
    await link(draft, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`could not create the lock file: ${errnoText(e)}`, { path });
  } finally {
    await unlink(draft).catch(() => {});
  }
}

/** The owner recorded in the lock; null when it cannot be read as one (being written, or foreign); undefined when the lock is gone. */
async function readOwner(path: string): Promise<LockOwner | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string') return o as LockOwner;
  } catch {
    // a lock being written (created, not yet filled) or not ours
  }
  return null;
}

/** A lock held by a process of this host that no longer exists. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock that has held no readable owner for 10 s: its writer died between creating and filling it. */
async function unreadableForLong(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

async function takeOver(path: string, stale: LockOwner | null): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return; // another waiter took it first
  }
  const moved = await readOwner(aside);
  if (moved && moved.token !== stale?.token) {
    // A live run's lock, created after the stale one was judged: put it back. Should a fourth run have
    // created one meanwhile, the moved lock is left where it is rather than deleted.
    const restored = await link(aside, path).then(
      () => true,
      () => false,
    );
    if (!restored) return;
  }
  await unlink(aside).catch(() => {});
}

async function release(path: string, me: LockOwner): Promise<void> {
  const owner = await readOwner(path);
  if (owner && owner.token === me.token) await unlink(path).catch(() => {});
}
