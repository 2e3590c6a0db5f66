/** Crate metadata sources for a run, from cargo configuration and flags. */
import type { CargoConfig } from '../src/config/cargo-config.js';
import { openSourceSet, progressLine, type FetchProgress, type FetchStats } from '../src/registry/index.js';
import type { CrateSource } from '../src/registry/types.js';

export interface SourceOptions {
  cwd: string;
  config: CargoConfig;
  env: NodeJS.ProcessEnv;
  index?: string;
  offline: boolean;
  cacheDir?: string;
  jobs?: number;
  quiet: boolean;
  /** Progress of index fetching; by default a line on stderr when it is a terminal. */
  progress?: (p: FetchProgress) => void;
}

export interface Sources {
  sourceFor(lockSource: string): CrateSource | null;
  stats(): FetchStats;
  close(): Promise<void>;
}

export function openSources(opts: SourceOptions): Sources {
  const set = openSourceSet({
    cwd: opts.cwd,
    config: opts.config,
    env: opts.env,
    index: opts.index,
    offline: opts.offline,
    cacheDir: opts.cacheDir,
    jobs: opts.jobs,
    progress: opts.progress ?? progressLine(process.stderr, { quiet: opts.quiet }),
  });
  return { sourceFor: (s) => set.sourceFor(s), stats: () => set.stats(), close: () => set.close() };
}
