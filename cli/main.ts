/**
 * Command dispatch and error reporting. Bad input is reported as
 * `path:line:col: error: message` (or `error: message`) with exit code 2; a
 * registry that cannot be reached, with what to do about it, exit code 3;
 * under `--format json` the error is also a JSON document on stdout
 * (`{"error": {...}}`). A stack trace only with `--verbose`.
 */
import { UserError } from '../src/errors.js';
import { importFullParser } from '../src/manifest/positions.js';
import { NetworkError, RegistryError } from '../src/registry/types.js';
import { EXIT, EXIT_CODES_HELP, networkHelp } from './exit-codes.js';
import { opensUiByDefault } from './ui/launch.js';
import { PROGRAM, readArgs, setProgramName } from './args.js';
import { COMMON_OPTIONS } from './common.js';
import { colorChoice } from './output/style.js';
import type { CommandContext } from './context.js';
import { TOOL_NAME, toolVersion } from './package.js';
import { readCommandArgs, runCommand, type AnyCommand } from './commands/command.js';

export type { CommandContext } from './context.js';

/** The commands, in the order of the help; each module is loaded when its command runs. */
const COMMANDS: Record<string, { about: string; load: () => Promise<AnyCommand> }> = {
  check: { about: 'Report crates that break a static build for the target (the default)', load: async () => (await import('./commands/check.js')).checkCommand },
  fix: { about: 'Apply proven fixes to Cargo.toml (same as `check --fix`)', load: async () => (await import('./commands/fix.js')).fixCommand },
  tree: { about: 'Display the crates linked into the artifact for a target', load: async () => (await import('./commands/tree.js')).treeCommand },
  why: { about: 'Show why a crate is in the artifact graph, feature by feature', load: async () => (await import('./commands/why.js')).whyCommand },
  verify: { about: 'Read the built binaries: static or not, libraries needed, glibc floor, crates responsible', load: async () => (await import('./commands/verify.js')).verifyCommand },
  explain: { about: 'Show what the knowledge base knows of a crate and its static options', load: async () => (await import('./commands/explain.js')).explainCommand },
  doctor: { about: 'Check the cross-compilation environment for a target', load: async () => (await import('./commands/doctor.js')).doctorCommand },
};

const help = (program: string) => `Checks whether a Rust project can be linked fully static for a target, and fixes Cargo.toml when it cannot

Usage: ${program} [COMMAND] [OPTIONS]

Commands:
${[...Object.entries(COMMANDS).map(([name, c]) => [name, c.about]), ['help', 'Print this message or the help of a command']].map(([name, about]) => `  ${name!.padEnd(9)}${about}\n`).join('')}
Options:
  -h, --help       Print help
  -V, --version    Print version

With no command at a terminal, opens the triage screen (\`check --interactive\`).
Run '${program} <COMMAND> --help' for the options of a command.

${EXIT_CODES_HELP}`;

