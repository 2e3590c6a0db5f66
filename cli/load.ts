/** Loading the project a command analyses: its manifests, Cargo.lock judged as cargo judges it, and the sources, by the shared options. */
import { resolve as resolvePath } from 'node:path';
import { type CargoConfig, cargoHome } from '../src/config/cargo-config.js';
import { UserError } from '../src/errors.js';
import { builtInProcMacroHints } from '../src/knowledge/proc-macros.js';
import { loadProject, outdatedLockError, resolvePatched, resolveTarget, type LockGap, type Project } from '../src/resolve/index.js';
import type { GraphResult } from '../src/resolve/graph.js';
import { LOCK_UPDATE_COMMAND } from '../src/resolve/packages.js';
import type { CommandContext } from './context.js';
import { hostLines } from './progress.js';
import { RegistryError } from '../src/registry/types.js';
import type { Workspace } from '../src/manifest/workspace.js';
import { defaultCacheDir } from '../src/registry/cache.js';
import { type Sources, openSources } from './sources.js';
import { runTargets } from './targets.js';
import { type CommonArgs, lockFlag, loadCargoConfig, selectionFrom, projectStart } from './common.js';

export interface LoadedProject {
  project: Project;
  targets: string[];
  config: CargoConfig;
  sources: Sources;
  includeDev: boolean;
  /** Cargo.lock judged and what it lacks resolved (see `targetResults`). */
  lockSettled?: boolean;
}

/** cargo's words when `--locked` or `--frozen` forbids the change a lock needs. */
const lockRefusal = (path: string, flag: string) => `cannot update the lock file ${path} because ${flag} was passed to prevent this`;

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
  const config = loadCargoConfig(args, dir, env);
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
  const targetsFor = (ws: Workspace) => (targets = runTargets(o.target, settingsTargets && (() => settingsTargets(ws)), config, env, cwd));
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
