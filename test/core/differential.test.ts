/**
 * The differential proof: on seeded generated workspaces with a vendored
 * registry, the artifact graph equals `cargo tree --target T -e
 * normal,no-proc-macro` line for line, for several targets, resolvers and
 * package and feature selections. Cargo.lock is written by real cargo.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Selection } from '../../src/resolve/index.js';
import { cargoTree, pooled, toolLines } from './compare.js';
import { generateWorkspace, type GeneratedWorkspace } from '../fixtures/gen/workspace.js';
import { cargoAvailable } from '../helpers/realworld.js';

const DIFF_TARGETS = [
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
  /** Run from this member's directory instead of the root. */
  member?: string;
  /** cargo tree's `-e` (default `normal,no-proc-macro`). */
  edges?: string;
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
  // Dev-dependencies counted as built: cargo tree's `-e normal,dev`.
  out.push({ label: '--include-dev', cargoArgs: [], selection: { includeDev: true }, targets: [DIFF_TARGETS[0], DIFF_TARGETS[3]], edges: 'normal,dev,no-proc-macro' });
  out.push({ label: '--workspace', cargoArgs: ['--workspace'], selection: { workspace: true }, targets: [DIFF_TARGETS[0], DIFF_TARGETS[5]] });
  const inner = ws.members.find((m) => m !== 'app');
  if (inner) {
    out.push({ label: `in crates/${inner}`, cargoArgs: [], selection: {}, targets: [DIFF_TARGETS[0]], member: inner });
    out.push({ label: `in crates/${inner} --no-default-features`, cargoArgs: ['--no-default-features'], selection: { noDefaultFeatures: true }, targets: [DIFF_TARGETS[3]], member: inner });
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

// Seeds with their forced shape, so that every resolver and both workspace kinds are covered.
const CASES: { seed: number; resolver: '1' | '2' | '3'; virtual: boolean; override?: 'none' | 'patch' | 'replace' }[] = [
  { seed: 11, resolver: '1', virtual: false, override: 'patch' },
  { seed: 12, resolver: '2', virtual: true, override: 'replace' },
  { seed: 13, resolver: '3', virtual: false, override: 'none' },
  { seed: 14, resolver: '2', virtual: false, override: 'patch' },
  { seed: 15, resolver: '1', virtual: true, override: 'none' },
  { seed: 16, resolver: '3', virtual: true, override: 'patch' },
];

// More seeds on demand (`CARGO_PREFLIGHT_DIFF_SEEDS=50 npx vitest run test/core/differential.test.ts`), with drawn shapes.
const extra = Number(process.env.CARGO_PREFLIGHT_DIFF_SEEDS ?? 0);
for (let i = 0; i < extra; i++) {
  const seed = 1000 + i;
  CASES.push({ seed, resolver: (['1', '2', '3'] as const)[i % 3], virtual: i % 2 === 0 });
}

describe.skipIf(!cargoAvailable())('differential test against cargo tree on generated workspaces', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}: resolver ${c.resolver}, ${c.virtual ? 'virtual workspace' : 'root package'}${c.override && c.override !== 'none' ? `, [${c.override}]` : ''}`, async () => {
      const ws = generateWorkspace(c.seed, { resolver: c.resolver, virtual: c.virtual, crates: 150, override: c.override });
      if (c.override && c.override !== 'none') expect(ws.overridden).toMatch(new RegExp(`\\(${c.override}\\)$`));
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.dir, stdio: 'pipe', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });
      const lock = readFileSync(join(ws.dir, 'Cargo.lock'), 'utf8');
      const locked = (lock.match(/^\[\[package\]\]/gm) ?? []).length;
      // A registry of a few hundred crate versions, of which a good part gets locked.
      expect(ws.registrySize).toBeGreaterThan(200);
      expect(locked).toBeGreaterThan(30);

      const vs = variants(ws);
      const jobs: { v: Variant; t: string }[] = vs.flatMap((v) => v.targets.map((t) => ({ v, t })));
      const cwd = (v: Variant) => (v.member ? join(ws.dir, 'crates', v.member) : ws.dir);
      const expected = await pooled(jobs.map(({ v, t }) => () => cargoTree(cwd(v), t, v.cargoArgs, v.edges)));
      let i = 0;
      for (const v of vs) {
        const mine = await toolLines(cwd(v), v.selection, v.targets);
        for (const t of v.targets) {
          const theirs = expected[i++];
          expect({ case: `${ws.dir} ${t} ${v.label}`, lines: mine.get(t) }).toEqual({ case: `${ws.dir} ${t} ${v.label}`, lines: theirs });
        }
      }
    });
  }
});
