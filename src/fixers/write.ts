/**
 * Writing an edited manifest without ever leaving a half-written file, and
 * without overwriting changes made since it was read.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { access, constants, open, readdir, readFile, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

export interface WriteOptions {
  /** Replace a read-only file too (as an editor's `:w!`); without it a read-only manifest is refused. */
  force?: boolean;
}

/**
 * Replaces the file at `path` with `newText` (UTF-8) if it still holds
 * exactly `expectedOldText`. The text goes to a temporary file in the same
 * directory, which is flushed to disk, given the original's permissions and
 * renamed over the original, so readers see either the old or the new file.
 * A symlink is followed and its target replaced. The temporary file is
 * removed when the write fails or the process is interrupted (SIGINT,
 * SIGTERM, SIGHUP) during it; ones left by a run killed outright are removed
 * by the next write in that directory once they are a minute old.
 *
 * The check and the rename are not one atomic step: a write landing between
 * them is lost, but one made any time before the check is detected.
 *
 * @throws UserError when the file changed on disk since it was read, is
 * read-only (without `force`), or cannot be written (with the cause).
 */
export async function writeFileAtomic(path: string, newText: string, expectedOldText: string, opts: WriteOptions = {}): Promise<void> {
  const fail = (e: unknown, doing: string): never => {
    if (e instanceof UserError) throw e;
    throw new UserError(`could not ${doing}: ${errnoText(e)}`, { path });
  };
  const target = await realpath(path).catch((e) => fail(e, 'read the manifest again'));
  const current = await readFile(target).catch((e) => fail(e, 'read the manifest again'));
  if (!current.equals(Buffer.from(expectedOldText, 'utf8'))) {
    throw new UserError('the file changed on disk since it was read; not overwriting it', { path });
  }
  const { mode } = await stat(target).catch((e) => fail(e, 'read the manifest again'));
  await checkWritable(path, opts);
  const dir = dirname(target);
  await removeStaleTemporaries(dir, basename(target));
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // Armed before the file exists: a signal that comes while it is being created still removes it.
  const removeOnSignal = onInterrupt(() => unlinkSync(temp));
  const file = await open(temp, 'wx', 0o600).catch((e) => {
    removeOnSignal();
    return fail(e, `create a temporary file in ${dir}`);
  });
  try {
    try {
      await file.writeFile(newText, 'utf8');
      // The mode given to open() is masked by the umask; chmod is not.
      await file.chmod(mode & 0o7777);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => {});
    fail(e, 'write the manifest');
  } finally {
    removeOnSignal();
  }
  await syncDirectory(dir);
}

/**
 * Refuses a read-only file (no write bit, or not writable by this user), as
 * an editor does, unless `force`: replacing it through the directory would
 * work, and silently defeat the protection.
 */
export async function checkWritable(path: string, opts: WriteOptions = {}): Promise<void> {
  if (opts.force) return;
  const { mode } = await stat(path);
  if (
    (mode & 0o222) === 0 ||
    !(await access(path, constants.W_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UserError('the file is read-only; not replacing it', { path }, 'make it writable, or pass --force to replace it anyway');
  }
}

/** An OS error as a person reads it: what happened, and the code to search for. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const what: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted (an immutable file, or a file system that forbids it)',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    EIO: 'input/output error',
  };
  if (err?.code) return `${what[err.code] ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ .*$/, '')} (${err.code})`;
  return e instanceof Error ? e.message : String(e);
}

const TEMPORARY = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

/** Temporary files of this writer for `name` older than a minute: left by a run that was killed outright. */
async function removeStaleTemporaries(dir: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (TEMPORARY.exec(entry)?.[1] !== name) continue;
    const p = join(dir, entry);
    const s = await stat(p).catch(() => null);
    if (s?.isFile() && Date.now() - s.mtimeMs > 60_000) await unlink(p).catch(() => {});
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` if the process is interrupted before the returned function is
 * called, then ends the process by the same signal (exit code 128 + n, as a
 * shell reports it).
 */
function onInterrupt(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    try {
      cleanup();
    } catch {
      // already gone
    }
    remove();
    process.kill(process.pid, signal);
  };
  const remove = () => {
    for (const s of SIGNALS) process.removeListener(s, handler);
  };
  for (const s of SIGNALS) process.once(s, handler);
  return remove;
}

/** Makes the rename itself durable; not possible on every platform. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open directories; the rename is then as durable as the OS makes it.
  } finally {
    await handle?.close();
  }
}
