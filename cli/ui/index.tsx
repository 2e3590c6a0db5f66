/**
 * Entry of the terminal UI (loaded lazily: the non-interactive commands never
 * load ink or React). Draws on the alternate screen, so the terminal is as it
 * was after quitting; warnings of the runs are printed on stderr then.
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

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l';

export async function runInteractive(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const stdout = ctx.stdout as NodeJS.WriteStream;
  const stdin = (ctx.stdin ?? process.stdin) as NodeJS.ReadStream;
  const color = useColor(args.options.color as string | undefined, !!stdout.isTTY, ctx.env);
  const session = checkSession(args, ctx, color, fixEngine(args));
  let last: CheckRun | null = null;
  stdout.write(ENTER_ALT);
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
  } finally {
    stdout.write(LEAVE_ALT);
  }
  for (const w of session.warnings) ctx.warn(w);
  const run = last as CheckRun | null;
  if (run) await run.loaded.sources.close();
  if (failure) throw failure;
  return run && failsOn(run.report.findings, run.failOn) ? 1 : 0;
}
