/**
 * The differential proof: on seeded generated workspaces with a vendored
 * registry, the artifact graph equals `cargo tree --target T -e
 * normal,no-proc-macro` line for line, for several targets, resolvers and
 * package and feature selections. Cargo.lock is written by real cargo.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget, type Selection } from '../../src/resolve/index.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import { treeLines } from '../../src/resolve/display.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoTree, pooled, toolLines } from './compare.js';
import { generateWorkspace, type GeneratedWorkspace } from '../fixtures/gen/workspace.js';
import { cargoAvailable } from '../helpers/realworld.js';

const DIFF_TARGETS = ['x86_64-unknown-linux-musl', 'x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-musl', 'x86_64-pc-windows-msvc', 'aarch64-apple-darwin', 'wasm32-unknown-unknown'];

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
  if (first !== last) {
    out.push({
      label: `--workspace --exclude ${first}`,
      cargoArgs: ['--workspace', '--exclude', first],
      selection: { workspace: true, exclude: [first] },
      targets: [DIFF_TARGETS[1], DIFF_TARGETS[4]],
    });
  }
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

// More seeds on demand (`CARGO_PREFLIGHT_DIFF_SEEDS=50 npx vitest run test/resolve/differential.test.ts`), with drawn shapes.
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
      const expected = await pooled(
        jobs.map(
          ({ v, t }) =>
            () =>
              cargoTree(cwd(v), t, v.cargoArgs, v.edges),
        ),
      );
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

/**
 * The same comparison with crate metadata from an index folder (`--index
 * DIR`, the shape of the crates.io index), whose lines carry no proc-macro
 * flag: crates whose status only knowledge of them (by name and version),
 * their dependency shape, or their unpacked manifest in
 * `$CARGO_HOME/registry/src` gives away. Every proc-macro depends on
 * `pm-only`, which must stay out of the graph; every library on a crate of
 * its own, which must be in it.
 */
const PM = '[lib]\nproc-macro = true\n\n';
const dep = (name: string, req = '1') => `[dependencies.${name}]\nversion = "${req}"\n`;
const deps = (...names: string[]) => names.map((n) => dep(n, n === 'syn' ? '2' : n === 'derive_more-impl' ? '=1.0.0' : n === 'ctor-proc-macro' ? '0.0.7' : '1')).join('\n');

const INDEX_CRATES: [name: string, version: string, body: string][] = [
  ['pm-only', '1.0.0', ''],
  ...['a', 'b', 'c', 'd', 'e'].map((x): [string, string, string] => [`lib-only-${x}`, '1.0.0', '']),
  ['proc-macro2', '1.0.0', ''],
  ['quote', '1.0.0', ''],
  ['syn', '2.0.0', ''],
  // A proc-macro whose name says nothing.
  ['match_token', '0.1.0', PM + deps('proc-macro2', 'quote', 'syn', 'pm-only')],
  // A proc-macro in 0.3 only.
  ['hex-literal', '0.3.4', PM + deps('pm-only')],
  ['hex-literal', '0.4.1', deps('lib-only-a')],
  // A proc-macro up to 0.2, then a library over ctor-proc-macro.
  ['ctor', '0.2.8', PM + deps('quote', 'syn', 'pm-only')],
  ['ctor', '0.3.0', deps('ctor-proc-macro', 'lib-only-b')],
  ['ctor-proc-macro', '0.0.7', PM + deps('pm-only')],
  // A proc-macro before 1.0, then a library over derive_more-impl.
  ['derive_more', '0.99.18', PM + deps('proc-macro2', 'quote', 'syn', 'pm-only')],
  ['derive_more', '1.0.0', deps('derive_more-impl')],
  ['derive_more-impl', '1.0.0', PM + deps('proc-macro2', 'quote', 'syn', 'pm-only')],
  // Libraries that look like proc-macro crates.
  ['synstructure', '0.13.1', deps('proc-macro2', 'quote', 'syn')],
  ['cxx-build', '1.0.0', deps('lib-only-c')],
  // Proc-macros without proc-macro2.
  ['const-random-macro', '0.1.16', PM + deps('pm-only')],
  ['cssparser-macros', '0.6.1', PM + deps('quote', 'syn', 'pm-only')],
  // Only their unpacked manifests tell: a proc-macro with a plain name, a library named like a macro crate.
  ['quirk', '1.0.0', PM + deps('proc-macro2', 'pm-only')],
  ['fmt-macros', '1.0.0', deps('syn', 'quote', 'lib-only-d')],
];

const UNPACKED = ['quirk-1.0.0', 'fmt-macros-1.0.0'];

