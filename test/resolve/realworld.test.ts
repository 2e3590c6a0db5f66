/**
 * The artifact graph of every project of the real-world corpus equals
 * `cargo tree --target T -e normal,no-proc-macro` on the same extracted tree,
 * for several targets and package and feature selections.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { Selection } from '../../src/resolve/index.js';
import { cargoAvailable, realworldAvailable, realworldProject, REALWORLD_PROJECTS, REALWORLD_SKIP_REASON } from '../helpers/realworld.js';
import { cargoTree, pooled, toolLines } from './compare.js';

const TARGETS = ['x86_64-unknown-linux-musl', 'x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-musl', 'x86_64-pc-windows-msvc', 'aarch64-apple-darwin', 'wasm32-unknown-unknown'];

const available = realworldAvailable() && cargoAvailable();
if (!available) console.warn(realworldAvailable() ? 'cargo not found; skipping the real-world comparison with cargo tree' : REALWORLD_SKIP_REASON);

describe.skipIf(!available)('real-world projects equal cargo tree', () => {
  for (const name of REALWORLD_PROJECTS) {
    it(name, async () => {
      const dir = realworldProject(name);
      const manifest = parse(readFileSync(join(dir, 'Cargo.toml'), 'utf8')) as { package: { name: string }; features?: Record<string, string[]> };
      const pkg = manifest.package.name;
      const features = Object.keys(manifest.features ?? {}).filter((f) => f !== 'default');
      const cases: { args: string[]; sel: Selection; targets: string[] }[] = [
        { args: [], sel: {}, targets: TARGETS },
        { args: ['--all-features'], sel: { allFeatures: true }, targets: TARGETS.slice(0, 2) },
        { args: ['--no-default-features'], sel: { noDefaultFeatures: true }, targets: TARGETS.slice(0, 1) },
        { args: ['-p', pkg], sel: { packages: [pkg] }, targets: TARGETS.slice(3, 4) },
      ];
      if (features.length) cases.push({ args: ['--features', features.join(',')], sel: { features }, targets: TARGETS.slice(0, 1) });
      const jobs = cases.flatMap((c) => c.targets.map((t) => () => cargoTree(dir, t, c.args)));
      const expected = await pooled(jobs);
      let i = 0;
      for (const c of cases) {
        const mine = await toolLines(dir, c.sel, c.targets);
        for (const t of c.targets) {
          const label = `${name} --target ${t} ${c.args.join(' ')}`;
          expect({ label, lines: mine.get(t) }).toEqual({ label, lines: expected[i++] });
        }
      }
      // Not a trivial graph: the corpus projects link a hundred crates and more.
      expect(expected[0].length).toBeGreaterThan(100);
    });
  }
});
