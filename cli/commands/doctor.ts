/**
 * `cargo-preflight doctor`: the cross-compilation environment for each
 * target: standard library, linker, C compiler, cross tooling, the tools of
 * bundled C builds. Inside a project it also says which crates need a C
 * compiler (from the artifact graph); each check says what it found and the
 * command that fixes it. Exit code 1 when a needed check fails.
 */
import { CargoConfig } from '../../src/config/cargo-config.js';
import { targetInfo } from '../../src/cfg/index.js';
import { nearestManifest } from '../../src/manifest/workspace.js';
import { crossChecks, crtStaticCheck, environmentChecks, type EnvironmentCheck, type Needs } from '../../src/rules/environment-checks.js';
import { readCrossConfig } from '../../src/config/cross-config.js';
import { configuredKnowledgeBase } from '../../src/knowledge/load.js';
import type { Requirement } from '../../src/knowledge/types.js';
import { nativeCrates } from '../../src/rules/native.js';
import type { Options, OptionSpec } from '../args.js';
import { COMMON_OPTIONS, configOverrides, projectStart } from '../common.js';
import { configuredTargets, DEFAULT_TARGET, refuseAllTargets } from '../targets.js';
import { targetResults } from '../load.js';
import { loadWithSettings } from '../settings.js';
import { inspectEnvironment, probeContainerEngine, probeToolchain, rustflagsFor, which } from '../environment.js';
import type { CommandContext } from '../context.js';
import { makeStyle } from '../output/style.js';
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

async function doctor(args: Invocation<Options<typeof OPTIONS>>, ctx: CommandContext): Promise<number> {
  const format = args.options.format;
  // PATH is cargo's `-C PATH` (a directory, or a Cargo.toml in it), as for every command.
  const start = projectStart(args, ctx.cwd, args.positionals[0]);
  const dir = start.dir;
  const toolchain = probeToolchain(ctx.env);

  let targets = args.options.target ?? null;
  // Unknown triples are refused as `check` refuses them (exit 2, with the closest known triples).
  refuseAllTargets(targets ?? undefined);
  for (const t of targets ?? []) targetInfo(t);
  const needsByTarget = new Map<string, Needs>();
  let crossDir: string | undefined;
  let config = CargoConfig.load(dir, ctx.env, configOverrides(args, dir));
  const manifest = args.options['no-project'] ? null : (start.manifestPath ?? nearestManifest(dir));
  if (manifest) {
    // The settings and targets as `check` loads them.
    const { loaded, settings } = await loadWithSettings(args, ctx, args.positionals[0]);
    try {
      crossDir = loaded.project.workspace.rootDir;
      targets ??= loaded.targets;
      refuseAllTargets(targets);
      config = loaded.config;
      const kb = configuredKnowledgeBase(settings.knowledgeBase);
      // What an out-of-date Cargo.lock lacks resolved as cargo's next build does (loaded.targets are these targets).
      for (const { graph } of await targetResults(loaded)) {
        const t = graph.target;
        const builders = nativeCrates(graph, kb).filter((n) => n.linkage.kind === 'static' && n.linkage.requires.includes('c-compiler'));
        const tools: Needs['tools'] = {};
        for (const n of builders) for (const r of n.linkage.requires) (tools[r as Requirement] ??= []).push(n.pkg.name);
        needsByTarget.set(t, { cCode: builders.map((b) => b.pkg.name), tools });
      }
    } finally {
      await loaded.sources.close();
    }
  }
  // Without a project: cargo's build.target, else the default.
  targets ??= configuredTargets(config, ctx.env, ctx.cwd) ?? [DEFAULT_TARGET];
  for (const t of targets) targetInfo(t);
  const tc = await toolchain;
  const host = tc.host;
  // cross: its Cross.toml (beside the workspace's root manifest, else in the folder checked) and a container engine that answers.
  const cross = readCrossConfig(crossDir ?? dir, ctx.env);
  const crossOnPath = which('cross', ctx.env) !== null;
  const engine = cross || crossOnPath ? await probeContainerEngine(ctx.env) : null;

  const results: DoctorTarget[] = targets.map((target) => {
    const snapshot = inspectEnvironment(target, tc, config, ctx.env);
    // Without a project, report the C compiler as needed: most graphs compile some C (ring, bundled libraries).
    const needs = needsByTarget.get(target) ?? { cCode: [], tools: {} };
    const checks = environmentChecks(snapshot, needs).map((c) => (c.id === 'c-compiler' && !manifest ? { ...c, needed: true } : c));
    // A static binary of a glibc or MSVC target needs +crt-static: whether it is set, and what it gives.
    const crt = crtStaticCheck(target, rustflagsFor(config, ctx.env, target));
    if (crt) checks.push(crt);
    checks.push(...crossChecks(target, cross && { path: cross.path, target: cross.target(target) }, engine, crossOnPath));
    return { target, host, checks };
  });
  const failed = results.some((r) => r.checks.some((c) => c.needed && !c.ok));

  if (format === 'json') {
    ctx.stdout.write(`${JSON.stringify({ schemaVersion: 1, host, project: manifest, targets: results }, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  const style = makeStyle(args.color(ctx.stdout));
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
  ctx.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}
