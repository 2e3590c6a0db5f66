/**
 * Command-line parsing in cargo's conventions: `--flag value` and
 * `--flag=value`, short `-p NAME` and `-pNAME`, stacked short flags (`-vv`),
 * repeatable options, `--` ends options.
 */
import { UserError } from '../src/errors.js';

/** The name the tool is installed under. */
export const PROGRAM = 'cargo-preflight';

let program = PROGRAM;

/** How the tool was run (`cargo preflight` through cargo), for usage lines and hints; set by `main`. */
export function setProgramName(name: string): void {
  program = name;
}

export function programName(): string {
  return program;
}

/** A usage line or hint written with the installed name, in the words the user ran the tool with. */
export function asInvoked(text: string): string {
  return program === PROGRAM ? text : text.replace(/\bcargo-preflight(?= |'|$)/g, program);
}

export type OptionKind = 'bool' | 'string' | 'multi' | 'count';

export interface OptionSpec {
  name: string;
  short?: string;
  kind: OptionKind;
  value?: string;
  help: string;
}

export interface ParsedArgs {
  options: Record<string, string | string[] | boolean | number | undefined>;
  positionals: string[];
}

export function parseArgs(argv: string[], specs: OptionSpec[], command: string): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const set = (spec: OptionSpec, value: string | undefined) => {
    if (spec.kind === 'bool') options[spec.name] = true;
    else if (spec.kind === 'count') options[spec.name] = ((options[spec.name] as number) ?? 0) + 1;
    else if (spec.kind === 'multi') ((options[spec.name] ??= []) as string[]).push(value!);
    else options[spec.name] = value!;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec) throw usage(`unexpected argument '${a}' found`, command, suggest(name, [...byLong.keys()]));
    } else if (a.startsWith('-') && a.length > 1) {
      // Short flags stack as in clap: `-vv` is `-v -v`, `-qF x` is `-q -F x`; a flag that takes a value takes the rest.
      let at = 1;
      for (;;) {
        spec = byShort.get(a[at]);
        if (!spec) throw usage(at === 1 ? `unexpected argument '${a}' found` : `unexpected argument '-${a[at]}' found`, command);
        if ((spec.kind !== 'bool' && spec.kind !== 'count') || at === a.length - 1) break;
        set(spec, undefined);
        at++;
      }
      if (at < a.length - 1) inline = a.slice(at + 1).replace(/^=/, '');
    } else {
      positionals.push(a);
      continue;
    }
    if (spec.kind === 'bool' || spec.kind === 'count') {
      if (inline !== undefined) throw usage(`unexpected value '${inline}' for '--${spec.name}' found; no more were expected`, command);
      set(spec, undefined);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw usage(`a value is required for '--${spec.name} <${spec.value ?? 'VALUE'}>' but none was supplied`, command);
    set(spec, value);
  }
  return { options, positionals };
}

function usage(message: string, command: string, hint?: string): UserError {
  return new UserError(message, undefined, hint ?? `for more information, try '${program} ${command} --help'`);
}

function suggest(name: string, names: string[]): string | undefined {
  const close = names.find((n) => n.startsWith(name) || name.startsWith(n) || distance(n, name) <= 2);
  return close ? `a similar argument exists: '--${close}'` : undefined;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function helpText(about: string, usageLine: string, specs: OptionSpec[]): string {
  const lines = [about, '', `Usage: ${asInvoked(usageLine)}`, '', 'Options:'];
  for (const s of specs) {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.kind === 'string' || s.kind === 'multi' ? ` <${s.value ?? 'VALUE'}>` : ''}`;
    lines.push(`  ${flag.padEnd(34)} ${s.help}`);
  }
  return lines.join('\n') + '\n';
}
