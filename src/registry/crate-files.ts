/**
 * Files of crates cargo has unpacked: `$CARGO_HOME/registry/src/<registry
 * dir>/<name>-<version>/`. The index schema gives no proc-macro flag; a
 * crate's own manifest does (`[lib] proc-macro = true`), and cargo keeps the
 * manifest of every crate it has built or fetched here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isProcMacro } from '../manifest/deps.js';
import { publishedManifestDoc } from '../manifest/published.js';
import { isValidCrateName } from './types.js';

/** Unpacked crates of the registries under one cargo home. */
export class CrateFiles {
  private dirs: string[] | undefined;
  private answers = new Map<string, boolean | null>();

  constructor(readonly cargoHome: string) {}

  /** `registry/src/*`, crates.io's folders first (a crates.io crate is looked for there before other registries'). */
  private registryDirs(): string[] {
    if (this.dirs) return this.dirs;
    const root = join(this.cargoHome, 'registry', 'src');
    let names: string[] = [];
    try {
      names = readdirSync(root).sort();
    } catch {
      names = [];
    }
    const cratesIo = (n: string) => n.startsWith('index.crates.io-') || n.startsWith('github.com-');
    this.dirs = [...names.filter(cratesIo), ...names.filter((n) => !cratesIo(n))].map((n) => join(root, n));
    return this.dirs;
  }

  /** The text of an unpacked crate's Cargo.toml, or null when cargo has none. */
  manifestText(name: string, version: string): string | null {
    // Names and versions become path segments: refuse anything that could leave the folder.
    if (!isValidCrateName(name) || !/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(version) || version.includes('..')) return null;
    for (const dir of this.registryDirs()) {
      try {
        return readFileSync(join(dir, `${name}-${version}`, 'Cargo.toml'), 'utf8');
      } catch {
        continue;
      }
    }
    return null;
  }

  /** `[lib] proc-macro` of the unpacked crate, or null when cargo has not unpacked it (or its manifest does not parse). */
  procMacro(name: string, version: string): boolean | null {
    const id = `${name} ${version}`;
    const known = this.answers.get(id);
    if (known !== undefined) return known;
    let answer: boolean | null = null;
    const text = this.manifestText(name, version);
    if (text !== null) {
      try {
        const doc = publishedManifestDoc(text) ?? (toml().parse(text) as Record<string, unknown>);
        answer = isProcMacro(doc);
      } catch {
        answer = null;
      }
    }
    this.answers.set(id, answer);
    return answer;
  }
}

/** smol-toml, loaded only for a manifest the fast reader declines. */
let smol: typeof import('smol-toml') | undefined;
const toml = () => (smol ??= createRequire(import.meta.url)('smol-toml') as typeof import('smol-toml'));

const byHome = new Map<string, CrateFiles>();

/** The (shared) reader of the unpacked crates under a cargo home. */
export function crateFilesFor(cargoHome: string): CrateFiles {
  let f = byHome.get(cargoHome);
  if (!f) byHome.set(cargoHome, (f = new CrateFiles(cargoHome)));
  return f;
}
