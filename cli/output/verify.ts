/**
 * The report of `verify` in every format `check` has: human (rustc-style
 * lines), JSON (`schema/verify.schema.json`), SARIF 2.1.0 (results at the
 * responsible `Cargo.toml` line, else at the binary), GitHub workflow
 * commands and Markdown.
 */
import { WINDOWS_CRT, type BinaryFacts, type ProblemId as BinaryProblemId } from '../../src/binary/index.js';
import { evidenceLine, type Evidence } from '../../src/evidence/build-script.js';
import type { ManifestLocation, Severity } from '../../src/rules/types.js';
import { workflowCommand } from './github.js';
import { TOOL_NAME } from '../package.js';
import { relPath } from './report.js';
import { SARIF_SCHEMA_URI, sarifDriver } from './sarif.js';
import type * as Sarif from 'sarif';
import type { Style } from './style.js';

export interface AttributedFinding {
  id: string;
  rule: string;
  severity: Severity;
  message: string;
  /** The responsible `Cargo.toml` line, as `check` gives it. */
  manifest: ManifestLocation | null;
  fixes: string[];
}

/** How a crate was found to link a library: its `links` key, the knowledge base's system-library names, or what its build script shows. */
export type AttributionVia = 'links' | 'knowledge-base' | 'build-script';

export interface Attribution {
  library: string;
  /** The crates that link it, the evidence that says so, and for `build-script` the lines of the script. */
  crates: { name: string; version: string; via: AttributionVia[]; evidence?: Evidence[] }[];
  finding?: AttributedFinding;
}

export type ProblemId = BinaryProblemId | 'unexplained-library';

export interface VerifyProblem {
  id: ProblemId;
  severity: Severity;
  message: string;
  library?: string;
  /** Where to point a CI annotation: the responsible Cargo.toml line, when a crate explains it. */
  location?: ManifestLocation;
  fixes?: string[];
}

export interface VerifiedArtifact extends BinaryFacts {
  /** The target triple the binary was built for, as far as is known. */
  target: string | null;
  /** The path as shown (relative to where the tool ran). */
  display: string;
  attribution: Attribution[];
  problems: VerifyProblem[];
  /** With a glibc floor: the distributions whose glibc meets it, and those whose glibc is older. */
  distributions?: { meet: string[]; miss: string[] };
}

export interface VerifyReport {
  artifacts: VerifiedArtifact[];
  warnings: string[];
  expect?: 'static';
  maxGlibc?: string;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Whether a problem at or above `failOn` is there. */
export function verifyFails(report: VerifyReport, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  return report.artifacts.some((a) => a.problems.some((p) => RANK[p.severity] >= RANK[failOn]));
}

function linkageText(a: VerifiedArtifact): string {
  const format = a.format === 'elf' ? 'ELF' : a.format === 'pe' ? 'PE' : 'Mach-O';
  const libc = a.libc ? `, ${a.libc}` : '';
  return `${format} ${a.machine}, ${a.linkage}${libc}`;
}

function counts(report: VerifyReport): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const a of report.artifacts) for (const p of a.problems) c[p.severity]++;
  return c;
}

