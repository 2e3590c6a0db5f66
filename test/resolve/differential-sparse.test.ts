/**
 * The differential proof over a sparse index, where index lines carry no
 * proc-macro flag: generated workspaces whose registry (200+ crate versions,
 * proc-macros with ordinary names among them) is packaged by `cargo package`
 * and served on 127.0.0.1 (index lines and `.crate` files). cargo and the
 * tool each run with a CARGO_HOME of their own, so the tool reads nothing
 * cargo downloaded: its tree must equal `cargo tree` with the archives it
 * fetched itself, without a guess, and again `--offline` from its own cache.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { openSourceSet } from '../../src/registry/index.js';
import { treeLines } from '../../src/resolve/display.js';
import { loadProject, resolveTarget } from '../../src/resolve/index.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { generateWorkspace } from '../fixtures/gen/workspace.js';
import { packageVendor } from '../helpers/crates.js';
import { IndexServer } from '../../testkit/index-server.js';
import { cargoAvailable } from '../helpers/realworld.js';

/** cargo talks to the server of this process: it must not block the event loop. */
const run = promisify(execFile);
const TARGETS = ['x86_64-unknown-linux-musl', 'x86_64-pc-windows-msvc'];

const CASES = [
  { seed: 21, resolver: '2' as const, virtual: false },
  { seed: 22, resolver: '3' as const, virtual: true },
  { seed: 23, resolver: '1' as const, virtual: false },
];

