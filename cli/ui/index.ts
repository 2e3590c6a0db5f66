/**
 * Entry of the terminal UI, loaded lazily so that the non-interactive
 * commands never load ink or React. The screen is drawn on the terminal's
 * alternate screen, so the terminal is as it was after quitting, and the
 * warnings of the runs are printed then. Loading ink and React takes a
 * moment: a line says so, and the check runs meanwhile.
 */
import type { ParsedArgs } from '../args.js';
import type { CommandContext } from '../main.js';
import { useColor } from '../output/style.js';
import { fixEngine } from './fix-engine.js';
import { checkSession } from './session.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l';

export async function runInteractive(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const color = useColor(args.options.color as string | undefined, !!ctx.stdout.isTTY, ctx.env);
  const session = checkSession(args, ctx, color, fixEngine(args));
  ctx.stdout.write(`${ENTER_ALT}cargo-preflight: opening the triage screen...`);
  try {
    // The check runs while ink and React load.
    session.start();
    const { runScreen } = await import('./run.js');
    return await runScreen(session, ctx);
  } finally {
    ctx.stdout.write(LEAVE_ALT);
    for (const w of session.warnings) ctx.warn(w);
  }
}
