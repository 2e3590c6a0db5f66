/**
 * Which source to read for a lockfile source: cargo's source replacement
 * (`[source.NAME] replace-with = ...`, followed through chains) and the
 * `--index` override of crates.io.
 * https://doc.rust-lang.org/cargo/reference/source-replacement.html
 */
import { resolve } from 'node:path';
import type { CargoConfig, ConfigValue } from '../config/cargo-config.js';
import { UserError } from '../errors.js';
import { gitSourceId, parseIndexValue, registryEnvName, sourceKey, type SourceId } from './source-id.js';

export interface NamedRegistry {
  name: string;
  id: SourceId;
}

/**
 * cargo's source replacement over a configuration. Registries named in
 * `[registries]` can be replacement targets too, and give index URLs their
 * names (for tokens).
 */
export class SourceSelector {
  private registriesCache: NamedRegistry[] | undefined;

  constructor(
    private readonly config: CargoConfig,
    private readonly env: NodeJS.ProcessEnv,
    /** `--index`: replaces crates.io, wherever crates.io is asked for. */
    private readonly indexOverride?: SourceId,
  ) {}

  /** The source to read for `id` once replacement is applied. */
  resolve(id: SourceId): SourceId {
    if (id.kind === 'crates-io' && this.indexOverride) return this.indexOverride;
    const start = this.sourceNamed(id);
    if (start === undefined) return id;
    const chain = [start];
    let current: SourceId = id;
    for (let name = start; ; ) {
      const replacement = this.config.getString(['source', name, 'replace-with']);
      if (!replacement) return current;
      const next = replacement.value;
      if (chain.includes(next)) {
        throw new UserError(`source replacement forms a cycle: ${[...chain, next].join(' -> ')}`, this.config.where(replacement, ['source', name, 'replace-with']) ?? { path: replacement.definedIn });
      }
      chain.push(next);
      if (this.config.tableKeys(['source']).includes(next)) {
        name = next;
        current = this.definition(next) ?? this.undefinedSource(next, replacement, name);
        if (current.kind === 'crates-io' && this.indexOverride) return this.indexOverride;
        continue;
      }
      const registry = this.registries().find((r) => r.name === next);
      if (registry) return registry.id;
      if (next === 'crates-io') return this.indexOverride ?? { kind: 'crates-io' };
      return this.undefinedSource(next, replacement, name);
    }
  }

  /**
   * cargo's own replacement chain for `id`, from `id` itself to the source
   * read (`--index` left aside: this is what cargo builds from).
   */
  chain(id: SourceId): SourceId[] {
    const out: SourceId[] = [id];
    const start = this.sourceNamed(id);
    if (start === undefined) return out;
    const names = [start];
    for (let name = start; ; ) {
      const replacement = this.config.getString(['source', name, 'replace-with']);
      if (!replacement) return out;
      const next = replacement.value;
      if (names.includes(next)) return out;
      names.push(next);
      if (this.config.tableKeys(['source']).includes(next)) {
        const def = this.definition(next);
        if (!def) return out;
        out.push(def);
        name = next;
        continue;
      }
      const registry = this.registries().find((r) => r.name === next);
      if (registry) out.push(registry.id);
      else if (next === 'crates-io') out.push({ kind: 'crates-io' });
      return out;
    }
  }

  /** The registry a vendored chain replaces: `--index` when given, else the last registry of the chain before the vendored source. */
  upstreamOf(chain: SourceId[]): SourceId | undefined {
    if (this.indexOverride) return this.indexOverride;
    for (let i = chain.length - 2; i >= 0; i--) {
      const k = chain[i]!.kind;
      if (k === 'crates-io' || k === 'sparse' || k === 'index-dir') return chain[i];
    }
    return undefined;
  }

  /** `[registries.NAME] index` (or `CARGO_REGISTRIES_NAME_INDEX`) for every registry the configuration names. */
  registries(): NamedRegistry[] {
    if (!this.registriesCache) {
      const out: NamedRegistry[] = [];
      for (const name of this.config.tableKeys(['registries'])) {
        const index = this.config.getWithEnv(['registries', name, 'index'], registryEnvName(name, 'INDEX'), this.env)?.value;
        if (typeof index === 'string' && index) out.push({ name, id: parseIndexValue(index) });
      }
      // Registries defined only through the environment: the name is what the variable spells.
      for (const [key, value] of Object.entries(this.env)) {
        const m = /^CARGO_REGISTRIES_(.+)_INDEX$/.exec(key);
        if (!m || !value || out.some((r) => registryEnvName(r.name, 'INDEX') === key)) continue;
        out.push({ name: m[1]!.toLowerCase(), id: parseIndexValue(value) });
      }
      this.registriesCache = out;
    }
    return this.registriesCache;
  }

  /** The `[source.NAME]` that defines `id`, if any. crates.io is `crates-io` even without a definition. */
  private sourceNamed(id: SourceId): string | undefined {
    const key = sourceKey(id);
    const names = this.config.tableKeys(['source']);
    if (id.kind === 'crates-io' && names.includes('crates-io')) return 'crates-io';
    return names.find((n) => {
      const def = this.definition(n);
      return def !== undefined && sourceKey(def) === key;
    });
  }

  /** What `[source.NAME]` points at: `registry`, `directory`, `local-registry` or `git` (+ `branch`/`tag`/`rev`). */
  private definition(name: string): SourceId | undefined {
    const get = (key: string): ConfigValue<string> | undefined => this.config.getString(['source', name, key]);
    const registry = get('registry');
    if (registry) return parseIndexValue(registry.value);
    const directory = get('directory');
    if (directory) return { kind: 'directory', path: resolve(directory.baseDir, directory.value), definedAt: this.config.where(directory, ['source', name, 'directory']) };
    const local = get('local-registry');
    if (local) return { kind: 'local-registry', path: resolve(local.baseDir, local.value) };
    const git = get('git');
    if (git) {
      let reference = '';
      for (const key of ['branch', 'tag', 'rev']) {
        const v = get(key);
        if (v) reference = `${key}=${v.value}`;
      }
      return gitSourceId(git.value, reference);
    }
    return name === 'crates-io' ? { kind: 'crates-io' } : undefined;
  }

  /** `[source.FROM] replace-with = "NAME"` where NAME is no source: an error at the key. */
  private undefinedSource(name: string, at: ConfigValue<string>, from: string): never {
    throw new UserError(
      `\`replace-with = "${name}"\` names a source that is defined neither in [source] (with registry, directory, local-registry or git) nor in [registries]`,
      this.config.where(at, ['source', from, 'replace-with']) ?? { path: at.definedIn },
    );
  }
}
