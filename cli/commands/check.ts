/** `cargo-preflight check`: the static-linking readiness lint. */
import { UserError } from '../../src/errors.js';
import { failsOn } from '../../src/rules/engine.js';
import { DEFAULT_TARGET, lockFlag } from '../common.js';
import type { CommandContext } from '../context.js';
import { asInvoked, programName, type Given, type Options } from '../args.js';
import { gatingFindings, relPath, repositoryRoot, type Report, type ReportFixes } from '../output/report.js';
import { renderHuman } from '../output/human.js';
import { renderJson } from '../output/json.js';
import { renderSarif } from '../output/sarif.js';
import { renderGithub } from '../output/github.js';
import { renderMarkdown } from '../output/markdown.js';
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
}

export type Formatter = (report: Report, ctx: CommandContext, options: FormatOptions) => string;

export const FORMATTERS: Record<Format, Formatter> = {
  human: (report, ctx, o) => renderHuman(withoutBaselined(report), makeStyle(o.color), ctx.cwd) + baselineNote(report),
  json: (report) => renderJson(report),
  sarif: (report, _ctx, o) => renderSarif(report, { base: o.base }),
  github: (report, _ctx, o) => renderGithub(report, { base: o.base }),
  markdown: (report, _ctx, o) => renderMarkdown(report, { base: o.base }),
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
  const read = parsedTexts(run.loaded.project.workspace);
  const diff = renderChanges(plan.applied, read)
    .map((c) => unifiedDiff(relPath(base, c.path), c.before, c.after, { color: false }))
    .join('');
  const changes = new Map(plan.applied.map((f) => [f.id, renderChanges([f], read)]));
  return { plan, command: asInvoked('cargo-preflight fix'), diff, changes };
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
  const plan = planOutputs(args.given, ctx.env);
  // `check --fix` is `fix`: with `--format json`, the fix document on stdout.
  if (args.options.fix) return (await import('./fix.js')).runFix(args, ctx, plan.some((p) => p.format === 'json'));
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
    if (baseline) run.report.baseline = compareBaseline(run.report.findings, baseline, baselineArg!);
    const color = args.color(ctx.stdout);
    const base = repositoryRoot(ctx.cwd);
    if (run.report.findings.some((f) => !f.allowed && f.severity !== 'info')) {
      // The report goes out without the fixes' outcomes rather than not at all.
      const fixes = await reportFixes(run, args, base).catch((e: Error) => (ctx.warn(`the report has no fixes: proving them failed: ${e.message}`), undefined));
      if (fixes) run.report.fixes = fixes;
    }
    for (const p of plan) {
      if (p.output === undefined) continue;
      writeReportFile(resolvePath(ctx.cwd, p.output), FORMATTERS[p.format](run.report, ctx, { color: false, base }), p.output, p.format);
    }
    for (const p of plan) if (p.output === undefined) ctx.stdout.write(FORMATTERS[p.format](run.report, ctx, { color, base }));
    if (writeBaselineArg !== undefined) {
      const recorded = baselineOf(run.report.findings);
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
