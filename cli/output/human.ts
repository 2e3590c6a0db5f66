/** The human report: cargo-style diagnostics grouped by severity, and a summary line. */
import type { Style } from './style.js';
import { pathText, relPath, type Report } from './report.js';
import type { Finding, Severity } from '../../src/rules/types.js';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function renderHuman(report: Report, style: Style, cwd: string): string {
  const out: string[] = [];
  const color = (s: Severity, text: string) => (s === 'error' ? style.red(text) : s === 'warning' ? style.yellow(text) : style.cyan(text));
  const rel = (p: string) => relPath(cwd, p);
  for (const severity of ['error', 'warning', 'info'] as Severity[]) {
    const group = report.findings.filter((f) => f.severity === severity);
    for (const f of group) out.push(renderFinding(f, color, style, rel), '');
  }
  for (const u of report.unresolved) {
    out.push(`${style.yellow('warning')}: could not read metadata of \`${u.name} v${u.version}\`: ${u.reason}; its dependencies are not checked`, '');
  }
  out.push(summaryLine(report, style));
  return out.join('\n') + '\n';
}

function renderFinding(f: Finding, color: (s: Severity, t: string) => string, style: Style, rel: (p: string) => string): string {
  const lines: string[] = [];
  const allowed = f.allowed ? style.dim(' (allowed)') : '';
  lines.push(`${color(f.severity, `${LABEL[f.severity]}[${f.rule}]`)}${style.bold(`: ${f.message}`)}${allowed}`);
  if (f.direct) {
    lines.push(`  ${style.cyan('-->')} ${rel(f.direct.manifest.path)}:${f.direct.manifest.line}:${f.direct.manifest.column} (dependency \`${f.direct.dependency}\` of ${f.direct.member})`);
    if (f.direct.inheritedFrom) lines.push(`  ${style.cyan('-->')} ${rel(f.direct.inheritedFrom.path)}:${f.direct.inheritedFrom.line}:${f.direct.inheritedFrom.column} (workspace.dependencies)`);
  }
  lines.push(`   ${style.cyan('=')} target: ${f.target}; ${f.package.name} v${f.package.version}${f.features.length ? ` with features ${f.features.join(', ')}` : ''}`);
  for (const p of f.paths) lines.push(`   ${style.cyan('=')} path: ${pathText(p)}`);
  if (f.detail) lines.push(`   ${style.cyan('=')} note: ${f.detail}`);
  if (f.allowed) lines.push(`   ${style.cyan('=')} allowed: ${f.allowed.reason}`);
  for (const fix of f.fixes) lines.push(`   ${style.cyan('=')} ${style.green('fix')}: ${fix.title}${fix.requires?.length ? ` (needs ${fix.requires.join(', ')})` : ''}`);
  lines.push(`   ${style.cyan('=')} docs: ${f.docs}`);
  return lines.join('\n');
}

export function summaryLine(report: Report, style: Style): string {
  const s = report.summary;
  const parts = [`${s.error} error${s.error === 1 ? '' : 's'}`, `${s.warning} warning${s.warning === 1 ? '' : 's'}`, `${s.info} note${s.info === 1 ? '' : 's'}`];
  const allowed = report.findings.filter((f) => f.allowed).length;
  if (allowed) parts.push(`${allowed} allowed`);
  const targets = report.targets.join(', ');
  if (s.error) return `${style.red('error')}: static build for ${targets} is not ready: ${parts.join(', ')}`;
  return `${style.green('ok')}: static build for ${targets} is ready: ${parts.join(', ')}`;
}
