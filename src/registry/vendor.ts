/**
 * A `cargo vendor` directory as a crate source, and a published manifest read
 * as an index record (`publishedManifestToIndex`, which the generated
 * registries of the tests use too).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import { readVendoredText } from '../io/text-file.js';
import { indexFields, isProcMacro, ManifestShapeError, readAllDeps, readFeatures } from '../manifest/deps.js';
import { holdsDate, parseTomlFully } from '../manifest/positions.js';
import { publishedManifestDoc } from '../manifest/published.js';
import { forbiddenControl } from '../manifest/simple-toml.js';
import { fullTomlParser, tomlUserError } from '../manifest/toml.js';
import type { CrateLookup, CrateSource, IndexDep, IndexVersion } from './types.js';

/**
 * A `cargo vendor` directory: every sub-directory holds one crate (`name` or
 * `name-version`) with its published, normalized Cargo.toml. The manifest
 * carries everything the index would (dependencies, features, links) and one
 * thing it does not: whether the crate is a proc-macro.
 */
export class DirectorySource implements CrateSource {
  readonly label: string;
  private entries: Set<string> | undefined;
  private readonly cache = new Map<string, IndexVersion | null>();
  /** The manifests read, by folder: the build-script reader wants them again. */
  private readonly texts = new Map<string, string>();

  constructor(
    readonly dir: string,
    /** Where the configuration names the directory: a folder that cannot be read is an error there. */
    private readonly definedAt?: SourceLocation,
  ) {
    this.label = `directory source \`${dir}\``;
  }

  private listing(): Set<string> {
    if (!this.entries) {
      try {
        this.entries = new Set(readdirSync(this.dir));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
        if (this.definedAt) throw new UserError(`cannot read the vendored sources in \`${this.dir}\`: ${why}`, this.definedAt);
        throw new UserError(`cannot read vendored sources: ${why}`, { path: this.dir });
      }
    }
    return this.entries;
  }

  async getCrate(name: string, versions?: ReadonlySet<string>): Promise<CrateLookup | null> {
    return this.getCrateSync(name, versions);
  }

  /** Synchronous lookup: a vendor directory is local, so no need to yield. */
  getCrateSync(name: string, versions?: ReadonlySet<string>): CrateLookup | null {
    const found: IndexVersion[] = [];
    const dirs = new Set<string>();
    if (versions) for (const v of versions) dirs.add(`${name}-${v}`);
    dirs.add(name);
    const listed = this.listing();
    let all = false;
    // Without a version list (or when a wanted version is not where cargo vendor
    // puts it), scan every `name-*` directory.
    if (!versions || [...versions].some((v) => !listed.has(`${name}-${v}`) && !listed.has(name))) all = true;
    if (all) {
      const prefix = `${name}-`;
      for (const e of listed) if (e.startsWith(prefix) && /^\d/.test(e.slice(prefix.length))) dirs.add(e);
    }
    for (const d of dirs) {
      if (!listed.has(d)) continue;
      const v = this.readCrateDir(d);
      if (v && v.name === name && !found.some((f) => f.vers === v.vers)) found.push(v);
    }
    return found.length ? { versions: found, origin: 'vendor' } : null;
  }

  /** The folder of a vendored crate's version, its manifest's text and what it declares, or null when it is not vendored. */
  crateFolder(name: string, version: string): { dir: string; manifest: string; entry: IndexVersion } | null {
    const found = this.findCrateDir(name, version);
    const text = found ? this.texts.get(found.d) : undefined;
    return found && text !== undefined ? { dir: join(this.dir, found.d), manifest: text, entry: found.v } : null;
  }

  /** The folder of a vendored crate's version (`name-version` or `name`, else any `name-*`) and what it declares. */
  private findCrateDir(name: string, version: string): { d: string; v: IndexVersion } | null {
    const at = (d: string) => {
      if (!this.listing().has(d)) return null;
      const v = this.readCrateDir(d);
      return v !== null && v.name === name && v.vers === version ? { d, v } : null;
    };
    for (const d of [`${name}-${version}`, name]) {
      const found = at(d);
      if (found) return found;
    }
    const prefix = `${name}-`;
    for (const d of this.listing()) {
      const found = d.startsWith(prefix) ? at(d) : null;
      if (found) return found;
    }
    return null;
  }

