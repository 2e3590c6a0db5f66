/**
 * The crates judged by their build scripts rather than the knowledge base
 * (shared by native-library, no-static-option, builds-c-code and
 * unknown-native): those of the graph with no knowledge-base entry, or only
 * a links-only one, whose build script the CLI read and classified
 * (`src/evidence`).
 */
import type { BuildScriptVerdict, StaticSwitch } from '../evidence/build-script.js';
import type { GraphPackage } from '../resolve/types.js';
import type { BuildScriptReading, FixSuggestion, RuleContext } from './types.js';

export interface ScriptJudged {
  pkg: GraphPackage;
  reading: BuildScriptReading;
}

/** Every package of the graph with a build-script reading and no knowledge-base entry of its own (a links-only one aside), in graph order. */
export function scriptJudged({ graph, kb, buildScripts }: RuleContext): ScriptJudged[] {
  if (!buildScripts?.size) return [];
  const out: ScriptJudged[] = [];
  for (const pkg of graph.packages.values()) {
    if (pkg.isMember) continue;
    const reading = buildScripts.get(pkg.key);
    if (!reading) continue;
    if (kb.byCrate(pkg.name).some((m) => m.crate.role !== 'links-only')) continue;
    out.push({ pkg, reading });
  }
  return out;
}

/** A `system` verdict, with the static switches split by whether they are on (a feature of the crate that is active). */
export function systemVerdict(j: ScriptJudged): { verdict: Extract<BuildScriptVerdict, { kind: 'system' }>; on: StaticSwitch[]; off: StaticSwitch[] } | null {
  if (j.reading.kind !== 'classified' || j.reading.verdict.kind !== 'system') return null;
  const verdict = j.reading.verdict;
  const on = verdict.switches.filter((s) => s.kind === 'feature' && j.pkg.features.includes(s.name));
  const off = verdict.switches.filter((s) => !on.includes(s));
  return { verdict, on, off };
}

/** "the system library `crypto`", "the system libraries `ssl`, `crypto`", "a system library". */
export function librariesText(libraries: readonly string[]): string {
  if (!libraries.length) return 'a system library';
  const names = libraries.map((l) => `\`${l}\``).join(', ');
  return libraries.length === 1 ? `the system library ${names}` : `the system libraries ${names}`;
}

/** "feature `static`", "`FOO_STATIC`", joined with "or". */
export function switchesText(switches: readonly StaticSwitch[]): string {
  return switches.map((s) => (s.kind === 'feature' ? `feature \`${s.name}\`` : `\`${s.name}\``)).join(' or ');
}

/** Where the verdict came from, for the message: the build script, or cargo's override of it. */
export function sourceText(reading: BuildScriptReading): string {
  return reading.kind === 'classified' && reading.override ? `\`${reading.override}\` of cargo's configuration overrides its build script` : 'its build script shows it';
}

/** What a user can do about a crate judged by its build script: its static switches, or leave it out. */
export function scriptFixes(pkg: GraphPackage, switches: readonly StaticSwitch[]): FixSuggestion[] {
  const fixes: FixSuggestion[] = switches.map((s) =>
    s.kind === 'feature'
      ? { strategy: 'static', title: `turn on feature \`${s.name}\` of \`${pkg.name}\` (its build script reads it; check that it builds the library from source)`, crate: pkg.name }
      : { strategy: 'environment', title: `set \`${s.name}\` as its build script reads it (check what it expects)` },
  );
  fixes.push({ strategy: 'disable', title: `turn off the feature that brings in \`${pkg.name}\`, or describe it in \`knowledge-base\` of the cargo-preflight configuration` });
  return fixes;
}
