/**
 * Cargo.toml editor speed: milliseconds per verified edit over the golden
 * fixtures (test/fixtures/edit). Each edit is parsed, spliced, re-parsed and
 * compared with the intended data, as in a real run.
 *
 *   batch   all of a fixture's edits in one applyEdits call (one initial parse)
 *   single  one applyEdits call per edit, as a fixer making a single change
 *
 * Target: under 1 ms per edit.
 *
 * Run after `npm run build`, from the repository root:
 *   node dist/bench/edit-bench.js [fixtures-dir] [rounds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyEdits, type ManifestEdit } from '../src/fixers/toml-edit/index.js';

const DIR = resolve(process.argv[2] ?? 'test/fixtures/edit');
const ROUNDS = Number(process.argv[3] ?? 300);

interface Case {
  name: string;
  text: string;
  edits: ManifestEdit[];
}

const cases: Case[] = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map(({ name }) => ({
    name,
    text: readFileSync(join(DIR, name, 'before.toml'), 'utf8'),
    edits: JSON.parse(readFileSync(join(DIR, name, 'edits.json'), 'utf8')) as ManifestEdit[],
  }));

/** Milliseconds per edit of `run`. */
function time(c: Case, run: (c: Case) => void): number {
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) run(c);
  return (performance.now() - start) / ROUNDS / c.edits.length;
}

const batch = (c: Case) => void applyEdits(c.text, c.edits);
const single = (c: Case) => {
  for (const edit of c.edits) applyEdits(c.text, [edit]);
};

// Warm up the JIT on every fixture first, so the first one is not the slowest.
for (let i = 0; i < 20; i++) cases.forEach(batch);
const rows = cases.map((c) => ({ name: c.name, edits: c.edits.length, batch: time(c, batch), single: time(c, single) }));
const width = Math.max(...rows.map((r) => r.name.length), 'fixture'.length);
console.log(`${'fixture'.padEnd(width)}  edits  batch ms/edit  single ms/edit`);
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${String(r.edits).padStart(5)}  ${r.batch.toFixed(3).padStart(13)}  ${r.single.toFixed(3).padStart(14)}`);
}
const total = rows.reduce((n, r) => n + r.edits, 0);
const mean = (key: 'batch' | 'single') => rows.reduce((s, r) => s + r[key] * r.edits, 0) / total;
console.log(`${'all'.padEnd(width)}  ${String(total).padStart(5)}  ${mean('batch').toFixed(3).padStart(13)}  ${mean('single').toFixed(3).padStart(14)}`);