function summaryLine(report: VerifyReport): string {
  const c = counts(report);
  const n = report.artifacts.length;
  return `${n} binar${n === 1 ? 'y' : 'ies'} verified: ${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.info} note${c.info === 1 ? '' : 's'}`;
}

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function renderVerifyHuman(report: VerifyReport, style: Style, cwd: string): string {
  const out: string[] = [];
  for (const a of report.artifacts) {
    out.push(style.bold(`${a.display}: ${linkageText(a)}${a.target ? ` (${a.target})` : ''}`));
    if (a.interpreter) out.push(`  interpreter: ${a.interpreter}`);
    if (a.format === 'pe') {
      const crt = a.needed.filter((n) => WINDOWS_CRT.test(n));
      out.push(`  C runtime: ${crt.length ? `DLL (${crt.join(', ')}): built without +crt-static` : a.libc === 'msvcrt' ? "the system's msvcrt.dll" : 'linked in'}`);
    }
    out.push(`  needed: ${a.needed.length ? a.needed.join(', ') : 'none'}`);
    if (a.runpath.length) out.push(`  runpath: ${a.runpath.join(':')}`);
    if (a.rpath.length) out.push(`  rpath: ${a.rpath.join(':')}`);
    if (a.glibcFloor) {
      out.push(`  glibc floor: ${a.glibcFloor}`);
      if (a.distributions?.meet.length) out.push(`    runs on: ${a.distributions.meet.join(', ')}`);
      if (a.distributions?.miss.length) out.push(`    too old: ${a.distributions.miss.join(', ')}`);
    }
    for (const r of a.runtimeNeeds) out.push(`  ${r.runtime === 'GCC' ? 'GCC runtime' : 'C++ runtime'}: ${r.runtime}_${r.version} from ${r.library}`);
    out.push(`  dlopen: ${a.dlopen === null ? 'unknown (no symbol table)' : a.dlopen ? 'yes' : 'no'}`);
    for (const at of a.attribution) {
      const who = at.crates.length ? at.crates.map((c) => `${c.name} v${c.version} (${c.via.join(', ')})`).join(', ') : 'no crate of the graph';
      out.push(`  ${at.library}: linked by ${who}`);
      for (const c of at.crates) for (const e of c.evidence ?? []) out.push(`    ${c.name}: ${evidenceLine(e)}`);
    }
    for (const p of a.problems) {
      const label = p.severity === 'error' ? style.red(LABEL[p.severity]) : p.severity === 'warning' ? style.yellow(LABEL[p.severity]) : style.cyan(LABEL[p.severity]);
      out.push(`${label}: ${a.display}: ${p.message}`);
      if (p.location) out.push(`  ${style.cyan('-->')} ${relPath(cwd, p.location.path)}:${p.location.line}:${p.location.column}`);
      for (const fix of p.fixes ?? []) out.push(`  = help: ${fix}`);
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return out.join('\n') + '\n';
}

/** The JSON document (`schema/verify.schema.json`). */
export function verifyJson(report: VerifyReport, base: string) {
  return {
    schemaVersion: 1 as const,
    artifacts: report.artifacts.map((a) => ({
      path: a.display,
      format: a.format,
      machine: a.machine,
      target: a.target,
      linkage: a.linkage,
      interpreter: a.interpreter,
      libc: a.libc,
      needed: a.needed,
      runpath: a.runpath,
      rpath: a.rpath,
      glibcFloor: a.glibcFloor,
      glibcPrivate: a.glibcPrivate,
      ...(a.distributions ? { distributions: a.distributions } : {}),
      runtimeNeeds: a.runtimeNeeds,
      dlopen: a.dlopen,
      attribution: a.attribution.map((at) => ({
        library: at.library,
        crates: at.crates.map((c) => ({ name: c.name, version: c.version, via: c.via, ...(c.evidence?.length ? { evidence: c.evidence.map(evidenceJson) } : {}) })),
        ...(at.finding ? { finding: { ...at.finding, manifest: at.finding.manifest && { ...at.finding.manifest, path: relPath(base, at.finding.manifest.path) } } } : {}),
      })),
      problems: a.problems.map((p) => ({
        id: p.id,
        severity: p.severity,
        message: p.message,
        ...(p.library ? { library: p.library } : {}),
        ...(p.location ? { location: { ...p.location, path: relPath(base, p.location.path) } } : {}),
      })),
    })),
    warnings: report.warnings,
  };
}

/** A build script's line as the JSON report gives it (as `check`'s report does). */
const evidenceJson = (e: Evidence) => ({ file: e.file, line: e.line, column: e.column, text: e.text, ...(e.inWorkspace ? { inWorkspace: true } : {}) });

export function renderVerifyJson(report: VerifyReport, base: string): string {
  return JSON.stringify(verifyJson(report, base), null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export function renderVerifySarif(report: VerifyReport, base: string): string {
  const ids = [...new Set(report.artifacts.flatMap((a) => a.problems.map((p) => p.id)))].sort();
  const results = report.artifacts.flatMap((a) =>
    a.problems.map((p): Sarif.Result => {
      const loc: Sarif.PhysicalLocation = p.location
        ? { artifactLocation: { uri: relPath(base, p.location.path), uriBaseId: '%SRCROOT%' }, region: { startLine: p.location.line, startColumn: p.location.column } }
        : { artifactLocation: { uri: relPath(base, a.path), uriBaseId: '%SRCROOT%' } };
      return {
        ruleId: `verify/${p.id}`,
        ruleIndex: ids.indexOf(p.id),
        level: SARIF_LEVEL[p.severity],
        message: { text: `${a.display}: ${p.message}${p.fixes?.length ? `\nFix: ${p.fixes.join('\nFix: ')}` : ''}` },
        locations: [{ physicalLocation: loc }],
        ...(p.location ? { relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: relPath(base, a.path), uriBaseId: '%SRCROOT%' } }, message: { text: 'the binary' } }] } : {}),
        partialFingerprints: { 'cargoPreflightVerify/v1': `${p.id}:${relPath(base, a.path)}:${a.machine}:${p.library ?? ''}` },
        properties: { binary: relPath(base, a.path), machine: a.machine, linkage: a.linkage, ...(a.target ? { target: a.target } : {}), ...(p.library ? { library: p.library } : {}) },
      };
    }),
  );
  const sarif: Sarif.Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: sarifDriver(ids.map((id) => ({ id: `verify/${id}`, name: id, shortDescription: { text: RULE_TEXT[id] } }))) },
        invocations: [{ executionSuccessful: true, ...(report.warnings.length ? { toolExecutionNotifications: report.warnings.map((w) => ({ level: 'warning', message: { text: w } })) } : {}) }],
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the repository (the folder holding .git), else the folder cargo-preflight ran in.' } } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

