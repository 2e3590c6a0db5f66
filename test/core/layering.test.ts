/**
 * Dependencies point one way: src/lockfile and src/manifest sit below
 * src/resolve and import nothing from it (values or types); src/knowledge
 * sits below the rules and fixers and above the resolver; the rules read no
 * files (the knowledge base comes to them as data).
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

  it('src/knowledge imports nothing from src/rules, src/fixers or the CLI', () => {
    const all = imports('knowledge');
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((i) => /(^|\/)(rules|fixers|cli)\//.test(i.spec))).toEqual([]);
  });

  for (const dir of ['resolve', 'registry', 'config', 'cfg', 'manifest', 'lockfile']) {
    it(`src/${dir} imports nothing from src/knowledge or src/rules`, () => {
      expect(imports(dir).filter((i) => /(^|\/)(knowledge|rules)\//.test(i.spec))).toEqual([]);
    });
  }

  it('src/rules reads no files and loads no knowledge: the CLI hands the knowledge base to the rules', () => {
    const all = imports('rules');
    expect(all.filter((i) => /^node:fs|\/knowledge\/(load|files|proc-macros)\.js$/.test(i.spec))).toEqual([]);
  });
});
