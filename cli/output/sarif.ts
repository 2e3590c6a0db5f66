/**
 * `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's upload-sarif,
 * GitLab, IDE viewers). One run; one rule descriptor per lint; each result
 * is located at the `Cargo.toml` line declaring the responsible dependency,
 * with the Cargo.lock entry (and a `[workspace.dependencies]` line) as
 * related locations and the inclusion paths in the message. URIs are
 * relative to `%SRCROOT%` (the repository root, see `repositoryRoot`), so the
 * log holds no machine-specific path and the same input gives the same bytes.
 * Each rule's messages are its descriptor's `messageStrings`, and a result's
 * message names its string (`id`, `arguments`) besides the full `text`.
 * The log is typed by `@types/sarif`, the schema's own types.
 */
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { placeholders } from '../../src/rules/messages.js';
import type { Finding, ManifestLocation, PathStep, RuleMeta, Severity } from '../../src/rules/types.js';
import { TOOL_NAME, toolUri, toolVersion } from '../package.js';
import { baselineState, crateText, declarationText, fixesOf, fixTexts, morePathsText, primaryLocation, shownPaths, relPath, type Report } from './report.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The tool's SARIF driver (name, version, home page) with the rules of a run: shared by `check` and `verify`. */
export function sarifDriver(rules: Sarif.ReportingDescriptor[], properties?: Sarif.PropertyBag): Sarif.ToolComponent {
  const version = toolVersion();
  return { name: TOOL_NAME, version, semanticVersion: version, informationUri: toolUri(), rules, ...(properties ? { properties } : {}) };
}
/** The key of the finding id in `partialFingerprints` (versioned, as SARIF recommends). */
export const FINGERPRINT_KEY = 'cargoPreflightFindingId/v1';
const SRCROOT = '%SRCROOT%';
/** The base of a crate's published files, `<name>-<version>/…` (cargo's `registry/src/<registry>/`, or the `.crate` archive unpacked). */
const CRATE_SOURCES = 'CRATE_SOURCES';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning's `problem.severity` for non-security alerts. */
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

export interface SarifOptions {
  /** Absolute folder that `%SRCROOT%` stands for: URIs are relative to it. */
  base: string;
}

/** `native-link` → `NativeLink`: SARIF's `name` is an identifier-like form of the id. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A relative URI reference: each segment percent-encoded, forward slashes. */
function uriOf(base: string, path: string): string {
  return relPath(base, path)
    .split('/')
    .map((s) => (s === '..' || s === '.' ? s : encodeURIComponent(s)))
    .join('/');
}

function physical(base: string, l: ManifestLocation): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: uriOf(base, l.path), uriBaseId: SRCROOT },
    region: { startLine: l.line, startColumn: l.column },
  };
}

/**
 * An inclusion path in SARIF message text. Brackets are reserved there for
 * embedded links, so features are shown in parentheses:
 * `app → reqwest (feature default-tls) → native-tls → openssl-sys`.
 */
export function sarifPathText(steps: PathStep[]): string {
  return steps
    .map((s, i) => {
      if (i === 0) return s.name;
      const name = s.as ? `${s.as} (${s.name})` : s.name;
      return s.via.length ? `${name} (feature${s.via.length > 1 ? 's' : ''} ${s.via.join(', ')})` : name;
    })
    .join(' → ');
}

/** Literal brackets (and backslashes) in SARIF message text are escaped, or they would read as embedded links (§3.11.6). */
function escapeText(s: string): string {
  return s.replace(/[[\]\\]/g, (c) => `\\${c}`);
}

/**
 * A rule's message template as a SARIF message string (§3.11.5): each
 * `{{name}}` becomes `{n}`, n its index in `placeholders` order (that of a
 * result's `arguments`); literal braces are doubled and brackets escaped.
 */
export function sarifMessageString(template: string): string {
  const names = placeholders(template);
  return template
    .split(/(\{\{\s*[^{}]+?\s*\}\})/)
    .map((part, i) => (i % 2 ? `{${names.indexOf(part.slice(2, -2).trim())}}` : escapeText(part).replace(/[{}]/g, (c) => c + c)))
    .join('');
}

/** A result's `arguments`: the finding's data in the order of its message's placeholders. */
function messageArguments(template: string, data: Record<string, string>): string[] {
  return placeholders(template).map((name) => escapeText(data[name] ?? ''));
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const messages = Object.entries(meta.messages);
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.details },
    helpUri: meta.docs,
    help: { text: `${meta.details}\n\nDocumentation: ${meta.docs}`, markdown: `${meta.details}\n\n[Documentation](${meta.docs})` },
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    ...(messages.length ? { messageStrings: Object.fromEntries(messages.map(([id, t]) => [id, { text: sarifMessageString(t) }])) } : {}),
    properties: { tags: ['portability', 'static-linking'], precision: 'very-high', 'problem.severity': PROBLEM_SEVERITY[meta.defaultSeverity] },
  };
}

/** A rule the run reported but did not describe (a rule list out of step): the descriptor SARIF needs, from the finding. */
function fallbackMeta(f: Finding): RuleMeta {
  return { id: f.rule, defaultSeverity: f.severity, description: f.rule, details: f.rule, docs: f.docs, messages: {} };
}