const RULE_TEXT: Record<ProblemId, string> = {
  'not-static': 'The binary is not static (--expect static)',
  'library-needed': 'The shared library needs a library beyond the C runtime (--expect static)',
  'crt-dll': 'The binary imports the C runtime as a DLL (--expect static)',
  'non-system-dll': 'The binary imports a DLL that is not a Windows system DLL (--expect static)',
  'non-system-dylib': 'The binary loads a library that is not a macOS system library (--expect static)',
  'glibc-too-new': 'The binary needs a newer glibc than --max-glibc',
  'glibc-private': "The binary needs GLIBC_PRIVATE, glibc's internal interface",
  'unexplained-library': 'No crate of the artifact graph links this library',
};

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function renderVerifyGithub(report: VerifyReport, base: string): string {
  const out: string[] = [];
  for (const a of report.artifacts) {
    for (const p of a.problems) {
      const file = relPath(base, p.location?.path ?? a.path);
      const props: Record<string, string | number> = { file, ...(p.location ? { line: p.location.line, col: p.location.column } : {}), title: `verify/${p.id}: ${a.display}` };
      const lines = [`${a.display}: ${p.message}`, ...(p.fixes ?? []).map((f) => `Fix: ${f}`)];
      out.push(workflowCommand(COMMAND[p.severity], props, lines.join('\n')));
    }
  }
  for (const w of report.warnings) out.push(workflowCommand('warning', { title: `${TOOL_NAME} verify` }, w));
  out.push(`${TOOL_NAME}: ${summaryLine(report)}`);
  return out.join('\n') + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderVerifyMarkdown(report: VerifyReport, base: string): string {
  const out = [`## ${TOOL_NAME} verify`, '', summaryLine(report), '', '| Binary | Format | Linkage | libc | glibc floor | Needed |', '|---|---|---|---|---|---|'];
  for (const a of report.artifacts) {
    out.push(`| \`${cell(relPath(base, a.path))}\` | ${a.format} ${a.machine} | ${a.linkage} | ${a.libc ?? '—'} | ${a.glibcFloor ?? '—'} | ${cell(a.needed.join(', ') || 'none')} |`);
  }
  const problems = report.artifacts.flatMap((a) => a.problems.map((p) => ({ a, p })));
  if (problems.length) {
    out.push('', '| Severity | Binary | Problem | Where |', '|---|---|---|---|');
    for (const { a, p } of problems) {
      const where = p.location ? `\`${cell(relPath(base, p.location.path))}:${p.location.line}\`` : '—';
      out.push(`| ${LABEL[p.severity]} | \`${cell(relPath(base, a.path))}\` | ${cell(p.message)}${p.fixes?.length ? `<br>Fix: ${cell(p.fixes.join('; '))}` : ''} | ${where} |`);
    }
  }
  for (const w of report.warnings) out.push('', `> warning: ${cell(w)}`);
  return out.join('\n') + '\n';
}
