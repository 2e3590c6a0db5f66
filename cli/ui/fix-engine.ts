/**
 * The fix engine of `--fix`, as the triage screen uses it: the same
 * proposals (`proposeFixes` on `proofContextFor(run)`), the same check of
 * the chosen fixes together (`keepTogether`, `--locked` included), the same rendering and
 * atomic writes (`renderChanges`, `applyChanges`).
 */
import { UserError } from '../../src/errors.js';
import { applyChanges, proposeFixes, renderChanges, type StrategyChoice } from '../../src/fixers/index.js';
import type { ParsedArgs } from '../args.js';
import { keepTogether, proofContextFor } from '../run/fix.js';
import { lockFlag } from '../common.js';
import type { FixEngine } from './session.js';

const STRATEGIES: StrategyChoice[] = ['switch', 'static', 'pin', 'auto'];

export function fixEngine(args: ParsedArgs): FixEngine {
  const strategy = (args.options.strategy as string | undefined) ?? 'auto';
  if (!STRATEGIES.includes(strategy as StrategyChoice)) {
    throw new UserError(`invalid value '${strategy}' for '--strategy <STRATEGY>' [possible values: ${STRATEGIES.join(', ')}]`);
  }
  const lock = lockFlag(args.options);
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
      // As `fix` keeps them, `--locked` included.
      const { kept, proof, dropped } = await keepTogether(proofContextFor(run), fixes.filter((f) => f.proven), lock);
      const changes = renderChanges(kept);
      const written = await applyChanges(changes);
      return { written, kept, dropped, newCrates: [...new Set(proof?.newCrates ?? kept.flatMap((f) => f.newCrates))] };
    },
  };
}