const INDEX_APP =
  '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' +
  [
    'match_token = "0.1"',
    'hex-literal = "0.4"',
    'old-hex = { package = "hex-literal", version = "0.3" }',
    'ctor = "0.3"',
    'old-ctor = { package = "ctor", version = "0.2" }',
    'derive_more = "1"',
    'old-derive-more = { package = "derive_more", version = "0.99" }',
    'synstructure = "0.13"',
    'cxx-build = "1"',
    'const-random-macro = "0.1"',
    'cssparser-macros = "0.6"',
    'quirk = "1"',
    'fmt-macros = "1"',
    'lib-only-e = "1"',
  ].join('\n') +
  '\n';

describe.skipIf(!cargoAvailable())('differential test with an index folder (no proc-macro flags)', () => {
  it('proc-macros told from libraries as cargo does, by knowledge, dependency shape and unpacked manifests', async () => {
    const files: Record<string, string> = { ...VENDOR_CONFIG, 'Cargo.toml': INDEX_APP, 'src/main.rs': 'fn main() {}\n' };
    for (const [name, version, body] of INDEX_CRATES) Object.assign(files, vendoredCrate(name, version, body, `${name}-${version}`));
    const cargoDir = writeProject(files, 'preflight-index-diff-');
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: cargoDir, stdio: 'pipe', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });

    // The tool's copy: the manifest and the lock, crates.io read through the index folder.
    const work = mkdtempSync(join(tmpdir(), 'preflight-index-diff-tool-'));
    const dir = join(work, 'project');
    mkdirSync(join(dir, 'src'), { recursive: true });
    for (const f of ['Cargo.toml', 'Cargo.lock', 'src/main.rs']) copyFileSync(join(cargoDir, f), join(dir, f));
    const index = join(work, 'index');
    indexFromVendor(join(cargoDir, 'vendor'), index);
    expect(readFileSync(join(index, 'qu/ir/quirk'), 'utf8')).not.toContain('proc_macro');
    const home = join(work, 'cargo-home');
    for (const u of UNPACKED) {
      mkdirSync(join(home, 'registry/src/index.crates.io-1949cf8c6b5b557f', u), { recursive: true });
      copyFileSync(join(cargoDir, 'vendor', u, 'Cargo.toml'), join(home, 'registry/src/index.crates.io-1949cf8c6b5b557f', u, 'Cargo.toml'));
      // cargo's marker of a finished unpacking, without which the copy is not trusted.
      writeFileSync(join(home, 'registry/src/index.crates.io-1949cf8c6b5b557f', u, '.cargo-ok'), '{"v":1}');
    }

    const targets = ['x86_64-unknown-linux-musl', 'x86_64-pc-windows-msvc'];
    const here = (lines: string[], d: string) => lines.map((l) => l.replace(`(${d})`, '(app)'));
    const expected = (await Promise.all(targets.map((t) => cargoTree(cargoDir, t, [])))).map((l) => here(l, cargoDir));
    // The graph cargo gives: every library and its own dependency, no proc-macro and nothing only they use.
    expect(expected[0]!.some((l) => l.startsWith('pm-only '))).toBe(false);
    for (const x of ['a', 'b', 'c', 'd', 'e']) expect(expected[0]!.some((l) => l.startsWith(`lib-only-${x} `))).toBe(true);

    const tool = async (cargoHome: string) => {
      const saved = process.env.CARGO_HOME;
      process.env.CARGO_HOME = cargoHome;
      const sources = openSources({ cwd: dir, config: CargoConfig.load(dir, process.env), env: process.env, offline: true, quiet: true, index });
      try {
        const project = await loadProject(dir, undefined, sources.sourceFor, {}, { procMacroHints: builtInProcMacroHints(), cargoHome });
        const lines = targets.map((t) => here(treeLines(resolveTarget(project, t).graph.packages.values()), dir));
        return { lines, warnings: project.packages.warnings };
      } finally {
        await sources.close();
        if (saved === undefined) delete process.env.CARGO_HOME;
        else process.env.CARGO_HOME = saved;
      }
    };
    const withFiles = await tool(home);
    targets.forEach((t, i) => expect({ target: t, lines: withFiles.lines[i] }).toEqual({ target: t, lines: expected[i] }));
    // Every status came from knowledge of the crate or its unpacked manifest: nothing to warn about.
    expect(withFiles.warnings.filter((w) => w.includes('guessed'))).toEqual([]);

    // Without the unpacked manifests the two crates only they tell are guessed wrong, and the warning names them.
    const without = await tool(join(work, 'empty-home'));
    expect(without.lines[0]).not.toEqual(expected[0]);
    const w = without.warnings.filter((x) => x.includes('guessed'));
    expect(w).toHaveLength(1);
    expect(w[0]).toBe(
      'whether `fmt-macros v1.0.0`, `quirk v1.0.0` are proc-macros is guessed (the index does not say, and cargo has not unpacked them), ' +
        'and the artifact graph depends on it; run `cargo fetch` so that the tool reads their manifests',
    );
  });
});
