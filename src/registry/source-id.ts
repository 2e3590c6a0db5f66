/**
 * Identities of crate sources, from lockfile source strings
 * (`registry+URL`, `sparse+URL`, `git+URL?rev=X#commit`) and from
 * `[source.NAME]` / `[registries.NAME]` definitions, in a canonical form so
 * that the two can be matched the way cargo matches them.
 */
import { UserError, type SourceLocation } from '../errors.js';
import { CRATES_IO_REGISTRY, CRATES_IO_SPARSE } from '../lockfile/index.js';

export const CRATES_IO_INDEX_URL = CRATES_IO_SPARSE.slice('sparse+'.length);

export type SourceId =
  | { kind: 'crates-io' }
  /** `url` is canonical: http(s), ends with `/`. */
  | { kind: 'sparse'; url: string }
  | { kind: 'git-registry'; url: string }
  /** `url` canonical (see `canonicalGitUrl`); `reference` is `rev=X`, `branch=X`, `tag=X` or empty. */
  | { kind: 'git'; url: string; reference: string }
  | { kind: 'directory'; path: string /** Where the configuration names it, for errors. */; definedAt?: SourceLocation }
  | { kind: 'local-registry'; path: string }
  /** A folder in the index layout (`--index DIR`). */
  | { kind: 'index-dir'; path: string };

/** A string equal for two ids exactly when cargo would take them for the same source. */
export function sourceKey(id: SourceId): string {
  switch (id.kind) {
    case 'crates-io':
      return 'crates-io';
    case 'sparse':
    case 'git-registry':
      return `${id.kind} ${id.url}`;
    case 'git':
      return `git ${id.url}?${id.reference}`;
    default:
      return `${id.kind} ${id.path}`;
  }
}

/** The id of a lockfile `source` string, or null for kinds that carry no crate metadata (e.g. `path+`). */
export function parseLockSource(source: string): SourceId | null {
  if (source === CRATES_IO_REGISTRY || source === CRATES_IO_SPARSE) return { kind: 'crates-io' };
  if (source.startsWith('sparse+')) return sparseId(source.slice('sparse+'.length));
  if (source.startsWith('registry+')) return gitRegistryId(source.slice('registry+'.length));
  if (source.startsWith('git+')) return gitId(source.slice('git+'.length));
  return null;
}

/** A registry index value of cargo's configuration: `sparse+URL`, or a plain URL for a git index. */
export function parseIndexValue(value: string): SourceId {
  if (value.startsWith('sparse+')) return sparseId(value.slice('sparse+'.length));
  return gitRegistryId(value.startsWith('registry+') ? value.slice('registry+'.length) : value);
}

/** `https://host/path/` with a trailing slash; throws on anything but http(s) or on credentials in the URL. */
export function canonicalSparseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`\`${raw}\` is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserError(`\`${raw}\` is not an http(s) URL`);
  // A password in the URL would end up in labels and messages: tokens go through the credential lookup instead.
  if (u.username || u.password) throw new UserError('index URLs must not carry credentials; use a registry token');
  u.hash = '';
  u.search = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** Cargo's canonical form of a git URL: lower-cased, without a trailing `/` or `.git`. */
export function canonicalGitUrl(raw: string): string {
  let url = raw.toLowerCase();
  while (url.endsWith('/')) url = url.slice(0, -1);
  if (url.endsWith('.git')) url = url.slice(0, -4);
  return url;
}

function sparseId(raw: string): SourceId {
  const url = canonicalSparseUrl(raw);
  return url === CRATES_IO_INDEX_URL ? { kind: 'crates-io' } : { kind: 'sparse', url };
}

function gitRegistryId(raw: string): SourceId {
  const url = canonicalGitUrl(raw);
  return url === canonicalGitUrl(CRATES_IO_REGISTRY.slice('registry+'.length)) ? { kind: 'crates-io' } : { kind: 'git-registry', url };
}

/** `URL?rev=X#commit` (the `#commit` is the locked commit, not part of the identity). */
function gitId(raw: string): SourceId {
  const noFragment = raw.split('#')[0]!;
  const q = noFragment.indexOf('?');
  const base = q === -1 ? noFragment : noFragment.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : noFragment.slice(q + 1));
  let reference = '';
  for (const key of ['rev', 'branch', 'tag']) {
    const v = params.get(key);
    if (v !== null) reference = `${key}=${v}`;
  }
  return gitSourceId(base, reference);
}

export function gitSourceId(url: string, reference: string): SourceId {
  return { kind: 'git', url: canonicalGitUrl(url), reference };
}

/** `CARGO_REGISTRIES_<NAME>_<KEY>`: the name upper-cased, dashes as underscores. */
export function registryEnvName(name: string, key: 'INDEX' | 'TOKEN'): string {
  return `CARGO_REGISTRIES_${name.toUpperCase().replace(/-/g, '_')}_${key}`;
}
