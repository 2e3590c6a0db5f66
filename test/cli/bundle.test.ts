/**
 * The shipped CLI is the bundle in dist/bundle/ (scripts/bundle.ts): an
 * analysis run loads the entry and one core chunk, and nothing heavy (the
 * terminal UI, the HTTP client, the position-aware TOML parser) until a run
 * asks for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticClosure, staticPackageImports, staticSpecifiers } from '../../scripts/bundle.js';

const OUT = resolve(__dirname, '../../dist/bundle');
const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const EXAMPLE = resolve(__dirname, '../../example');
const built = existsSync(join(OUT, 'cargo-preflight.js'));

const chunk = (name: string) => readFileSync(join(OUT, name), 'utf8');
/** Our own chunks a chunk imports statically. */
const staticChunkImports = (text: string) => staticSpecifiers(text).filter((s) => s.startsWith('./'));

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

  it('names the packages a chunk imports statically', () => {
    const text =
      'import { a as t } from "node:fs";\nimport b from "semver";\nimport { render } from "ink";\nimport "@scope/pkg/sub";\nexport { y } from "p-limit";\nimport { x } from "./core.js";\nconst u = () => import("undici");\n';
    expect(staticPackageImports(text).sort()).toEqual(['@scope/pkg', 'ink', 'p-limit', 'semver']);
  });
});

describe.skipIf(!built)('the built bundle', () => {
  it('starts with the entry and the core chunk only, and no heavy package', () => {
    expect(staticChunkImports(chunk('cargo-preflight.js'))).toEqual(['./core.js']);
    expect(staticChunkImports(chunk('core.js'))).toEqual([]);
    for (const name of ['cargo-preflight.js', 'core.js']) {
      expect(
        staticPackageImports(chunk(name)).filter((p) => ['ink', 'react', 'toml-eslint-parser', 'p-limit'].includes(p)),
        name,
      ).toEqual([]);
    }
    // The commands of an analysis run are in the core chunk; the others come when asked for.
    expect(chunk('tree.js')).toMatch(/^export \{ \w+ as treeCommand \} from "\.\/core\.js";\s*$/);
    const checkEntry = readdirSync(OUT).find((f) => f.endsWith('.js') && /^export \{[^}]*\bcheckCommand\b[^}]*\}/m.test(chunk(f)));
    expect(checkEntry).toBeDefined();
    expect(chunk('core.js')).toContain(`import("./${checkEntry}")`);
  });

  it('reads only the small crate facts at start-up (the proc-macro hints), not the knowledge base of library families', () => {
    const core = chunk('core.js');
    expect(core).toContain('readCompiled("crates.json")');
    expect(core).not.toContain('"knowledge-base.json"');
    // semver is bundled into the chunks that compare versions (the rules, the knowledge base), never the core.
    expect(core).not.toMatch(/^\/\/ node_modules\//m);
  });

  it('bundles the small packages split into many files, and loads no file of theirs from node_modules', () => {
    const chunks = readdirSync(OUT).filter((f) => f.endsWith('.js'));
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
