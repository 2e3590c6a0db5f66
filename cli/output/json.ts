/** `--format json`: the report as a stable document (schema in schema/report.schema.json). */
import type { Report } from './report.js';
import { baselineState, fixesOf, relPath } from './report.js';
import { reasonText } from '../../src/fixers/reasons.js';

export function renderJson(report: Report): string {
  const loc = (l: { path: string; line: number; column: number } | null | undefined) => (l ? { path: relPath(report.root, l.path), line: l.line, column: l.column } : null);
  /** The fix service's entries for the finding's crate: each strategy's candidate with what became of it (as `fix` reports it). */
  const proposed = (f: Report['findings'][number]) => {
    const entries = fixesOf(report, f);
    if (!entries) return {};
    return {
      proposedFixes: entries.map((x) => ({
        id: x.id,
        strategy: x.strategy,
        status: x.status,
        title: x.title,
        proven: x.proven,
        ...(x.reasons?.length && !x.proven ? { reasons: x.reasons.map(reasonText), why: x.reasons } : {}),
        ...(x.notApplied ? { notApplied: reasonText(x.notApplied), notAppliedWhy: x.notApplied } : {}),
        ...(x.needs ? { needs: x.needs } : {}),
        ...(x.lost ? { lost: x.lost } : {}),
        files: [...new Set(x.edits.map((e) => relPath(report.root, e.path)))],
      })),
    };
  };
  const doc = {
    schemaVersion: report.schemaVersion,
    knowledgeBase: report.knowledgeBase,
    targets: report.targets,
    summary: report.summary,
    findings: report.findings.map((f) => {
      const state = baselineState(report, f);
      return {
        id: f.id,
        rule: f.rule,
        severity: f.severity,
        target: f.target,
        package: f.package,
        features: f.features,
        message: f.message,
        messageId: f.messageId,
        data: f.data,
        ...(f.detail ? { detail: f.detail, ...(f.detailId ? { detailId: f.detailId, detailData: f.detailData ?? {} } : {}) } : {}),
        docs: f.docs,
        paths: f.paths,
        pathCount: f.pathCount,
        direct: f.direct ? { member: f.direct.member, dependency: f.direct.dependency } : null,
        ...(f.cause ? { cause: f.cause } : {}),
        manifest: loc(f.direct?.manifest),
        ...(f.direct?.inheritedFrom ? { inheritedFrom: loc(f.direct.inheritedFrom) } : {}),
        lockfile: loc(f.lockfile),
        fixes: f.fixes,
        ...proposed(f),
        ...(f.evidence?.length ? { evidence: f.evidence.map((e) => ({ file: e.file, line: e.line, column: e.column, text: e.text, ...(e.inWorkspace ? { inWorkspace: true } : {}) })) } : {}),
        ...(f.allowed ? { allowed: f.allowed } : {}),
        ...(f.builtAlone ? { builtAlone: f.builtAlone } : {}),
        ...(state ? { baseline: state } : {}),
      };
    }),
    unresolved: report.unresolved.map((u) => ({ name: u.name, version: u.version, source: u.source, reason: u.reason })),
    ...(report.baseline
      ? {
          baseline: {
            path: report.baseline.path,
            new: report.findings.filter((f) => report.baseline!.newIds.has(f.id)).length,
            unchanged: report.findings.filter((f) => !report.baseline!.newIds.has(f.id)).length,
            fixed: report.baseline.fixed,
          },
        }
      : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
