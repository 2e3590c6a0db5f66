/** Crate metadata sources for a run, from cargo configuration and flags. */
import type { CargoConfig } from '../src/config/cargo-config.js';
import { openSourceSet, progressLine, type FetchProgress, type FetchStats, type ProgressStream } from '../src/registry/index.js';
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
  /** Where the progress line goes when it is a terminal (default process.stderr); never with `quiet`. */
  stderr?: ProgressStream;
  /** Progress of index fetching, instead of the line on `stderr`. */
  progress?: (p: FetchProgress) => void;
}

export interface Sources {
  sourceFor(lockSource: string): CrateSource | null;
  /** True when no request will be made (`--offline`, `net.offline`, `CARGO_NET_OFFLINE`). */
  readonly offline: boolean;
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
    progress: opts.progress ?? progressLine(opts.stderr ?? process.stderr, { quiet: opts.quiet }),
  });
  return { sourceFor: (s) => set.sourceFor(s), offline: set.offline, stats: () => set.stats(), close: () => set.close() };
}