const commandNamed = (name: string | undefined) => (name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

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
  const program = ctx.program ?? PROGRAM;
  setProgramName(program);
  let verbose = 0;
  let json = false;
  try {
    const [first, ...rest] = argv;
    // The command and the arguments it is given: with no command (or options first), `check`,
    // which opens the triage screen at a terminal (`check --interactive`); none for main's own options.
    const own = first === '--version' || first === '-V' || first === '--help' || first === '-h' || first === 'help';
    const byDefault = !own && (first === undefined || first.startsWith('-'));
    const named = own ? undefined : commandNamed(byDefault ? 'check' : first);
    // Before Node 20.19 (no require() of an ES module), the full TOML parser a declined manifest needs is imported now.
    await importFullParser();
    const command = named && (await named.load());
    const args = byDefault && opensUiByDefault(argv, ctx) ? ['--interactive', ...argv] : byDefault ? argv : rest;
    // Read as the command reads them (the common options without one), before anything runs or fails:
    // -v for the backtrace of an error, and a bad colour choice is refused first, as cargo does.
    const read = command && readCommandArgs(command, args);
    const early = read ? read.options : readArgs(argv, COMMON_OPTIONS).options;
    verbose = typeof early.verbose === 'number' ? early.verbose : 0;
    // `--format json` (or cargo's `--message-format json`): a fatal error is a JSON document on stdout too.
    // (Not when the reports go to files: stdout is then no JSON report's.)
    const given = read?.given ?? [];
    const formats = given.filter((g) => g.name === 'format' || g.name === 'message-format');
    json = formats.length > 0 && formats.every((g) => g.value === 'json') && !given.some((g) => g.name === 'output');
    colorChoice(typeof early.color === 'string' ? early.color : undefined, ctx.env);
    if (first === '--version' || first === '-V') {
      ctx.stdout.write(`${TOOL_NAME} ${toolVersion()}\n`);
      return 0;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && rest[0] && rest[0] !== 'help') {
        const asked = commandNamed(rest[0]);
        if (!asked) throw new UserError(`no such command: \`${rest[0]}\``, undefined, `view all commands with '${program} --help'`);
        const cmd = await asked.load();
        return runCommand(cmd, readCommandArgs(cmd, ['--help']), ctx);
      }
      ctx.stdout.write(help(program));
      return 0;
    }
    if (!command || !read) {
      throw new UserError(`no such command: \`${first}\``, undefined, `view all commands with '${program} --help'`);
    }
    return await runCommand(command, read, ctx);
  } catch (e) {
    const failure = fatal(e);
    if (!failure) throw e;
    const { where, help, code } = failure;
    ctx.stderr.write(`${where ? `${formatLocation(where)}: ` : ''}error: ${(e as Error).message}\n${help.map((h) => `  help: ${h}\n`).join('')}`);
    if (e instanceof NetworkError && e.detail && verbose >= 2) ctx.stderr.write(`  caused by: ${e.detail}\n`);
    // A backtrace with -v for bad input, -vv for a registry's failure (whose -v shows the retries).
    if (verbose >= (e instanceof RegistryError ? 2 : 1) && (e as Error).stack) ctx.stderr.write(`${(e as Error).stack}\n`);
    if (json) ctx.stdout.write(`${JSON.stringify({ error: errorDocument(e as Error, failure) }, null, 2)}\n`);
    return code;
  }
}

interface Fatal {
  code: number;
  kind: 'usage' | 'input' | 'network' | 'registry';
  where: UserError['location'];
  help: string[];
}

/** How an error ends the run: its exit code, kind, place and help lines; undefined for an internal error. */
function fatal(e: unknown): Fatal | undefined {
  if (e instanceof UserError) return { code: EXIT.usage, kind: e.location ? 'input' : 'usage', where: e.location, help: e.help ? [e.help] : [] };
  if (e instanceof NetworkError) return { code: EXIT.network, kind: 'network', where: undefined, help: networkHelp(e) };
  if (e instanceof RegistryError) return { code: EXIT.usage, kind: 'registry', where: undefined, help: [] };
  return undefined;
}

function formatLocation(loc: NonNullable<UserError['location']>): string {
  return `${loc.path}${loc.line !== undefined ? `:${loc.line}` : ''}${loc.line !== undefined && loc.column !== undefined ? `:${loc.column}` : ''}`;
}

/** The `error` member of the JSON document a fatal error prints under `--format json`. */
function errorDocument(e: Error, f: Fatal): Record<string, unknown> {
  return {
    message: e.message,
    kind: f.kind,
    exitCode: f.code,
    ...(f.where && { location: { path: f.where.path, line: f.where.line ?? null, column: f.where.column ?? null } }),
    ...(e instanceof NetworkError && { host: e.host }),
    ...(e instanceof RegistryError && e.crate !== undefined && { crate: e.crate }),
    help: f.help,
  };
}
