/**
 * The CI formats on the real-world corpus (three projects with their full
 * vendor trees): SARIF valid against the SARIF 2.1.0 schema and fit for
 * GitHub code scanning, each result on a real `Cargo.toml` line declaring
 * the dependency it names; the JSON report valid against its schema;
 * annotations one per finding that is not allowed. Skips, saying so, where
 * the corpus is absent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { REALWORLD_PROJECTS, REALWORLD_SKIP_REASON, realworldAvailable, realworldProject } from '../helpers/realworld.js';

const available = realworldAvailable();
if (!available) console.warn(REALWORLD_SKIP_REASON);

const schema = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));

describe.skipIf(!available)('CI formats on the real-world corpus', () => {
  const sarifAjv = new AjvDraft04.default({ strict: false, allErrors: true });
  addFormats.default(sarifAjv);
  const validateSarif = sarifAjv.compile(schema('../fixtures/schemas/sarif-schema-2.1.0.json'));
  const validateJson = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema('../../schema/report.schema.json'));

  for (const name of REALWORLD_PROJECTS) {
    it(name, async () => {
      const dir = realworldProject(name);
      const args = ['check', '--offline', '--quiet', '--workspace'];
      const env = {};
      const json = JSON.parse((await cli([...args, '--format', 'json'], { cwd: dir, env })).stdout);
      expect(validateJson(json), JSON.stringify(validateJson.errors)).toBe(true);
      expect(json.findings.length).toBeGreaterThan(0);

      const sarif = JSON.parse((await cli([...args, '--format', 'sarif'], { cwd: dir, env })).stdout);
      expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
      expect(sarif.runs).toHaveLength(1);
      const results = sarif.runs[0].results;
      // What depends on this machine (cross-environment) stays out of SARIF.
      const portable = json.findings.filter((f: { rule: string }) => f.rule !== 'cross-environment');
      expect(results).toHaveLength(portable.length);
      let withLine = 0;
      for (const [i, r] of results.entries()) {
        const f = portable[i];
        expect(r.ruleId).toBe(f.rule);
        expect(r.partialFingerprints['cargoPreflightFindingId/v1']).toBe(f.id);
        const loc = r.locations[0].physicalLocation;
        expect(loc.artifactLocation.uri).not.toMatch(/^\/|^[a-z]+:/);
        if (!f.direct) continue;
        withLine++;
        // The line names the dependency (key, dotted key or table header).
        const line = readFileSync(join(dir, decodeURIComponent(loc.artifactLocation.uri)), 'utf8').split('\n')[loc.region.startLine - 1];
        expect(line, `${f.rule} ${f.package.name}: ${loc.artifactLocation.uri}:${loc.region.startLine}`).toContain(f.direct.dependency);
      }

      expect(withLine).toBeGreaterThan(0);

      const gh = (await cli([...args, '--format', 'github'], { cwd: dir, env })).stdout.split('\n').filter((l) => l.startsWith('::'));
      expect(gh).toHaveLength(json.findings.filter((f: { allowed?: unknown }) => !f.allowed).length + json.unresolved.length);
    });
  }
});
