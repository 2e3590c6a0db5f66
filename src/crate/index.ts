/**
 * The crate vocabulary every reader shares, at the bottom of the layers: what
 * a valid crate name is, and a dependency as the index and published
 * manifests record it. It imports nothing of the project.
 */
export type DepKind = 'normal' | 'dev' | 'build';

export interface IndexDep {
  /** Name as written in the dependent's manifest (the rename key when `package` is set). */
  name: string;
  /** Version requirement, e.g. "^1.0.3". */
  req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  /** `cfg(...)` expression or a plain target triple, or null. */
  target: string | null;
  kind: DepKind;
  /** Index URL of another registry, when the dependency lives elsewhere. */
  registry?: string | null;
  /** Real crate name when the dependency is renamed. */
  package?: string | null;
}

/** Characters crates.io allows in a crate name; checked before a name touches any path or URL. */
export function isValidCrateName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name);
}

/**
 * A version as the `semver` crate (and so cargo) parses a package's `version`:
 * MAJOR.MINOR.PATCH without leading zeros, then an optional pre-release
 * (numeric parts without leading zeros) and build metadata.
 */
export function isValidVersion(version: string): boolean {
  return /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(
    version,
  );
}
