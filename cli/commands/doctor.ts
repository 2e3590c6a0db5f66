/**
 * `cargo-preflight doctor`: the cross-compilation environment for each
 * target: standard library, linker, C compiler, cross tooling, the tools of
 * bundled C builds. Inside a project it also says which crates need a C
 * compiler (from the artifact graph); each check says what it found and the
 * command that fixes it. Exit code 1 when a needed check fails.
 */
import type { CargoConfig } from '../../src/config/cargo-config.js';
import { targetInfo } from '../../src/cfg/index.js';
import { nearestManifest } from '../../src/manifest/workspace.js';
import { crossChecks, crtStaticCheck, environmentChecks, type EnvironmentCheck, type Needs } from '../../src/rules/environment-checks.js';
import { readCrossConfig } from '../../src/config/cross-config.js';
import { configuredKnowledgeBase } from '../../src/knowledge/load.js';
import type { Requirement } from '../../src/knowledge/types.js';
import { nativeCrates } from '../../src/rules/native.js';
import type { Options, OptionSpec } from '../args.js';
import { COMMON_OPTIONS, loadCargoConfig, projectStart } from '../common.js';
import { refuseAllTargets, runTargets } from '../targets.js';
import { targetResults } from '../load.js';
import { loadWithSettings } from '../settings.js';
import { inspectEnvironment, probeContainerEngine, probeToolchain, rustflagsFor, which } from '../environment.js';
import type { CommandContext } from '../context.js';
import { makeStyle, type Style } from '../output/style.js';
import { HELP_OPTION, HUMAN_JSON_FORMAT } from '../run/options.js';
import { defineCommand, type Invocation } from './command.js';

const OPTIONS = [
  HUMAN_JSON_FORMAT,
  { name: 'no-project', kind: 'bool', help: 'Check the machine only, without reading the project in PATH' },
  ...COMMON_OPTIONS,
  HELP_OPTION,
] as const satisfies readonly OptionSpec[];

export const doctorCommand = defineCommand({
  name: 'doctor',
  about: 'Check the cross-compilation environment for a target: standard library, linker, C compiler, cross tools',
  usage: 'cargo-preflight doctor [OPTIONS] [PATH]',
  options: OPTIONS,
  positionals: [{ name: '[PATH]' }],
  run: doctor,
});

export interface DoctorTarget {
  target: string;
  host: string;
  checks: EnvironmentCheck[];
}

type DoctorArgs = Invocation<Options<typeof OPTIONS>>;

async function doctor(args: DoctorArgs, ctx: CommandContext): Promise<number> {
  const format = args.options.format;
  // PATH is cargo's `-C PATH` (a directory, or a Cargo.toml in it), as for every command.
  const start = projectStart(args, ctx.cwd, args.positionals[0]);
  const toolchain = probeToolchain(ctx.env);
  // Unknown triples are refused as `check` refuses them (exit 2, with the closest known triples).
  refuseAllTargets(args.options.target);
  for (const t of args.options.target ?? []) targetInfo(t);
  const manifest = args.options['no-project'] ? null : (start.manifestPath ?? nearestManifest(start.dir));
  // The project's settings and targets as `check` loads them; without a project, cargo's configuration and targets as a run there reads them.
  const project = manifest ? await projectNeeds(args, ctx) : null;
  const config = project?.config ?? loadCargoConfig(args, start.dir, ctx.env);
  const targets = project?.targets ?? runTargets(args.options.target, undefined, config, ctx.env, ctx.cwd);
  for (const t of targets) targetInfo(t);
  const tc = await toolchain;
  const host = tc.host;
  // cross: its Cross.toml (beside the workspace's root manifest, else in the folder checked) and a container engine that answers.
  const cross = readCrossConfig(project?.root ?? start.dir, ctx.env);
  const crossOnPath = which('cross', ctx.env) !== null;
  const engine = cross || crossOnPath ? await probeContainerEngine(ctx.env) : null;

  const results: DoctorTarget[] = targets.map((target) => {
    const snapshot = inspectEnvironment(target, tc, config, ctx.env);
    // Without a project, report the C compiler as needed: most graphs compile some C (ring, bundled libraries).
    const needs = project?.needs.get(target) ?? { cCode: [], tools: {} };
    const checks = environmentChecks(snapshot, needs).map((c) => (c.id === 'c-compiler' && !manifest ? { ...c, needed: true } : c));
    // A static binary of a glibc or MSVC target needs +crt-static: whether it is set, and what it gives.
    const crt = crtStaticCheck(target, rustflagsFor(config, ctx.env, target));
    if (crt) checks.push(crt);
    checks.push(...crossChecks(target, cross && { path: cross.path, target: cross.target(target) }, engine, crossOnPath));
    return { target, host, checks };
  });
  const failed = results.some((r) => r.checks.some((c) => c.needed && !c.ok));

  if (format === 'json') ctx.stdout.write(`${JSON.stringify({ schemaVersion: 1, host, project: manifest, targets: results }, null, 2)}\n`);
  else ctx.stdout.write(`${humanReport(results, targets, manifest, makeStyle(args.color(ctx.stdout)))}\n`);
  return failed ? 1 : 0;
}

