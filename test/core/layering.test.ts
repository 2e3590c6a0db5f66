/**
 * Dependencies point one way: src/lockfile and src/manifest sit below
 * src/resolve and import nothing from it (values or types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

function imports(dir: string): { file: string; spec: string }[] {
  const out: { file: string; spec: string }[] = [];
  for (const f of readdirSync(join(SRC, dir), { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const text = readFileSync(join(SRC, dir, f), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)) out.push({ file: `${dir}/${f}`, spec: m[1]! });
    for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push({ file: `${dir}/${f}`, spec: m[1]! });
  }
  return out;
}

describe('layering', () => {
  for (const dir of ['lockfile', 'manifest']) {
    it(`src/${dir} imports nothing from src/resolve, src/rules or src/fixers`, () => {
      const all = imports(dir);
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((i) => /(^|\/)(resolve|rules|fixers)\//.test(i.spec))).toEqual([]);
    });
  }
});
