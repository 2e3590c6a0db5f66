/**
 * The fix engine of `--fix`, as the triage screen uses it: the same
 * proposals (`proposeFixes` on `proofContextFor(run)`), the same check of
 * the chosen fixes together (`proveTogether`), the same rendering and
 * atomic writes (`renderChanges`, `applyChanges`).
 */
import { UserError } from '../../src/errors.js';
import { applyChanges, proposeFixes, proveTogether, renderChanges, type StrategyChoice } from '../../src/fixers/index.js';
import type { ParsedArgs } from '../args.js';
import { proofContextFor } from '../commands/fix.js';
import type { FixEngine } from './session.js';

const STRATEGIES: StrategyChoice[] = ['switch', 'static', 'pin', 'auto'];

export function fixEngine(args: ParsedArgs): FixEngine {
  const strategy = (args.options.strategy as string | undefined) ?? 'auto';
  if (!STRATEGIES.includes(strategy as StrategyChoice)) {
    throw new UserError(`invalid value '${strategy}' for '--strategy <STRATEGY>' [possible values: ${STRATEGIES.join(', ')}]`);
  }
  const lockFlag = args.options.frozen ? '--frozen' : args.options.locked ? '--locked' : null;
  return {
    strategy: strategy as StrategyChoice,
    propose: (run) => proposeFixes(proofContextFor(run), { strategy: strategy as StrategyChoice }),
    explore: async (run) => {
      if (strategy !== 'auto') return null;
      const out = [];
      // One at a time: each proof resolves the patched manifests again, and the screen stays responsive.
      for (const one of ['switch', 'static', 'pin'] as const) out.push(...(await proposeFixes(proofContextFor(run), { strategy: one })));
      return out;
    },
    render: (fixes) => renderChanges(fixes),
    apply: async (run, fixes) => {
      const proven = fixes.filter((f) => f.proven);
      // With --locked, as for `fix --locked`: only the fixes that leave Cargo.lock as it is.
      const allowed = lockFlag ? proven.filter((f) => !f.lockfileCommand) : proven;
      const refused = proven.filter((f) => !allowed.includes(f)).map((fix) => ({ fix, reason: `it changes Cargo.lock, and ${lockFlag} was passed to prevent that` }));
      const together = await proveTogether(proofContextFor(run), allowed);
      let { kept, proof } = together;
      const dropped = [...refused, ...together.dropped];
      // Under --locked, the fixes taken together must leave Cargo.lock as it is too.
      if (lockFlag && proof && (proof.newCrates.length || proof.lockEdges?.length)) {
        dropped.push(...kept.map((fix) => ({ fix, reason: `together with the other fixes it changes Cargo.lock, and ${lockFlag} was passed to prevent that` })));
        kept = [];
        proof = null;
      }
      const changes = renderChanges(kept);
      const written = await applyChanges(changes);
      return { written, kept, dropped, newCrates: [...new Set(proof?.newCrates ?? kept.flatMap((f) => f.newCrates))] };
    },
  };
}
