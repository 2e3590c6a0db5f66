/**
 * Entry of the terminal UI, loaded lazily so that the non-interactive
 * commands never load ink or React. The screen is drawn on the terminal's
 * alternate screen, so the terminal is as it was after quitting, and the
 * warnings of the runs are printed then. Loading ink and React takes a
 * moment: a line says so meanwhile.
 */
import type { ParsedArgs } from '../args.js';
import type { CommandContext } from '../main.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l';

export async function runInteractive(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  ctx.stdout.write(`${ENTER_ALT}cargo-preflight: opening the triage screen...`);
  let warnings: string[] = [];
  try {
    const { runScreen } = await import('./run.js');
    return await runScreen(args, ctx, (list) => (warnings = list));
  } finally {
    ctx.stdout.write(LEAVE_ALT);
    for (const w of warnings) ctx.warn(w);
  }
}
