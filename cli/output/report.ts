/** The report every output format renders: findings of all targets plus what could not be resolved. */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { summarize } from '../../src/rules/engine.js';
import { RULES } from '../../src/rules/index.js';
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';
import type { Finding, ManifestLocation, RuleMeta, Severity } from '../../src/rules/types.js';
import type { FixPlan } from '../../src/fixers/service.js';
import type { FileChange, ProposedFix } from '../../src/fixers/types.js';
import { reasonsText, reasonText } from '../../src/fixers/reasons.js';

export const SCHEMA_VERSION = 1;

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Absolute workspace root; paths in findings are shown relative to it. */
  root: string;
  targets: string[];
  summary: Record<Severity, number>;
  findings: Finding[];
  /** Crates whose metadata could not be read (offline without cache, git without vendor, ...). */
  unresolved: { name: string; version: string; source: string | null; reason: string }[];
  warnings: string[];
  /** The rules the run knew, sorted by id (SARIF lists them all). */
  rules: RuleMeta[];
  /** Set when the run compared its findings with a baseline file (`--baseline`). */
  baseline?: BaselineComparison;
  /** The fix service's plan for the findings, when it was made: every format presents it. */
  fixes?: ReportFixes;
  /** The built-in knowledge base the findings were judged by (see `knowledgeBaseVersion`). */
  knowledgeBase: { version: string };
}

/** The fix plan as the reports show it. */
export interface ReportFixes {
  plan: FixPlan;
  /** The command that applies the proven fixes, as the tool was invoked (`cargo-preflight fix`). */
  command: string;
  /** The unified diff of the fixes `fix` applies, paths relative to the reports' base. */
  diff: string;
  /** The files each applied fix changes, alone, by fix id (SARIF's `fixes`). */
  changes: Map<string, FileChange[]>;
}

/** The fix entries (every strategy tried) of the crate a finding is about; null when the plan does not cover it. */
export function fixesOf(report: Report, f: Finding): ProposedFix[] | null {
  const crate = report.fixes?.plan.crates.find((c) => c.findingIds.includes(f.id));
  return crate ? crate.fixes : null;
}

/** A fix entry's outcome in words: `proven`, `proven; applied by …`, `not proven: reason`, … */
export function fixOutcome(fix: ProposedFix, command?: string): string {
  const own = (rs: ProposedFix['reasons']) => reasonsText((rs ?? []).map((r) => ({ ...r, strategy: undefined, candidate: undefined })));
  const needs = fix.needs ? `; needs ${fix.needs}` : '';
  switch (fix.status) {
    case 'applied':
      return fix.proven ? `proven${command ? `; \`${command}\` applies it` : ''}${needs}` : `not proven: ${own(fix.reasons)}; applied with \`--allow-unproven\``;
    case 'not-applied':
      return `proven; not applied: ${reasonText({ ...fix.notApplied!, strategy: undefined })}${needs}`;
    case 'proven':
      return `proven${needs}`;
    case 'suggestion':
      return `proven; loses ${(fix.lost ?? []).join(', ')}`;
    case 'refused':
    case 'not-proven':
      return `not proven: ${own(fix.reasons) || 'no reason given'}`;
  }
}

/**
 * A finding's fixes as lines of plain text (`title (outcome)`), for the CI
 * formats: the plan's entries when it covers the finding, with what the
 * build environment needs, else the knowledge base's suggestions.
 */
export function fixTexts(report: Report, f: Finding): string[] {
  const planned = fixesOf(report, f);
  const out: string[] = [];
  for (const x of planned ?? []) out.push(x.status === 'refused' ? `${x.title}: ${x.description}` : `${x.title} (${fixOutcome(x, report.fixes!.command)})`);
  for (const fix of planned ? environmentSuggestions(f) : f.fixes) out.push(`${fix.title}${fix.requires?.length ? ` (needs ${fix.requires.join(', ')})` : ''}`);
  return out;
}

/**
 * The knowledge base's suggestions a finding still shows beside the fix
 * plan: what is set in the build environment, not in Cargo.toml, and a newer
 * release with a static option (`fix` does not update versions).
 */
export function environmentSuggestions(f: Finding): Finding['fixes'] {
  return f.fixes.filter((x) => x.strategy === 'environment' || x.newerRelease);
}

/** One recorded finding of a baseline file. */
export interface BaselineEntry {
  id: string;
  rule: string;
  crate: string;
  target: string;
  /** `member/dependency` responsible for the crate, or null when no declaration is known. */
  dependency: string | null;
}

export interface BaselineComparison {
  /** The baseline file as given on the command line. */
  path: string;
  /** Ids of findings that are not in the baseline (only these fail the run). */
  newIds: Set<string>;
  /** Baseline entries no longer reported: fixed since the baseline was written. */
  fixed: BaselineEntry[];
}

