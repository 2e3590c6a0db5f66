/**
 * What every command shares: its declaration (name, help, options,
 * positionals) and the prologue that runs it (the arguments parsed and
 * refused in clap's words, `--help`, the colour choice).
 */
import { helpText, readArgs, type AnyOptions, type Options, type OptionSpec, type ParsedArgs, type PositionalSpec, type ReadArgs } from '../args.js';
import type { CommandContext } from '../context.js';
import { useColor } from '../output/style.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';

/** A command's parsed arguments (`O`: `Options<typeof DECLARATION>`), and what the prologue decides from them. */
export interface Invocation<O = AnyOptions> extends ParsedArgs<O> {
  /** Whether to colour what goes to `stream` (`--color`, `CARGO_TERM_COLOR`, `NO_COLOR`, `FORCE_COLOR`, a terminal). */
  color(stream: { isTTY?: boolean }): boolean;
}

export interface Command<D extends readonly OptionSpec[]> {
  name: string;
  /** The first line of its help. */
  about: string;
  /** Its usage line, with the installed name (said as the user ran the tool). */
  usage: string;
  options: D;
  positionals: readonly PositionalSpec[];
  run(args: Invocation<Options<D>>, ctx: CommandContext): Promise<number>;
}

/** A command whose options are not known here (the command table, the prologue). */
export interface AnyCommand {
  name: string;
  about: string;
  usage: string;
  options: readonly OptionSpec[];
  positionals: readonly PositionalSpec[];
  run(args: Invocation, ctx: CommandContext): Promise<number>;
}

/** Declares a command; its `run` receives the options typed from `options`. */
export function defineCommand<const D extends readonly OptionSpec[]>(command: Command<D>): Command<D> {
  return command;
}

export function commandHelp(command: AnyCommand): string {
  return `${helpText(command.about, command.usage, command.options)}\n${EXIT_CODES_HELP}`;
}

/** Reads the arguments of `command` without refusing anything (see `readArgs`). */
export function readCommandArgs(command: AnyCommand, argv: readonly string[]): ReadArgs {
  return readArgs(argv, command.options, command.name, command.positionals);
}

/** The prologue, on the arguments `readCommandArgs` read: refuses what they break, prints the help when asked, else runs the command. */
export async function runCommand(command: AnyCommand, read: ReadArgs, ctx: CommandContext): Promise<number> {
  if (read.problems.length) throw read.problems[0]!;
  if (read.options.help) {
    ctx.stdout.write(commandHelp(command));
    return 0;
  }
  const color = read.options.color;
  return command.run(
    {
      options: read.options,
      positionals: read.positionals,
      given: read.given,
      color: (stream) => useColor(typeof color === 'string' ? color : undefined, !!stream.isTTY, ctx.env),
    },
    ctx,
  );
}
