/**
 * Package ID specifications as cargo reads them (`-p`, `--exclude`, `tree -i`,
 * `why`): `name`, `name@version` where the version may be partial (`1`,
 * `1.2`, `1.2.3`, `1.2.3-beta.1`), or the URL form `cargo pkgid` prints,
 * `registry+https://github.com/rust-lang/crates.io-index#name@version`.
 */
import { UserError } from '../errors.js';

interface PartialVersion {
  major: number;
  minor?: number;
  patch?: number;
  pre?: string;
}

export interface PackageSpec {
  text: string;
  name: string;
  version?: PartialVersion;
  /** The source of the URL form (a lockfile source string; `path+file://…` for a path package). */
  source?: string;
}

const PARTIAL = /^(\d+)(?:\.(\d+)(?:\.(\d+)(?:-([0-9A-Za-z.-]+))?)?)?(?:\+[0-9A-Za-z.-]+)?$/;
const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parsePackageSpec(text: string): PackageSpec {
  const invalid = (why: string) => new UserError(`invalid package ID specification \`${text}\`: ${why}`);
  let rest = text;
  let source: string | undefined;
  const hash = text.lastIndexOf('#');
  if (hash >= 0) {
    source = text.slice(0, hash);
    rest = text.slice(hash + 1);
  }
  const parts = rest.split('@');
  if (parts.length > 2) throw invalid('a specification holds one `@` at most');
  const [name, v] = parts;
  if (!name) throw invalid('the package name is missing');
  const spec: PackageSpec = { text, name, ...(source !== undefined && { source }) };
  if (v === undefined) return spec;
  const m = PARTIAL.exec(v);
  if (!m) throw invalid('expected a version like "1.32"');
  spec.version = { major: Number(m[1]), ...(m[2] !== undefined && { minor: Number(m[2]) }), ...(m[3] !== undefined && { patch: Number(m[3]) }), ...(m[4] !== undefined && { pre: m[4] }) };
  return spec;
}

/** cargo's rule: the parts given are equal; a pre-release matches only when the spec names it; build metadata does not count. */
export function versionMatches(spec: PartialVersion, version: string): boolean {
  const m = VERSION.exec(version);
  if (!m) return false;
  const pre = m[4];
  if (pre !== undefined && spec.pre === undefined) return false;
  return (
    Number(m[1]) === spec.major &&
    (spec.minor === undefined || Number(m[2]) === spec.minor) &&
    (spec.patch === undefined || Number(m[3]) === spec.patch) &&
    (spec.pre === undefined || spec.pre === pre)
  );
}

/** Whether the specification names this package (source: its lockfile source string, null for a path package). */
export function specMatches(spec: PackageSpec, p: { name: string; version: string; source: string | null }): boolean {
  if (p.name !== spec.name) return false;
  if (spec.version && !versionMatches(spec.version, p.version)) return false;
  if (spec.source !== undefined) {
    if (p.source === null) return spec.source.startsWith('path+file://') || spec.source.startsWith('file://');
    return p.source === spec.source || p.source.split('#')[0] === spec.source;
  }
  return true;
}
