/** Crate metadata sources for a run, from cargo configuration and flags. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CargoConfig } from '../src/config/cargo-config.js';
import { CRATES_IO_REGISTRY, isCratesIo } from '../src/lockfile/index.js';
import type { CrateSource } from '../src/registry/types.js';
import { DirectorySource } from '../src/registry/vendor.js';
import { UserError } from '../src/errors.js';

export interface SourceOptions {
  cwd: string;
  config: CargoConfig;
  env: NodeJS.ProcessEnv;
  index?: string;
  offline: boolean;
  cacheDir?: string;
  jobs?: number;
  quiet: boolean;
}

export interface Sources {
  sourceFor(lockSource: string): CrateSource | null;
  close(): Promise<void>;
}

/** `[source]` replacement: follows `replace-with` from the source's name to a directory source. */
export function openSources(opts: SourceOptions): Sources {
  const cache = new Map<string, CrateSource | null>();
  const sourceNameFor = (lockSource: string): string | undefined => {
    if (isCratesIo(lockSource)) return 'crates-io';
    for (const name of opts.config.tableKeys(['source'])) {
      const git = opts.config.getString(['source', name, 'git'])?.value;
      if (git && lockSource.startsWith(`git+${git}`)) return name;
      const reg = opts.config.getString(['source', name, 'registry'])?.value;
      if (reg && (lockSource === `registry+${reg}` || lockSource === reg)) return name;
    }
    return undefined;
  };
  const open = (lockSource: string): CrateSource | null => {
    if (opts.index && isCratesIo(lockSource)) return directory(resolve(opts.cwd, opts.index));
    let name = sourceNameFor(lockSource);
    const seen = new Set<string>();
    while (name && !seen.has(name)) {
      seen.add(name);
      const dir = opts.config.get<string>(['source', name, 'directory']);
      if (dir && typeof dir.value === 'string') return directory(resolve(dir.baseDir, dir.value));
      name = opts.config.getString(['source', name, 'replace-with'])?.value;
    }
    return null;
  };
  const directory = (dir: string): CrateSource => {
    if (!existsSync(dir)) throw new UserError(`directory source \`${dir}\` does not exist`);
    return new DirectorySource(dir);
  };
  return {
    sourceFor(lockSource: string) {
      if (!cache.has(lockSource)) cache.set(lockSource, open(lockSource));
      return cache.get(lockSource)!;
    },
    async close() {},
  };
}

export { CRATES_IO_REGISTRY };
