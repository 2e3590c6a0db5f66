/** Shared helpers for the knowledge-base tests: sources, compiled entries, recorded index lines. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIndexFile } from '../../src/registry/parse.js';
import { indexPath, type IndexVersion } from '../../src/registry/types.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KB_DIR = join(ROOT, 'knowledge-base');
export const FIXTURES = join(ROOT, 'test/fixtures/crates-index');

export function sourceFiles(): { name: string; text: string }[] {
  return readdirSync(KB_DIR)
    .filter((f) => f.endsWith('.toml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(KB_DIR, name), 'utf8') }));
}

/** The crate facts' sources, `knowledge-base/crates/*.toml`, named relative to `knowledge-base/`. */
export function crateFactFiles(): { name: string; text: string }[] {
  return readdirSync(join(KB_DIR, 'crates'))
    .filter((f) => f.endsWith('.toml'))
    .sort()
    .map((f) => ({ name: `crates/${f}`, text: readFileSync(join(KB_DIR, 'crates', f), 'utf8') }));
}

const cache = new Map<string, IndexVersion[] | null>();

/** The index lines recorded for a crate, oldest first (null when none are recorded). */
export function recorded(name: string): IndexVersion[] | null {
  let v = cache.get(name);
  if (v !== undefined) return v;
  const file = join(FIXTURES, indexPath(name));
  v = existsSync(file) ? parseIndexFile(readFileSync(file, 'utf8'), name, undefined, file) : null;
  cache.set(name, v);
  return v;
}

/**
 * Every feature name a version offers: the keys of `features` and `features2`,
 * plus the implicit feature of each optional dependency that no feature
 * refers to as `dep:name`.
 */
export function featureNames(v: IndexVersion): Set<string> {
  const names = new Set(Object.keys(v.features));
  const depRefs = new Set<string>();
  for (const values of Object.values(v.features)) for (const x of values) if (x.startsWith('dep:')) depRefs.add(x.slice(4));
  for (const d of v.deps) if (d.optional && d.kind !== 'dev' && !depRefs.has(d.name)) names.add(d.name);
  return names;
}

/** `features.default` as the index records it (empty when absent). */
export function defaultFeatures(v: IndexVersion): string[] {
  return v.features.default ?? [];
}

/**
 * The values of a feature with dependency renames resolved to package names:
 * `ffi/vendored` (ffi = openssl-sys) and `native-tls-crate?/vendored` become
 * `openssl-sys/vendored` and `native-tls/vendored`.
 */
export function resolvedValues(v: IndexVersion, feature: string): string[] {
  const pkg = new Map(v.deps.map((d) => [d.name, d.package ?? d.name]));
  return (v.features[feature] ?? []).map((x) => {
    const m = /^([^/?]+)\??\/(.+)$/.exec(x);
    return m ? `${pkg.get(m[1]!) ?? m[1]}/${m[2]}` : x;
  });
}
