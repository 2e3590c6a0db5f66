/** `cargo-preflight check`: the static-linking readiness lint. */
import { failsOn } from '../../src/rules/engine.js';
import { lockFlag } from '../common.js';
import type { CommandContext } from '../context.js';
import { asInvoked, type Options } from '../args.js';
import { gatingFindings, relPath, repositoryRoot, withoutMachineDependent, type Report, type ReportFixes } from '../output/report.js';
import { renderHuman } from '../output/human.js';
import { renderJson } from '../output/json.js';
import { renderSarif } from '../output/sarif.js';
import { renderGithub } from '../output/github.js';
import { renderMarkdown } from '../output/markdown.js';
import { baselineNote, baselineOf, compareBaseline, readBaseline, withoutBaselined, writeBaseline } from '../output/baseline.js';
import { resolve as resolvePath } from 'node:path';
import { makeStyle } from '../output/style.js';
import { checkOutputPath, planOutputs, writeReportFile } from '../output/outputs.js';
import { runCheck, type CheckRun } from '../run/check.js';
import { CHECK_OPTIONS, type Format } from '../run/options.js';
import { defineCommand, type Invocation } from './command.js';

export interface FormatOptions {
  color: boolean;
  /** Absolute folder CI formats give paths relative to (the repository root, else the current directory). */
  base: string;
  /** `--include-environment`: machine-dependent findings in SARIF too. */
  includeEnvironment?: boolean;
}

export type Formatter = (report: Report, ctx: CommandContext, options: FormatOptions) => string;

export const FORMATTERS: Record<Format, Formatter> = {
  human: (report, ctx, o) => renderHuman(withoutBaselined(report), makeStyle(o.color), ctx.cwd) + baselineNote(report),
  json: (report) => renderJson(report),
  sarif: (report, _ctx, o) => renderSarif(o.includeEnvironment ? report : withoutMachineDependent(report), { base: o.base }),
  github: (report, _ctx, o) => renderGithub(report, { base: o.base }),
  markdown: (report, _ctx, o) => renderMarkdown(report, { base: o.base }),
};

/**
 * The fix service's plan for the run's findings, as every format shows it:
 * the same plan `fix` presents (the same options, `--locked` included), its
 * diff relative to `base`.
 */
async function reportFixes(run: CheckRun, args: Invocation<Options<typeof CHECK_OPTIONS>>, base: string): Promise<ReportFixes> {
  const { renderChanges, parsedTexts, unifiedDiff } = await import('../../src/fixers/index.js');
  const plan = await (await import('../run/fix.js')).planFor(run, {
    strategy: args.options.strategy,
    pinScope: args.options['pin-scope'],
    lock: lockFlag(args.options),
  });
  // The plan rendered the applied fixes together; SARIF also wants each fix's own changes.
  const diff = plan.changes.map((c) => unifiedDiff(relPath(base, c.path), c.before, c.after)).join('');
  const read = parsedTexts(run.loaded.project.workspace);
  const changes = new Map(plan.applied.map((f) => [f.id, renderChanges([f], read)]));
  return { plan, command: asInvoked('cargo-preflight fix'), diff, changes };
}

export const checkCommand = defineCommand({
  name: 'check',
  about: 'Report the crates that keep the artifact from linking fully static for a target',
  usage: 'cargo-preflight check [OPTIONS] [PATH]',
  options: CHECK_OPTIONS,
  positionals: [{ name: '[PATH]' }],
  run: check,
});

async function check(args: Invocation<Options<typeof CHECK_OPTIONS>>, ctx: CommandContext): Promise<number> {
  const plan = planOutputs(args.given, ctx.env);
  // `check --fix` is `fix`: with `--format json`, the fix document on stdout.
  if (args.options.fix)
    return (await import('./fix.js')).runFix(
      args,
      ctx,
      plan.some((p) => p.format === 'json'),
    );
  for (const p of plan) if (p.output !== undefined) checkOutputPath(resolvePath(ctx.cwd, p.output), p.output, p.format);
  const baselineArg = args.options.baseline;
  const writeBaselineArg = args.options['write-baseline'];
  // The triage screen needs a terminal; elsewhere `--interactive` says so and prints the report.
  if (args.options.interactive) {
    if (ctx.stdout.isTTY && ctx.stdin?.isTTY) return (await import('../ui/index.js')).runInteractive(args, ctx);
    if (!args.options.quiet) ctx.stderr.write('note: the triage screen needs a terminal (stdin and stdout); printing the report instead\n');
  }
  // A bad baseline is reported before any work is done.
  const baseline = baselineArg !== undefined ? readBaseline(resolvePath(ctx.cwd, baselineArg), baselineArg) : undefined;
  const run = await runCheck(args, ctx);
  try {
    for (const w of run.report.warnings) ctx.warn(w);
    const includeEnvironment = !!args.options['include-environment'];
    if (baseline) run.report.baseline = compareBaseline(run.report.findings, baseline, baselineArg!, includeEnvironment);
    const color = args.color(ctx.stdout);
    const base = repositoryRoot(ctx.cwd);
    if (run.report.findings.some((f) => !f.allowed && f.severity !== 'info')) {
      // The report goes out without the fixes' outcomes rather than not at all.
      const fixes = await reportFixes(run, args, base).catch((e: Error) => (ctx.warn(`the report has no fixes: proving them failed: ${e.message}`), undefined));
      if (fixes) run.report.fixes = fixes;
    }
    for (const p of plan) {
      if (p.output === undefined) continue;
      writeReportFile(resolvePath(ctx.cwd, p.output), FORMATTERS[p.format](run.report, ctx, { color: false, base, includeEnvironment }), p.output, p.format);
    }
    for (const p of plan) if (p.output === undefined) ctx.stdout.write(FORMATTERS[p.format](run.report, ctx, { color, base, includeEnvironment }));
    if (writeBaselineArg !== undefined) {
      const recorded = baselineOf(run.report.findings, includeEnvironment);
      writeBaseline(resolvePath(ctx.cwd, writeBaselineArg), recorded, writeBaselineArg);
      if (!args.options.quiet) ctx.stderr.write(`note: recorded ${recorded.entries.length} finding${recorded.entries.length === 1 ? '' : 's'} in ${writeBaselineArg}\n`);
    }
  } finally {
    await run.loaded.sources.close();
  }
  if (writeBaselineArg !== undefined) return 0;
  return failsOn(gatingFindings(run.report), run.failOn) ? 1 : 0;
}
