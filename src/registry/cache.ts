/**
 * The on-disk cache of index files, one folder per registry, the crates.io
 * layout inside. An entry is the file as the server sent it (decompressed)
 * with the validators (`ETag`, `Last-Modified`) needed to revalidate it:
 *
 *   cargo-preflight index cache 1\n
 *   {"length":N,"sha256":"…","etag":"…","lastModified":"…"}\n
 *   <N bytes of index file>
 *
 * Writes go to a temporary file renamed into place, so a reader (another run
 * in parallel) sees the old entry or the new one, never half of one. An entry
 * whose length or checksum does not match (a truncated write, a disk error,
 * an edit) is deleted and treated as missing.
 *
 * Reads are synchronous: an entry is wanted at once, and for small files the
 * thread-pool round trip costs more than the read. Writes during a fetch
 * (`writeSoon`) go to the thread pool with callbacks (no promise per step):
 * a cold run writes hundreds of entries while its main thread parses the
 * answers, and each synchronous write is three system calls on that thread
 * (measured: 582 entries of 7 KB, 96-105 ms of the main thread synchronous,
 * 53-91 ms with callbacks, the calls themselves on other threads).
 */
import { existsSync, mkdir, mkdirSync, readdirSync, readFileSync, rename, renameSync, rm, rmSync, writeFile, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';

/** sha256 in hex, with node:crypto loaded when first needed (a run with no registry cache does without it); one call, no hash object per entry. */
const sha256hex = (data: string | Buffer): string => process.getBuiltinModule('node:crypto').hash('sha256', data, 'hex');

/** An entry name `path` may join as text: no empty, `.` or `..` part, no leading or trailing `/`, on POSIX `/` only. */
const SIMPLE_REL = sep === '/' ? /^(?:(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/(?!$)|$))*$/ : /^(?!)/;

const MAGIC = Buffer.from('cargo-preflight index cache 1\n');
/** Bound on the header line, so that a corrupt file cannot make us scan far for a newline. */
const MAX_HEADER = 16 * 1024;

export interface CacheEntry {
  body: Buffer;
  etag?: string;
  lastModified?: string;
}

interface Header {
  length: number;
  sha256: string;
  etag?: string;
  lastModified?: string;
}

/** `--cache-dir`, else `$XDG_CACHE_HOME/cargo-preflight` (an absolute path: the XDG specification ignores a relative one), else `~/.cache/cargo-preflight`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'cargo-preflight');
  return join(env.HOME || homedir(), '.cache', 'cargo-preflight');
}

/** Folder name of a registry's cache: readable host, plus a hash of the whole URL so that two registries on one host never share. */
export function registryCacheName(url: string): string {
  const u = new URL(url);
  const host = `${u.hostname}${u.port ? `_${u.port}` : ''}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${host}-${sha256hex(url).slice(0, 16)}`;
}

/** Distinguishes the temporary files of one process; the pid distinguishes processes. */
let tmpCounter = 0;

export class DiskCache {
  /** Folders known to exist: one mkdir per folder, not per file. */
  private readonly folders = new Set<string>();
  /** Folders being made by `writeSoon`: its writes into one wait for the one mkdir. */
  private readonly making = new Map<string, Promise<boolean>>();

  /** See `empty`. */
  private missing: boolean | undefined;

  /** Names in a folder, listed once by `mayHave` and kept up to date by this process's writes. */
  private readonly listings = new Map<string, Set<string>>();

  constructor(readonly dir: string) {}

  /**
   * Whether the folder of `rel` lists its name: one directory listing per
   * folder and run, for a folder that holds many entries of which a run asks
   * for many that are not there (a failed read costs an exception each).
   * False means not there; true, that `read` may find it.
   */
  mayHave(rel: string): boolean {
    const slash = rel.lastIndexOf('/');
    const folder = slash === -1 ? '' : rel.slice(0, slash);
    let names = this.listings.get(folder);
    if (!names) this.listings.set(folder, (names = folderNames(this.path(folder))));
    return names.has(rel.slice(slash + 1));
  }

  /** The entry at `rel` (an index path or `config.json`), or undefined when missing or unusable. */
  read(rel: string): CacheEntry | undefined {
    if (this.empty()) return undefined;
    const path = this.path(rel);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return undefined;
    }
    const entry = decode(data);
    if (!entry) removeQuietly(path);
    return entry;
  }

  /** Stores an entry atomically. Returns false when it could not be written. */
  write(rel: string, entry: CacheEntry): boolean {
    const path = this.path(rel);
    const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
    try {
      const dir = dirname(path);
      if (!this.folders.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.folders.add(dir);
      }
      writeFileSync(tmp, encode(entry));
      renameSync(tmp, path);
      this.listed(rel);
      return true;
    } catch {
      removeQuietly(tmp);
      return false;
    }
  }

  /**
   * Stores an entry atomically off the main thread. Resolves to false when it
   * could not be written; never rejects.
   */
  writeSoon(rel: string, entry: CacheEntry): Promise<boolean> {
    const path = this.path(rel);
    const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
    const data = encode(entry);
    return this.folder(dirname(path)).then(
      (made) =>
        made &&
        new Promise<boolean>((done) =>
          writeFile(tmp, data, (err) => {
            if (err) return rm(tmp, { force: true }, () => done(false));
            rename(tmp, path, (e) => {
              if (e) return rm(tmp, { force: true }, () => done(false));
              this.listed(rel);
              done(true);
            });
          }),
        ),
    );
  }

  /**
   * The file of an entry. Entry names are index paths and names the tool
   * makes (letters, digits, `.`, `_`, `-`, `/`): those are joined as text, as
   * `join` would give them but without its normalizing pass (a few hundred
   * reads a run); anything else goes through `join`.
   */
  private path(rel: string): string {
    return SIMPLE_REL.test(rel) ? (rel === '' ? this.dir : `${this.dir}${sep}${rel}`) : join(this.dir, rel);
  }

  /**
   * Whether the cache's folder did not exist when first asked, and this
   * process has written nothing to it since: a first run (a CI runner) reads
   * none of its hundreds of entries, each a failed open and an exception.
   */
  private empty(): boolean {
    this.missing ??= !existsSync(this.dir);
    return this.missing;
  }

  /** A name written: added to its folder's listing, if the folder was listed. */
  private listed(rel: string): void {
    this.missing = false;
    const slash = rel.lastIndexOf('/');
    this.listings.get(slash === -1 ? '' : rel.slice(0, slash))?.add(rel.slice(slash + 1));
  }

  private folder(dir: string): Promise<boolean> {
    if (this.folders.has(dir)) return Promise.resolve(true);
    let made = this.making.get(dir);
    if (!made) {
      made = new Promise<boolean>((done) =>
        mkdir(dir, { recursive: true }, (err) => {
          if (!err) this.folders.add(dir);
          this.making.delete(dir);
          done(!err);
        }),
      );
      this.making.set(dir, made);
    }
    return made;
  }
}

