/** `cargo-preflight check`: the static-linking readiness lint. */
import { UserError } from '../../src/errors.js';
import { failsOn } from '../../src/rules/engine.js';
import { DEFAULT_TARGET } from '../common.js';
import type { CommandContext } from '../context.js';
import { programName, type Given, type Options } from '../args.js';
import { gatingFindings, relPath, repositoryRoot, withoutMachineDependent, type Report } from '../output/report.js';
import { renderHuman } from '../output/human.js';
import { renderJson } from '../output/json.js';
import { renderSarif } from '../output/sarif.js';
import { renderGithub } from '../output/github.js';
import { renderMarkdown, type MarkdownOptions } from '../output/markdown.js';
import { baselineNote, baselineOf, compareBaseline, readBaseline, withoutBaselined, writeBaseline } from '../output/baseline.js';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { makeStyle } from '../output/style.js';
import { runCheck, type CheckRun } from '../run/check.js';
import { CHECK_OPTIONS, FORMATS, type Format } from '../run/options.js';
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

export interface OutputPlan {
  format: Format;
  /** The file to write, as given; undefined for stdout. */
  output?: string;
}

const usageError = (message: string) => new UserError(message, undefined, `for more information, try '${programName()} check --help'`);

/**
 * Pairs `--format` and `--output`: with as many files as formats, the n-th
 * `--output` is the n-th format's; with fewer, each `--output FILE` takes the
 * `--format` just before it and the formats left print to stdout (only one
 * may). Without `--format` the format is `github` when `GITHUB_ACTIONS=true`,
 * else `human`.
 */
export function planOutputs(options: readonly Given[], env: NodeJS.ProcessEnv): OutputPlan[] {
  const formats: Format[] = [];
  /** Each --output with the number of --format given before it. */
  const outputs: { file: string; after: number }[] = [];
  for (const o of options) {
    // The values were checked against the choices when the arguments were parsed.
    const format = FORMATS.find((f) => f === o.value);
    if (o.name === 'format' && format) formats.push(format);
    else if (o.name === 'output' && o.value !== undefined) outputs.push({ file: o.value, after: formats.length });
  }
  const given = formats.length;
  if (!given) formats.push(env.GITHUB_ACTIONS === 'true' ? 'github' : 'human');
  const plan: OutputPlan[] = formats.map((format) => ({ format }));
  if (outputs.length > formats.length) {
    throw usageError(`${outputs.length} --output given for ${given} --format; each --output takes the report of one --format`);
  }
  if (outputs.length === formats.length) {
    // As many files as formats: the n-th --output is the n-th format's.
    outputs.forEach((o, n) => (plan[n].output = o.file));
  } else {
    // Fewer: each file is the format's given just before it; the others print to stdout.
    for (const o of outputs) {
      const p = plan[Math.max(0, o.after - 1)];
      if (p.output !== undefined) throw usageError(`'--output ${o.file}': --format ${p.format} already writes to '${p.output}'; give each --output its own --format`);
      p.output = o.file;
    }
  }
  const toStdout = plan.filter((p) => p.output === undefined);
  if (toStdout.length > 1) {
    throw usageError(`${toStdout.length} formats would print to stdout (${toStdout.map((p) => p.format).join(', ')}); give all but one an --output FILE`);
  }
  const files = new Set<string>();
  for (const p of plan) {
    if (p.output === undefined) continue;
    if (files.has(p.output)) throw usageError(`'${p.output}' is given to --output twice`);
    files.add(p.output);
  }
  return plan;
}

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

/**
 * Refuses an `--output` that names a directory (a path ending in a
 * separator, or an existing directory): the report needs a file name.
 */
export function checkOutputPath(path: string, display: string, format: string): void {
  const endsInSeparator = /[\\/]$/.test(display);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Not there yet: written (with its parent folders) once the report is ready.
  }
  if (endsInSeparator || isDir) {
    const ext = ({ json: 'json', sarif: 'sarif', markdown: 'md' } as Record<string, string>)[format] ?? 'txt';
    const example = `${display.replace(/[\\/]+$/, '')}/report.${ext}`;
    throw new UserError(`--output \`${display}\` is a directory; the report needs a file name, e.g. \`${example}\``);
  }
}

function writeReportFile(path: string, text: string, display: string, format: string): void {
  checkOutputPath(path, display, format);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new UserError(`could not write the report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: display });
  }
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
