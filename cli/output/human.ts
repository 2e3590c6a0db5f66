/**
 * The human report, in the shape of cargo's and rustc's diagnostics:
 *
 *     error[native-library]: `openssl-sys v0.9.107` links the system OpenSSL ...
 *      --> Cargo.toml:9:1
 *       |
 *     9 | reqwest = { version = "0.12", features = ["json"] }
 *       | ^^^^^^^ brings in `openssl-sys` through its feature `default-tls`
 *       |
 *       = note: why: weather-report → reqwest → native-tls [default-tls] → openssl-sys
 *       = help: switch `reqwest` to rustls: ...
 *
 * Errors first, then warnings, then notes (info), then allowed findings; the
 * same finding for several targets is shown once with its targets. A summary
 * line ends the report. Colours only when the style has them (a terminal,
 * `--color`, `NO_COLOR`, `FORCE_COLOR`, `CARGO_TERM_COLOR`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Style } from './style.js';
import { builtAloneText, environmentSuggestions, fixesOf, fixOutcome, morePathsText, pathText, shownPaths, type Report } from './report.js';
import { asInvoked } from '../args.js';
import type { Finding, Severity } from '../../src/rules/types.js';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };
const ORDER: Severity[] = ['error', 'warning', 'info'];

interface Painter {
  level(s: Severity, text: string): string;
  blue(text: string): string;
  help(text: string): string;
  note(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

function painter(style: Style): Painter {
  const wrap = (open: string) => (s: string) => (style.enabled ? `\x1b[${open}m${s}\x1b[0m` : s);
  return {
    level: (s, t) => (s === 'error' ? style.red(t) : s === 'warning' ? style.yellow(t) : style.green(t)),
    blue: wrap('1;34'),
    help: style.cyan,
    note: style.green,
    bold: style.bold,
    dim: style.dim,
  };
}

/** A path as the user typed it from `cwd`: relative inside it, absolute outside. */
function shown(cwd: string, p: string): string {
  const r = relative(cwd, p);
  const out = !r || r.startsWith('..') || isAbsolute(r) ? p : r;
  return sep === '/' ? out : out.split(sep).join('/');
}

