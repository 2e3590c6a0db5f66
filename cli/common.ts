/** Options every analysing command shares, the crate metadata sources, and loading the project with them. */
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { ALL_TARGETS, targetInfo } from '../src/cfg/index.js';
import { CargoConfig, cargoHome, type ConfigOverrides } from '../src/config/cargo-config.js';
import { UserError, type SourceLocation } from '../src/errors.js';
import { builtInProcMacroHints } from '../src/knowledge/proc-macros.js';
import { loadProject, outdatedLockError, resolvePatched, resolveTarget, type LockGap, type Project, type Selection } from '../src/resolve/index.js';
import type { GraphResult } from '../src/resolve/graph.js';
import { LOCK_UPDATE_COMMAND } from '../src/resolve/packages.js';
import { positiveInteger, type OptionSpec, type Parsed } from './args.js';
import type { CommandContext } from './context.js';
import { openSourceSet, type FetchProgress, type FetchStats } from '../src/registry/index.js';
import { hostLines, progressLine, type ProgressStream } from './progress.js';
import { RegistryError, type CrateSource } from '../src/registry/types.js';
import type { Workspace } from '../src/manifest/workspace.js';
import { defaultCacheDir } from '../src/registry/cache.js';

// ---- Crate metadata sources for a run, from cargo configuration and flags ----

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

// ---- Options and loading ----

export const DEFAULT_TARGET = 'x86_64-unknown-linux-musl';

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

export interface LoadedProject {
  project: Project;
  targets: string[];
  config: CargoConfig;
  sources: Sources;
  includeDev: boolean;
  /** Cargo.lock judged and what it lacks resolved (see `targetResults`). */
  lockSettled?: boolean;
}

/**
 * cargo's `build.target` (or `CARGO_BUILD_TARGET`): one triple or a list, the
 * targets cargo builds for without `--target`. A custom target specification
 * (a `.json` file) has no cfg table here.
 */
export function configuredTargets(config: CargoConfig, env: NodeJS.ProcessEnv, cwd: string): string[] | undefined {
  const found = config.getWithEnv<unknown>(['build', 'target'], 'CARGO_BUILD_TARGET', env, cwd);
  if (!found) return undefined;
  const list = Array.isArray(found.value) ? found.value : [found.value];
  // At the key in the file that sets it (an environment variable has no place).
  const at = config.where(found, ['build', 'target']);
  if (!list.length || !list.every((t): t is string => typeof t === 'string' && t !== '')) {
    throw new UserError(`\`build.target\` in ${found.definedIn} must be a target triple or a list of them`, at);
  }
  // `all` is cargo tree's command-line choice only: in the configuration cargo takes it for a triple, and fails.
  if (list.includes(ALL_TARGETS)) {
    throw new UserError(`\`build.target\` in ${found.definedIn} is \`all\`, which names no target`, at, '`--target all` is for `tree` and `why` on the command line; name target triples here');
  }
  const custom = list.find((t) => t.endsWith('.json'));
  if (custom) {
    throw new UserError(`the custom target specification \`${custom}\` (\`build.target\` in ${found.definedIn}) is not supported`, at, 'name a built-in target with `--target T`');
  }
  knownTargetsAt(list, at);
  return list;
}

/** Refuses a target that is none (no built-in, and rustc does not know it) at `at`, where a file names it. */
export function knownTargetsAt(targets: readonly string[], at: SourceLocation | undefined): void {
  for (const t of targets) {
    try {
      targetInfo(t);
    } catch (e) {
      if (e instanceof UserError && at && !e.location) throw new UserError(e.message, at, e.help);
      throw e;
    }
  }
}

/** `--frozen` or `--locked` as given (for messages), or null. */
export function lockFlag(o: CommonArgs['options']): '--frozen' | '--locked' | null {
  return o.frozen ? '--frozen' : o.locked ? '--locked' : null;
}

/** cargo's words when `--locked` or `--frozen` forbids the change a lock needs. */
const lockRefusal = (path: string, flag: string) => `cannot update the lock file ${path} because ${flag} was passed to prevent this`;

/** `--target all` is for the commands that show the graph: a static build is checked for one target at a time. */
export function refuseAllTargets(targets: readonly string[] | undefined): void {
  if (targets?.includes(ALL_TARGETS)) {
    throw new UserError('`--target all` is for `tree` and `why`: a static build is checked for one target at a time', undefined, 'name the targets instead (`--target T`, repeatable)');
  }
}

