/**
 * Schema validation of the machine-readable reports:
 * - `--format json` against schema/report.schema.json (committed, draft 2020-12);
 * - `--format sarif` against the official SARIF 2.1.0 schema (OASIS,
 *   oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json, vendored unchanged
 *   in test/fixtures/schemas/, see the README there), and against what
 *   GitHub code scanning's upload requires beyond the schema.
 * Outputs come from real runs on the fixture workspace, with a baseline and
 * without, and on a workspace whose findings have no dependency declaration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifMessageString } from '../../cli/output/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { cli } from '../check/cli.js';
import { workspaceCopy } from './helpers.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const reportSchema = JSON.parse(readFileSync(here('../../schema/report.schema.json'), 'utf8'));
const baselineSchema = JSON.parse(readFileSync(here('../../schema/baseline.schema.json'), 'utf8'));
const sarifSchema = JSON.parse(readFileSync(here('../fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8'));

function jsonValidator() {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  return ajv.compile(reportSchema);
}

function sarifValidator() {
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(sarifSchema);
}

const errorsOf = (v: { errors?: unknown }) => JSON.stringify(v.errors, null, 2);

/**
 * What GitHub code scanning's SARIF upload needs beyond the schema
 * (docs "SARIF support for code scanning"): one run per tool, a driver
 * name, `ruleId` on every result, a message text, a location with a
 * relative artifact URI and a start line; at most 25,000 results per run,
 * 1,000 locations per result, 20 tags per rule; and rule ids that exist.
 */
function githubProblems(log: any): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push('version is not 2.1.0');
  const runs = log.runs ?? [];
  const tools = runs.map((r: any) => r.tool?.driver?.name);
  if (new Set(tools).size !== tools.length) problems.push('more than one run for a tool');
  for (const run of runs) {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push('run without tool.driver.name');
    const ruleIds = new Set((driver?.rules ?? []).map((r: any) => r.id));
    for (const rule of driver?.rules ?? []) {
      if ((rule.properties?.tags ?? []).length > 20) problems.push(`rule ${rule.id}: more than 20 tags`);
      if (!rule.shortDescription?.text || !rule.fullDescription?.text || !rule.helpUri) problems.push(`rule ${rule.id}: descriptions or helpUri missing`);
    }
    if ((run.results ?? []).length > 25_000) problems.push('more than 25,000 results');
    for (const [i, res] of (run.results ?? []).entries()) {
      const at = `result ${i}`;
      if (!res.ruleId) problems.push(`${at}: no ruleId`);
      else if (!ruleIds.has(res.ruleId)) problems.push(`${at}: ruleId ${res.ruleId} has no rule descriptor`);
      else if (res.ruleIndex !== undefined && driver.rules[res.ruleIndex]?.id !== res.ruleId) problems.push(`${at}: ruleIndex does not point at ruleId`);
      if (!res.message?.text) problems.push(`${at}: no message.text`);
      const locs = res.locations ?? [];
      if (locs.length < 1 || locs.length > 1000) problems.push(`${at}: ${locs.length} locations`);
      for (const l of [...locs, ...(res.relatedLocations ?? [])]) {
        const uri: string | undefined = l.physicalLocation?.artifactLocation?.uri;
        if (!uri) problems.push(`${at}: location without physicalLocation.artifactLocation.uri`);
        else if (/^[a-z]+:|^\//i.test(uri) || uri.includes('\\')) problems.push(`${at}: uri ${uri} is not a relative URI`);
        if (!(l.physicalLocation?.region?.startLine >= 1)) problems.push(`${at}: no region.startLine`);
      }
      for (const [k, v] of Object.entries(res.partialFingerprints ?? {})) if (typeof v !== 'string') problems.push(`${at}: fingerprint ${k} is not a string`);
    }
  }
  return problems;
}

