/**
 * The differential proof: on seeded generated workspaces with a vendored
 * registry, the artifact graph equals `cargo tree --target T -e
 * normal,no-proc-macro` line for line, for several targets, resolvers and
 * package and feature selections. Cargo.lock is written by real cargo.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget, type Selection } from '../../src/resolve/index.js';
import { treeLines } from '../../src/resolve/display.js';
import { generateWorkspace, type GeneratedWorkspace } from '../fixtures/gen/workspace.js';
import { cargoAvailable } from '../helpers/realworld.js';

const run = promisify(execFile);

export const DIFF_TARGETS = [
  'x86_64-unknown-linux-musl',
  'x86_64-unknown-linux-gnu',
  'aarch64-unknown-linux-musl',
  'x86_64-pc-windows-msvc',
  'aarch64-apple-darwin',
  'wasm32-unknown-unknown',
];

interface Variant {
  label: string;
  cargoArgs: string[];
  selection: Selection;
  targets: string[];
}

function variants(ws: GeneratedWorkspace): Variant[] {
  const first = ws.members[0];
  const last = ws.members[ws.members.length - 1];
  const feats = (ws.memberFeatures[last] ?? []).filter((f) => f !== 'default');
  const out: Variant[] = [
    { label: 'default', cargoArgs: [], selection: {}, targets: DIFF_TARGETS },
    { label: '--all-features', cargoArgs: ['--all-features'], selection: { allFeatures: true }, targets: DIFF_TARGETS.slice(0, 4) },
    { label: '--no-default-features', cargoArgs: ['--no-default-features'], selection: { noDefaultFeatures: true }, targets: DIFF_TARGETS.slice(3, 5) },
    { label: `-p ${last}`, cargoArgs: ['-p', last], selection: { packages: [last] }, targets: [DIFF_TARGETS[0], DIFF_TARGETS[3]] },
  ];
  if (feats.length) {
    const f = feats[0];
    // `member/feat` means the same under both command-line feature behaviours.
    out.push({
      label: `-p ${last} --features ${last}/${f}`,
      cargoArgs: ['-p', last, '--features', `${last}/${f}`],
      selection: { packages: [last], features: [`${last}/${f}`] },
      targets: [DIFF_TARGETS[0], DIFF_TARGETS[4]],
    });
    // A plain feature goes to the selected members, except under resolver 1 with a root package,
    // where it goes to the package of the current directory (the root).
    const rootFeats = ws.virtual ? [] : (ws.memberFeatures[first] ?? []).filter((x) => x !== 'default');
    const plain = ws.resolver === '1' && !ws.virtual ? rootFeats[0] : f;
    if (plain) {
      out.push({
        label: `-p ${last} --features ${plain}`,
        cargoArgs: ['-p', last, '--features', plain],
        selection: { packages: [last], features: [plain] },
        targets: [DIFF_TARGETS[1]],
      });
    }
  }
  if (first !== last) {
    out.push({
      label: `-p ${first} -p ${last} --no-default-features`,
      cargoArgs: ['-p', first, '-p', last, '--no-default-features'],
      selection: { packages: [first, last], noDefaultFeatures: true },
      targets: [DIFF_TARGETS[2]],
    });
  }
  return out;
}

async function cargoTree(dir: string, target: string, extra: string[]): Promise<string[]> {
  const { stdout } = await run(
    'cargo',
    ['tree', '--offline', '--locked', '--target', target, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe', ...extra],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, CARGO_TERM_COLOR: 'never' } },
  );
  return [...new Set(stdout.split('\n').filter(Boolean))].sort();
}

async function toolLines(dir: string, sel: Selection, targets: string[]): Promise<Map<string, string[]>> {
  const config = CargoConfig.load(dir, process.env);
  const sources = openSources({ cwd: dir, config, env: process.env, offline: true, quiet: true });
  try {
    const project = await loadProject(dir, undefined, sources.sourceFor, sel);
    return new Map(targets.map((t) => [t, treeLines(resolveTarget(project, t).graph.packages.values())]));
  } finally {
    await sources.close();
  }
}

/** Runs `jobs` at a time (cargo processes are the slow part). */
async function pooled<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}

// Seeds with their forced shape, so that every resolver and both workspace kinds are covered.
const CASES: { seed: number; resolver: '1' | '2' | '3'; virtual: boolean }[] = [
  { seed: 11, resolver: '1', virtual: false },
  { seed: 12, resolver: '2', virtual: true },
  { seed: 13, resolver: '3', virtual: false },
  { seed: 14, resolver: '2', virtual: false },
  { seed: 15, resolver: '1', virtual: true },
  { seed: 16, resolver: '3', virtual: true },
];

// More seeds on demand (`CARGO_PREFLIGHT_DIFF_SEEDS=50 npx vitest run test/core/differential.test.ts`), with drawn shapes.
const extra = Number(process.env.CARGO_PREFLIGHT_DIFF_SEEDS ?? 0);
for (let i = 0; i < extra; i++) {
  const seed = 1000 + i;
  CASES.push({ seed, resolver: (['1', '2', '3'] as const)[i % 3], virtual: i % 2 === 0 });
}

describe.skipIf(!cargoAvailable())('differential test against cargo tree on generated workspaces', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}: resolver ${c.resolver}, ${c.virtual ? 'virtual workspace' : 'root package'}`, async () => {
      const ws = generateWorkspace(c.seed, { resolver: c.resolver, virtual: c.virtual, crates: 150 });
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.dir, stdio: 'pipe', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });
      const lock = readFileSync(join(ws.dir, 'Cargo.lock'), 'utf8');
      const locked = (lock.match(/^\[\[package\]\]/gm) ?? []).length;
      // A registry of a few hundred crate versions, of which a good part gets locked.
      expect(ws.registrySize).toBeGreaterThan(200);
      expect(locked).toBeGreaterThan(30);

      const vs = variants(ws);
      const jobs: { v: Variant; t: string }[] = vs.flatMap((v) => v.targets.map((t) => ({ v, t })));
      const expected = await pooled(jobs.map(({ v, t }) => () => cargoTree(ws.dir, t, v.cargoArgs)));
      let i = 0;
      for (const v of vs) {
        const mine = await toolLines(ws.dir, v.selection, v.targets);
        for (const t of v.targets) {
          const theirs = expected[i++];
          expect({ case: `${ws.dir} ${t} ${v.label}`, lines: mine.get(t) }).toEqual({ case: `${ws.dir} ${t} ${v.label}`, lines: theirs });
        }
      }
    });
  }
});
