/**
 * A crate's own files (its published `Cargo.toml`, its build script and the
 * files the script pulls in), from
 * the first place that has them:
 *
 * 1. a `local-registry` source's `<name>-<version>.crate`;
 * 2. cargo's unpacked sources, `$CARGO_HOME/registry/src/<registry>/<name>-<version>/`,
 *    trusted only where cargo's `.cargo-ok` says the unpacking finished
 *    (`{"v":1}`, or `ok` from cargo before 1.74);
 * 3. cargo's archives, `$CARGO_HOME/registry/cache/<registry>/<name>-<version>.crate`;
 * 4. the tool's own cache (the few files once read from an archive, keyed by
 *    registry, name, version and checksum);
 * 5. a download from the registry (`dl` of its config.json), unless offline or
 *    turned off.
 *
 * (A vendor directory holds the published manifest itself and is read as a
 * source, in `index.ts`; a git dependency's checkout in `git-checkout.ts`.)
 *
 * Every archive is read by `crate-archive.ts` and kept only when its sha256
 * is the index's `cksum` and Cargo.lock's checksum. The index schema gives no
 * proc-macro flag: the manifest does (`[lib] proc-macro = true`, or the old
 * `proc_macro`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectScriptFiles } from '../crate/rust-source.js';
import { isProcMacro } from '../manifest/deps.js';
import { fullTomlParser, isTable } from '../manifest/toml.js';
import { publishedManifestDoc } from '../manifest/published.js';
import { folderNames, type CacheEntry, type DiskCache } from './cache.js';
import type { ArchiveRequest } from './crate-archive.js';
import { isValidCrateName, RegistryError } from './types.js';

/** Bounds on a hostile archive. crates.io accepts 10 MiB compressed; cargo refuses more than 512 MiB unpacked. */
export const ARCHIVE_LIMITS = {
  compressed: 64 * 1024 * 1024,
  unpacked: 512 * 1024 * 1024,
  /** Largest file kept in memory (a manifest, a build script). */
  kept: 4 * 1024 * 1024,
  /** Largest module of a build script kept, and all of them together (more is passed over, not refused). */
  keptOptional: 512 * 1024,
  keptOptionalTotal: 4 * 1024 * 1024,
  /** Longest GNU long name or PAX header. */
  meta: 64 * 1024,
  entries: 200_000,
};

/** An archive refused: damaged, hostile, or not the one the checksums name. */
export class ArchiveError extends RegistryError {
  constructor(message: string, crate?: string) {
    super(message, crate);
    this.name = 'ArchiveError';
  }
}

/** The archive reader (and node:crypto and node:zlib with it), loaded on the first archive: most runs read none. */
async function readCrateArchive(data: Buffer | AsyncIterable<Uint8Array>, req: ArchiveRequest) {
  return (await import('./crate-archive.js')).readCrateArchive(data, req);
}

export interface CrateFileSet {
  /** The published (normalized) Cargo.toml. */
  manifest: string;
  /** The build script, when the crate has one and it could be read: `scripts[0]`. */
  readonly build: { path: string; text: string } | null;
  /** The build script and the files it pulls in (`mod`, `#[path]`, `include!`), the script first; empty without one. */
  scripts: { path: string; text: string }[];
  /** Where the files came from. */
  from: 'local-registry' | 'cargo-src' | 'cargo-cache' | 'cache' | 'download' | 'git-checkout';
}

export interface CrateId {
  name: string;
  version: string;
  /** sha256 sums the archive must have: the index's `cksum`, Cargo.lock's `checksum` (those known). */
  checksums: string[];
}

/** A download of a crate's archive: its body as it arrives, or null when the registry does not have it. */
export type ArchiveDownload = (id: CrateId, what: string) => Promise<AsyncIterable<Uint8Array> | Buffer | null>;

export interface RegistryFilesOptions {
  /** What the registry is, for messages. */
  label: string;
  /** Cargo's home, or null for none. */
  cargoHome: string | null;
  /** Whether a folder of cargo's `registry/src` and `registry/cache` is this registry's (`<host>-<hash>`). */
  cargoFolder: (name: string) => boolean;
  /** The tool's cache of crate files for this registry. */
  cache?: DiskCache;
  /** A local registry's folder, holding `<name>-<version>.crate`. */
  localRegistry?: string;
  /** Absent offline, or when downloads of archives are turned off. */
  download?: ArchiveDownload;
}

/** Largest manifest or build script read from an unpacked crate. */
const MAX_FILE = 4 * 1024 * 1024;

