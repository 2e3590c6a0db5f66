/**
 * Entry of the terminal UI, loaded lazily so that the non-interactive
 * commands never load ink or React. The screen is drawn on the terminal's
 * alternate screen, so the terminal is as it was after quitting, and the
 * warnings of the runs are printed then. Loading ink and React takes a
 * moment: a line says so, and the check runs meanwhile.
 */
import type { Parsed } from '../args.js';
import type { CommandContext } from '../context.js';
import { useColor } from '../output/style.js';
import type { CHECK_OPTIONS } from '../run/options.js';
import { setShortRun } from '../v8.js';
import { fixEngine } from './fix-engine.js';
import { checkSession } from './session.js';
import { ENTER_ALT, LEAVE_ALT } from './terminal.js';

/**
 * ink decides once, when it loads, whether it runs under CI (`CI` or
 * `CONTINUOUS_INTEGRATION` set) and then draws only the last frame. The
 * screen opens only when stdin and stdout are terminals, where a person is
 * watching, so ink is loaded as outside CI; the variables are put back at once.
 */
async function loadOutsideCi<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

export async function runInteractive(args: Parsed<typeof CHECK_OPTIONS>, ctx: CommandContext): Promise<number> {
  // The screen is a long session that proves fixes again and again: the optimizing compiler and incremental marking pay off here.
  setShortRun(false);
  // biome-ignore lint/correctness/useHookAtTopLevel: useColor decides whether output is coloured; it is no React hook.
  const color = useColor(args.options.color, !!ctx.stdout.isTTY, ctx.env);
  const session = checkSession(args, ctx, color, fixEngine(args, ctx));
  ctx.stdout.write(`${ENTER_ALT}cargo-preflight: opening the triage screen...`);
  try {
    // The check runs while ink and React load.
    session.start();
    const { runScreen } = await loadOutsideCi(() => import('./run.js'));
    return await runScreen(session, ctx);
  } finally {
    ctx.stdout.write(LEAVE_ALT);
    for (const w of session.warnings) ctx.warn(w);
  }
}