describe('--format json and schema/report.schema.json', () => {
  const validate = jsonValidator();

  it('accepts the report of the fixture workspace, with and without a baseline', async () => {
    const root = workspaceCopy('workspace');
    const plain = await cli(['check', '--offline', '--quiet', '--format', 'json'], { cwd: root });
    const doc = JSON.parse(plain.stdout);
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(validate(doc), errorsOf(validate)).toBe(true);
    await cli(['check', '--offline', '--quiet', '--write-baseline', 'b.json', '--format', 'json', '--output', 'r.json'], { cwd: root });
    const withBaseline = JSON.parse((await cli(['check', '--offline', '--quiet', '--format', 'json', '--baseline', 'b.json'], { cwd: root })).stdout);
    expect(withBaseline.baseline).toEqual({ path: 'b.json', new: 2, unchanged: 8, fixed: [] });
    expect(validate(withBaseline), errorsOf(validate)).toBe(true);
  });

  it('rejects documents that break it (the validator is not vacuous)', async () => {
    const root = workspaceCopy('workspace');
    const doc = JSON.parse((await cli(['check', '--offline', '--quiet', '--format', 'json'], { cwd: root })).stdout);
    const broken = [
      { ...doc, schemaVersion: 2 },
      { ...doc, findings: [{ ...doc.findings[0], severity: 'fatal' }] },
      { ...doc, findings: [{ ...doc.findings[0], id: 'not-hex' }] },
      { ...doc, findings: [{ ...doc.findings[0], extra: true }] },
      { ...doc, summary: { error: 1 } },
    ];
    for (const b of broken) expect(validate(b)).toBe(false);
  });
});