  private readCrateDir(d: string): IndexVersion | null {
    const cached = this.cache.get(d);
    if (cached !== undefined) return cached;
    const path = join(this.dir, d, 'Cargo.toml');
    let text: string;
    try {
      text = readVendoredText(path);
    } catch (e) {
      if (e instanceof UserError) throw e;
      this.cache.set(d, null);
      return null;
    }
    const v = publishedManifestToIndex(text, path);
    this.cache.set(d, v);
    this.texts.set(d, text);
    return v;
  }
}

const DROPPED_SECTION = /^\[\[|^\[\s*(?:package\s*\.\s*metadata|badges|profile|lints|workspace|patch|replace|(?:target\s*\.\s*(?:"[^"]*"|'[^']*'|[^.\]]+)\s*\.\s*)?dev[-_]dependencies)\b/;

/**
 * Drops the sections of a published manifest that never matter here (targets
 * like `[[example]]`, metadata, dev-dependencies): most of a vendored
 * Cargo.toml, and most of the time spent parsing it. Headers are always at the
 * start of a line in a normalized manifest; a file with multi-line strings,
 * where a line may start with `[` inside a string, is left whole.
 */
export function relevantSections(text: string): string {
  if (text.includes('"""') || text.includes("'''")) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let keep = true;
  for (const line of lines) {
    if (line.startsWith('[')) keep = !DROPPED_SECTION.test(line);
    if (keep) out.push(line);
  }
  return out.join('\n');
}

/**
 * A published manifest the fast reader declines, by the full parser. An error
 * is reported as cargo would, at its place in the file: the sections dropped
 * before parsing shift the lines, so the whole file is parsed for the place.
 */
function parseWhole(text: string, path: string): Record<string, unknown> {
  // The whole text: what the fast reader declined is read strictly, sections it would skip included.
  let data: Record<string, unknown>;
  try {
    data = fullTomlParser().parse(text) as Record<string, unknown>;
  } catch (e) {
    throw tomlUserError(e, 'invalid TOML', path);
  }
  // An impossible date smol-toml takes is refused, at its place, by the parser that checks dates.
  if (holdsDate(data)) parseTomlFully(text, path);
  return data;
}

/** A published (normalized) Cargo.toml as an index record. */
export function publishedManifestToIndex(text: string, path: string): IndexVersion {
  const control = forbiddenControl(text);
  if (control) throw new UserError(`invalid TOML: ${control.message}`, { path, line: control.line, column: control.column });
  const doc = publishedManifestDoc(text) ?? parseWhole(text, path);
  const pkg = doc.package as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new UserError('vendored manifest has no `[package]` name and version', { path, ...locate(text, path, ['package']) });
  }
  try {
    const deps: IndexDep[] = readAllDeps(doc).map(indexFields);
    return {
      name: pkg.name,
      vers: pkg.version,
      deps,
      features: readFeatures(doc),
      links: typeof pkg.links === 'string' ? pkg.links : null,
      yanked: false,
      rust_version: typeof pkg['rust-version'] === 'string' ? (pkg['rust-version'] as string) : null,
      proc_macro: isProcMacro(doc),
    };
  } catch (e) {
    if (e instanceof ManifestShapeError) throw new UserError(`${e.message} (at \`${e.keyPath.join('.')}\`)`, { path, ...locate(text, path, e.keyPath) });
    throw e;
  }
}

/**
 * Where a key of a vendored manifest is, for an error: the fast reader keeps
 * no positions, so the text is parsed again with them, only then (line 1 when
 * even that cannot say).
 */
function locate(text: string, path: string, keyPath: string[]): { line: number; column: number } {
  try {
    return parseTomlFully(text, path).positions.find(keyPath) ?? { line: 1, column: 1 };
  } catch {
    return { line: 1, column: 1 };
  }
}
