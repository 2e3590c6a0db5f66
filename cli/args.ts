/**
 * Command-line parsing in cargo's conventions: `--flag value` and
 * `--flag=value`, short `-p NAME` and `-pNAME`, stacked short flags (`-vv`,
 * `-qF x`), repeatable options, `--` ends options.
 *
 * Each command declares its options once (`OptionSpec`: kind, value name,
 * choices, default, parser, conflicts, requirements, help); the parsed
 * options are typed from the declaration, and the help text, the checks of
 * values and the error messages (in clap's words) come from it. Splitting
 * the arguments is node's `parseArgs` (its tokens keep the order); what
 * clap does differently is done on the tokens.
 */
import { parseArgs as splitArgs } from 'node:util';
import { editDistance, UserError } from '../src/errors.js';

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

/** `bool`: a flag; `count`: a flag counted (`-vv`); `string`: one value (the last one wins); `multi`: repeatable, every value kept. */
export type OptionKind = 'bool' | 'string' | 'multi' | 'count';

/** An option that cannot be given with this one (or only with one of its values). */
export interface Conflict {
  readonly option: string;
  /** Only this value of the other option conflicts. */
  readonly value?: string;
  /** Said after the message, in parentheses. */
  readonly note?: string;
}

export interface OptionSpec {
  /** The long name, without `--`; also the key of the parsed value. */
  readonly name: string;
  readonly short?: string;
  readonly kind: OptionKind;
  /** The value's name in messages and help (`--target <TRIPLE>`); `VALUE` when not given. */
  readonly value?: string;
  readonly help: string;
  /** The values accepted; any other is refused with clap's `invalid value ... [possible values: ...]`. */
  readonly choices?: readonly string[];
  /** The value when the option is not given (the parsed value is then always there). */
  readonly default?: string | number | boolean | readonly string[];
  /** Turns the text into the value, or throws a UserError saying what is expected; `flag` is `--name <VALUE>`. */
  readonly parse?: (value: string, flag: string) => unknown;
  readonly conflicts?: readonly Conflict[];
  /** Options that must be given with this one (refused as cargo says it: `--exclude can only be used together with --workspace`). */
  readonly requires?: readonly string[];
  /** Errors about this option's value end with the `--help` hint (as every error of check's --format/--output plan does). */
  readonly usageHint?: boolean;
  /** Other long names of the option, read as this one (cargo's `--message-format` for `--format`). */
  readonly aliases?: readonly string[];
}

/** A positional argument: its name in usage lines and messages (`<CRATE[@VERSION]>`, `[PATH]`). */
export interface PositionalSpec {
  readonly name: string;
  readonly required?: boolean;
}

type Scalar<S> = S extends { parse: (value: string, flag: string) => infer T } ? T : S extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The parsed value of one declared option. */
export type OptionValue<S extends OptionSpec> = S extends { kind: 'bool' } ? boolean : S extends { kind: 'count' } ? number : S extends { kind: 'multi' } ? Scalar<S>[] : Scalar<S>;

type Flatten<T> = { [K in keyof T]: T[K] };

/** What is untyped: the options of a declaration not written `as const`. */
export type AnyOptions = Record<string, string | string[] | boolean | number | undefined>;

/**
 * The parsed options of a declaration: each option by its long name, typed
 * from its kind, choices or parser; there only when given, or when it has a
 * default.
 */
export type Options<D extends readonly OptionSpec[]> = string extends D[number]['name']
  ? AnyOptions
  : Flatten<
      { readonly [S in D[number] as S extends { default: unknown } ? S['name'] : never]: OptionValue<S> } & {
        readonly [S in D[number] as S extends { default: unknown } ? never : S['name']]?: OptionValue<S>;
      }
    >;

/** One option as given, in the order of the command line. */
export interface Given {
  name: string;
  /** Its value as written (undefined for a flag). */
  value: string | undefined;
}

/** Parsed arguments; `O` is the options' type, `Options<typeof DECLARATION>` (see `Parsed`). */
export interface ParsedArgs<O = AnyOptions> {
  options: O;
  positionals: string[];
  /** Every option as given, in order (for options that pair up, as check's `--format` and `--output`). */
  given: Given[];
}