/** The names in a folder; none when it cannot be read (missing, or not a folder). */
export function folderNames(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

/** Best effort: a file that cannot be removed (read-only cache) is left, and read again as unusable next time. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // see above
  }
}

function encode(entry: CacheEntry): Buffer {
  const header: Header = {
    length: entry.body.length,
    sha256: sha256hex(entry.body),
    ...(entry.etag !== undefined && { etag: entry.etag }),
    ...(entry.lastModified !== undefined && { lastModified: entry.lastModified }),
  };
  return Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(header)}\n`), entry.body]);
}

function decode(data: Buffer): CacheEntry | undefined {
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const nl = data.indexOf(0x0a, MAGIC.length);
  if (nl === -1 || nl - MAGIC.length > MAX_HEADER) return undefined;
  let header: Partial<Header> | null;
  try {
    header = JSON.parse(data.subarray(MAGIC.length, nl).toString('utf8')) as Partial<Header> | null;
  } catch {
    return undefined;
  }
  if (!header || typeof header !== 'object') return undefined;
  const body = data.subarray(nl + 1);
  if (header.length !== body.length || header.sha256 !== sha256hex(body)) return undefined;
  return {
    body,
    ...(typeof header.etag === 'string' && { etag: header.etag }),
    ...(typeof header.lastModified === 'string' && { lastModified: header.lastModified }),
  };
}
