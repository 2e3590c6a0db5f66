/** `cargo-preflight check`: the static-linking readiness lint. */
import { UserError } from '../../src/errors.js';
import { loadPreflightConfig, type PreflightConfig } from '../../src/config/preflight-config.js';
import { hostTriple } from '../../src/cfg/index.js';
import { failsOn, lint } from '../../src/rules/engine.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/rules/knowledge-base.js';
import { RULES } from '../../src/rules/index.js';
import type { EnvironmentSnapshot, Finding, ManifestLocation, Severity } from '../../src/rules/types.js';
import { resolveTarget } from '../../src/resolve/index.js';
import type { TargetGraph } from '../../src/resolve/types.js';
import { COMMON_OPTIONS, DEFAULT_TARGET, loadFromArgs, type LoadedProject } from '../common.js';
import { inspectEnvironment } from '../environment.js';
import type { CommandContext } from '../main.js';
import { helpText, parseArgs, type OptionSpec, type ParsedArgs } from '../args.js';
import { makeReport, type Report } from '../output/report.js';
import { renderHuman } from '../output/human.js';
import { renderJson } from '../output/json.js';
import { makeStyle, useColor } from '../output/style.js';
import { readFileSync } from 'node:fs';

export const CHECK_OPTIONS: OptionSpec[] = [
  { name: 'format', kind: 'multi', value: 'FORMAT', help: 'Output format: human, json [default: human]' },
  { name: 'output', short: 'o', kind: 'multi', value: 'FILE', help: 'Write the report of the matching --format to FILE' },
  { name: 'fail-on', kind: 'string', value: 'LEVEL', help: 'Exit 1 when a finding is at or above: error, warning, info, never [default: error]' },
  { name: 'fix', kind: 'bool', help: 'Apply proven fixes to Cargo.toml (same as `cargo-preflight fix`)' },
  { name: 'dry-run', kind: 'bool', help: 'With --fix: show the diff, write nothing' },
  { name: 'strategy', kind: 'string', value: 'STRATEGY', help: 'With --fix: switch, static, pin or auto [default: auto]' },
  { name: 'pin-scope', kind: 'string', value: 'SCOPE', help: 'With --fix: where a pinned -sys dependency goes: all, target [default: all]' },
  { name: 'interactive', short: 'i', kind: 'bool', help: 'Open the interactive triage screen' },
  ...COMMON_OPTIONS,
  { name: 'help', short: 'h', kind: 'bool', help: 'Print help' },
];

export const CHECK_HELP = helpText(
  'check',
  'Report the crates that keep the artifact from linking fully static for a target',
  'cargo-preflight check [OPTIONS] [PATH]',
  CHECK_OPTIONS,
);

export interface CheckRun {
  loaded: LoadedProject;
  graphs: TargetGraph[];
  report: Report;
  failOn: Severity | 'never';
  /** What the lint ran with, so fixes can be proven by the same standard. */
  settings: PreflightConfig;
  kb: KnowledgeBase;
  environments: Map<string, EnvironmentSnapshot>;
}

const LEVELS = ['error', 'warning', 'info', 'never'];

/** Loads, resolves every target, and lints: shared by check, fix and the terminal UI. */
export async function runCheck(args: ParsedArgs, ctx: CommandContext): Promise<CheckRun> {
  const failOnArg = args.options['fail-on'] as string | undefined;
  if (failOnArg !== undefined && !LEVELS.includes(failOnArg)) {
    throw new UserError(`invalid value '${failOnArg}' for '--fail-on <LEVEL>' [possible values: error, warning, info, never]`);
  }
  if (args.positionals.length > 1) throw new UserError(`unexpected argument '${args.positionals[1]}' found`);
  const loaded = await loadFromArgs(args, ctx.cwd, ctx.env, args.positionals[0], ctx.progress, ctx.stderr);
  const settings = loadPreflightConfig(loaded.project.workspace);
  if (!args.options.target && settings.targets?.length) loaded.targets = settings.targets;
  const kb = loadKnowledgeBase(settings.knowledgeBase);
  const graphs = loaded.targets.map((t) => resolveTarget(loaded.project, t, loaded.includeDev).graph);

  const environments = new Map<string, EnvironmentSnapshot>();
  if (settings.severity['cross-environment'] !== 'off') {
    const host = hostTriple();
    for (const t of loaded.targets) environments.set(t, inspectEnvironment(t, host, loaded.config, ctx.env));
  }

  const lock = loaded.project.lockfile;
  let lockText: string | undefined;
  const lockLocation = (name: string, version: string): ManifestLocation | null => {
    lockText ??= readFileSync(lock.path, 'utf8');
    const i = lockText.indexOf(`name = "${name}"\nversion = "${version}"`);
    if (i < 0) return null;
    let line = 1;
    for (let j = 0; j < i; j++) if (lockText.charCodeAt(j) === 10) line++;
    return { path: lock.path, line, column: 1 };
  };

  const findings: Finding[] = lint({ graphs, kb, rules: RULES, settings, environments, lockLocation });
  const unresolved = graphs.flatMap((g) => g.unresolved);
  const report = makeReport(loaded.project.workspace.rootDir, loaded.targets, findings, unresolved, loaded.project.packages.warnings);
  const failOn = (failOnArg ?? settings.failOn ?? 'error') as Severity | 'never';
  return { loaded, graphs, report, failOn, settings, kb, environments };
}

export type Formatter = (report: Report, ctx: CommandContext, color: boolean) => string;

export const FORMATTERS: Record<string, Formatter> = {
  human: (report, ctx, color) => renderHuman(report, makeStyle(color), ctx.cwd),
  json: (report) => renderJson(report),
};

export async function checkCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, CHECK_OPTIONS, 'check');
  if (args.options.help) {
    ctx.stdout.write(CHECK_HELP);
    return 0;
  }
  if (args.options.fix || args.options['dry-run']) return (await import('./fix.js')).runFix(args, ctx);
  const formats = (args.options.format as string[] | undefined) ?? ['human'];
  for (const f of formats) {
    if (!FORMATTERS[f]) throw new UserError(`invalid value '${f}' for '--format <FORMAT>' [possible values: ${Object.keys(FORMATTERS).join(', ')}]`);
  }
  const run = await runCheck(args, ctx);
  try {
    for (const w of run.report.warnings) ctx.warn(w);
    const color = useColor(args.options.color as string | undefined, !!ctx.stdout.isTTY, ctx.env);
    for (const f of formats) ctx.stdout.write(FORMATTERS[f](run.report, ctx, color));
  } finally {
    await run.loaded.sources.close();
  }
  return failsOn(run.report.findings, run.failOn) ? 1 : 0;
}

export { DEFAULT_TARGET };
