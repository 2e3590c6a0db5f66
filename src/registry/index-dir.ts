/**
 * A folder in the crates.io index layout (`se/rd/serde`): `--index DIR`, or
 * the `index/` folder of a `local-registry` source. Read with the same
 * limits and checks as data from the network.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryCrateFiles } from './crate-files.js';
import { decodeIndexFile, MAX_INDEX_FILE_BYTES, parseIndexFile } from './parse.js';
import { indexPath, isValidCrateName, RegistryError, type CrateLookup, type CrateSource } from './types.js';

/**
 * Files open at once for index reads: every locked crate is asked for at
 * once, and a lockfile of thousands would otherwise run out of file
 * descriptors (EMFILE under `ulimit -n 256` at 300 crates).
 */
export const MAX_OPEN_INDEX_FILES = 32;

let reading = 0;
const queued: (() => void)[] = [];

/**
 * Runs `read` when fewer than MAX_OPEN_INDEX_FILES reads are under way, in
 * the order asked. (p-limit does this for HTTP requests, but an index folder
 * is read at start-up, where p-limit is kept out of the core chunk.)
 */
async function bounded<T>(read: () => Promise<T>): Promise<T> {
  if (reading >= MAX_OPEN_INDEX_FILES) await new Promise<void>((go) => queued.push(go));
  else reading++;
  try {
    return await read();
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = queued.shift();
    if (next) next();
    else reading--;
  }
}

export class IndexDirSource implements CrateSource {
  readonly label: string;

  constructor(
    readonly dir: string,
    label?: string,
    /** A local registry's `.crate` files. */
    readonly files?: RegistryCrateFiles,
  ) {
    this.label = label ?? `index folder \`${dir}\``;
  }

  async getCrate(name: string, versions?: ReadonlySet<string>): Promise<CrateLookup | null> {
    if (!isValidCrateName(name)) throw new RegistryError(`\`${name}\` is not a valid crate name`, name);
    const path = join(this.dir, indexPath(name));
    const where = `index entry for \`${name}\` in ${this.label}`;
    let data: Buffer;
    try {
      data = await bounded(async () => {
        if ((await stat(path)).size > MAX_INDEX_FILE_BYTES) {
          throw new RegistryError(`${path}: the index file is larger than ${MAX_INDEX_FILE_BYTES / 2 ** 20} MiB`, name);
        }
        return readFile(path);
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (e instanceof RegistryError) throw e;
      throw new RegistryError(`cannot read ${path}: ${(e as Error).message}`, name);
    }
    return {
      versions: parseIndexFile(decodeIndexFile(data, name, where), name, versions, where),
      origin: 'index-dir',
    };
  }
}
