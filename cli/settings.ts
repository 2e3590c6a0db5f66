/**
 * The tool's own settings (`cargo-preflight.toml`, `[workspace.metadata.cargo-preflight]`,
 * `[package.metadata.cargo-preflight]`) of the workspace a command loads, read
 * one way for `check`, `fix`, `doctor` and `explain`: the targets they name are
 * the run's when `--target` is not given, and one that is no target is refused
 * where they name it, before anything is read for it.
 */
import { loadPreflightConfig, type PreflightConfig } from '../src/config/preflight-config.js';
import type { Workspace } from '../src/manifest/workspace.js';
import { RULES } from '../src/rules/index.js';
import type { CommonArgs } from './common.js';
import { loadFromArgs, type LoadedProject } from './load.js';
import { knownTargetsAt } from './targets.js';

/** The settings of a workspace, every rule the tool has known to them (for `[severity]`). */
export function workspaceSettings(workspace: Workspace): PreflightConfig {
  return loadPreflightConfig(workspace, { rules: RULES.map((r) => r.meta.id) });
}

/** The project `loadFromArgs` loads, with its workspace's settings. */
export async function loadWithSettings(
  args: CommonArgs,
  ctx: Parameters<typeof loadFromArgs>[1],
  pathArg: string | undefined,
  more: Omit<NonNullable<Parameters<typeof loadFromArgs>[3]>, 'settingsTargets'> = {},
): Promise<{ loaded: LoadedProject; settings: PreflightConfig }> {
  let settings: PreflightConfig | undefined;
  const loaded = await loadFromArgs(args, ctx, pathArg, {
    ...more,
    settingsTargets: (ws) => {
      settings = workspaceSettings(ws);
      if (!settings.targets?.length) return undefined;
      knownTargetsAt(settings.targets, settings.targetsAt);
      return settings.targets;
    },
  });
  try {
    // With `--target`, the settings are read only now.
    settings ??= workspaceSettings(loaded.project.workspace);
  } catch (e) {
    await loaded.sources.close();
    throw e;
  }
  return { loaded, settings };
}
