/**
 * Dependencies point one way. Every import of `src/`, `cli/`, `bench/`,
 * `scripts/` and `testkit/` (`import`, `import type`, `export … from`, a
 * dynamic `import()`, in `.ts` and `.tsx`, as TypeScript's own pre-processor
 * finds them) is checked against the order of the layers, top to bottom:
 *
 *   bench, scripts → testkit
 *   cli/main → cli/commands → cli/ui → cli/run → cli/output → cli/*.ts
 *   src/fixers → src/rules → src/evidence → src/knowledge → src/resolve → src/registry
 *   → {src/manifest, src/lockfile, src/cfg, src/config} → {src/crate, src/io, src/binary} → src/errors
 *
 * A layer imports only from layers below it. Within a group (the bottom
 * readers, the shared `cli/*.ts` files) sideways imports are allowed as long
 * as they form no cycle between folders. `bench/` and `scripts/` may use
 * `testkit/` (the loopback index server and generated registries the tests
 * share) but never `test/`. The rules read no files: the knowledge base
 * (`src/knowledge`, whose loader alone reads it) comes to them as data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SCANNED = ['src', 'cli', 'bench', 'scripts', 'testkit'];

/** Layers from the top (0) down; units of one layer may import each other sideways, without a cycle. */
const LAYERS: string[][] = [
  ['bench', 'scripts'],
  ['testkit'],
  ['cli/main'],
  ['cli/commands'],
  ['cli/ui'],
  ['cli/run'],
  ['cli/output'],
  ['cli/*'],
  ['src/fixers'],
  ['src/rules'],
  ['src/evidence'],
  ['src/knowledge'],
  ['src/resolve'],
  ['src/registry'],
  ['src/manifest', 'src/lockfile', 'src/cfg', 'src/config'],
  ['src/crate', 'src/io', 'src/binary'],
  ['src/errors'],
];

/** The unit a file belongs to: a folder of `src/` or `cli/`, `cli/main`, the shared `cli/*` files, or a top folder. */
function unitOf(rel: string): string {
  const parts = rel.split('/');
  const base = parts[parts.length - 1]!.replace(/\.(tsx?|js)$/, '');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : `src/${base}`;
  if (parts[0] === 'cli') {
    if (parts.length > 2) return `cli/${parts[1]}`;
    return base === 'main' ? 'cli/main' : 'cli/*';
  }
  return parts[0]!;
}

function rank(unit: string): number {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts')).map((f) => join(dir, f).split('\\').join('/'));
}

/** Every relative import of the scanned folders, as an edge between units (imports of packages are not edges). */
function edges(): { all: Edge[]; files: number } {
  const all: Edge[] = [];
  const files = SCANNED.flatMap(sourceFiles);
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
        .split('\\')
        .join('/');
      const from = unitOf(file);
      const to = target.startsWith('test/') ? 'test' : unitOf(target);
      if (from !== to) all.push({ from, to, file, spec });
    }
  }
  return { all, files: files.length };
}

/** Cycles between units, as lists of units (Tarjan's strongly connected components of more than one unit). */
function cycles(list: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of list) (next.get(e.from) ?? next.set(e.from, new Set()).get(e.from)!).add(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Every import specifier (packages and node: modules included) of the files of a folder. */
function specifiers(dir: string): { file: string; spec: string }[] {
  return sourceFiles(dir).flatMap((file) => ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map((i) => ({ file, spec: i.fileName })));
}

const describeEdge = (e: Edge) => `${e.file} imports '${e.spec}' (${e.from} → ${e.to})`;

describe('layering', () => {
  const { all, files } = edges();

  it('reads every import form of the scanned folders', () => {
    expect(files).toBeGreaterThan(100);
    // A type-only import, a re-export and a dynamic import are all edges.
    expect(all.some((e) => e.file === 'src/registry/types.ts' && e.to === 'src/crate')).toBe(true);
    expect(all.some((e) => e.file === 'cli/main.ts' && e.to === 'cli/commands')).toBe(true);
    expect(
      cycles([
        { from: 'a', to: 'b', file: '', spec: '' },
        { from: 'b', to: 'c', file: '', spec: '' },
        { from: 'c', to: 'a', file: '', spec: '' },
        { from: 'c', to: 'd', file: '', spec: '' },
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('places every unit in a layer', () => {
    const unplaced = [...new Set(all.flatMap((e) => [e.from, e.to]))].filter((u) => u !== 'test' && rank(u) < 0);
    expect(unplaced, `units not in the layer table: ${unplaced.join(', ')}`).toEqual([]);
  });

  it('imports only from the layers below (or sideways within a group)', () => {
    const against = all.filter((e) => e.to === 'test' || rank(e.from) > rank(e.to));
    expect(against.map(describeEdge), `imports against the layer order:\n${against.map(describeEdge).join('\n')}`).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const found = cycles(all);
    const report = found.map((c) => {
      const inCycle = all.filter((e) => c.includes(e.from) && c.includes(e.to));
      return `cycle ${c.join(' ⇄ ')}:\n  ${inCycle.map(describeEdge).join('\n  ')}`;
    });
    expect(report, report.join('\n')).toEqual([]);
  });

  it('keeps file reading out of the rules: the knowledge base comes to them as data', () => {
    const all = specifiers('src/rules');
    expect(all.length).toBeGreaterThan(0);
    const reads = all.filter((i) => /^(node:)?fs(\/|$)|\/knowledge\/(load|files|proc-macros)\.js$/.test(i.spec));
    expect(reads.map((i) => `${i.file} imports '${i.spec}'`)).toEqual([]);
  });
});
