/** Package identity as the lockfile gives it. */

/** `name version (source)`; source is omitted for path packages. */
export type PackageKey = string;

export function packageKey(name: string, version: string, source: string | null): PackageKey {
  return source ? `${name} ${version} (${source})` : `${name} ${version}`;
}
