/** The fix plan of a check run: what `fix` (and `check --fix`), `check`'s reports and the triage screen present. */
import { RULES } from '../../src/rules/index.js';
import { planFixes, type FixOptions, type FixPlan, type ProofContext } from '../../src/fixers/index.js';
import type { CheckRun } from './check.js';

/** What the fixers need from a check run: the same project, graphs, findings and lint settings. */
export function proofContextFor(run: CheckRun): ProofContext {
  return {
    project: run.loaded.project,
    sourceFor: run.loaded.sources.sourceFor,
    ...(run.loaded.sources.vendoredFor ? { vendored: run.loaded.sources.vendoredFor } : {}),
    targets: run.loaded.targets,
    includeDev: run.loaded.includeDev,
    graphs: run.graphs,
    findings: run.report.findings,
    kb: run.kb,
    rules: RULES,
    settings: run.settings,
    environments: run.environments,
    ...(run.buildScripts ? { buildScripts: run.buildScripts } : {}),
    ...(run.releases ? { releases: run.releases } : {}),
  };
}

/** The fix service's plan for a check run. */
export function planFor(run: CheckRun, opts: FixOptions): Promise<FixPlan> {
  return planFixes(proofContextFor(run), opts);
}
