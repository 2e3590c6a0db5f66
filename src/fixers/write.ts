/**
 * Writing an edited manifest without ever leaving a half-written file, and
 * without overwriting changes made since it was read.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Replaces the file at `path` with `newText` (UTF-8) if it still holds
 * exactly `expectedOldText`. The text goes to a temporary file in the same
 * directory, which is flushed to disk, given the original's permissions and
 * renamed over the original, so readers see either the old or the new file.
 * A symlink is followed and its target replaced.
 *
 * The check and the rename are not one atomic step: a write landing between
 * them is lost, but one made any time before the check is detected.
 *
 * @throws UserError when the file changed on disk since it was read.
 */
export async function writeFileAtomic(path: string, newText: string, expectedOldText: string): Promise<void> {
  const target = await realpath(path);
  const current = await readFile(target);
  if (!current.equals(Buffer.from(expectedOldText, 'utf8'))) {
    throw new UserError('the file changed on disk since it was read; not overwriting it', { path });
  }
  const { mode } = await stat(target);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
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
    throw e;
  }
  await syncDirectory(dirname(target));
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
