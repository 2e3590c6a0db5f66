/** The crate metadata sources of a run, from cargo configuration and the flags, with the progress line wired in. */
import type { CargoConfig } from '../src/config/cargo-config.js';
import { openSourceSet, type FetchProgress, type FetchStats } from '../src/registry/index.js';
import { progressLine, type ProgressStream } from './progress.js';
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
  /** False with `--no-crate-downloads`. */
  crateDownloads?: boolean;
  /** `-v` count: 1 shows each retry with its reason, 2 the underlying network errors too. */
  verbose?: number;
}

export interface Sources {
  sourceFor(lockSource: string): CrateSource | null;
  /** The vendor directory cargo reads for a source and the registry it replaces (null offline), or null (see `SourceSet.vendoredFor`). */
  vendoredFor?(lockSource: string): { vendor: CrateSource; label: string; registry: CrateSource | null } | null;
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
    crateDownloads: opts.crateDownloads !== false,
    ...(opts.verbose && {
      log: (level: 1 | 2, line: string) => {
        if (level <= opts.verbose!) (opts.stderr ?? process.stderr).write(`${line}\n`);
      },
    }),
  });
  return { sourceFor: (s) => set.sourceFor(s), vendoredFor: (s) => set.vendoredFor(s), offline: set.offline, stats: () => set.stats(), close: () => set.close() };
}