export function makeReport(root: string, targets: string[], findings: Finding[], unresolved: Report['unresolved'], warnings: string[], rules: readonly { meta: RuleMeta }[] = RULES): Report {
  const seen = new Set<string>();
  const uniq = unresolved.filter((u) => {
    const k = `${u.name} ${u.version} ${u.source}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const metas = rules.map((r) => r.meta).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    schemaVersion: SCHEMA_VERSION,
    root,
    targets,
    summary: summarize(findings),
    findings,
    unresolved: uniq,
    warnings,
    rules: metas,
    knowledgeBase: { version: knowledgeBaseVersion() },
  };
}

/**
 * Rules whose findings depend on the machine the check runs on (its
 * toolchain, linkers and tools), not on the project: a laptop and CI differ.
 * They stay out of baselines and SARIF (and so of code scanning's
 * fingerprints) unless asked for (`--include-environment`), and stay in the
 * human report, JSON, annotations, Markdown and `doctor`.
 */
export const MACHINE_DEPENDENT_RULES: ReadonlySet<string> = new Set(['cross-environment']);

export const isMachineDependent = (f: Pick<Finding, 'rule'>): boolean => MACHINE_DEPENDENT_RULES.has(f.rule);

/** The report without its machine-dependent findings (for SARIF), and those rules' descriptors only if another finding needs them. */
export function withoutMachineDependent(report: Report): Report {
  if (!report.findings.some(isMachineDependent)) return report;
  const findings = report.findings.filter((f) => !isMachineDependent(f));
  return { ...report, findings, summary: summarize(findings) };
}

/** Findings that decide the exit code: all of them, or with a baseline only those not in it. */
export function gatingFindings(report: Report): Finding[] {
  const b = report.baseline;
  return b ? report.findings.filter((f) => b.newIds.has(f.id)) : report.findings;
}

/** `new` or `unchanged` against the baseline, undefined without one. */
export function baselineState(report: Report, f: Finding): 'new' | 'unchanged' | undefined {
  if (!report.baseline) return undefined;
  return report.baseline.newIds.has(f.id) ? 'new' : 'unchanged';
}

/** A path relative to the workspace root, with forward slashes (stable across machines). */
export function relPath(root: string, p: string): string {
  const r = relative(root, p) || p;
  return sep === '/' ? r : r.split(sep).join('/');
}

/** Inclusion paths the text formats show; `pathsBeyond` says how many more there are. */
export const PATHS_SHOWN = 3;

/** The inclusion paths a text format shows (the first `PATHS_SHOWN` that leave a member). */
export function shownPaths(f: Finding): Finding['paths'] {
  return f.paths.filter((p) => p.length > 1).slice(0, PATHS_SHOWN);
}

/**
 * `… and N more (`cargo-preflight why CRATE`)` when the finding has more
 * paths than are shown, else null. `why` is the command that draws them all.
 */
/** For a problem only members built on their own have: which builds, and why the workspace's build does not show it. */
export function builtAloneText(members: readonly string[]): string {
  const builds = members.map((m) => `\`cargo build -p ${m}\``).join(', ');
  return `only when built on ${members.length > 1 ? 'their' : 'its'} own (${builds}): built with the other selected members, cargo unifies their features and turns on what removes it`;
}

export function morePathsText(f: Finding, why: string): string | null {
  // A finding about a member itself (the build environment) has no path to draw.
  if (f.paths.every((p) => p.length <= 1)) return null;
  const more = (f.pathCount ?? f.paths.length) - shownPaths(f).length - (f.paths.some((p) => p.length <= 1) ? 1 : 0);
  return more > 0 ? `… and ${more} more (\`${why} ${f.package.name}@${f.package.version}\`)` : null;
}

/** `weather-report → reqwest [default-tls] → native-tls → openssl-sys` */
export function pathText(steps: Finding['paths'][number]): string {
  return steps.map((s, i) => (i === 0 ? s.name : `${s.as ? `${s.as} (${s.name})` : s.name}${s.via.length ? ` [${s.via.join(', ')}]` : ''}`)).join(' → ');
}

/**
 * Where CI tools should point for a finding: the member's `Cargo.toml` line
 * declaring the responsible dependency. A finding about a member itself (the
 * build environment of a target) points at the root `Cargo.toml`; one whose
 * declaration is unknown, at its Cargo.lock entry.
 */
export function primaryLocation(report: Report, f: Finding): ManifestLocation {
  if (f.direct) return f.direct.manifest;
  const aboutMember = f.paths.every((p) => p.length <= 1);
  return (!aboutMember && f.lockfile) || { path: join(report.root, 'Cargo.toml'), line: 1, column: 1 };
}

/** `dependency `http` of app, through its feature `default-tls` (a default feature)` */
export function declarationText(f: Finding): string {
  if (!f.direct) return '';
  const c = f.cause;
  return `dependency \`${f.direct.dependency}\` of ${f.direct.member}${c ? `, through its feature \`${c.feature}\`${c.viaDefault ? ' (a default feature)' : ''}` : ''}`;
}

/** `crate v1.2.3` */
export function crateText(f: Finding): string {
  return `${f.package.name} v${f.package.version}`;
}

/**
 * The folder CI paths are relative to: the work tree of the git repository
 * holding `cwd` (GitHub and GitLab resolve annotation and SARIF paths from the
 * repository root), else `cwd` itself.
 */
export function repositoryRoot(cwd: string): string {
  for (let d = cwd; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return cwd;
  }
}