/** The crate files of one registry (or of the source replacing it). */
export class RegistryCrateFiles {
  private folders: { src: string[]; cache: string[] } | undefined;
  private readonly reads = new Map<string, Promise<CrateFileSet | null>>();
  private readonly unpacked = new Map<string, CrateFileSet | null>();
  private readonly listings = new Map<string, Set<string>>();

  constructor(private readonly opts: RegistryFilesOptions) {}

  /** Whether an archive may be downloaded when no local copy has the files. */
  get canDownload(): boolean {
    return this.opts.download !== undefined;
  }

  /** The files from the first place that has them; null when none has (offline, or downloads off). Throws `RegistryError` for a refused archive. */
  read(id: CrateId): Promise<CrateFileSet | null> {
    if (!safeId(id)) return Promise.resolve(null);
    const key = `${id.name} ${id.version}`;
    let r = this.reads.get(key);
    if (!r) this.reads.set(key, (r = this.load(id)));
    return r;
  }

  /** Only what is on this machine already, without reading any archive: cargo's unpacked sources. */
  unpackedCopy(name: string, version: string): CrateFileSet | null {
    if (!safeId({ name, version })) return null;
    const key = `${name} ${version}`;
    let found = this.unpacked.get(key);
    if (found === undefined) {
      found = null;
      for (const dir of this.cargoFolders().src) {
        if (!this.listing(dir).has(`${name}-${version}`)) continue;
        found = readUnpacked(join(dir, `${name}-${version}`), 'cargo-src');
        if (found) break;
      }
      this.unpacked.set(key, found);
    }
    return found;
  }

  /**
   * What needs no archive read and no request: cargo's unpacked sources, or
   * the tool's cache (for crates read only when they are at hand).
   */
  localCopy(id: CrateId): CrateFileSet | null {
    if (!safeId(id)) return null;
    const unpacked = this.unpackedCopy(id.name, id.version);
    if (unpacked) return unpacked;
    const cached = this.cached(id);
    return cached ? decodeCached(cached.body) : null;
  }

  private async load(id: CrateId): Promise<CrateFileSet | null> {
    const { name, version } = id;
    const what = `archive of \`${name} ${version}\` (${this.opts.label})`;
    const file = `${name}-${version}.crate`;
    if (this.opts.localRegistry) {
      const data = readQuietly(join(this.opts.localRegistry, file));
      if (data) return fromArchive(await readCrateArchive(data, archiveRequest(id, `${what}: ${join(this.opts.localRegistry, file)}`)).then((a) => a.files), 'local-registry');
    }
    const unpacked = this.unpackedCopy(name, version);
    if (unpacked) return unpacked;
    for (const dir of this.cargoFolders().cache) {
      const data = readQuietly(join(dir, file));
      if (!data) continue;
      try {
        return fromArchive((await readCrateArchive(data, archiveRequest(id, what))).files, 'cargo-cache');
      } catch (e) {
        // A damaged or foreign file in cargo's cache is passed over: the download below replaces it.
        if (!(e instanceof ArchiveError)) throw e;
      }
    }
    const cached = this.cached(id);
    if (cached) {
      const set = decodeCached(cached.body);
      if (set) return set;
    }
    if (!this.opts.download) return null;
    const body = await this.opts.download(id, what);
    if (!body) return null;
    const { files } = await readCrateArchive(body, archiveRequest(id, what));
    const set = fromArchive(files, 'download');
    const cacheKey = this.cacheKey(id);
    if (cacheKey) this.opts.cache?.write(cacheKey, { body: Buffer.from(JSON.stringify({ manifest: set.manifest, scripts: set.scripts })) });
    return set;
  }

  /** The tool's cache entry of the crate's files; the folder is listed once, so that the crates it lacks (most, in a run that reads every crate's copy at hand) cost no failed read. */
  private cached(id: CrateId): CacheEntry | undefined {
    const cache = this.opts.cache;
    const key = this.cacheKey(id);
    return key && cache?.mayHave(key) ? cache.read(key) : undefined;
  }

  /**
   * `.crate-files-v2/<name>-<version>-<sha256>`: beside the index entries of
   * the registry, with which no index path can collide (v2 keeps the modules
   * a build script pulls in; entries of `.crate-files/` lack them).
   */
  private cacheKey(id: CrateId): string | undefined {
    const sum = id.checksums[0];
    if (!sum || !/^[0-9a-f]{64}$/i.test(sum)) return undefined;
    return `.crate-files-v2/${id.name}-${id.version}-${sum.toLowerCase()}`;
  }

  /** The names in one of cargo's folders, listed once: a run asks for every crate of its graph, and most may not be there. */
  private listing(dir: string): Set<string> {
    let names = this.listings.get(dir);
    if (!names) this.listings.set(dir, (names = folderNames(dir)));
    return names;
  }

