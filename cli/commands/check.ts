/** `cargo-preflight check`: the static-linking readiness lint. */
import { failsOn } from '../../src/rules/engine.js';
import { DEFAULT_TARGET } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Options } from '../args.js';
import { gatingFindings, relPath, repositoryRoot, withoutMachineDependent, type Report } from '../output/report.js';
import { renderHuman } from '../output/human.js';
import { renderJson } from '../output/json.js';
import { renderSarif } from '../output/sarif.js';
import { renderGithub } from '../output/github.js';
import { renderMarkdown, type MarkdownOptions } from '../output/markdown.js';
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
  /** Proven fixes for the Markdown report, when they were computed. */
  fixes?: MarkdownOptions['fixes'];
  /** `--include-environment`: machine-dependent findings in SARIF too. */
  includeEnvironment?: boolean;
}

export type Formatter = (report: Report, ctx: CommandContext, options: FormatOptions) => string;

export const FORMATTERS: Record<Format, Formatter> = {
  human: (report, ctx, o) => renderHuman(withoutBaselined(report), makeStyle(o.color), ctx.cwd) + baselineNote(report),
  json: (report) => renderJson(report),
  sarif: (report, _ctx, o) => renderSarif(o.includeEnvironment ? report : withoutMachineDependent(report), { base: o.base }),
  github: (report, _ctx, o) => renderGithub(report, { base: o.base }),
  markdown: (report, _ctx, o) => renderMarkdown(report, { base: o.base, fixes: o.fixes }),
};

/**
 * The proven fixes the Markdown report shows, and their diff: the same
 * fixes, proven together, that `fix --dry-run` would apply.
 */
async function markdownFixes(run: CheckRun, base: string): Promise<MarkdownOptions['fixes']> {
  const { parsedTexts, proposeFixes, proveTogether, renderChanges, unifiedDiff } = await import('../../src/fixers/index.js');
  const pctx = (await import('../run/fix.js')).proofContextFor(run);
  const proposals = await proposeFixes(pctx);
  const { kept } = await proveTogether(pctx, proposals.filter((p) => p.proven && p.strategy !== 'disable'));
  const diff = renderChanges(kept, parsedTexts(run.loaded.project.workspace))
    .map((c) => unifiedDiff(relPath(base, c.path), c.before, c.after, { color: false }))
    .join('');
  return { fixes: kept.map((f) => ({ title: f.title, description: f.description, lockfileCommand: f.lockfileCommand })), diff };
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
  if (args.options.fix || args.options['dry-run']) return (await import('./fix.js')).runFix(args, ctx);
  const plan = planOutputs(args.given, ctx.env);
  for (const p of plan) if (p.output !== undefined) checkOutputPath(resolvePath(ctx.cwd, p.output), p.output, p.format);
  const baselineArg = args.options.baseline;
  const writeBaselineArg = args.options['write-baseline'];
  // The triage screen needs a terminal; elsewhere `--interactive` prints the report.
  if (args.options.interactive && ctx.stdout.isTTY && ctx.stdin?.isTTY) return (await import('../ui/index.js')).runInteractive(args, ctx);
  // A bad baseline is reported before any work is done.
  const baseline = baselineArg !== undefined ? readBaseline(resolvePath(ctx.cwd, baselineArg), baselineArg) : undefined;
  const run = await runCheck(args, ctx);
  try {
    for (const w of run.report.warnings) ctx.warn(w);
    const includeEnvironment = !!args.options['include-environment'];
    if (baseline) run.report.baseline = compareBaseline(run.report.findings, baseline, baselineArg!, includeEnvironment);
    const color = args.color(ctx.stdout);
    const base = repositoryRoot(ctx.cwd);
    let fixes: MarkdownOptions['fixes'];
    if (plan.some((p) => p.format === 'markdown') && run.report.findings.length) {
      // The report goes out without its diff rather than not at all.
      fixes = await markdownFixes(run, base).catch((e: Error) => (ctx.warn(`the Markdown report has no fixes: proving them failed: ${e.message}`), undefined));
    }
    for (const p of plan) {
      if (p.output === undefined) continue;
      writeReportFile(resolvePath(ctx.cwd, p.output), FORMATTERS[p.format](run.report, ctx, { color: false, base, fixes, includeEnvironment }), p.output, p.format);
    }
    for (const p of plan) if (p.output === undefined) ctx.stdout.write(FORMATTERS[p.format](run.report, ctx, { color, base, fixes, includeEnvironment }));
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

export { DEFAULT_TARGET };
