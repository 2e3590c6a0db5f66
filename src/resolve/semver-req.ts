/**
 * Cargo's version requirements (the `semver` crate's rules), without a
 * dependency: comparators separated by commas; `^` (also a bare version),
 * `~`, `=`, `>`, `>=`, `<`, `<=`, wildcards (`*`, `1.*`, `1.2.x`); partial
 * versions; a pre-release version matches only a requirement that names a
 * pre-release of the same `major.minor.patch`.
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (empty for a release). */
  pre: string[];
}

const VERSION_RE = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(s: string): Version | null {
  const m = VERSION_RE.exec(s.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (!a.length || !b.length) return a.length ? -1 : b.length ? 1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) - Number(y) < 0 ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function compareParsed(a: Version, b: Version): number {
  return a.major !== b.major ? (a.major < b.major ? -1 : 1) : a.minor !== b.minor ? (a.minor < b.minor ? -1 : 1) : a.patch !== b.patch ? (a.patch < b.patch ? -1 : 1) : comparePre(a.pre, b.pre);
}

/** Semver order of two version strings (build metadata ignored); unparsable ones sort by text, last. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return compareParsed(x, y);
  if (x || y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Op = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

interface Comparator {
  op: Op;
  major: number;
  minor?: number;
  patch?: number;
  pre: string[];
}

const COMPARATOR_RE = /^(=|>=|>|<=|<|~|\^)?\s*v?(\d+|[*xX])(?:\.(\d+|[*xX]))?(?:\.(\d+|[*xX]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseComparator(s: string): Comparator | null {
  if (s === '*' || s === 'x' || s === 'X') return { op: '*', major: 0, pre: [] };
  const m = COMPARATOR_RE.exec(s);
  if (!m) return null;
  const wild = (x: string | undefined) => x === undefined || x === '*' || x === 'x' || x === 'X';
  let op = (m[1] ?? '^') as Op;
  if (wild(m[2])) return m[1] === undefined || m[1] === '=' ? { op: '*', major: 0, pre: [] } : null;
  const major = Number(m[2]);
  const minor = wild(m[3]) ? undefined : Number(m[3]);
  const patch = minor === undefined || wild(m[4]) ? undefined : Number(m[4]);
  // `1.*` and `1.2.*` mean `=1` and `=1.2`.
  if (m[1] === undefined && ((m[3] !== undefined && wild(m[3])) || (m[4] !== undefined && wild(m[4])))) op = '=';
  const pre = m[5] && patch !== undefined ? m[5].split('.') : [];
  return { op, major, minor, patch, pre };
}

/** The comparator's version, missing parts as 0. */
function full(c: Comparator): Version {
  return { major: c.major, minor: c.minor ?? 0, patch: c.patch ?? 0, pre: c.pre };
}

function matchesComparator(c: Comparator, v: Version): boolean {
  switch (c.op) {
    case '*':
      return true;
    case '=':
      if (v.major !== c.major) return false;
      if (c.minor !== undefined && v.minor !== c.minor) return false;
      if (c.patch !== undefined && v.patch !== c.patch) return false;
      return c.patch === undefined || comparePre(v.pre, c.pre) === 0;
    case '>':
      if (c.minor === undefined) return v.major > c.major;
      if (c.patch === undefined) return v.major > c.major || (v.major === c.major && v.minor > c.minor);
      return compareParsed(v, full(c)) > 0;
    case '>=':
      return compareParsed(v, full(c)) >= 0;
    case '<':
      return compareParsed(v, full(c)) < 0;
    case '<=':
      if (c.minor === undefined) return v.major <= c.major;
      if (c.patch === undefined) return v.major < c.major || (v.major === c.major && v.minor <= c.minor);
      return compareParsed(v, full(c)) <= 0;
    case '~':
      if (v.major !== c.major) return false;
      if (c.minor !== undefined && v.minor !== c.minor) return false;
      return c.patch === undefined || compareParsed(v, full(c)) >= 0;
    case '^': {
      if (v.major !== c.major) return false;
      if (c.minor === undefined) return true;
      if (c.patch === undefined) return c.major > 0 ? v.minor >= c.minor : v.minor === c.minor;
      if (c.major > 0) return compareParsed(v, full(c)) >= 0;
      if (c.minor > 0) return v.minor === c.minor && compareParsed(v, full(c)) >= 0;
      return v.minor === c.minor && v.patch === c.patch && compareParsed(v, full(c)) >= 0;
    }
  }
}

export interface VersionReq {
  comparators: Comparator[];
}

const cache = new Map<string, VersionReq | null>();

/** A requirement as cargo writes it, or null when it does not parse. */
export function parseReq(req: string): VersionReq | null {
  let r = cache.get(req);
  if (r !== undefined) return r;
  r = caretReq(req);
  if (r) {
    cache.set(req, r);
    return r;
  }
  const parts = req.split(',').map((p) => p.trim());
  const comparators: Comparator[] = [];
  r = { comparators };
  for (const p of parts) {
    const c = p === '' && parts.length === 1 ? parseComparator('*') : parseComparator(p);
    if (!c) {
      r = null;
      break;
    }
    comparators.push(c);
  }
  cache.set(req, r);
  return r;
}

/** Parsed versions for `satisfies`, which every dependency edge asks: a lockfile holds few distinct ones. */
const versions = new Map<string, Version | null>();

/** `x.y.z` with plain numbers (no pre-release, no build metadata), or null. */
function plainRelease(s: string): Version | null {
  let part = 0;
  let n = 0;
  let digits = 0;
  const out = [0, 0, 0];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // A leading zero, or a number too long to be exact: leave it to the full parser.
      if ((digits === 1 && n === 0) || digits >= 15) return null;
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && part < 2) {
      out[part++] = n;
      n = 0;
      digits = 0;
    } else return null;
  }
  if (part !== 2 || digits === 0) return null;
  out[2] = n;
  return { major: out[0], minor: out[1], patch: out[2], pre: [] };
}

