/**
 * Runs rules over the artifact graphs and turns their drafts into findings:
 * adds inclusion paths, the responsible `Cargo.toml` line, a stable id,
 * configured severities and allowances, and a deterministic order.
 */
import { createHash } from 'node:crypto';
import type { GraphEdge, PackageKey, TargetGraph } from '../resolve/types.js';
import { attributedPaths, pathCount, pulledBy } from './facts.js';
import type { KnowledgeBase } from '../knowledge/lookup.js';
import { formatMessage, templateOf } from './messages.js';
import type { BuildScriptReading, EnvironmentSnapshot, Finding, FindingDraft, ManifestLocation, PathStep, Rule, RuleContext, Severity } from './types.js';

export interface LintSettings {
  /** Severity per rule id; `off` disables the rule. */
  severity?: Record<string, Severity | 'off'>;
  /** Crates allowed to stay, with the reason shown in reports. */
  allow?: { crate: string; reason: string; targets?: string[] }[];
}

export interface LintInput {
  graphs: TargetGraph[];
  kb: KnowledgeBase;
  rules: Rule[];
  settings?: LintSettings;
  environments?: Map<string, EnvironmentSnapshot>;
  /** Where a locked package is in Cargo.lock. */
  lockLocation?: (name: string, version: string) => ManifestLocation | null;
  /** The host triple (else taken from the environment snapshots). */
  host?: string;
  /** Releases of some crates read from their index lines (`RuleContext.releases`). */
  releases?: RuleContext['releases'];
  /** What the crates' build scripts show, by target and package (see `RuleContext.buildScripts`). */
  buildScripts?: ReadonlyMap<string, ReadonlyMap<PackageKey, BuildScriptReading>>;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Inclusion paths a finding lists at most (the shortest, the best attributed
 * first): every one in practice (real findings have at most a few hundred); a
 * guard for a crate deep in a dense graph, reached in millions of ways.
 * `pathCount` says how many there are.
 */
export const PATHS_LISTED = 10_000;

export function lint(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  const ids = new Set<string>();
  const host = input.host ?? [...(input.environments?.values() ?? [])][0]?.host;
  for (const graph of input.graphs) {
    const seen = new Set<string>();
    for (const rule of input.rules) {
      const configured = input.settings?.severity?.[rule.meta.id];
      if (configured === 'off') continue;
      const report = (d: FindingDraft) => {
        const once = `${rule.meta.id}\0${d.package.key}`;
        const data = d.data ?? {};
        const message = formatMessage(templateOf(rule.meta.messages, d.messageId, rule.meta.id), data, `${rule.meta.id}/${d.messageId}`);
        const detailData = d.detail?.data ?? {};
        const detail = d.detail && formatMessage(templateOf(rule.meta.messages, d.detail.messageId, rule.meta.id), detailData, `${rule.meta.id}/${d.detail.messageId}`);
        if (seen.has(once)) return;
        seen.add(once);
        // The first path names the direct dependency that really turns the package on.
        const paths = attributedPaths(graph, d.package.key, PATHS_LISTED);
        const first = paths[0]?.[0];
        const direct = first ? directOf(graph, first) : null;
        let id = fingerprint(rule.meta.id, d.package.name, graph.target, direct ? `${direct.member}/${direct.dependency}` : '');
        for (let n = 2; ids.has(id); n++) id = fingerprint(rule.meta.id, d.package.name, graph.target, `${direct?.dependency ?? ''}#${n}`);
        ids.add(id);
        const allow = input.settings?.allow?.find((a) => a.crate === d.package.name && (!a.targets || a.targets.includes(graph.target)));
        findings.push({
          id,
          rule: rule.meta.id,
          severity: configured ?? d.severity ?? rule.meta.defaultSeverity,
          target: graph.target,
          package: { name: d.package.name, version: d.package.version, source: d.package.source, links: d.package.links },
          features: d.package.features,
          message,
          messageId: d.messageId,
          data,
          ...(detail ? { detail, detailId: d.detail!.messageId, detailData } : {}),
          docs: d.docs ?? rule.meta.docs,
          paths: paths.map((p) => toSteps(graph, p)).filter((p) => p.length > 0),
          pathCount: Math.max(paths.length, pathCount(graph, d.package.key)),
          direct,
          ...causeOf(graph, d.package.key, direct),
          lockfile: input.lockLocation?.(d.package.name, d.package.version) ?? null,
          fixes: d.fixes ?? [],
          ...(allow ? { allowed: { reason: allow.reason } } : {}),
          packageKey: d.package.key,
          ...(d.evidence?.length ? { evidence: d.evidence } : {}),
        });
      };
      const buildScripts = input.buildScripts?.get(graph.target);
      rule.check(
        {
          graph,
          kb: input.kb,
          environment: input.environments?.get(graph.target),
          ...(host ? { host } : {}),
          ...(input.releases ? { releases: input.releases } : {}),
          ...(buildScripts ? { buildScripts } : {}),
        },
        report,
      );
    }
  }
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      cmp(a.target, b.target) ||
      cmp(a.rule, b.rule) ||
      cmp(a.package.name, b.package.name) ||
      cmp(a.package.version, b.package.version) ||
      cmp(a.id, b.id),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

function causeOf(graph: TargetGraph, key: string, direct: Finding['direct']): Pick<Finding, 'cause'> {
  if (!direct) return {};
  const p = pulledBy(graph, key).find((x) => x.dependency === direct.dependency && x.member === direct.member);
  if (!p?.feature) return {};
  return { cause: { feature: p.feature, ...(p.viaDefault ? { viaDefault: true } : {}), ...(p.explicit ? { explicit: true } : {}) } };
}

function directOf(graph: TargetGraph, edge: GraphEdge): Finding['direct'] {
  const member = graph.packages.get(edge.from)!;
  const site = edge.declaration;
  if (!site) return null;
  return {
    member: member.name,
    dependency: edge.depName,
    manifest: { path: site.manifestPath, line: site.line, column: site.column },
    ...(site.inheritedFrom ? { inheritedFrom: { path: site.inheritedFrom.manifestPath, line: site.inheritedFrom.line, column: site.inheritedFrom.column } } : {}),
  };
}

function toSteps(graph: TargetGraph, path: GraphEdge[]): PathStep[] {
  if (!path.length) return [];
  const root = graph.packages.get(path[0].from)!;
  const steps: PathStep[] = [{ name: root.name, version: root.version, via: [] }];
  for (const e of path) {
    const p = graph.packages.get(e.to)!;
    const step: PathStep = { name: p.name, version: p.version, via: e.activatedBy };
    if (e.depName !== p.name) step.as = e.depName;
    steps.push(step);
  }
  return steps;
}

/** The exit code for `--fail-on`: 1 when a finding that is not allowed is at or above the level. */
export function failsOn(findings: Finding[], level: Severity | 'never'): boolean {
  if (level === 'never') return false;
  return findings.some((f) => !f.allowed && SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[level]);
}

export function summarize(findings: Finding[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (!f.allowed) s[f.severity]++;
  return s;
}
