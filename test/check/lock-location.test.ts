/** Each finding names the `[[package]]` of its crate in Cargo.lock: the line of its `name`, followed by its version. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';
import { projectCopy } from './fixtures.js';

interface JsonFinding {
  package: { name: string; version: string };
  lockfile: { path: string; line: number; column: number } | null;
}

describe('the Cargo.lock location of a finding', () => {
  it('is the line of the package entry, for every finding', async () => {
    const dir = projectCopy('openssl-reqwest', { 'cargo-preflight.toml': '[severity]\ncross-environment = "off"\n' });
    const r = await cli(['check', '--offline', '--quiet', '--format', 'json'], { cwd: dir });
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    const located = findings.filter((f) => f.lockfile);
    expect(located.length).toBeGreaterThan(0);
    const lines = readFileSync(join(dir, 'Cargo.lock'), 'utf8').split('\n');
    for (const f of located) {
      expect(f.lockfile!.path.endsWith('Cargo.lock')).toBe(true);
      expect(lines[f.lockfile!.line - 1]).toBe(`name = "${f.package.name}"`);
      expect(lines[f.lockfile!.line]).toBe(`version = "${f.package.version}"`);
    }
  });
});