/** The `--config` arguments, relative to the directory the tool was run in. */
export function configOverrides(args: CommonArgs, cwd: string): ConfigOverrides | undefined {
  const values = args.options.config;
  return values?.length ? { args: values, cwd } : undefined;
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

export async function loadFromArgs(
  args: CommonArgs,
  ctx: Pick<CommandContext, 'cwd' | 'env' | 'progress' | 'stderr'>,
  pathArg?: string,
  more: {
    /** Targets the workspace's own settings name, used when `--target` is not given (cargo's `build.target` comes after them). */
    settingsTargets?: (workspace: Workspace) => string[] | undefined;
    /** Judge Cargo.lock as cargo does even without `--locked` (`check` and `fix`: a stale lock is a warning). */
    checkLock?: boolean;
  } = {},
): Promise<LoadedProject> {
  const { settingsTargets } = more;
  const { cwd, env, progress, stderr } = ctx;
  const o = args.options;
  const { dir, manifestPath } = projectStart(args, cwd, pathArg);
  const config = CargoConfig.load(dir, env, configOverrides(args, dir));
  const sources = openSources({
    cwd: dir,
    config,
    env,
    index: o.index,
    offline: !!o.offline || !!o.frozen || config.offline,
    cacheDir: o['cache-dir'],
    jobs: o.jobs,
    quiet: !!o.quiet,
    progress,
    ...(stderr && { stderr }),
    crateDownloads: !o['no-crate-downloads'],
    verbose: o.verbose ?? 0,
  });
  let project: Project;
  // Known once the workspace is read, so that manifests are read only for what these targets' graphs may reach.
  let targets: string[] = [];
  const targetsFor = (ws: Workspace) => (targets = o.target ?? settingsTargets?.(ws) ?? configuredTargets(config, env, cwd) ?? [DEFAULT_TARGET]);
  try {
    project = await loadProject(dir, manifestPath, sources.sourceFor, selectionFrom(args), { procMacroHints: builtInProcMacroHints(), targetsFor, cargoHome: cargoHome(env) });
  } catch (e) {
    // Nothing may outlive a failed load: lookups still running end, connections close.
    await sources.close();
    throw e;
  }
  // Cargo.lock lacks a member's dependency (resolved with a locked package, as cargo's next build will):
  // `cargo build --locked` refuses to write it, and so does this run.
  // The same when it lists a dependency a manifest no longer declares (cargo's next resolution drops it).
  const flag = lockFlag(o);
  if (flag) {
    const refused = lockRefusal(project.lockfile.path, flag);
    const outdated = project.packages.outdated?.[0];
    const undeclared = project.packages.undeclared?.[0];
    if (outdated || undeclared) await sources.close();
    if (outdated) {
      throw new UserError(
        `${refused}: it does not list dependency \`${outdated.dependency}\` of \`${outdated.member}\``,
        { path: outdated.site.manifestPath, line: outdated.site.line, column: outdated.site.column },
        `run \`${LOCK_UPDATE_COMMAND}\` to record it (it moves nothing else), or remove the ${flag} flag`,
      );
    }
    if (undeclared) {
      throw new UserError(
        `${refused}: it lists \`${undeclared.dependency}\` as a dependency of \`${undeclared.dependent}\`, which its manifest no longer declares`,
        { path: undeclared.manifestPath },
        `run \`${LOCK_UPDATE_COMMAND}\` to drop it (it moves nothing else), or remove the ${flag} flag`,
      );
    }
  }
  let lockSettled = false;
  if (flag || more.checkLock) {
    // Loaded here: node:crypto and the judgement cost nothing to a run that does not judge the lock.
    const { judgedLockGaps } = await import('../src/resolve/lock-judgement.js');
    const gaps = judgedLockGaps(project, o['cache-dir'] ? resolvePath(cwd, o['cache-dir']) : defaultCacheDir(env));
    if (gaps.length && flag) {
      await sources.close();
      throw new UserError(
        `${lockRefusal(project.lockfile.path, flag)}: ${lockGapText(gaps)}`,
        { path: project.lockfile.path },
        `run \`${LOCK_UPDATE_COMMAND}\` to record ${gaps.length > 1 ? 'them' : 'it'} (it moves nothing else), or remove the ${flag} flag`,
      );
    }
    if (gaps.length) project = await resolveLockGaps(project, sources, targets, !!o['include-dev'], gaps);
    lockSettled = true;
  }
  if (o.verbose) for (const line of hostLines(sources.stats())) (stderr ?? process.stderr).write(`${line}\n`);
  const missing = sources.stats().missingOffline;
  if (missing.length)
    project.packages.warnings.push(
      offlineWarning(
        missing.map((m) => m.name),
        !!o.verbose,
      ),
    );
  return { project, targets, config, sources, includeDev: !!o['include-dev'], lockSettled };
}

const lockGapText = (gaps: LockGap[]) =>
  `cargo's resolution for it, which takes every feature of every member, turns on ${gaps.map((g) => `\`${g.dependency}\` (an optional dependency of \`${g.package} v${g.version}\`)`).join(', ')}, which it does not hold`;

/**
 * What an out-of-date Cargo.lock lacks, resolved as cargo's next build will
 * resolve it (a compatible locked version, else the newest one its source
 * has), never dropped; a warning says so. The project with those crates, or
 * the one given when they cannot be had (the warning says why).
 */
async function resolveLockGaps(project: Project, sources: Sources, targets: string[], includeDev: boolean, gaps: LockGap[]): Promise<Project> {
  const patched = await resolvePatched(project, new Map(), sources.sourceFor, targets, includeDev).catch(async (e: unknown): Promise<Error> => {
    if (e instanceof UserError || e instanceof RegistryError) return e;
    await sources.close();
    throw e;
  });
  let how: string;
  let result = project;
  if (patched instanceof Error || patched.missing.length) {
    const refusal = outdatedLockError(project, gaps, patched instanceof Error ? patched.message : patched.missing.join('; '));
    if (refusal) {
      await sources.close();
      throw refusal;
    }
  }
  if (patched instanceof Error) how = `${gaps.length > 1 ? 'they are' : 'it is'} left out of the graph (${patched.message})`;
  else {
    result = patched.project;
    const added = patched.newCrates.map((c) => `\`${c.name} v${c.version}\``);
    how =
      [
        added.length ? `resolved with ${added.join(', ')} as cargo's next build resolves ${added.length > 1 ? 'them' : 'it'}` : '',
        patched.missing.length ? `left out of the graph: ${patched.missing.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') || 'none of them is in the graph of the targets checked';
  }
  result.packages.warnings.push(
    `Cargo.lock is out of date: ${lockGapText(gaps)}; ${how}. Run \`${LOCK_UPDATE_COMMAND}\` to record ${gaps.length > 1 ? 'them' : 'it'} (it moves nothing else): \`cargo build --locked\` fails until then`,
  );
  return result;
}

