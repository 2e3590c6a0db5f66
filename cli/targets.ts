/** The targets a run checks: the default, cargo's `build.target`, and the refusals of names that are no target. */
import { ALL_TARGETS, targetInfo } from '../src/cfg/index.js';
import type { CargoConfig } from '../src/config/cargo-config.js';
import { UserError, type SourceLocation } from '../src/errors.js';

export const DEFAULT_TARGET = 'x86_64-unknown-linux-musl';

/**
 * The targets a run checks: `--target`, else those the workspace's settings
 * name (asked only then), else cargo's `build.target`, else the default.
 */
export function runTargets(given: string[] | undefined, settingsTargets: (() => string[] | undefined) | undefined, config: CargoConfig, env: NodeJS.ProcessEnv, cwd: string): string[] {
  return given ?? settingsTargets?.() ?? configuredTargets(config, env, cwd) ?? [DEFAULT_TARGET];
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

/** `--target all` is for the commands that show the graph: a static build is checked for one target at a time. */
export function refuseAllTargets(targets: readonly string[] | undefined): void {
  if (targets?.includes(ALL_TARGETS)) {
    throw new UserError('`--target all` is for `tree` and `why`: a static build is checked for one target at a time', undefined, 'name the targets instead (`--target T`, repeatable)');
  }
}
