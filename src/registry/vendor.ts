/**
 * A `cargo vendor` directory as a crate source: every sub-directory holds one
 * crate (`name` or `name-version`) with its published, normalized Cargo.toml.
 * The manifest carries everything the index would (dependencies, features,
 * links) and one thing it does not: whether the crate is a proc-macro.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullTomlParser } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import { isProcMacro, ManifestShapeError, readAllDeps, readFeatures } from '../manifest/deps.js';
import { publishedManifestDoc } from '../manifest/published.js';
import type { CrateLookup, CrateSource, IndexDep, IndexVersion } from './types.js';

export class DirectorySource implements CrateSource {
  readonly label: string;
  private entries: Set<string> | undefined;
  private readonly cache = new Map<string, IndexVersion | null>();

  constructor(readonly dir: string) {
    this.label = `directory source \`${dir}\``;
  }

  private listing(): Set<string> {
    if (!this.entries) {
      try {
        this.entries = new Set(readdirSync(this.dir));
      } catch (e) {
        throw new UserError(`cannot read vendored sources: ${(e as Error).message}`, { path: this.dir });
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

  private readCrateDir(d: string): IndexVersion | null {
    const cached = this.cache.get(d);
    if (cached !== undefined) return cached;
    const path = join(this.dir, d, 'Cargo.toml');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      this.cache.set(d, null);
      return null;
    }
    const v = publishedManifestToIndex(text, path);
    this.cache.set(d, v);
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
  const { parse, TomlError } = fullTomlParser();
  try {
    return parse(relevantSections(text)) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    let first = e;
    try {
      parse(text);
    } catch (whole) {
      if (whole instanceof TomlError) first = whole;
    }
    const detail = first.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new UserError(`invalid TOML: ${detail}`, { path, line: first.line, column: first.column });
  }
}

/** A published (normalized) Cargo.toml as an index record. */
export function publishedManifestToIndex(text: string, path: string): IndexVersion {
  const doc = publishedManifestDoc(text) ?? parseWhole(text, path);
  const pkg = doc.package as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new UserError('vendored manifest has no `[package]` name and version', { path });
  }
  try {
    const deps: IndexDep[] = readAllDeps(doc).map((d) => ({
      name: d.name,
      req: d.req,
      features: d.features,
      optional: d.optional,
      default_features: d.default_features,
      target: d.target,
      kind: d.kind,
      registry: d.registry ?? null,
      package: d.package ?? null,
    }));
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
    if (e instanceof ManifestShapeError) throw new UserError(`${e.message} (at \`${e.keyPath.join('.')}\`)`, { path });
    throw e;
  }
}