/**
 * The graphs of the run's targets, with what an out-of-date Cargo.lock lacks
 * resolved as cargo's next build will: `tree` and `why` judge the lock only
 * by the graphs they show (a full judgement costs a resolution of every
 * platform; `--locked` and `check` make it when the project is loaded).
 */
export async function targetResults(loaded: LoadedProject): Promise<GraphResult[]> {
  const results = loaded.targets.map((t) => resolveTarget(loaded.project, t, loaded.includeDev));
  if (loaded.lockSettled) return results;
  const gaps = [...new Map(results.flatMap((r) => r.graph.lockGaps ?? []).map((g) => [`${g.package} ${g.version} ${g.dependency}`, g])).values()];
  if (!gaps.length) return results;
  loaded.project = await resolveLockGaps(loaded.project, loaded.sources, loaded.targets, loaded.includeDev, gaps);
  loaded.lockSettled = true;
  return loaded.targets.map((t) => resolveTarget(loaded.project, t, loaded.includeDev));
}

/**
 * One line for the crates an offline run had no data for: the first ten, all
 * of them with `--verbose`. (Those reached in the artifact graph are also
 * reported as unresolved.)
 */
function offlineWarning(names: string[], all: boolean): string {
  const sorted = [...new Set(names)].sort();
  const shown = sorted.length > 10 && !all ? `${sorted.slice(0, 10).join(', ')} and ${sorted.length - 10} more` : sorted.join(', ');
  const crates = sorted.length === 1 ? '1 crate has' : `${sorted.length} crates have`;
  return `offline: ${crates} no cached index data (${shown}); run once with the network on to cache them`;
}
