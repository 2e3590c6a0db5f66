/**
 * Each selected member built on its own (`cargo build -p M`). cargo unifies
 * features over the members a build selects, so a workspace built together
 * can have a crate static (one member turns on its `vendored` feature) that a
 * member built alone links from the system. A team building one service's
 * image builds that member alone: its findings count as much as the
 * workspace's. Used by `check` (problems only a member's own build has) and
 * by the fix service (a fix must hold for each of those builds).
 */
import { resolveTarget, type Project } from '../resolve/index.js';
import type { TargetGraph } from '../resolve/types.js';
import type { Finding } from './types.js';

/** A selected member built on its own: its graphs and findings, on every selected target. */
export interface MemberBuild {
  key: string;
  name: string;
  graphs: TargetGraph[];
  findings: Finding[];
}

const cache = new WeakMap<Project, MemberBuild[]>();

/**
 * The selected members' own builds, when the selection holds more than one
 * member (with one, the selection is that build): none otherwise. `lintGraphs`
 * lints graphs by the run's standard. Computed once per project.
 */
export function memberBuilds(project: Project, targets: readonly string[], includeDev: boolean, lintGraphs: (graphs: TargetGraph[]) => Finding[]): MemberBuild[] {
  let builds = cache.get(project);
  if (builds) return builds;
  const selected = project.roots.filter((r) => !r.featuresOnly);
  builds = [];
  if (selected.length > 1) {
    for (const r of selected) {
      const alone = { ...project, roots: project.roots.filter((x) => x === r || x.featuresOnly) };
      const graphs = targets.map((t) => resolveTarget(alone, t, includeDev).graph);
      builds.push({ key: r.key, name: project.packages.members.get(r.key)?.name ?? r.key, graphs, findings: lintGraphs(graphs) });
    }
  }
  cache.set(project, builds);
  return builds;
}

/** The same problem: rule, crate and target (the path and the member may differ). */
export const sameProblem = (a: Finding, b: Finding): boolean => a.rule === b.rule && a.package.name === b.package.name && a.target === b.target;

/**
 * The problems some member's own build has and the selection built together
 * does not: one finding each (the first member's), with `builtAlone` naming
 * every member whose own build has it. `info` findings, allowed ones and
 * those about the member itself are left out.
 */
export function onlyBuiltAlone(together: readonly Finding[], builds: readonly MemberBuild[]): Finding[] {
  const out: Finding[] = [];
  for (const b of builds) {
    for (const f of b.findings) {
      // A finding about the member itself (what the build machine lacks) is one of the whole build, reported for the selection.
      if (f.severity === 'info' || f.allowed || f.packageKey === b.key || together.some((t) => sameProblem(t, f))) continue;
      const known = out.find((o) => sameProblem(o, f));
      if (known) {
        if (!known.builtAlone!.includes(b.name)) known.builtAlone!.push(b.name);
      } else out.push({ ...f, builtAlone: [b.name] });
    }
  }
  return out;
}
