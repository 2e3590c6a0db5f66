/**
 * `--format github`: GitHub Actions workflow commands, so each finding shows
 * as an annotation on the `Cargo.toml` line of the responsible dependency
 * (`::error file=…,line=…,col=…,title=…::message`). Chosen by default when
 * `GITHUB_ACTIONS=true` and no `--format` is given. Allowed findings, and with
 * a baseline the findings recorded in it, are not annotated.
 */
import type { Finding, Severity } from '../../src/rules/types.js';
import { baselineState, crateText, declarationText, fixTexts, morePathsText, pathText, shownPaths, primaryLocation, relPath, type Report } from './report.js';
import { TOOL_NAME } from '../package.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** The message part of a workflow command: `%`, CR and LF are percent-encoded (as @actions/core does). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: as data, plus `:` and `,`, which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: string, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

export interface GithubOptions {
  /** Absolute folder annotation paths are relative to (the repository root). */
  base: string;
}

function annotation(report: Report, f: Finding, base: string): string {
  const loc = primaryLocation(report, f);
  const lines = [f.message];
  if (f.direct) {
    const text = declarationText(f);
    lines.push(
      `${text[0].toUpperCase()}${text.slice(1)}${f.direct.inheritedFrom ? `; declared in [workspace.dependencies] at ${relPath(base, f.direct.inheritedFrom.path)}:${f.direct.inheritedFrom.line}` : ''}.`,
    );
  }
  for (const p of shownPaths(f)) lines.push(`Included through: ${pathText(p)}`);
  const more = morePathsText(f, `${TOOL_NAME} why`);
  if (more) lines.push(`Included through: ${more}`);
  for (const e of f.evidence ?? []) lines.push(`Build script: ${e.file}:${e.line}:${e.column}: ${e.text}`);
  for (const fix of fixTexts(report, f)) lines.push(`Fix: ${fix}`);
  lines.push(`Docs: ${f.docs}`);
  return workflowCommand(COMMAND[f.severity], { file: relPath(base, loc.path), line: loc.line, col: loc.column, title: `${f.rule}: ${crateText(f)} (${f.target})` }, lines.join('\n'));
}

export function renderGithub(report: Report, options: GithubOptions): string {
  const out: string[] = [];
  for (const f of report.findings) {
    if (f.allowed || baselineState(report, f) === 'unchanged') continue;
    out.push(annotation(report, f, options.base));
  }
  for (const u of report.unresolved) {
    out.push(workflowCommand('warning', { title: `${TOOL_NAME}: metadata not available` }, `could not read metadata of ${u.name} v${u.version}: ${u.reason}; its dependencies are not checked`));
  }
  const b = report.baseline;
  if (b?.fixed.length) {
    const list = b.fixed.map((e) => `${e.rule}: ${e.crate} (${e.target})`).join('\n');
    out.push(
      workflowCommand(
        'notice',
        { title: `${TOOL_NAME}: ${b.fixed.length} baseline entr${b.fixed.length === 1 ? 'y is' : 'ies are'} fixed` },
        `No longer reported, remove from ${b.path} (--write-baseline ${b.path}):\n${list}`,
      ),
    );
  }
  const s = report.summary;
  const counts = `${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} note${s.info === 1 ? '' : 's'}`;
  const allowed = report.findings.filter((f) => f.allowed).length;
  const known = b ? report.findings.filter((f) => !f.allowed && !b.newIds.has(f.id)).length : 0;
  out.push(`${TOOL_NAME}: ${report.targets.join(', ')}: ${counts}${allowed ? `, ${allowed} allowed` : ''}${b ? `, ${known} in baseline` : ''}`);
  return out.join('\n') + '\n';
}