describe.skipIf(!cargoAvailable())('differential test against cargo tree over a sparse index with archives', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}: resolver ${c.resolver}, ${c.virtual ? 'virtual workspace' : 'root package'}`, async () => {
      const ws = generateWorkspace(c.seed, { resolver: c.resolver, virtual: c.virtual, crates: 150, override: 'none' });
      expect(ws.registrySize).toBeGreaterThan(200);
      const work = mkdtempSync(join(tmpdir(), 'preflight-sparse-diff-'));
      const server = await IndexServer.start({ root: join(work, 'index'), compression: 'gzip' });
      try {
        // Proc-macros as they are published: over the toolkit (the generator gives them random
        // dependencies only). Their names stay as drawn, which say nothing.
        const vendor = join(ws.dir, 'vendor');
        const toolkit = realProcMacros(vendor);
        expect(toolkit).toBeGreaterThan(0);
        // The registry: real archives, and index lines whose cksum is theirs.
        const archives = packageVendor(vendor, join(work, 'packages'));
        indexFromVendor(vendor, join(work, 'index'));
        for (const rel of indexFiles(join(work, 'index'))) {
          const file = join(work, 'index', rel);
          const lines = readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          for (const l of lines) {
            const a = archives.get(`${l.name} ${l.vers}`)!;
            expect(a, `${l.name} ${l.vers} packaged`).toBeDefined();
            l.cksum = a.sha256;
            expect('proc_macro' in l).toBe(false);
          }
          writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
        }
        writeFileSync(join(work, 'index', 'config.json'), JSON.stringify({ dl: `${server.url}api/v1/crates` }));
        for (const [key, a] of archives) server.setFile(`api/v1/crates/${key.replace(' ', '/')}/download`, a.archive);
        const packaged = [...archives.values()].filter((a) => a.archive.length > 0).length;
        expect(packaged).toBe(ws.registrySize + 1);

        // The project reads crates.io through the server, not the vendor folder.
        rmSync(join(ws.dir, '.cargo'), { recursive: true });
        rmSync(vendor, { recursive: true });
        const home = (name: string) => {
          const h = join(work, name);
          mkdirSync(h, { recursive: true });
          writeFileSync(join(h, 'config.toml'), `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${server.url}"\n`);
          return h;
        };
        const cargoEnv = { ...process.env, CARGO_HOME: home('cargo-home'), CARGO_TERM_COLOR: 'never' };
        await run('cargo', ['generate-lockfile'], { cwd: ws.dir, env: cargoEnv });
        const expected = await Promise.all(
          TARGETS.map(async (t) => {
            const { stdout } = await run('cargo', ['tree', '--locked', '--target', t, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe'], {
              cwd: ws.dir,
              env: cargoEnv,
              encoding: 'utf8',
              maxBuffer: 64 << 20,
            });
            return [...new Set(stdout.split('\n').filter(Boolean))].sort();
          }),
        );

        const toolHome = home('tool-home');
        const tool = async (offline: boolean, crateDownloads = true, cache = 'tool-cache') => {
          const env = { HOME: work, CARGO_HOME: toolHome };
          const set = openSourceSet({ cwd: ws.dir, config: CargoConfig.load(ws.dir, env), env, offline, cacheDir: join(work, cache), crateDownloads });
          try {
            const project = await loadProject(ws.dir, undefined, (s) => set.sourceFor(s), {}, { cargoHome: toolHome });
            const lines = TARGETS.map((t) => treeLines(resolveTarget(project, t).graph.packages.values()));
            return { lines, stats: set.stats(), project };
          } finally {
            await set.close();
          }
        };
        const requestsBefore = server.log.length;
        const online = await tool(false);
        TARGETS.forEach((t, i) => expect({ target: t, lines: online.lines[i] }).toEqual({ target: t, lines: expected[i] }));
        expect(online.project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
        expect(online.stats.archives).toBeGreaterThan(0);
        // Proc-macros are in the lockfile, and the ones the graph would have taken for libraries were told apart.
        const summaries = [...online.project.packages.summaries.values()];
        expect(summaries.some((s) => s.procMacro && !s.isMember)).toBe(true);
        // Nothing from cargo's home: the tool's own stayed without registry files.
        expect(readdirSync(toolHome)).toEqual(['config.toml']);
        expect(server.log.length).toBeGreaterThan(requestsBefore);

        const before = server.log.length;
        const offline = await tool(true);
        TARGETS.forEach((t, i) => expect({ target: t, lines: offline.lines[i] }).toEqual({ target: t, lines: expected[i] }));
        expect(offline.project.packages.warnings.filter((w) => w.includes('guessed'))).toEqual([]);
        expect(server.log.length).toBe(before);
        expect(offline.stats.requests).toBe(0);

        // Without the archives, the proc-macros' ordinary names and toolkit dependencies leave a guess the graph depends on.
        const guessing = await tool(false, false, 'tool-cache-2');
        expect(guessing.project.packages.warnings.filter((w) => w.includes('guessed'))).toHaveLength(1);
        expect(guessing.stats.archives).toBe(0);
      } finally {
        await server.close();
        rmSync(work, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

/**
 * Gives every vendored proc-macro a dependency on `proc-macro2` (added to the
 * folder, dependency-free), as published proc-macros have. Returns how many.
 */
function realProcMacros(vendor: string): number {
  let n = 0;
  for (const d of readdirSync(vendor)) {
    const file = join(vendor, d, 'Cargo.toml');
    const text = readFileSync(file, 'utf8');
    if (!/^proc-macro = true$/m.test(text)) continue;
    writeFileSync(file, `${text}\n[dependencies.proc-macro2]\nversion = "1"\n`);
    n++;
  }
  mkdirSync(join(vendor, 'proc-macro2-1.0.0', 'src'), { recursive: true });
  writeFileSync(join(vendor, 'proc-macro2-1.0.0', 'Cargo.toml'), '[package]\nname = "proc-macro2"\nversion = "1.0.0"\nedition = "2021"\n\n[features]\ndefault = ["proc-macro"]\nproc-macro = []\n');
  writeFileSync(join(vendor, 'proc-macro2-1.0.0', 'src', 'lib.rs'), '');
  writeFileSync(join(vendor, 'proc-macro2-1.0.0', '.cargo-checksum.json'), JSON.stringify({ files: {}, package: '0'.repeat(64) }));
  return n;
}

/** Index paths of the files of an index folder (config.json left out). */
function indexFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel))) {
    const r = rel ? `${rel}/${e}` : e;
    if (statSync(join(root, r)).isDirectory()) out.push(...indexFiles(root, r));
    else if (r !== 'config.json') out.push(r);
  }
  return out;
}