const sourceCache = new Map<string, string[] | null>();
function sourceLine(path: string, line: number): string | null {
  let lines = sourceCache.get(path);
  if (lines === undefined) {
    try {
      lines = readFileSync(path, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    sourceCache.set(path, lines);
  }
  return lines?.[line - 1] ?? null;
}

/** Findings that differ only by target, shown once. */
interface Group {
  finding: Finding;
  targets: string[];
}

/** The same message apart from the target: the same messageId, and data equal once the target is masked. */
function groupKey(f: Finding): string {
  const data = Object.entries(f.data).map(([k, v]) => `${k}=${v.split(f.target).join('<T>')}`);
  return [f.rule, f.severity, f.packageKey, f.messageId, ...data, f.direct?.dependency ?? '', f.direct?.member ?? '', !!f.allowed].join('\0');
}

function groupFindings(findings: Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const k = groupKey(f);
    const g = groups.get(k);
    if (g) g.targets.push(f.target);
    else groups.set(k, { finding: f, targets: [f.target] });
  }
  return [...groups.values()];
}

export function renderHuman(report: Report, style: Style, cwd: string): string {
  sourceCache.clear();
  const paint = painter(style);
  const out: string[] = [];
  const many = report.targets.length > 1;
  const active = report.findings.filter((f) => !f.allowed);
  for (const severity of ORDER) {
    for (const g of groupFindings(active.filter((f) => f.severity === severity))) out.push(renderFinding(report, g, paint, cwd, many), '');
  }
  for (const g of groupFindings(report.findings.filter((f) => f.allowed))) out.push(renderFinding(report, g, paint, cwd, many), '');
  // Crates of the artifact graph are findings of `metadata-missing`; the rest are said once here.
  const reported = new Set(report.findings.filter((f) => f.rule === 'metadata-missing').map((f) => `${f.package.name} ${f.package.version}`));
  for (const u of report.unresolved) {
    if (reported.has(`${u.name} ${u.version}`)) continue;
    out.push(`${paint.level('warning', 'warning')}${paint.bold(`: could not read the metadata of \`${u.name} v${u.version}\`: ${u.reason}`)}`);
    out.push(`  ${paint.blue('=')} ${paint.note('note')}: its dependencies are not checked`, '');
  }
  out.push(summaryLine(report, style));
  return out.join('\n') + '\n';
}

function renderFinding(report: Report, g: Group, paint: Painter, cwd: string, manyTargets: boolean): string {
  const f = g.finding;
  const lines: string[] = [];
  const head = `${LABEL[f.severity]}[${f.rule}]`;
  lines.push(`${paint.level(f.severity, head)}${paint.bold(`: ${f.message}`)}${f.allowed ? paint.dim(' (allowed)') : ''}`);

  const sites: { loc: { path: string; line: number; column: number }; label: string; primary: boolean }[] = [];
  if (f.direct) {
    const c = f.cause;
    const pulled = c ? ` through its feature \`${c.feature}\`${c.viaDefault ? ' (a default feature)' : ''}` : '';
    const self = f.paths[0]?.length === 2;
    const label = self ? `\`${f.package.name}\` is declared here` : `brings in \`${f.package.name}\`${pulled}`;
    sites.push({ loc: f.direct.manifest, label, primary: true });
    if (f.direct.inheritedFrom) sites.push({ loc: f.direct.inheritedFrom, label: 'version and features from `[workspace.dependencies]`', primary: false });
  }
  const width = Math.max(1, ...sites.map((s) => String(s.loc.line).length));
  const pad = ' '.repeat(width);
  const eq = (kind: 'note' | 'help', text: string) => {
    const [first, ...rest] = text.split('\n');
    lines.push(`${pad} ${paint.blue('=')} ${kind === 'help' ? paint.help('help') : paint.bold('note')}: ${first}`);
    const indent = `${pad}   ${' '.repeat(kind.length + 2)}`;
    for (const r of rest) lines.push(`${indent}${r}`);
  };

  sites.forEach((s, i) => {
    lines.push(`${pad}${paint.blue(i === 0 ? '-->' : ':::')} ${shown(cwd, s.loc.path)}:${s.loc.line}:${s.loc.column}`);
    const text = sourceLine(s.loc.path, s.loc.line);
    if (text !== null) {
      const key = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)/.exec(text.slice(s.loc.column - 1));
      const len = Math.max(1, key ? key[1].length : 1);
      lines.push(`${pad} ${paint.blue('|')}`);
      lines.push(`${paint.blue(String(s.loc.line).padStart(width))} ${paint.blue('|')} ${text}`);
      const marker = (s.primary ? '^' : '-').repeat(len);
      lines.push(`${pad} ${paint.blue('|')} ${' '.repeat(s.loc.column - 1)}${s.primary ? paint.level(f.severity, `${marker} ${s.label}`) : paint.blue(`${marker} ${s.label}`)}`);
    }
  });
  if (sites.length) lines.push(`${pad} ${paint.blue('|')}`);

  if (manyTargets || g.targets.length > 1) eq('note', `target${g.targets.length > 1 ? 's' : ''}: ${g.targets.join(', ')}`);
  if (f.builtAlone) eq('note', builtAloneText(f.builtAlone));
  const paths = shownPaths(f);
  const more = morePathsText(f, asInvoked('cargo-preflight why'));
  if (paths.length) eq('note', `why: ${[...paths.map(pathText), ...(more ? [more] : [])].join('\n     ')}`);
  if (f.features.length && f.package.name !== paths[0]?.[0]?.name) eq('note', `\`${f.package.name} v${f.package.version}\` features: ${f.features.join(', ')}`);
  if (f.detail) eq('note', f.detail);
  if (f.evidence?.length) eq('note', `build script: ${f.evidence.map((e) => `${e.file}:${e.line}:${e.column}: ${e.text}`).join('\n')}`);
  if (f.allowed) eq('note', `allowed by the cargo-preflight configuration: ${f.allowed.reason}`);
  const planned = fixesOf(report, f);
  const suggested = planned ? environmentSuggestions(f) : f.fixes;
  if (planned) {
    // The fix service's entries, each with what became of it; a strategy with none says why.
    const command = report.fixes!.command;
    for (const x of planned) {
      if (x.status === 'refused') eq('note', `${x.title}: ${x.description}`);
      else eq('help', `${x.strategy === 'disable' ? 'if the project can do without them: ' : ''}${x.title} (${fixOutcome(x, command)})`);
    }
  }
  for (const fix of suggested) eq('help', `${fix.title}${fix.requires?.length ? ` (needs ${fix.requires.join(', ')})` : ''}`);
  eq('note', `for more information, see ${f.docs}`);
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(report: Report, style: Style): string {
  const s = report.summary;
  const allowed = report.findings.filter((f) => f.allowed).length;
  const rest = [s.warning ? plural(s.warning, 'warning') : '', s.info ? plural(s.info, 'note') : '', allowed ? `${allowed} allowed` : ''].filter(Boolean);
  const targets = report.targets.join(', ');
  if (s.error) {
    return `${style.red('error')}${style.bold(`: the static build for ${targets} is not ready: ${plural(s.error, 'error')}${rest.length ? `; ${rest.join(', ')}` : ''}`)}`;
  }
  return `${style.green('    Finished')} static-build check for ${targets}: no errors${rest.length ? `; ${rest.join(', ')}` : ''}`;
}