function cachedVersion(s: string): Version | null {
  let v = versions.get(s);
  if (v === undefined) versions.set(s, (v = plainRelease(s) ?? parseVersion(s)));
  return v;
}

/**
 * The common form, `1.2.3`, `^1.2.3`, `1.2` or `1` (plain numbers, nothing
 * else), read without the general parser; null for anything else.
 */
function caretReq(req: string): VersionReq | null {
  const nums: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = req.charCodeAt(0) === 94 ? 1 : 0; i < req.length; i++) {
    const c = req.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // Too long to be exact as a sum: leave it to the general parser.
      if (digits >= 15) return null;
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && nums.length < 2) {
      nums.push(n);
      n = 0;
      digits = 0;
    } else return null;
  }
  if (digits === 0) return null;
  nums.push(n);
  return { comparators: [{ op: '^', major: nums[0], minor: nums[1], patch: nums[2], pre: [] }] };
}

/** Answers by requirement and version: a lockfile asks the same pairs again and again. */
const answers = new Map<string, Map<string, boolean>>();

export function satisfies(version: string, req: string): boolean {
  let byVersion = answers.get(req);
  if (!byVersion) answers.set(req, (byVersion = new Map()));
  let answer = byVersion.get(version);
  if (answer === undefined) byVersion.set(version, (answer = check(version, req)));
  return answer;
}

function check(version: string, req: string): boolean {
  const r = parseReq(req);
  const v = cachedVersion(version);
  if (!r || !v) return false;
  for (const c of r.comparators) if (!matchesComparator(c, v)) return false;
  if (!v.pre.length) return true;
  // A pre-release matches only when a comparator names a pre-release of the same version.
  return r.comparators.some((c) => c.pre.length > 0 && c.major === v.major && c.minor === v.minor && c.patch === v.patch);
}
