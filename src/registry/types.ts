/**
 * Crate metadata as the crates.io index publishes it: one record per published
 * version. Every source (sparse HTTP, local index folder, vendor directory,
 * cargo's own cache) returns this shape, so the resolver never knows where
 * the data came from.
 */
import type { IndexDep } from '../crate/index.js';

export { isValidCrateName, type DepKind, type IndexDep } from '../crate/index.js';

export interface IndexVersion {
  name: string;
  vers: string;
  deps: IndexDep[];
  /** `features` and `features2` of the index, merged. */
  features: Record<string, string[]>;
  links: string | null;
  yanked: boolean;
  rust_version?: string | null;
  /**
   * True when the crate is a procedural macro. The index does not record it;
   * sources that read manifests (vendor directory, cargo's extracted sources)
   * know it, others leave it undefined and the resolver falls back to a guess.
   */
  proc_macro?: boolean;
  /** Set when the manifest was wanted for `proc_macro` and could not be had (its download failed): the status is then a guess whatever the crate looks like. */
  manifest_unread?: boolean;
  /** sha256 of the crate's archive (`cksum` of the index). */
  cksum?: string;
}

export interface CrateLookup {
  /** All known versions of the crate (for a vendor directory, the vendored ones). */
  versions: IndexVersion[];
  /** Where the data came from, for reports: "vendor", "cache", "network", "index-dir", "cargo-cache". */
  origin: string;
}

/** A source of crate metadata for one registry (or its replacement). */
export interface CrateSource {
  /** Human-readable description, e.g. "directory source `vendor`" or "sparse+https://index.crates.io/". */
  readonly label: string;
  /**
   * Returns the crate's versions, or null when the source does not have the crate
   * ("not in the index"). Throws `RegistryError` when the source could not be read
   * (network failure after retries, corrupt data).
   * `versions`, when given, are the only versions the caller needs: a source may
   * skip parsing the others (it may still return more).
   */
  getCrate(name: string, versions?: ReadonlySet<string>): Promise<CrateLookup | null>;
  /**
   * Starts reading the crate's index file, to be asked for soon with `getCrate`; parses nothing
   * and reports nothing (a failure is `getCrate`'s to report). Sources that read from disk lack it.
   */
  prefetch?(name: string): void;
  /** The crates' own files (manifest, build script), where the source can give them. */
  readonly files?: import('./crate-files.js').RegistryCrateFiles;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly crate?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * A registry host that could not be reached, after the retries its failure
 * allows (a name that does not resolve, a refused connection: one quick
 * retry; resets, timeouts, 5xx and 429: `net.retry`). The run has no data:
 * the command line exits with code 3, so that CI can retry this failure alone.
 * `detail` holds the underlying error's own words and code, for `-vv`.
 */
export class NetworkError extends RegistryError {
  /** What the caches held of the index files this run asked for, when a source knows it (for the `--offline` hint). */
  cache?: { cached: number; asked: number };

  constructor(
    message: string,
    readonly host: string,
    readonly detail?: string,
    crate?: string,
  ) {
    super(message, crate);
    this.name = 'NetworkError';
  }

  /** The same failure, said of `crate`. */
  forCrate(crate: string): NetworkError {
    const e = new NetworkError(this.message, this.host, this.detail, crate);
    if (this.cache) e.cache = this.cache;
    return e;
  }
}

/**
 * Offline, no cache holds the crate's index entry. Not a failure of the
 * source: the crate is reported as unresolved with `reason`, beside every
 * other crate missing the same way, rather than ending the run at the first.
 */
export class NotCachedError extends RegistryError {
  readonly reason = 'no local cache holds its index entry, and the network is off (offline mode)';

  constructor(message: string, crate: string) {
    super(message, crate);
    this.name = 'NotCachedError';
  }
}

/** Index path of a crate name as cargo computes it: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd`. Lower-cased. */
export function indexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}
