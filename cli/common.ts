/** The options every analysing command shares, and what they select. */
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { CargoConfig, type ConfigOverrides } from '../src/config/cargo-config.js';
import type { Selection } from '../src/resolve/index.js';
import { positiveInteger, type OptionSpec, type Parsed } from './args.js';
import { DEFAULT_TARGET } from './targets.js';

export const COMMON_OPTIONS = [
  { name: 'target', kind: 'multi', value: 'TRIPLE', help: `Target triple to analyse (repeatable) [default: ${DEFAULT_TARGET}]` },
  { name: 'package', short: 'p', kind: 'multi', value: 'SPEC', help: 'Package(s) to analyse' },
  { name: 'workspace', kind: 'bool', help: 'Analyse all packages in the workspace' },
  { name: 'exclude', kind: 'multi', value: 'SPEC', requires: ['workspace'], help: 'Exclude packages from --workspace' },
  { name: 'features', short: 'F', kind: 'multi', value: 'FEATURES', help: 'Space or comma separated list of features to activate' },
  { name: 'all-features', kind: 'bool', help: 'Activate all available features' },
  { name: 'no-default-features', kind: 'bool', help: 'Do not activate the `default` feature' },
  { name: 'include-dev', kind: 'bool', help: 'Count dev-dependencies (tests, examples) as built' },
  { name: 'manifest-path', kind: 'string', value: 'PATH', help: 'Path to Cargo.toml' },
  { name: 'index', kind: 'string', value: 'URL|DIR', help: 'Use this index instead of crates.io (sparse URL or a local index folder)' },
  { name: 'offline', kind: 'bool', help: 'Use only cached and local crate metadata' },
  { name: 'locked', kind: 'bool', help: 'Assert that Cargo.lock is up to date with the manifests' },
  { name: 'config', kind: 'multi', value: 'KEY=VALUE|PATH', help: "Override a cargo configuration value (as cargo's --config)" },
  { name: 'frozen', kind: 'bool', help: 'Equivalent to specifying both --locked and --offline' },
  { name: 'cache-dir', kind: 'string', value: 'DIR', help: 'Where to cache index data' },
  { name: 'no-crate-downloads', kind: 'bool', help: 'Never download crate archives (proc-macro status from local copies only)' },
  { name: 'jobs', short: 'j', kind: 'string', value: 'N', parse: positiveInteger, help: 'Concurrent index requests [default: 64]' },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'Print no progress' },
  { name: 'verbose', short: 'v', kind: 'count', help: 'Print more (internal errors with their backtrace)' },
  { name: 'color', kind: 'string', value: 'WHEN', help: 'Coloring: auto, always, never' },
] as const satisfies readonly OptionSpec[];

/** What the options shared by every analysing command give. */
export type CommonArgs = Parsed<typeof COMMON_OPTIONS>;

/** `--frozen` or `--locked` as given (for messages), or null. */
export function lockFlag(o: CommonArgs['options']): '--frozen' | '--locked' | null {
  return o.frozen ? '--frozen' : o.locked ? '--locked' : null;
}

/** The `--config` arguments, relative to the directory the tool was run in. */
export function configOverrides(args: CommonArgs, cwd: string): ConfigOverrides | undefined {
  const values = args.options.config;
  return values?.length ? { args: values, cwd } : undefined;
}

/** cargo's configuration for a run started in `dir` (see `projectStart`): its files from there upward and in CARGO_HOME, the environment, and `--config`. */
export function loadCargoConfig(args: CommonArgs, dir: string, env: NodeJS.ProcessEnv): CargoConfig {
  return CargoConfig.load(dir, env, configOverrides(args, dir));
}

export function selectionFrom(args: CommonArgs): Selection {
  const o = args.options;
  return {
    packages: o.package,
    workspace: !!o.workspace,
    exclude: o.exclude,
    features: o.features,
    allFeatures: !!o['all-features'],
    noDefaultFeatures: !!o['no-default-features'],
    includeDev: !!o['include-dev'],
  };
}

/**
 * Loads the project with crate metadata from the sources the options and
 * cargo's configuration select, in the directory `pathArg` names (or
 * the `Cargo.toml` it names), else the current one. Index fetching is shown
 * through `ctx.progress` when given, else as a progress line on
 * `ctx.stderr` when it is a terminal, never with `--quiet`.
 */
/**
 * Where a run starts. A `PATH` argument is cargo's `-C PATH`: the run is as
 * if started there (a directory, or the directory of the `Cargo.toml` it
 * names): cargo's configuration is read from there upward, the current
 * package is the one there, and `--manifest-path` and `--config FILE` are
 * read relative to it. Without it, `--manifest-path` is cargo's: the
 * manifest to start from, with the configuration of the current directory.
 * (Files of the tool's own, `--output` and `--baseline`, stay relative to
 * the directory the tool was run in.)
 */
export function projectStart(args: CommonArgs, cwd: string, pathArg?: string): { dir: string; manifestPath: string | undefined } {
  const given = args.options['manifest-path'];
  if (!pathArg) return { dir: cwd, manifestPath: given };
  const at = resolvePath(cwd, pathArg);
  const isManifest = basename(at) === 'Cargo.toml';
  const dir = isManifest ? dirname(at) : at;
  return { dir, manifestPath: given !== undefined ? resolvePath(dir, given) : isManifest ? at : undefined };
}
