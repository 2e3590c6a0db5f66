/**
 * Command dispatch and error reporting. Bad input is reported as
 * `path:line:col: error: message` (or `error: message`) with exit code 2;
 * a stack trace only with `--verbose`.
 */
import { UserError } from '../src/errors.js';
import { RegistryError } from '../src/registry/types.js';
import { opensUiByDefault } from './ui/launch.js';
import { PROGRAM, setProgramName } from './args.js';
import { colorArgument, colorChoice } from './output/style.js';
import type { CommandContext } from './context.js';

export type { CommandContext } from './context.js';

const VERSION = '0.1.0';

const help = (program: string) => `Checks whether a Rust project can be linked fully static for a target, and fixes Cargo.toml when it cannot

Usage: ${program} [COMMAND] [OPTIONS]

Commands:
  check    Report crates that break a static build for the target (the default)
  fix      Apply proven fixes to Cargo.toml (same as \`check --fix\`)
  tree     Display the crates linked into the artifact for a target
  why      Show why a crate is in the artifact graph, feature by feature
  doctor   Check the cross-compilation environment for a target
  help     Print this message or the help of a command

Options:
  -h, --help       Print help
  -V, --version    Print version

With no command at a terminal, opens the triage screen (\`check --interactive\`).
Run '${program} <COMMAND> --help' for the options of a command.
`;

type Command = (argv: string[], ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check.js')).checkCommand,
  tree: async () => (await import('./commands/tree.js')).treeCommand,
  why: async () => (await import('./commands/why.js')).whyCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  fix: async () => (await import('./commands/fix.js')).fixCommand,
};

export { setOptimizingCompiler } from './v8.js';

export function defaultContext(): CommandContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
  };
}

export async function main(argv: string[], ctx: CommandContext = defaultContext()): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v') || argv.some((a) => /^-v+$/.test(a));
  const program = ctx.program ?? PROGRAM;
  setProgramName(program);
  try {
    // A bad colour choice is refused before anything runs, as cargo does.
    colorChoice(colorArgument(argv), ctx.env);
    const [first, ...rest] = argv;
    if (first === '--version' || first === '-V') {
      ctx.stdout.write(`cargo-preflight ${VERSION}\n`);
      return 0;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && rest[0] && rest[0] !== 'help') {
        const load = COMMANDS[rest[0]];
        if (!load) throw new UserError(`no such command: \`${rest[0]}\``, undefined, `view all commands with '${program} --help'`);
        return (await load())(['--help'], ctx);
      }
      ctx.stdout.write(help(program));
      return 0;
    }
    if (first === undefined || first.startsWith('-')) {
      const check = COMMANDS.check;
      if (!check) {
        ctx.stdout.write(help(program));
        return first === undefined ? 0 : 2;
      }
      // With no subcommand at a terminal, the triage screen opens (`check --interactive`).
      return await (await check())(opensUiByDefault(argv, ctx) ? ['--interactive', ...argv] : argv, ctx);
    }
    const load = COMMANDS[first];
    if (!load) {
      throw new UserError(`no such command: \`${first}\``, undefined, `view all commands with '${program} --help'`);
    }
    return await (await load())(rest, ctx);
  } catch (e) {
    if (e instanceof UserError) {
      const loc = e.location;
      const where = loc ? `${loc.path}${loc.line !== undefined ? `:${loc.line}` : ''}${loc.line !== undefined && loc.column !== undefined ? `:${loc.column}` : ''}: ` : '';
      ctx.stderr.write(`${where}error: ${e.message}\n${e.help ? `  help: ${e.help}\n` : ''}`);
      if (verbose && e.stack) ctx.stderr.write(`${e.stack}\n`);
      return 2;
    }
    if (e instanceof RegistryError) {
      ctx.stderr.write(`error: ${e.message}\n`);
      if (verbose && e.stack) ctx.stderr.write(`${e.stack}\n`);
      return 2;
    }
    throw e;
  }
}
