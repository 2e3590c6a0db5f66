/**
 * The real-world corpus (../shared/realworld): for x86_64-unknown-linux-musl,
 * the errors are exactly the crates real `cargo tree` puts in the artifact
 * graph that link a system library without their static option (the
 * knowledge base's `linkage` of each crate cargo lists, with the features
 * cargo lists), and nothing outside cargo's graph is reported above info.
 */
import { describe, expect, it } from 'vitest';
import { linkage } from '../../src/knowledge/lookup.js';
import { kb } from '../rules/harness.js';
import { cargoAvailable, cargoTreeLines, REALWORLD_PROJECTS, REALWORLD_SKIP_REASON, realworldAvailable, realworldProject } from '../helpers/realworld.js';
import { checkJson } from './cli.js';

const TARGET = 'x86_64-unknown-linux-musl';
const available = realworldAvailable() && cargoAvailable();

if (!available) {
  describe.skip(`real-world projects (${realworldAvailable() ? 'cargo not found; skipping' : REALWORLD_SKIP_REASON})`, () => {
    it('needs the corpus and cargo', () => {});
  });
} else {
  describe('real-world projects against cargo tree', () => {
    for (const name of REALWORLD_PROJECTS) {
      it(name, async () => {
        const dir = realworldProject(name);
        // `name vX.Y.Z (path)|f1,f2`
        const cargo = cargoTreeLines(dir, TARGET).map((l) => {
          const [p, f] = l.split('|');
          const [crate, v] = p.split(' ');
          return { name: crate, version: v.slice(1), features: f ? f.split(',') : [] };
        });
        const inGraph = new Set(cargo.map((c) => `${c.name}@${c.version}`));
        const expected = cargo
          .filter((c) => {
            const m = kb.sysCrate(c.name);
            const l = m && linkage(m.entry, m.crate, c.version, c.features);
            return !!l && l.kind !== 'static';
          })
          .map((c) => `${c.name}@${c.version}`)
          .sort();
        expect(expected.length, 'every corpus project links some system library').toBeGreaterThan(0);

        const { code, report } = await checkJson([dir, '--target', TARGET]);
        const errors = report.findings
          .filter((f) => f.severity === 'error')
          .map((f) => `${f.package.name}@${f.package.version}`)
          .sort();
        expect(errors).toEqual(expected);
        expect(code).toBe(1);
        const outside = report.findings.filter((f) => f.severity !== 'info' && !inGraph.has(`${f.package.name}@${f.package.version}`));
        expect(outside.map((f) => `${f.rule} ${f.package.name}@${f.package.version}`)).toEqual([]);
        // Every finding names a crate of cargo's graph, with cargo's features.
        for (const f of report.findings) {
          const c = cargo.find((x) => x.name === f.package.name && x.version === f.package.version);
          expect(c, `${f.package.name}@${f.package.version}`).toBeDefined();
          expect(f.features).toEqual([...c!.features].sort());
        }
      });
    }
  });
}