function result(report: Report, f: Finding, meta: RuleMeta, ruleIndex: number, base: string): Sarif.Result {
  const primary = primaryLocation(report, f);
  const related: Sarif.Location[] = [];
  const lines: string[] = [`${escapeText(f.message)} (target ${escapeText(f.target)})`];
  if (f.direct?.inheritedFrom) {
    related.push({ id: related.length + 1, physicalLocation: physical(base, f.direct.inheritedFrom), message: { text: `\`${f.direct.dependency}\` in [workspace.dependencies]` } });
    lines.push(`Declared in [workspace.dependencies](${related.length}).`);
  }
  if (f.direct && f.lockfile) {
    related.push({ id: related.length + 1, physicalLocation: physical(base, f.lockfile), message: { text: `${crateText(f)} in Cargo.lock` } });
    lines.push(`Locked as [${escapeText(crateText(f))}](${related.length}).`);
  }
  // Build-script evidence: a vendored file under the repository, else the crate's published file (`<name>-<version>/build.rs`) under CRATE_SOURCES.
  for (const e of f.evidence ?? []) {
    const at: Sarif.PhysicalLocation = e.inWorkspace
      ? physical(base, { path: join(report.root, e.file), line: e.line, column: e.column })
      : { artifactLocation: { uri: e.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: CRATE_SOURCES }, region: { startLine: e.line, startColumn: e.column } };
    related.push({ id: related.length + 1, physicalLocation: at, message: { text: escapeText(e.text) } });
    lines.push(`Build script: [${escapeText(`${e.file}:${e.line}:${e.column}`)}](${related.length}).`);
  }
  for (const p of shownPaths(f)) lines.push(`Included through: ${escapeText(sarifPathText(p))}`);
  const more = morePathsText(f, `${TOOL_NAME} why`);
  if (more) lines.push(`Included through: ${escapeText(more)}`);
  for (const fix of fixTexts(report, f)) lines.push(`Fix: ${escapeText(fix)}`);
  const fixes = sarifFixes(report, f, base);
  if (f.allowed) lines.push(`Allowed: ${escapeText(f.allowed.reason)}`);
  const state = baselineState(report, f);
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: {
      text: lines.join('\n'),
      ...(Object.hasOwn(meta.messages, f.messageId) ? { id: f.messageId, arguments: messageArguments(meta.messages[f.messageId]!, f.data) } : {}),
    },
    locations: [
      {
        physicalLocation: physical(base, primary),
        ...(f.direct ? { message: { text: escapeText(declarationText(f)) } } : {}),
      },
    ],
    ...(related.length ? { relatedLocations: related } : {}),
    ...(fixes.length ? { fixes } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    ...(state ? { baselineState: state } : {}),
    ...(f.allowed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.allowed.reason }] } : {}),
    properties: {
      target: f.target,
      ...(f.cause ? { feature: f.cause.feature } : {}),
      crate: f.package.name,
      version: f.package.version,
      ...(f.features.length ? { features: f.features } : {}),
      pathCount: f.pathCount,
      ...(f.direct ? { dependency: `${f.direct.member}/${f.direct.dependency}` } : {}),
      ...(f.builtAlone ? { builtAlone: f.builtAlone } : {}),
    },
  };
}

/**
 * The proven fix `fix` applies for the finding's crate as SARIF fixes
 * (§3.55): each file it changes, as one replacement of the characters
 * between the parts the edit leaves alone (UTF-16 offsets, as `columnKind`).
 */
function sarifFixes(report: Report, f: Finding, base: string): Sarif.Fix[] {
  const out: Sarif.Fix[] = [];
  for (const x of fixesOf(report, f) ?? []) {
    const changes = x.status === 'applied' && x.proven ? report.fixes!.changes.get(x.id) : undefined;
    if (!changes?.length) continue;
    out.push({
      description: { text: escapeText(x.title) },
      artifactChanges: changes.map((c) => {
        let start = 0;
        while (start < c.before.length && start < c.after.length && c.before[start] === c.after[start]) start++;
        let end = 0;
        while (end < c.before.length - start && end < c.after.length - start && c.before[c.before.length - 1 - end] === c.after[c.after.length - 1 - end]) end++;
        return {
          artifactLocation: { uri: uriOf(base, c.path), uriBaseId: SRCROOT },
          replacements: [{ deletedRegion: { charOffset: start, charLength: c.before.length - start - end }, insertedContent: { text: c.after.slice(start, c.after.length - end) } }],
        };
      }),
    });
  }
  return out;
}

export function buildSarif(report: Report, options: SarifOptions): Sarif.Log {
  const metas = [...report.rules];
  for (const f of report.findings) if (!metas.some((m) => m.id === f.rule)) metas.push(fallbackMeta(f));
  metas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const notifications: Sarif.Notification[] = [
    ...report.unresolved.map(
      (u): Sarif.Notification => ({
        level: 'warning',
        message: { text: `could not read metadata of ${u.name} v${u.version}: ${u.reason}; its dependencies are not checked` },
      }),
    ),
    ...report.warnings.map((w): Sarif.Notification => ({ level: 'warning', message: { text: w } })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        // The facts the findings were judged by, to reproduce a run.
        tool: { driver: sarifDriver(metas.map(ruleDescriptor), { knowledgeBase: { version: report.knowledgeBase.version } }) },
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: 'The root of the repository (the folder holding .git), else the folder cargo-preflight ran in.' } },
          ...(report.findings.some((f) => f.evidence?.some((e) => !e.inWorkspace))
            ? { [CRATE_SOURCES]: { description: { text: "The folder holding crates' published sources as `<name>-<version>/` (cargo's registry/src/<registry>/)." } } }
            : {}),
        },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => result(report, f, metas[index.get(f.rule)!]!, index.get(f.rule)!, options.base)),
        properties: { targets: report.targets },
      },
    ],
  };
}

export function renderSarif(report: Report, options: SarifOptions): string {
  return JSON.stringify(buildSarif(report, options), null, 2) + '\n';
}
