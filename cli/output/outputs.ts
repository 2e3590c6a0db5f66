/**
 * Where the reports of a run go: `--format` paired with `--output` (shared by
 * `check` and `verify`), and the report files written.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../src/errors.js';
import { programName, type Given } from '../args.js';

/** The report formats, in the order of the help. */
export const FORMATS = ['human', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputPlan {
  format: Format;
  /** The file to write, as given; undefined for stdout. */
  output?: string;
}

/**
 * Pairs `--format` and `--output`: with as many files as formats, the n-th
 * `--output` is the n-th format's; with fewer, each `--output FILE` takes the
 * `--format` just before it and the formats left print to stdout (only one
 * may). Without `--format` the format is `github` when `GITHUB_ACTIONS=true`,
 * else `human`.
 */
export function planOutputs(options: readonly Given[], env: NodeJS.ProcessEnv, command = 'check'): OutputPlan[] {
  const usageError = (message: string) => new UserError(message, undefined, `for more information, try '${programName()} ${command} --help'`);
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
    outputs.forEach((o, n) => {
      plan[n].output = o.file;
    });
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

export function writeReportFile(path: string, text: string, display: string, format: string): void {
  checkOutputPath(path, display, format);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new UserError(`could not write the report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: display });
  }
}
