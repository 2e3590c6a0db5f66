/** The report every output format renders: findings of all targets plus what could not be resolved. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../src/rules/engine.js';
import { RULES } from '../../src/rules/index.js';
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';
import type { Finding, ManifestLocation, RuleMeta, Severity } from '../../src/rules/types.js';

export const SCHEMA_VERSION = 1;

export const TOOL_NAME = 'cargo-preflight';

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
  /** The built-in knowledge base the findings were judged by (see `knowledgeBaseVersion`). */
  knowledgeBase: { version: string };
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

export function makeReport(
  root: string,
  targets: string[],
  findings: Finding[],
  unresolved: Report['unresolved'],
  warnings: string[],
  rules: readonly { meta: RuleMeta }[] = RULES,
): Report {
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

let pkg: { version: string; homepage: string } | undefined;

/** The package's own package.json (found above this module, from source or from dist/). */
function ownPackage(): { version: string; homepage: string } {
  if (pkg) return pkg;
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      const json = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string; homepage?: string };
      if (json.name === TOOL_NAME && json.version) {
        return (pkg = { version: json.version, homepage: json.homepage ?? `https://github.com/${TOOL_NAME}/${TOOL_NAME}` });
      }
    }
    if (dirname(d) === d) return (pkg = { version: '0.0.0', homepage: `https://github.com/${TOOL_NAME}/${TOOL_NAME}` });
  }
}

export function toolVersion(): string {
  return ownPackage().version;
}

/** Where users read about the tool: package.json's `homepage`, else the project repository. */
export function toolUri(): string {
  return ownPackage().homepage;
}
