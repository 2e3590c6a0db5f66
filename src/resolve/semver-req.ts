/** Cargo version requirements evaluated with node-semver. */
import semver from 'semver';

const cache = new Map<string, semver.Range | null>();

/**
 * Cargo's requirement syntax to a node-semver range: comparators are separated
 * by commas, and a bare version means a caret requirement (`1.2` is `^1.2`).
 */
export function cargoRange(req: string): semver.Range | null {
  let r = cache.get(req);
  if (r !== undefined) return r;
  const parts = req
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/^\d/.test(p) ? `^${p}` : p.replace(/^([<>=~^]+)\s+/, '$1')));
  try {
    r = new semver.Range(parts.join(' ') || '*', { loose: true });
  } catch {
    r = null;
  }
  cache.set(req, r);
  return r;
}

export function satisfies(version: string, req: string): boolean {
  const r = cargoRange(req);
  if (!r) return false;
  // Cargo lets a requirement match a pre-release only when it names one itself;
  // node-semver's default rule is the same within one major.minor.patch.
  return r.test(version);
}