/** The parsed arguments of a declaration. */
export type Parsed<D extends readonly OptionSpec[]> = ParsedArgs<Options<D>>;

/** Arguments read without refusing anything: what was understood, and what would be refused, in order. */
export interface ReadArgs<O = AnyOptions> extends ParsedArgs<O> {
  problems: UserError[];
}

/**
 * Parses `argv` with the options `specs` declares, and refuses what clap
 * would refuse (an unknown option, a missing or unexpected value, a value
 * outside the choices, a conflict, a missing requirement, extra or missing
 * positionals when they are declared), with clap's words.
 */
export function parseArgs<const D extends readonly OptionSpec[]>(argv: readonly string[], specs: D, command: string, positionals?: readonly PositionalSpec[]): Parsed<D> {
  const read = readArgs(argv, specs, command, positionals);
  if (read.problems.length) throw read.problems[0]!;
  return { options: read.options, positionals: read.positionals, given: read.given };
}

/**
 * Reads `argv` as `parseArgs` does, without throwing: what is refused is
 * listed in `problems`, and the rest is read (for what must be known before
 * the command runs or even when it fails, as `--verbose` and `--color`).
 */
export function readArgs<const D extends readonly OptionSpec[]>(argv: readonly string[], specs: D, command = '', positionals?: readonly PositionalSpec[]): ReadArgs<Options<D>> {
  const byName = new Map<string, OptionSpec>(specs.map((s) => [s.name, s]));
  // Aliases name the option they stand for (never one declared in their own right).
  for (const s of specs) for (const a of s.aliases ?? []) if (!byName.has(a)) byName.set(a, s);
  const options: Record<string, unknown> = {};
  const raw: string[] = [];
  const given: Given[] = [];
  const problems: ReadArgs['problems'] = [];
  const refuse = (error: UserError) => problems.push(error);
  const hint = `for more information, try '${program} ${command} --help'`;
  const usage = (message: string, help: string = hint) => new UserError(message, undefined, help);

  // Node splits the arguments (stacked short flags, `-pNAME`, `--name=value`, `--`); every option is read
  // leniently, as tokens, and checked here, so that messages are clap's and nothing stops the reading.
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const s of specs) config[s.name] = { type: s.kind === 'string' || s.kind === 'multi' ? 'string' : 'boolean', ...(s.short && { short: s.short }) };
  for (const [name, s] of byName) config[name] ??= { type: s.kind === 'string' || s.kind === 'multi' ? 'string' : 'boolean' };
  const { tokens } = splitArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  // An argument holding an unknown option is refused whole: stacked flags before it in `-vx` are not read.
  const refused = new Set(tokens.flatMap((t) => (t.kind === 'option' && !byName.has(t.name) ? [t.index] : [])));
  let previousIndex = -1;
  for (const t of tokens) {
    const first = t.index !== previousIndex;
    previousIndex = t.index;
    if (t.kind === 'positional') {
      raw.push(t.value);
      continue;
    }
    if (t.kind === 'option-terminator') continue;
    const spec = byName.get(t.name);
    const arg = argv[t.index]!;
    if (spec && refused.has(t.index)) continue;
    if (!spec) {
      if (t.rawName.startsWith('--')) {
        refuse(usage(`unexpected argument '${arg}' found`, suggest(t.name, [...byName.keys()]) ?? hint));
      } else {
        // The first of stacked short flags names the whole argument; a later one, itself.
        refuse(usage(`unexpected argument '${first ? arg : t.rawName}' found`));
      }
      continue;
    }
    let value = t.value;
    // clap takes `-j=4` as `-j 4` (node keeps the `=`).
    if (value !== undefined && t.inlineValue && !t.rawName.startsWith('--')) value = value.replace(/^=/, '');
    if (spec.kind === 'bool' || spec.kind === 'count') {
      if (value !== undefined) {
        refuse(usage(`unexpected value '${value}' for '--${spec.name}' found; no more were expected`));
        continue;
      }
      options[spec.name] = spec.kind === 'bool' ? true : ((options[spec.name] as number | undefined) ?? 0) + 1;
      given.push({ name: spec.name, value: undefined });
      continue;
    }
    const flag = `--${spec.name} <${spec.value ?? 'VALUE'}>`;
    // clap does not take the next argument as the value when it looks like an option (`--target --offline`).
    if (value === undefined || (!t.inlineValue && value.startsWith('-') && value !== '-')) {
      refuse(usage(`a value is required for '${flag}' but none was supplied`));
      continue;
    }
    given.push({ name: spec.name, value });
    let parsed: unknown = value;
    if (spec.choices && !spec.choices.includes(value)) {
      const message = `invalid value '${value}' for '${flag}' [possible values: ${spec.choices.join(', ')}]`;
      refuse(spec.usageHint ? usage(message) : new UserError(message));
      continue;
    }
    if (spec.parse) {
      try {
        parsed = spec.parse(value, flag);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        refuse(spec.usageHint ? new UserError(e.message, e.location, e.help ?? hint) : e);
        continue;
      }
    }
    if (spec.kind === 'multi') ((options[spec.name] ??= []) as unknown[]).push(parsed);
    else options[spec.name] = parsed;
  }

  // With --help, what is missing or conflicts is not checked: the help is printed (as clap does).
  const helping = options.help === true;
  if (positionals && !helping) {
    if (raw.length > positionals.length) refuse(new UserError(`unexpected argument '${raw[positionals.length]}' found`));
    const missing = positionals.slice(raw.length).filter((p) => p.required);
    if (missing.length) refuse(usage(`the following required arguments were not provided: ${missing.map((p) => p.name).join(', ')}`));
  }
  for (const s of helping ? [] : specs) {
    if (options[s.name] === undefined) continue;
    for (const other of s.requires ?? []) {
      if (options[other] === undefined) refuse(new UserError(`--${s.name} can only be used together with --${other}`));
    }
    for (const c of s.conflicts ?? []) {
      // Only what was given conflicts (a default does not), and with `value`, only that value.
      if (!given.some((g) => g.name === c.option && (c.value === undefined || g.value === c.value))) continue;
      const otherSpec = byName.get(c.option);
      const them = c.value !== undefined ? `--${c.option} ${c.value}` : otherSpec ? describeFlag(otherSpec) : `--${c.option}`;
      refuse(new UserError(`the argument '${describeFlag(s)}' cannot be used with '${them}'${c.note ? ` (${c.note})` : ''}`));
    }
  }
  for (const s of specs) if (options[s.name] === undefined && s.default !== undefined) options[s.name] = s.default;
  return { options: options as Options<D>, positionals: raw, given, problems };
}

/** `--name` for a flag, `--name <VALUE>` for an option that takes one. */
function describeFlag(s: OptionSpec): string {
  return s.kind === 'string' || s.kind === 'multi' ? `--${s.name} <${s.value ?? 'VALUE'}>` : `--${s.name}`;
}

function suggest(name: string, names: string[]): string | undefined {
  const close = names.find((n) => n.startsWith(name) || name.startsWith(n) || editDistance(n, name, 2) <= 2);
  return close ? `a similar argument exists: '--${close}'` : undefined;
}

/** A positive integer (`--jobs N`), refused with what is expected. */
export function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`invalid value '${value}' for '${flag}': a positive integer is expected`);
  return n;
}

export function helpText(about: string, usageLine: string, specs: readonly OptionSpec[]): string {
  const lines = [about, '', `Usage: ${asInvoked(usageLine)}`, '', 'Options:'];
  for (const s of specs) {
    const flag = `${s.short ? `-${s.short}, ` : '    '}${describeFlag(s)}`;
    lines.push(`  ${flag.padEnd(34)} ${s.help}${s.aliases?.length ? ` (also ${s.aliases.map((a) => `--${a}`).join(', ')})` : ''}`);
  }
  return lines.join('\n') + '\n';
}
