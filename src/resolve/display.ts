/** How packages are named in output, as cargo tree names them. */
import { isCratesIo } from '../lockfile/index.js';
import type { GraphPackage } from './types.js';

/** `name vX.Y.Z`, with `(path)` for path packages and `(source)` outside crates.io. */
export function displayPackage(p: Pick<GraphPackage, 'name' | 'version' | 'source' | 'manifestPath'>): string {
  const base = `${p.name} v${p.version}`;
  if (p.source === null) return p.manifestPath ? `${base} (${p.manifestPath.replace(/[\\/]Cargo\.toml$/, '')})` : base;
  if (isCratesIo(p.source)) return base;
  const src = p.source.replace(/^(registry|sparse|git)\+/, '');
  // A git source's locked commit is shown by its first 8 digits, as cargo shows it.
  return `${base} (${p.source.startsWith('git+') ? src.replace(/#([0-9a-f]{8})[0-9a-f]+$/, '#$1') : src})`;
}

/**
 * One `name vX (source)|feat1,feat2` line per package, sorted and unique: the
 * same text as `cargo tree --prefix none -f '{p}|{f}' --no-dedupe | sort -u`.
 */
export function treeLines(packages: Iterable<GraphPackage>): string[] {
  const lines = new Set<string>();
  for (const p of packages) lines.add(`${displayPackage(p)}|${p.features.join(',')}`);
  return [...lines].sort();
}