describe('--format sarif', () => {
  const validate = sarifValidator();
  let log: any;
  let baselined: any;

  beforeAll(async () => {
    const root = workspaceCopy('workspace');
    log = JSON.parse((await cli(['check', '--offline', '--quiet', '--format', 'sarif'], { cwd: root })).stdout);
    await cli(['check', '--offline', '--quiet', '--write-baseline', 'b.json', '--format', 'json', '--output', 'r.json'], { cwd: root });
    baselined = JSON.parse((await cli(['check', '--offline', '--quiet', '--format', 'sarif', '--baseline', 'b.json'], { cwd: root })).stdout);
  });

  it('is valid against the SARIF 2.1.0 schema', () => {
    expect(validate(log), errorsOf(validate)).toBe(true);
    expect(validate(baselined), errorsOf(validate)).toBe(true);
  });

  it('meets the constraints of GitHub code scanning uploads', () => {
    expect(githubProblems(log)).toEqual([]);
    expect(githubProblems(baselined)).toEqual([]);
    // The checks above find what they look for.
    const bad = structuredClone(log);
    delete bad.runs[0].results[0].ruleId;
    bad.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = '/abs/Cargo.toml';
    bad.runs.push(structuredClone(log.runs[0]));
    expect(githubProblems(bad)).toEqual(['more than one run for a tool', 'result 0: no ruleId', 'result 1: uri /abs/Cargo.toml is not a relative URI']);
  });

  it('the schema check fails on an invalid log', () => {
    const bad = structuredClone(log);
    bad.runs[0].results[0].level = 'fatal';
    bad.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(bad)).toBe(false);
  });

  it('describes every rule of the run once, from its meta', () => {
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('cargo-preflight');
    expect(driver.version).toBe(JSON.parse(readFileSync(here('../../package.json'), 'utf8')).version);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const ids = driver.rules.map((r: any) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const nativeLibrary = driver.rules.find((r: any) => r.id === 'native-library');
    expect(nativeLibrary.defaultConfiguration.level).toBe('error');
    expect(nativeLibrary.helpUri).toContain('native-library');
  });

  it('gives each rule its messages as messageStrings, and each result the id and arguments that rebuild its first line', () => {
    const driver = log.runs[0].tool.driver;
    for (const rule of driver.rules) {
      const meta = RULES.find((r) => r.meta.id === rule.id)!;
      expect(Object.keys(rule.messageStrings)).toEqual(Object.keys(meta.meta.messages));
    }
    expect(driver.rules.find((r: any) => r.id === 'native-library').messageStrings.noStaticOptionOn).toEqual({
      text: '`{0} v{1}` links the system {2} and none of its static options is on',
    });
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const template: string = driver.rules[r.ruleIndex].messageStrings[r.message.id].text;
      // §3.11.5: {n} is the nth argument, {{ and }} literal braces.
      const resolved = template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, n) => (n === undefined ? m[0]! : r.message.arguments[Number(n)]));
      expect(r.message.text.split('\n')[0]).toBe(`${resolved} (target ${r.properties.target})`);
    }
    // Literal braces are doubled and brackets escaped, as in the text.
    expect(sarifMessageString('`{{crate}}` in {a} [b] of {{ crate }} and {{other}}')).toBe('`{0}` in {{a}} \\[b\\] of {0} and {1}');
    const openssl = results.find((x: any) => x.properties.crate === 'openssl-sys');
    expect(openssl.message).toMatchObject({ id: 'noStaticOptionOn', arguments: ['openssl-sys', '0.9.107', 'OpenSSL (libssl, libcrypto)'] });
  });

  it('locates a result at the dependency line, with Cargo.lock and [workspace.dependencies] as related locations', () => {
    const root = workspaceCopy('workspace');
    const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8').split('\n');
    const lockLine = lock.findIndex((l, i) => l === 'name = "openssl-sys"' && lock[i + 1] === 'version = "0.9.107"') + 1;
    const app = readFileSync(join(root, 'app/Cargo.toml'), 'utf8').split('\n');
    const ws = readFileSync(join(root, 'Cargo.toml'), 'utf8').split('\n');
    const r = log.runs[0].results.find((x: any) => x.properties.crate === 'openssl-sys' && x.properties.target === 'x86_64-unknown-linux-musl');
    expect(r.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'app/Cargo.toml', uriBaseId: '%SRCROOT%' },
      region: { startLine: app.indexOf('http.workspace = true') + 1, startColumn: 1 },
    });
    const related = r.relatedLocations.map((l: any) => [l.id, l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine]);
    expect(related).toEqual([
      [1, 'Cargo.toml', ws.findIndex((l) => l.startsWith('http = ')) + 1],
      [2, 'Cargo.lock', lockLine],
    ]);
    expect(r.message.text).toContain('Locked as [openssl-sys v0.9.107](2).');
    expect(r.message.text).toContain('Included through: app → http (reqwest) → hyper-tls (feature default-tls) → native-tls → openssl-sys');
    expect(r.partialFingerprints['cargoPreflightFindingId/v1']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('marks allowed findings as suppressed and, with a baseline, each result new or unchanged', () => {
    const allowed = log.runs[0].results.filter((x: any) => x.suppressions);
    expect(allowed.map((x: any) => x.properties.crate)).toEqual(['libz-sys', 'libz-sys']);
    expect(allowed[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: "zlib is linked from the build image's static libz.a" }]);
    expect(log.runs[0].results.every((x: any) => x.baselineState === undefined)).toBe(true);
    const states = baselined.runs[0].results.map((x: any) => `${x.properties.crate}:${x.baselineState}`);
    expect(states.filter((s: string) => s.endsWith(':new'))).toEqual(['libz-sys:new', 'libz-sys:new']);
    expect(states.filter((s: string) => s.endsWith(':unchanged'))).toHaveLength(8);
  });
});

describe('--write-baseline and schema/baseline.schema.json', () => {
  it('the written baseline is valid, and the schema rejects what the reader rejects', async () => {
    const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(baselineSchema);
    const root = workspaceCopy('workspace');
    await cli(['check', '--offline', '--quiet', '--write-baseline', 'b.json', '--format', 'json', '--output', 'r.json'], { cwd: root });
    const doc = JSON.parse(readFileSync(join(root, 'b.json'), 'utf8'));
    expect(doc.findings).toHaveLength(8);
    expect(validate(doc), errorsOf(validate)).toBe(true);
    expect(validate({ ...doc, version: 2 })).toBe(false);
    expect(validate({ ...doc, findings: [{ ...doc.findings[0], id: '' }] })).toBe(false);
    expect(validate({ ...doc, extra: 1 })).toBe(false);
  });
});
