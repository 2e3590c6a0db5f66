/**
 * The terminal UI with ink and React (loaded by ./index.ts once the screen
 * is to open). `warnings` receives the list the runs' warnings collect in,
 * for printing once the screen is closed.
 */
import { render } from 'ink';
import type { ParsedArgs } from '../args.js';
import type { CheckRun } from '../commands/check.js';
import type { CommandContext } from '../main.js';
import { useColor } from '../output/style.js';
import { failsOn } from '../../src/rules/engine.js';
import { App } from './app.js';
import { fixEngine } from './fix-engine.js';
import { checkSession } from './session.js';

export async function runScreen(args: ParsedArgs, ctx: CommandContext, warnings: (list: string[]) => void): Promise<number> {
  const stdout = ctx.stdout as NodeJS.WriteStream;
  const stdin = (ctx.stdin ?? process.stdin) as NodeJS.ReadStream;
  const color = useColor(args.options.color as string | undefined, !!stdout.isTTY, ctx.env);
  const session = checkSession(args, ctx, color, fixEngine(args));
  warnings(session.warnings);
  let last: CheckRun | null = null;
  // Clears what ./index.ts wrote while ink was loading.
  stdout.write('\x1b[2J\x1b[H');
  let failure: unknown;
  try {
    const app = render(<App session={session} onExit={(run) => (last = run)} />, {
      stdout,
      stdin,
      stderr: ctx.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    await app.waitUntilExit();
  } catch (e) {
    failure = e;
  }
  const run = last as CheckRun | null;
  if (run) await run.loaded.sources.close();
  if (failure) throw failure;
  return run && failsOn(run.report.findings, run.failOn) ? 1 : 0;
}