  private cargoFolders(): { src: string[]; cache: string[] } {
    if (this.folders) return this.folders;
    const list = (kind: 'src' | 'cache') => {
      if (this.opts.cargoHome === null) return [];
      const root = join(this.opts.cargoHome, 'registry', kind);
      try {
        // crates.io's folders first: a crate of the same name and version elsewhere is the rarer case.
        const rank = (n: string) => (n.startsWith('index.crates.io-') || n.startsWith('github.com-') ? 0 : 1);
        return readdirSync(root)
          .filter(this.opts.cargoFolder)
          .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))
          .map((n) => join(root, n));
      } catch {
        return [];
      }
    };
    this.folders = { src: list('src'), cache: list('cache') };
    return this.folders;
  }
}

/** Names and versions become path segments: refuse anything that could leave the folder. */
function safeId(id: { name: string; version: string }): boolean {
  return isValidCrateName(id.name) && /^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(id.version) && !id.version.includes('..');
}

function archiveRequest(id: CrateId, what: string): ArchiveRequest {
  return { name: id.name, version: id.version, keep: buildScriptCandidate, keepIfSmall: scriptModuleCandidate, checksums: id.checksums, what };
}

/**
 * Files a build script may pull in (`mod`, `#[path]`, `include!`), kept while
 * small: Rust sources outside the library's `src/`, the tests, examples and
 * benches. (A script's module inside `src/` is not kept: that would keep the
 * library's whole source; the verdict then says what the script alone shows.)
 */
function scriptModuleCandidate(path: string): boolean {
  return path.endsWith('.rs') && !/^(?:src|tests|examples|benches)\//.test(path);
}

/**
 * Files kept from an archive: the manifest, and what may be the build script
 * (`build.rs`, or an `.rs` file named `build*` or under a `build/` folder;
 * the manifest's `package.build` says which, and entries come in any order).
 */
function buildScriptCandidate(path: string): boolean {
  if (path === 'Cargo.toml' || path === 'build.rs') return true;
  if (!path.endsWith('.rs') || path.startsWith('src/bin/') || path.startsWith('tests/') || path.startsWith('examples/') || path.startsWith('benches/')) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.startsWith('build') || /(^|\/)build\//.test(path);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fromArchive(files: Map<string, Buffer>, from: CrateFileSet['from']): CrateFileSet {
  const manifest = files.get('Cargo.toml');
  if (!manifest) throw new ArchiveError('the archive has no Cargo.toml');
  let text: string;
  try {
    text = utf8.decode(manifest);
  } catch {
    throw new ArchiveError('the Cargo.toml of the archive is not valid UTF-8');
  }
  const path = buildScriptPath(text, (p) => files.has(p));
  const scripts = path === null ? [] : collectScriptFiles(path, (p) => files.get(p)?.toString('utf8'));
  return fileSet(text, scripts, from);
}

/** A crate's files; its build script is the first of `scripts` (derived, never stored twice). */
function fileSet(manifest: string, scripts: CrateFileSet['scripts'], from: CrateFileSet['from']): CrateFileSet {
  return {
    manifest,
    scripts,
    from,
    get build() {
      return this.scripts[0] ?? null;
    },
  };
}

/**
 * The build script of a crate folder on disk (vendored, unpacked by cargo, a
 * checkout) and the files it pulls in; empty when it has none. Nothing is
 * read for a crate without a build script but its manifest.
 */