/**
 * The project, loaded as `check` loads it (cargo's configuration, the
 * tool's settings, the targets), and what it asks of the machine for each
 * target: the crates whose bundled builds compile C, and the tools they need.
 */
async function projectNeeds(args: DoctorArgs, ctx: CommandContext): Promise<{ config: CargoConfig; targets: string[]; root: string; needs: Map<string, Needs> }> {
  const { loaded, settings } = await loadWithSettings(args, ctx, args.positionals[0]);
  try {
    refuseAllTargets(loaded.targets);
    const kb = configuredKnowledgeBase(settings.knowledgeBase);
    const needs = new Map<string, Needs>();
    // What an out-of-date Cargo.lock lacks resolved as cargo's next build does (loaded.targets are these targets).
    for (const { graph } of await targetResults(loaded)) {
      const builders = nativeCrates(graph, kb).filter((n) => n.linkage.kind === 'static' && n.linkage.requires.includes('c-compiler'));
      const tools: Needs['tools'] = {};
      for (const n of builders) for (const r of n.linkage.requires) (tools[r as Requirement] ??= []).push(n.pkg.name);
      needs.set(graph.target, { cCode: builders.map((b) => b.pkg.name), tools });
    }
    return { config: loaded.config, targets: loaded.targets, root: loaded.project.workspace.rootDir, needs };
  } finally {
    await loaded.sources.close();
  }
}

/** Every check of every target with what it found, the fixes under failures, and a closing line. */
function humanReport(results: DoctorTarget[], targets: string[], manifest: string | null, style: Style): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${style.bold(`Checking the environment for ${r.target}`)} (host ${r.host}${manifest ? `, project ${manifest}` : ''})`);
    for (const c of r.checks) {
      const label = !c.needed ? style.dim('   n/a') : c.ok ? style.green('    ok') : style.red('  FAIL');
      out.push(`${label} ${c.title}: ${c.found}`);
      if (c.note && c.needed) out.push(`         ${style.dim('note')}: ${c.note}`);
      if (c.needed && !c.ok) for (const f of c.fix) out.push(`         ${style.cyan('fix')}: ${f}`);
    }
    out.push('');
  }
  const problems = results.flatMap((r) => r.checks.filter((c) => c.needed && !c.ok));
  out.push(
    problems.length
      ? `${style.red('error')}: ${problems.length} check${problems.length === 1 ? '' : 's'} failed; run the commands above, then \`cargo-preflight doctor\` again`
      : `${style.green('ok')}: the environment can build for ${targets.join(', ')}`,
  );
  return out.join('\n');
}
