/**
 * `--format markdown`: a report for `$GITHUB_STEP_SUMMARY`, a pull-request
 * comment or a merge-request note (GitHub Flavored Markdown). A table of the
 * findings, each finding's inclusion paths and fixes in a collapsible
 * `<details>`, and the diff of the proven fixes when they were computed.
 */
import type { Finding, Severity } from '../../src/rules/types.js';
import { baselineState, builtAloneText, environmentSuggestions, fixesOf, fixOutcome, morePathsText, pathText, primaryLocation, relPath, shownPaths, type Report } from './report.js';
import { TOOL_NAME } from '../package.js';
import { reasonText } from '../../src/fixers/reasons.js';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export interface MarkdownOptions {
  /** Absolute folder paths are shown relative to (the repository root). */
  base: string;
}

/** Text for raw HTML (the `<summary>` line, where Markdown is not interpreted). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Text safe in Markdown: no tags, no table breaks, no emphasis, no links. */
export function escapeMarkdown(s: string): string {
  return escapeHtml(s).replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** An inline code span that survives any backticks in `s`; in a table cell `|` is escaped too (GFM reads `\|` there as `|`). */
export function code(s: string, inTable = false): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? s.replace(/\|/g, '\\|') : s}${pad}${fence}`;
}

/**
 * Finding text as Markdown: its `code spans` stay code, everything else is
 * escaped. Rules write messages with backticks around names and TOML.
 */
export function inline(s: string, inTable = false): string {
  return s
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1), inTable) : escapeMarkdown(part)))
    .join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function tableRow(report: Report, f: Finding, base: string): string {
  const loc = primaryLocation(report, f);
  const where = `${code(`${relPath(base, loc.path)}:${loc.line}`, true)}${f.direct ? ` (${code(f.direct.dependency, true)})` : ''}`;
  const severity = f.allowed ? `${LABEL[f.severity]} (allowed)` : `**${LABEL[f.severity]}**`;
  return `| ${severity} | ${code(f.rule, true)} | ${code(f.package.name, true)} ${escapeMarkdown(f.package.version)} | ${code(f.target, true)} | ${where} | ${inline(f.message, true)} |`;
}

function details(report: Report, f: Finding, base: string): string {
  const lines = [
    '<details>',
    `<summary>${LABEL[f.severity]} <code>${escapeHtml(f.rule)}</code>: ${escapeHtml(f.package.name)} v${escapeHtml(f.package.version)} for ${escapeHtml(f.target)}</summary>`,
    '',
  ];
  if (f.builtAlone) lines.push(inline(builtAloneText(f.builtAlone)), '');
  if (f.detail) lines.push(inline(f.detail), '');
  const paths = shownPaths(f);
  if (paths.length) {
    lines.push('Included through:', '');
    for (const p of paths) lines.push(`- ${code(pathText(p))}`);
    const more = morePathsText(f, `${TOOL_NAME} why`);
    if (more) lines.push(`- ${inline(more)}`);
    lines.push('');
  }
  const loc = f.direct?.manifest;
  if (loc && f.direct) {
    const c = f.cause;
    const through = c ? `, through its feature ${code(c.feature)}${c.viaDefault ? ' (a default feature)' : ''}` : '';
    lines.push(
      `Declared as ${code(f.direct.dependency)} by ${code(f.direct.member)} at ${code(`${relPath(base, loc.path)}:${loc.line}:${loc.column}`)}${f.direct.inheritedFrom ? `, inherited from ${code(`${relPath(base, f.direct.inheritedFrom.path)}:${f.direct.inheritedFrom.line}`)}` : ''}${through}.`,
      '',
    );
  }
  if (f.evidence?.length) {
    lines.push('Read in its build script:', '');
    for (const e of f.evidence) lines.push(`- ${code(`${e.file}:${e.line}:${e.column}`)}: ${code(e.text)}`);
    lines.push('');
  }
  const planned = fixesOf(report, f);
  const suggested = planned ? environmentSuggestions(f) : f.fixes;
  if (planned?.length || suggested.length) {
    lines.push('Possible fixes:', '');
    for (const x of planned ?? []) {
      if (x.status === 'refused') lines.push(`- ${inline(x.title)}: ${inline(x.description)}`);
      else lines.push(`- ${inline(x.title)} (${x.proven ? '**proven**' : 'not proven'}${inline(fixOutcome(x, report.fixes!.command).replace(/^(not )?proven/, ''))})`);
    }
    for (const fix of suggested) lines.push(`- ${inline(fix.title)}${fix.requires?.length ? ` (needs ${escapeMarkdown(fix.requires.join(', '))})` : ''}`);
    lines.push('');
  }
  if (f.allowed) lines.push(`Allowed: ${inline(f.allowed.reason)}`, '');
  lines.push(`[Documentation](${f.docs})`, '', '</details>');
  return lines.join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(lang: string, body: string): string {
  const runs = body.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return `${fence}${lang}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}`;
}

export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const base = options.base;
  const b = report.baseline;
  const s = report.summary;
  const targets = report.targets.map((t) => code(t)).join(', ');
  const gating = b ? report.findings.filter((f) => b.newIds.has(f.id)) : report.findings;
  const blocking = gating.some((f) => !f.allowed && f.severity === 'error');
  const out: string[] = [];
  out.push(`## ${TOOL_NAME}: static build for ${targets} ${blocking ? 'is not ready' : 'is ready'}`, '');
  const counts = [plural(s.error, 'error'), plural(s.warning, 'warning'), plural(s.info, 'note')];
  const allowed = report.findings.filter((f) => f.allowed).length;
  if (allowed) counts.push(`${allowed} allowed`);
  if (b) counts.push(`${report.findings.filter((f) => !f.allowed && !b.newIds.has(f.id)).length} in the baseline`);
  out.push(counts.join(', '), '');

  const shown = b ? report.findings.filter((f) => baselineState(report, f) === 'new') : report.findings;
  const known = b ? report.findings.filter((f) => baselineState(report, f) === 'unchanged') : [];
  if (shown.length) {
    if (b) out.push(`### New findings`, '');
    out.push('| Severity | Rule | Crate | Target | Declared at | Problem |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of shown) out.push(tableRow(report, f, base));
    out.push('');
    for (const f of shown) out.push(details(report, f, base), '');
  } else if (!report.findings.length) {
    out.push('No findings.', '');
  } else {
    out.push('No new findings.', '');
  }
  if (known.length) {
    out.push('<details>', `<summary>${plural(known.length, 'finding')} recorded in the baseline</summary>`, '');
    out.push('| Severity | Rule | Crate | Target | Declared at | Problem |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of known) out.push(tableRow(report, f, base));
    out.push('', '</details>', '');
  }
  if (b?.fixed.length) {
    out.push(`### Fixed since the baseline`, '');
    out.push(`No longer reported; ${code(`--write-baseline ${b.path}`)} drops them from ${code(b.path)}:`, '');
    for (const e of b.fixed) out.push(`- ${code(e.rule)}: ${code(e.crate)} for ${code(e.target)}${e.dependency ? ` (through ${code(e.dependency)})` : ''}`);
    out.push('');
  }
  if (report.unresolved.length) {
    out.push('### Not checked', '');
    for (const u of report.unresolved) out.push(`- ${code(`${u.name} v${u.version}`)}: ${inline(u.reason)}; its dependencies are not checked`);
    out.push('');
  }
  const fx = report.fixes;
  const applied = fx?.plan.applied.filter((f) => f.proven) ?? [];
  if (fx && applied.length && fx.diff) {
    out.push('### Proven fixes', '');
    for (const f of applied) out.push(`- **${inline(f.title)}**: ${inline(f.description)}${f.lockfileCommand ? ` Then run ${code(f.lockfileCommand)}.` : ''}`);
    out.push('', `Apply them with ${code(fx.command)}:`, '', fenced('diff', fx.diff), '');
  }
  if (fx?.plan.notApplied.length) {
    out.push('### Proven, not applied', '');
    for (const f of fx.plan.notApplied) out.push(`- **${inline(f.title)}**: ${inline(reasonText({ ...f.notApplied!, strategy: undefined }))}`);
    out.push('');
  }
  // The facts the findings were judged by, to reproduce the run.
  out.push(`<sub>Knowledge base ${code(report.knowledgeBase.version)}</sub>`, '');
  return out.join('\n').replace(/\n+$/, '\n');
}
