/**
 * Cargo's own cache of a sparse index, read and never written:
 * `$CARGO_HOME/registry/index/<host>-<hash>/.cache/<index path>`.
 * A machine that has run cargo already holds most of the index files a check
 * needs, with the validators to revalidate them.
 *
 * Format (cargo `src/cargo/sources/registry/index/cache.rs`, cache version 3):
 *
 *   u8 cache version (3) | u32 LE index schema version | index file version | 0
 *   then for every published version: semver version | 0 | JSON line | 0
 *
 * The index file version is `etag: <value>` or `last-modified: <value>` for
 * a sparse registry (`Unknown` when the server sent neither).
 *
 * Read synchronously, like our own cache (see cache.ts).
 *
 * The `<hash>` in the folder name is cargo's hash of its source id, which
 * changed between cargo versions; rather than reproduce it, folders are
 * matched by host. For a host other than crates.io's, a folder is used only
 * when it is the only one for that host, since two registries on one host
 * would be indistinguishable.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CRATES_IO_INDEX_URL } from './source-id.js';

const CACHE_VERSION = 3;
/** Index schema versions cargo has written into this header. */
const SCHEMA_VERSIONS = new Set([1, 2]);

export interface CargoCacheEntry {
  /** The JSON lines, one per version, as in an index file. */
  text: string;
  etag?: string;
  lastModified?: string;
}

/** Decodes a cache file; undefined when it is not one cargo's current format produces, or is damaged. */
export function parseCargoCacheFile(data: Buffer): CargoCacheEntry | undefined {
  if (data.length < 6 || data[0] !== CACHE_VERSION || !SCHEMA_VERSIONS.has(data.readUInt32LE(1))) return undefined;
  let pos = 5;
  const next = (): string | undefined => {
    const end = data.indexOf(0, pos);
    if (end === -1) return undefined;
    const s = data.toString('utf8', pos, end);
    pos = end + 1;
    return s;
  };
  const fileVersion = next();
  if (fileVersion === undefined) return undefined;
  const lines: string[] = [];
  while (pos < data.length) {
    const version = next();
    const json = next();
    // Every blob must be a JSON object for its own version; anything else means a damaged file.
    if (!version || json === undefined || !json.startsWith('{') || !json.endsWith('}') || !json.includes(`"${version}"`)) {
      return undefined;
    }
    lines.push(json);
  }
  if (lines.length === 0) return undefined;
  const entry: CargoCacheEntry = { text: lines.join('\n') };
  const sep = fileVersion.indexOf(': ');
  const key = fileVersion.slice(0, sep);
  if (sep !== -1 && key === 'etag') entry.etag = fileVersion.slice(sep + 2);
  if (sep !== -1 && key === 'last-modified') entry.lastModified = fileVersion.slice(sep + 2);
  return entry;
}

export class CargoIndexCache {
  /** `dirs`: cargo's index folders for the registry, most recently used first. */
  constructor(readonly dirs: string[]) {}

  /** Cargo's cache folders for a sparse index URL under `cargoHome`, or undefined when there is none to trust. */
  static find(cargoHome: string, indexUrl: string): CargoIndexCache | undefined {
    const root = join(cargoHome, 'registry', 'index');
    const host = new URL(indexUrl).hostname;
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return undefined;
    }
    const dirs = names
      .filter((n) => n.startsWith(`${host}-`) && /^[0-9a-f]{16}$/.test(n.slice(host.length + 1)))
      .map((n) => join(root, n, '.cache'))
      .flatMap((d) => {
        try {
          return [{ d, mtime: statSync(d).mtimeMs }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.mtime - a.mtime)
      .map((x) => x.d);
    if (dirs.length === 0) return undefined;
    if (dirs.length > 1 && indexUrl !== CRATES_IO_INDEX_URL) return undefined;
    return new CargoIndexCache(dirs);
  }

  /** The entry at an index path; unreadable or damaged entries are skipped. */
  read(rel: string): CargoCacheEntry | undefined {
    for (const dir of this.dirs) {
      let data: Buffer;
      try {
        data = readFileSync(join(dir, rel));
      } catch {
        continue;
      }
      const entry = parseCargoCacheFile(data);
      if (entry) return entry;
    }
    return undefined;
  }
}
