/** The fix pipeline pieces shared by `fix` (and `check --fix`, the Markdown report) and the triage screen. */
import { RULES } from '../../src/rules/index.js';
import { proveTogether, reason, type Proof, type ProofContext, type ProposedFix, type Reason } from '../../src/fixers/index.js';
import type { CheckRun } from './check.js';

/** What the fixers need from a check run: the same project, graphs, findings and lint settings. */
export function proofContextFor(run: CheckRun): ProofContext {
  return {
    project: run.loaded.project,
    sourceFor: run.loaded.sources.sourceFor,
    targets: run.loaded.targets,
    includeDev: run.loaded.includeDev,
    graphs: run.graphs,
    findings: run.report.findings,
    kb: run.kb,
    rules: RULES,
    settings: run.settings,
    environments: run.environments,
    ...(run.buildScripts ? { buildScripts: run.buildScripts } : {}),
  };
}

/**
 * The proven fixes applied together (`proveTogether`). With `--locked` (as
 * for `cargo add --locked`), only those that leave Cargo.lock as it is, alone
 * and taken together; the others are dropped with the reason.
 */
export async function keepTogether(
  pctx: ProofContext,
  proven: ProposedFix[],
  lock: string | null,
): Promise<{ kept: ProposedFix[]; proof: Proof | null; dropped: { fix: ProposedFix; reason: Reason }[] }> {
  const allowed = lock ? proven.filter((p) => !p.lockfileCommand) : proven;
  const together = await proveTogether(pctx, allowed);
  const dropped = [...together.dropped, ...proven.filter((p) => !allowed.includes(p)).map((fix) => ({ fix, reason: reason('changesLockfile', { flag: lock! }) }))];
  if (lock && together.proof && (together.proof.newCrates.length || together.proof.lockEdges?.length)) {
    const why = reason('togetherChangesLockfile', { flag: lock });
    return { kept: [], proof: null, dropped: [...dropped, ...together.kept.map((fix) => ({ fix, reason: why }))] };
  }
  return { kept: together.kept, proof: together.proof, dropped };
}
