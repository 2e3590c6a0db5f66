/** The terminal UI with ink and React, loaded by ./index.ts once the screen is to open. */
import { render } from 'ink';
import type { CommandContext } from '../context.js';
import type { CheckRun } from '../run/check.js';
import { failsOn } from '../../src/rules/engine.js';
import { App } from './app.js';
import type { Session } from './session.js';
import { CLEAR } from './terminal.js';

export async function runScreen(session: Session, ctx: CommandContext): Promise<number> {
  const stdout = ctx.stdout as NodeJS.WriteStream;
  const stdin = (ctx.stdin ?? process.stdin) as NodeJS.ReadStream;
  let last: CheckRun | null = null;
  // Clears what ./index.ts wrote while ink was loading.
  stdout.write(CLEAR);
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
