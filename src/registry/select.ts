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
    let current: SourceId = id;
    for (const link of this.replacements(id)) {
      if ('broken' in link) return link.broken();
      // A `[registries]` entry is read as it is; crates.io, named or defined in [source], is `--index` when given.
      if (link.registry) return link.id;
      if (link.id.kind === 'crates-io' && this.indexOverride) return this.indexOverride;
      current = link.id;
    }
    return current;
  }

  /**
   * cargo's own replacement chain for `id`, from `id` itself to the source
   * read (`--index` left aside: this is what cargo builds from). A chain that
   * breaks (a cycle, a name that is no source) ends where it breaks.
   */
  chain(id: SourceId): SourceId[] {
    const out: SourceId[] = [id];
    for (const link of this.replacements(id)) {
      if ('broken' in link) break;
      out.push(link.id);
    }
    return out;
  }

  /**
   * The sources `replace-with` leads `id` to, one at a time in cargo's order:
   * `[source.NAME]` definitions, followed further, and at the end a
   * `[registries.NAME]` entry (`registry`) or crates.io by its name. Where
   * the chain breaks (a name seen before, or one that is no source) the last
   * link is `broken`, which throws the error at the `replace-with`.
   */
  private *replacements(id: SourceId): Generator<{ id: SourceId; registry: boolean } | { broken: () => never }> {
    const start = this.sourceNamed(id);
    if (start === undefined) return;
    const names = [start];
    for (let name = start; ; ) {
      const replacement = this.config.getString(['source', name, 'replace-with']);
      if (!replacement) return;
      const next = replacement.value;
      if (names.includes(next)) {
        const from = name;
        yield { broken: () => this.cycle([...names, next], replacement, from) };
        return;
      }
      names.push(next);
      if (this.config.tableKeys(['source']).includes(next)) {
        const def = this.definition(next);
        if (!def) {
          yield { broken: () => this.undefinedSource(next, replacement, name) };
          return;
        }
        yield { id: def, registry: false };
        name = next;
        continue;
      }
      const registry = this.registries().find((r) => r.name === next);
      if (registry) yield { id: registry.id, registry: true };
      else if (next === 'crates-io') yield { id: { kind: 'crates-io' }, registry: false };
      else yield { broken: () => this.undefinedSource(next, replacement, name) };
      return;
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

  /** `[source.FROM] replace-with = …` that closes a cycle: an error at the key. */
  private cycle(names: string[], at: ConfigValue<string>, from: string): never {
    throw new UserError(`source replacement forms a cycle: ${names.join(' -> ')}`, this.config.where(at, ['source', from, 'replace-with']) ?? { path: at.definedIn });
  }

  /** `[source.FROM] replace-with = "NAME"` where NAME is no source: an error at the key. */
  private undefinedSource(name: string, at: ConfigValue<string>, from: string): never {
    throw new UserError(
      `\`replace-with = "${name}"\` names a source that is defined neither in [source] (with registry, directory, local-registry or git) nor in [registries]`,
      this.config.where(at, ['source', from, 'replace-with']) ?? { path: at.definedIn },
    );
  }
}
