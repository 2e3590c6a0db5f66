/**
 * Git dependencies from cargo's checkouts:
 * `$CARGO_HOME/git/checkouts/<name>-<hash>/<short-rev>/`, where `<name>` is
 * the last segment of the repository URL (without `.git`), `<hash>` cargo's
 * hash of the source id (16 hex digits, not reproduced: every folder of the
 * name is looked in) and `<short-rev>` the first 7 digits of the locked
 * commit. cargo writes an empty `.cargo-ok` at the checkout's root once the
 * checkout is complete; a checkout without it is not trusted.
 *
 * The package is found as cargo finds it in a repository: the root manifest,
 * else the manifest naming the package anywhere below (hidden folders and
 * `target` skipped).
 */
import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isValidCrateName } from './types.js';

/** Folders searched below a checkout's root, at most: a repository of a few hundred crates. */
const MAX_DIRS = 5_000;
const MAX_DEPTH = 8;

/** The folder of package `name` in cargo's checkout of a lockfile git source (`git+URL?…#commit`), or null. */
export function gitCheckoutDir(cargoHome: string, lockSource: string, name: string): string | null {
  if (!lockSource.startsWith('git+') || !isValidCrateName(name)) return null;
  const hash = lockSource.indexOf('#');
  const commit = hash === -1 ? '' : lockSource.slice(hash + 1);
  if (!/^[0-9a-f]{7,64}$/.test(commit)) return null;
  const url = lockSource.slice('git+'.length, hash).split('?')[0]!;
  const ident = repoIdent(url);
  if (!ident) return null;
  const root = join(cargoHome, 'git', 'checkouts');
  let folders: string[];
  try {
    folders = readdirSync(root).filter((f) => f.startsWith(`${ident}-`) && /^[0-9a-f]{16}$/.test(f.slice(ident.length + 1)));
  } catch {
    return null;
  }
  for (const f of folders.sort()) {
    const checkout = join(root, f, commit.slice(0, 7));
    if (!existsSync(join(checkout, '.cargo-ok'))) continue;
    const dir = findPackage(checkout, name);
    if (dir) return dir;
  }
  return null;
}

/** cargo's name for a repository's folders: the URL's last path segment, without `.git` (`_empty` for none). */
function repoIdent(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const last = path.split('/').filter(Boolean).pop() ?? '';
  const ident = last.endsWith('.git') ? last.slice(0, -4) : last;
  const out = ident === '' ? '_empty' : ident;
  return /^[A-Za-z0-9._-]+$/.test(out) && out !== '.' && out !== '..' ? out : null;
}

/** The folder below `root` whose Cargo.toml has `[package] name = "name"`, breadth first. */
function findPackage(root: string, name: string): string | null {
  const queue: [string, number][] = [[root, 0]];
  let seen = 0;
  while (queue.length && seen++ < MAX_DIRS) {
    const [dir, depth] = queue.shift()!;
    if (packageName(join(dir, 'Cargo.toml')) === name) return dir;
    if (depth >= MAX_DEPTH) continue;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'target') queue.push([join(dir, e.name), depth + 1]);
    }
  }
  return null;
}

/** `[package] name` of a manifest, read by line (enough to choose the folder; the manifest is parsed properly after). */
function packageName(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let inPackage = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('[')) inPackage = /^\[\s*package\s*\]/.test(t);
    else if (inPackage) {
      const m = /^name\s*=\s*["']([^"']+)["']/.exec(t);
      if (m) return m[1];
    }
  }
  return undefined;
}
