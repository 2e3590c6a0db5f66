/**
 * The fix service as the triage screen uses it: the same plan `fix` and
 * `check` present (`planFor`), the same check of the chosen fixes together
 * (`keepTogether`, `--locked` included), the same rendering and atomic
 * writes (`renderChanges`, `applyChanges`).
 */
import { applyChanges, keepTogether, parsedTexts, renderChanges } from '../../src/fixers/index.js';
import type { Parsed } from '../args.js';
import type { CommandContext } from '../context.js';
import { makeStyle } from '../output/style.js';
import { planFor, proofContextFor } from '../run/fix.js';
import { lockWorkspace } from '../run/fix-lock.js';
import type { CHECK_OPTIONS } from '../run/options.js';
import { lockFlag } from '../common.js';
import type { FixEngine } from './session.js';

export function fixEngine(args: Parsed<typeof CHECK_OPTIONS>, ctx: Pick<CommandContext, 'cwd' | 'env'>): FixEngine {
  const strategy = args.options.strategy;
  const lock = lockFlag(args.options);
  return {
    strategy,
    plan: (run) => planFor(run, { strategy, pinScope: args.options['pin-scope'], lock }),
    render: (run, fixes) => renderChanges(fixes, parsedTexts(run.loaded.project.workspace)),
    apply: async (run, fixes) => {
      // As `fix` writes: under the workspace's lock (held only while applying: the screen is a long
      // session), from the text that was checked, a read-only manifest only with --force.
      const held = await lockWorkspace(args, { ...ctx, stderr: { write: () => true } }, args.positionals[0], makeStyle(false));
      try {
        // As `fix` keeps them, `--locked` included.
        const { kept, proof, dropped } = await keepTogether(
          proofContextFor(run),
          fixes.filter((f) => f.proven),
          lock,
        );
        const changes = renderChanges(kept, parsedTexts(run.loaded.project.workspace));
        const written = await applyChanges(changes, { force: !!args.options.force });
        return { written, kept, dropped, newCrates: [...new Set(proof?.newCrates ?? kept.flatMap((f) => f.newCrates))] };
      } finally {
        await held.release();
      }
    },
  };
}