export function readScriptsFromDir(dir: string, manifest: string): { path: string; text: string }[] {
  // Without a `build` key the script is `build.rs` when present; cargo writes the key as a plain line: no need to
  // parse the manifest. Whether `build.rs` is there is learnt by reading it, once, below (no file: no script).
  const keys = manifest.match(/^\s*build\s*=.*$/gm);
  const plain = keys?.length === 1 ? /^build = (?:"([^"\\]+)"|(false))$/.exec(keys[0]!) : null;
  const path = !keys ? 'build.rs' : plain ? (plain[2] ? null : plain[1]!.replace(/^\.\//, '')) : buildScriptPath(manifest, () => true);
  if (path === null) return [];
  return collectScriptFiles(path, (p) => readQuietly(join(dir, p))?.toString('utf8'));
}

/**
 * A crate folder cargo unpacked, if its `.cargo-ok` says the unpacking
 * finished. The build script is read when first asked for: the proc-macro
 * status, what most callers want, needs only the manifest.
 */
function readUnpacked(dir: string, from: CrateFileSet['from']): CrateFileSet | null {
  const ok = readQuietly(join(dir, '.cargo-ok'))?.toString('utf8').trim();
  // cargo writes `{"v":1}` once the unpacking finished (`ok` before 1.74); an empty file is an unpacking cut short.
  if (ok !== 'ok' && !/^\{\s*"v"\s*:\s*1\s*\}$/.test(ok ?? '')) return null;
  const manifest = readQuietly(join(dir, 'Cargo.toml'));
  if (!manifest) return null;
  const text = manifest.toString('utf8');
  let scripts: CrateFileSet['scripts'] | undefined;
  return {
    manifest: text,
    from,
    get scripts() {
      return (scripts ??= readScriptsFromDir(dir, text));
    },
    get build() {
      return this.scripts[0] ?? null;
    },
  };
}

/** `package.build` of the manifest (false: none), else `build.rs` when present, as cargo decides. */
function buildScriptPath(manifest: string, exists: (path: string) => boolean): string | null {
  const pkg = manifestDoc(manifest)?.package;
  const build = isTable(pkg) ? pkg.build : undefined;
  if (build === false) return null;
  if (typeof build === 'string') return build.replace(/^\.\//, '');
  return exists('build.rs') ? 'build.rs' : null;
}

function readQuietly(path: string): Buffer | undefined {
  try {
    const data = readFileSync(path);
    return data.length > MAX_FILE && path.endsWith('.rs') ? undefined : data;
  } catch {
    return undefined;
  }
}

function decodeCached(body: Buffer): CrateFileSet | null {
  try {
    const v = JSON.parse(body.toString('utf8')) as { manifest?: unknown; scripts?: unknown };
    if (typeof v.manifest !== 'string') return null;
    const file = (f: unknown): f is { path: string; text: string } =>
      typeof f === 'object' && f !== null && typeof (f as { path?: unknown }).path === 'string' && typeof (f as { text?: unknown }).text === 'string';
    if (!Array.isArray(v.scripts) || !v.scripts.every(file)) return null;
    return fileSet(
      v.manifest,
      v.scripts.map((f) => ({ path: f.path, text: f.text })),
      'cache',
    );
  } catch {
    return null;
  }
}

/** The manifest as tables (the fast reader, else smol-toml), or null when it does not parse. */
export function manifestDoc(text: string): Record<string, unknown> | null {
  try {
    return publishedManifestDoc(text) ?? (fullTomlParser().parse(text) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** `[lib] proc-macro` of a crate's manifest (or the old `proc_macro`); null when the manifest does not parse. */
export function procMacroFromManifest(text: string): boolean | null {
  const doc = manifestDoc(text);
  return doc ? isProcMacro(doc) : null;
}

/** Cargo's folders (`registry/src`, `registry/cache`) of a sparse index: `<host>-<16 hex digits>`. */
export function cargoFolderOf(indexUrl: string, cratesIo: boolean): (name: string) => boolean {
  const host = new URL(indexUrl).hostname;
  const mine = (n: string) => n.startsWith(`${host}-`) && /^[0-9a-f]{16}$/.test(n.slice(host.length + 1));
  // crates.io's git index, which older cargo used, had its own folders.
  return cratesIo ? (n) => mine(n) || /^github\.com-[0-9a-f]{16}$/.test(n) : mine;
}

/**
 * The unpacked crates of the registries under one cargo home, by name and
 * version (any registry, crates.io's first): for callers that know no source.
 */
export class CrateFiles {
  private readonly reader: RegistryCrateFiles;
  private readonly answers = new Map<string, boolean | null>();

  constructor(readonly cargoHome: string) {
    const cratesIo = cargoFolderOf('https://index.crates.io/', true);
    this.reader = new RegistryCrateFiles({ label: 'cargo', cargoHome, cargoFolder: (n) => cratesIo(n) || /-[0-9a-f]{16}$/.test(n) });
  }

  /** `[lib] proc-macro` of the unpacked crate, or null when cargo has not unpacked it (or its manifest does not parse). */
  procMacro(name: string, version: string): boolean | null {
    const id = `${name} ${version}`;
    const known = this.answers.get(id);
    if (known !== undefined) return known;
    const files = this.reader.unpackedCopy(name, version);
    const answer = files ? procMacroFromManifest(files.manifest) : null;
    this.answers.set(id, answer);
    return answer;
  }
}

const byHome = new Map<string, CrateFiles>();

/** The (shared) reader of the unpacked crates under a cargo home. */
export function crateFilesFor(cargoHome: string): CrateFiles {
  let f = byHome.get(cargoHome);
  if (!f) byHome.set(cargoHome, (f = new CrateFiles(cargoHome)));
  return f;
}
