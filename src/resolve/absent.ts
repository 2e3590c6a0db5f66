/**
 * Why a crate Cargo.lock holds is not in the artifact graph of a target: for
 * every locked dependent, what keeps its edge out (another platform's
 * dependency, a build or dev dependency, an optional dependency no active
 * feature turns on, a proc-macro), or that the dependent is out itself. The
 * answer `cargo tree -i` does not give ("nothing to print").
 */
import { platformMatches, targetInfo } from '../cfg/index.js';
import type { Lockfile, LockedPackage } from '../lockfile/index.js';
import { NORMAL } from './features.js';
import type { GraphResult } from './graph.js';
import type { Summary, SummaryDep } from './packages.js';
import type { PackageKey } from './types.js';
import { specMatches, type PackageSpec } from './spec.js';

export type AbsentReason =
  /** The dependent declares it for other platforms only. */
  | { kind: 'platform'; dependent: string; cfg: string }
  /** A build dependency: built and run for the build script, not linked. */
  | { kind: 'build'; dependent: string }
  /** A dev-dependency of a member: tests, examples and benches only. */
  | { kind: 'dev'; dependent: string }
  /** Optional, and no active feature of the dependent turns it on; `features` would. */
  | { kind: 'optional'; dependent: string; features: string[] }
  /** The dependent is not in the graph itself (`procMacro`: because it is a proc-macro). */
  | { kind: 'dependent-absent'; dependent: string; procMacro: boolean };

export interface AbsentPackage {
  name: string;
  version: string;
  /** The crate is a proc-macro: it runs inside the compiler, and nothing of it is linked. */
  procMacro: boolean;
  /** Nothing in the workspace depends on it: Cargo.lock keeps it for a selection left out (another member, a `[patch]`). */
  orphan: boolean;
  reasons: AbsentReason[];
}

const label = (p: { name: string; version: string }) => `${p.name} v${p.version}`;

/**
 * The features of a package that turn its optional dependency `dep` on:
 * those naming it (`dep:x`, `x/feat`, the implicit feature `x`), and those
 * that turn such a feature on, however far up (`io` → `futures-io`).
 */
export function featuresEnabling(s: Summary, dep: string): string[] {
  const on = new Set<string>();
  for (;;) {
    const before = on.size;
    for (const [f, values] of s.features) {
      if (on.has(f)) continue;
      if (values.some((v) => v === `dep:${dep}` || v.startsWith(`${dep}/`) || (!v.includes('/') && !v.startsWith('dep:') && (on.has(v) || (v === dep && !s.features.has(dep)))))) on.add(f);
    }
    if (on.size === before) return [...on].sort();
  }
}

/**
 * Explains the absence of each locked package the specification names that
 * the graph does not hold. Reads the summaries of its dependents.
 */
export function explainAbsent(lock: Lockfile, summaries: Map<PackageKey, Summary>, result: GraphResult, spec: PackageSpec, includeDev = false): AbsentPackage[] {
  const { graph, features } = result;
  const target = targetInfo(graph.target);
  const locked = (lock.byName.get(spec.name) ?? []).filter((p) => specMatches(spec, p) && !graph.packages.has(p.key));
  return locked.map((p) => {
    const dependents: LockedPackage[] = [];
    for (const d of lock.packages.values()) if (d.dependencies.includes(p.key)) dependents.push(d);
    const reasons: AbsentReason[] = [];
    for (const d of dependents) {
      const who = label(d);
      if (!graph.packages.has(d.key)) {
        reasons.push({ kind: 'dependent-absent', dependent: who, procMacro: summaries.get(d.key)?.procMacro === true });
        continue;
      }
      const s = summaries.get(d.key);
      for (const dep of s?.deps.filter((x: SummaryDep) => x.to === p.key) ?? []) {
        if (dep.kind === 'dev' && !includeDev) reasons.push({ kind: 'dev', dependent: who });
        else if (dep.kind === 'build') reasons.push({ kind: 'build', dependent: who });
        else if (dep.target !== null && dep.target !== undefined && !platformMatches(dep.target, target)) reasons.push({ kind: 'platform', dependent: who, cfg: dep.target });
        else if (dep.optional && !features.isDepActivated(d.key, NORMAL, dep.name)) reasons.push({ kind: 'optional', dependent: who, features: featuresEnabling(s!, dep.name) });
      }
    }
    return { name: p.name, version: p.version, procMacro: summaries.get(p.key)?.procMacro === true, orphan: dependents.length === 0, reasons };
  });
}

/** One line per reason, in words. */
export function describeAbsent(a: AbsentPackage): string[] {
  const lines: string[] = [];
  if (a.procMacro) lines.push(`\`${label(a)}\` is a proc-macro: it runs inside the compiler, and nothing of it is linked`);
  if (a.orphan) lines.push(`nothing selected depends on \`${label(a)}\` (Cargo.lock keeps it for a package or feature outside this selection)`);
  for (const r of a.reasons) {
    switch (r.kind) {
      case 'platform':
        lines.push(`\`${r.dependent}\` depends on it only for \`${r.cfg}\``);
        break;
      case 'build':
        lines.push(`\`${r.dependent}\` has it as a build dependency (for its build script, not linked)`);
        break;
      case 'dev':
        lines.push(`\`${r.dependent}\` has it as a dev-dependency (tests, examples and benches; \`--include-dev\` counts them)`);
        break;
      case 'optional':
        lines.push(
          `\`${r.dependent}\` has it as an optional dependency, and no active feature turns it on` +
            (r.features.length ? ` (${r.features.length > 1 ? 'its features' : 'its feature'} ${r.features.map((f) => `\`${f}\``).join(', ')} would)` : ''),
        );
        break;
      case 'dependent-absent':
        break;
    }
  }
  // Dependents that are out themselves, on one line each for proc-macros and the others.
  const out = a.reasons.filter((r): r is Extract<AbsentReason, { kind: 'dependent-absent' }> => r.kind === 'dependent-absent');
  const names = (rs: typeof out) => rs.map((r) => `\`${r.dependent}\``).join(', ');
  const macros = out.filter((r) => r.procMacro);
  const others = out.filter((r) => !r.procMacro);
  if (macros.length) {
    lines.push(
      macros.length > 1
        ? `the proc-macros ${names(macros)} depend on it (they run inside the compiler, and are not linked)`
        : `the proc-macro ${names(macros)} depends on it (it runs inside the compiler, and is not linked)`,
    );
  }
  if (others.length) {
    lines.push(others.length > 1 ? `${names(others)} depend on it, but are not in the graph themselves` : `${names(others)} depends on it, but is not in the graph itself`);
  }
  return lines;
}
