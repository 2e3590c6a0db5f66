/**
 * The shipped CLI is the bundle in dist/bundle/ (scripts/bundle.ts): an
 * analysis run loads the entry and one core chunk, and nothing heavy (the
 * terminal UI, the HTTP client, the position-aware TOML parser) until a run
 * asks for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SourceMap } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkRequires, packageOf, rewriteForLoader, staticClosure } from '../../scripts/bundle.js';

const OUT = resolve(__dirname, '../../dist/bundle');
const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const EXAMPLE = resolve(__dirname, '../../example');
const built = existsSync(join(OUT, 'cargo-preflight.cjs'));

const chunk = (name: string) => readFileSync(join(OUT, name), 'utf8');
/** Our own chunks a chunk requires when it loads. */
const staticChunkImports = (text: string) => chunkRequires(text).filter((s) => s.startsWith('./'));
/** Packages a chunk requires when it loads, by package name (Node's own modules left out). */
const staticPackageImports = (text: string) => chunkRequires(text).flatMap((s) => packageOf(s) ?? []);

describe('the static import closure', () => {
  it('follows static imports and re-exports, not dynamic ones or packages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-closure-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.js'), "import { b } from './b.js';\nimport {\n  c,\n} from './sub/c.js';\nimport semver from 'semver';\nconst lazy = () => import('./lazy.js');\n");
    writeFileSync(join(dir, 'b.js'), "export * from './sub/d.js';\nexport const b = 1;\n");
    writeFileSync(join(dir, 'sub/c.js'), "import '../side.js';\nexport const c = 2;\n");
    writeFileSync(join(dir, 'sub/d.js'), 'export const d = 3;\n');
    writeFileSync(join(dir, 'side.js'), '');
    writeFileSync(join(dir, 'lazy.js'), "import { never } from './never.js';\n");
    const names = [...staticClosure([join(dir, 'a.js')])].map((f) => f.slice(dir.length + 1)).sort();
    expect(names).toEqual(['a.js', 'b.js', 'side.js', 'sub/c.js', 'sub/d.js']);
  });
});

describe('the CommonJS chunks', () => {
  it('names what a chunk requires at its top level, not what it requires later', () => {
    const text = 'const require_core = require("./core.cjs");\nlet node_fs = require("node:fs");\nlet ink = require("ink");\nfunction f() {\n\tconst x = require("later");\n}\n';
    expect(chunkRequires(text)).toEqual(['./core.cjs', 'node:fs', 'ink']);
    expect(['./core.cjs', 'node:fs', 'ink', 'react/jsx-runtime', '@scope/pkg/sub'].map(packageOf)).toEqual([null, null, 'ink', 'react', '@scope/pkg']);
  });

  it("turns the bundler's chunk loads and package imports into the loader's calls, and keeps the source map's lines", () => {
    const code = 'a();\nconst m = await Promise.resolve().then(() => require("./fixers.cjs")).then((n) => n.x);\nconst p = import("p-limit");\nx.import("not-this");\n';
    const out = rewriteForLoader(code);
    expect(out.code).toBe('a();\nconst m = await module.loadChunk("./fixers.cjs").then((n) => n.x);\nconst p = module.importPackage("p-limit");\nx.import("not-this");\n');
    // What follows a rewritten call maps back to where it was: the `;` after `import("p-limit")`.
    const map = new SourceMap({ ...out.map, sources: ['chunk.cjs'], version: 3 } as unknown as ConstructorParameters<typeof SourceMap>[0]);
    const line = out.code.split('\n')[2]!;
    const entry = map.findEntry(2, line.indexOf(';'));
    expect(entry).toMatchObject({ originalLine: 2, originalColumn: code.split('\n')[2]!.indexOf(';') });
  });

  it("reads a package's require() as an ES module's namespace, and leaves the bundled CommonJS modules' interop alone", () => {
    const code =
      'let p_limit = require("p-limit");\np_limit = require_rolldown_runtime.__toESM(p_limit, 1);\nvar import_gte = require_rolldown_runtime.__toESM(require_gte(), 1);\nlet x = require("./core.cjs");\nx = require_rolldown_runtime.__toESM(x, 1);\n';
    expect(rewriteForLoader(code).code).toBe(
      'let p_limit = require("p-limit");\np_limit = require_rolldown_runtime.__toESM(p_limit);\nvar import_gte = require_rolldown_runtime.__toESM(require_gte(), 1);\nlet x = require("./core.cjs");\nx = require_rolldown_runtime.__toESM(x, 1);\n',
    );
  });
});

describe.skipIf(!built)('the built bundle', () => {
  it('starts with the entry and the core chunk only, and no heavy package', () => {
    expect(staticChunkImports(chunk('cargo-preflight.cjs'))).toEqual(['./core.cjs']);
    expect(staticChunkImports(chunk('core.cjs')).filter((c) => c !== './rolldown-runtime.cjs')).toEqual([]);
    for (const name of ['cargo-preflight.cjs', 'core.cjs']) {
      expect(
        staticPackageImports(chunk(name)).filter((p) => ['ink', 'react', 'toml-eslint-parser', 'p-limit'].includes(p)),
        name,
      ).toEqual([]);
    }
    // The commands of an analysis run are in the core chunk; the others come when asked for.
    expect(readdirSync(OUT).filter((f) => /^(tree|why)\d*\.cjs$/.test(f))).toEqual([]);
    expect(chunk('core.cjs')).toMatch(/__exportAll\(\{ treeCommand: /);
    const checkEntry = readdirSync(OUT).find((f) => f.endsWith('.cjs') && /^exports\.checkCommand = /m.test(chunk(f)));
    expect(checkEntry).toBeDefined();
    expect(chunk('core.cjs')).toContain(`module.loadChunk("./${checkEntry}")`);
  });

  it('reads only the small crate facts at start-up (the proc-macro hints), not the knowledge base of library families', () => {
    const core = chunk('core.cjs');
    expect(core).toContain('readCompiled("crates.json")');
    expect(core).not.toContain('"knowledge-base.json"');
    // semver is bundled into the chunks that compare versions (the rules, the knowledge base), never the core.
    expect(core).not.toMatch(/^\/\/ node_modules\//m);
  });

  it('bundles the small packages split into many files, and loads no file of theirs from node_modules', () => {
    const chunks = readdirSync(OUT).filter((f) => f.endsWith('.cjs'));
    for (const name of chunks)
      expect(
        staticPackageImports(chunk(name)).filter((p) => p === 'semver' || p === 'smol-toml'),
        name,
      ).toEqual([]);
    const holding = (pkg: string) => chunks.filter((f) => chunk(f).includes(`// node_modules/${pkg}/`));
    expect(holding('semver').length).toBeGreaterThan(0);
    expect(holding('smol-toml').length).toBeGreaterThan(0);
  });

  it('is what the command runs, built from the sources at hand: the same tree as theirs', async () => {
    const viaBin = execFileSync(process.execPath, [BIN, 'tree', '--format', 'json', '--quiet', '--offline'], { cwd: EXAMPLE, encoding: 'utf8' });
    const { main, defaultContext } = await import('../../cli/main.js');
    let out = '';
    const stdout = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const ctx = { ...defaultContext(), cwd: EXAMPLE, stdout, program: 'cargo-preflight' };
    expect(await main(['tree', '--format', 'json', '--quiet', '--offline'], ctx)).toBe(0);
    expect(JSON.parse(viaBin).packages.length).toBeGreaterThan(50);
    expect(viaBin).toBe(out);
  });
});
