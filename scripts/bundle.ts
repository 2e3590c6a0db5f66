/**
 * Bundles the compiled CLI (dist/cli/main.js and what it imports) into
 * dist/bundle/, which bin/cargo-preflight.js runs.
 *
 * Why: Node 20's ES module loader pays about 0.4 ms per module (resolve, an
 * asynchronous read, compile, link), and an analysis run loads 25 of them:
 * 15 ms of a 110 ms `tree`. Bundled, the modules every analysis run needs
 * (the entry, argument parsing, the workspace, lockfile, registry and
 * resolver, and the tree command) are one chunk, loaded in 6 ms. The rest
 * stays split at its dynamic imports, so that a run loads only what it uses:
 * the checks and rules, the fixers, the terminal UI (ink, React) and the
 * HTTP client each come in their own chunks. Packages stay in node_modules,
 * loaded where the code asks for them, except the small ones split into many
 * files (BUNDLED_PACKAGES): those are bundled into the chunks that use them.
 *
 * The chunks are CommonJS, run by cli/chunk-loader.ts (bundled beside them as
 * loader.js) with V8's code cache, which Node 20 keeps only for scripts it
 * compiles through `vm`; the build rewrites what the loader must answer
 * (`rewriteForLoader`) and writes the manifest it reads (chunks.json).
 *
 * The bundle sits two levels below the package root, as dist/src/* modules do
 * one level deeper: data files are found from either. The build fails when
 * the entry or the core chunk would load a heavy package at start-up.
 *
 * Run after tsc: node dist/scripts/bundle.js
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';
import { build, type Plugin } from 'rolldown';
import { type BundleManifest, MANIFEST } from '../cli/chunk-loader.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

/** Modules every analysis run loads: the static imports of these, followed through. */
const CORE_ROOTS = ['cli/main.js', 'cli/commands/tree.js', 'cli/commands/why.js'];

/**
 * Packages bundled into the chunks that use them rather than loaded from
 * node_modules: each is small but spread over many files (semver's functions
 * and classes are 14 CommonJS modules for the 8 functions we import, which
 * Node 20 reads one by one and scans for their exports; smol-toml is 11 ES
 * modules), and each file costs the loader a resolve, a read and a compile.
 * Bundled, `check --offline` on the check-bench project reached its
 * `check` command 35 ms sooner (100 ms after the entry instead of 135).
 */
const BUNDLED_PACKAGES = ['semver', 'smol-toml'];

/** Packages the entry and the core chunk must not import at start-up (each costs more to load than all of the core). */
const NOT_AT_START_UP = ['ink', 'react', 'toml-eslint-parser', 'p-limit'];

/** The static import closure of the given modules, among our own (relative) imports. */
export function staticClosure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const spec of staticSpecifiers(text)) if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
  };
  for (const r of roots) visit(r);
  return seen;
}

/** What a chunk imports statically (`import … from "x"`, `export … from "x"`, `import "x"`), in order. */
export function staticSpecifiers(chunk: string): string[] {
  return [...chunk.matchAll(/^(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?["']([^"']+)["']/gm)].map((m) => m[1]);
}

/** A require at a chunk's top level, run when it loads (`const x = require("…");`, `let y = require("…");`, as the bundler writes them). */
const TOP_LEVEL_REQUIRE = /^(?:const|let|var) [\w$]+ = require\("([^"]+)"\);?$/;

/** A chunk's requires at its top level. */
export function chunkRequires(chunk: string): string[] {
  return [...chunk.matchAll(new RegExp(TOP_LEVEL_REQUIRE.source, 'gm'))].map((m) => m[1]!);
}

/** The package a specifier names (`@scope/pkg/sub` → `@scope/pkg`), or null for our chunks and Node's modules. */
export function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('node:')) return null;
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
}

/**
 * What the bundler's CommonJS output needs to run through the chunk loader
 * (cli/chunk-loader.ts), with the source map following every edit:
 * - it loads a chunk on demand with `Promise.resolve().then(() =>
 *   require("./x.cjs"))` and keeps a package's `import("p")`: both become
 *   calls the loader answers (`module.loadChunk`, `module.importPackage`),
 *   which work from V8's code cache, where `import()` does not;
 * - it reads a package's `require()` as CommonJS's `module.exports`
 *   (`__toESM(x, 1)`, whose `default` is the whole object), but the packages
 *   imported for a default export are ES modules, which `require()` gives as
 *   their namespace marked `__esModule`: read as such, `default` is the
 *   package's default export.
 */
export function rewriteForLoader(code: string): { code: string; map: ReturnType<MagicString['generateMap']> } {
  const s = new MagicString(code);
  for (const m of code.matchAll(/Promise\.resolve\(\)\.then\(\(\) => require\(("\.\/[^"]+")\)\)/g)) {
    s.overwrite(m.index, m.index + m[0].length, `module.loadChunk(${m[1]})`);
  }
  for (const m of code.matchAll(/(?<![\w$.])import\(("[^"]+")\)/g)) s.overwrite(m.index, m.index + m[0].length, `module.importPackage(${m[1]})`);
  for (const m of code.matchAll(/^let ([\w$]+) = require\("[^".][^"]*"\);\n\1 = [\w$]+\.__toESM\(\1(, 1)\);$/gm)) {
    const at = m.index + m[0].length - 2 - m[2]!.length;
    s.remove(at, at + m[2]!.length);
  }
  return { code: s.toString(), map: s.generateMap({ hires: true }) };
}

const rewriteImports: Plugin = {
  name: 'rewrite-for-loader',
  renderChunk: (code) => rewriteForLoader(code),
};

export async function bundle(): Promise<void> {
  const core = staticClosure(CORE_ROOTS.map((p) => join(DIST, p)));
  rmSync(OUT, { recursive: true, force: true });
  await build({
    input: { 'cargo-preflight': join(DIST, 'cli/main.js') },
    platform: 'node',
    // Packages stay in node_modules, loaded where the code asks for them, but for the bundled ones.
    external: (id: string) => /^[^./]/.test(id) && !BUNDLED_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`)),
    logLevel: 'silent',
    plugins: [rewriteImports],
    output: {
      dir: OUT,
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: '[name].cjs',
      sourcemap: true,
      codeSplitting: { groups: [{ name: 'core', test: (id: string) => core.has(id) }] },
    },
  });
  // The loader, with the V8 flags the entry sets before any chunk is compiled (cli/v8.ts), as one ES module.
  await build({
    input: join(DIST, 'cli/chunk-loader.js'),
    platform: 'node',
    external: (id: string) => id.startsWith('node:'),
    logLevel: 'silent',
    output: { file: join(OUT, 'loader.js'), format: 'esm' },
  });
  // The chunks, by name in order, read once for the manifest and the checks.
  const chunks = new Map(
    readdirSync(OUT)
      .filter((f) => f.endsWith('.cjs'))
      .sort()
      .map((name) => [name, readFileSync(join(OUT, name), 'utf8')] as const),
  );
  writeManifest(chunks);
  check(chunks, core.size);
}

/** The manifest the loader reads: the build's hash, and each chunk's requires at load. */
function writeManifest(texts: ReadonlyMap<string, string>): void {
  // The loader too: it wraps each chunk, and V8 checks a cache only against the length of the source it was made from.
  const hash = createHash('sha256').update(readFileSync(join(OUT, 'loader.js')));
  const chunks: BundleManifest['chunks'] = {};
  for (const [name, text] of texts) {
    hash.update(`${name}\0${text}\0`);
    const requires = chunkRequires(text);
    chunks[name] = {
      chunks: requires.filter((r) => r.startsWith('./')).map((r) => r.slice(2)),
      packages: requires.filter((r) => packageOf(r) !== null),
    };
  }
  const manifest: BundleManifest = { build: hash.digest('hex').slice(0, 16), chunks };
  writeFileSync(join(OUT, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

function check(chunks: ReadonlyMap<string, string>, coreModules: number): void {
  const problems: string[] = [];
  for (const name of ['cargo-preflight.cjs', 'core.cjs']) {
    const text = chunks.get(name);
    if (text === undefined) {
      problems.push(`no ${name === 'core.cjs' ? 'core' : 'entry'} chunk ${name}`);
      continue;
    }
    const early = chunkRequires(text)
      .map(packageOf)
      .filter((p): p is string => p !== null && NOT_AT_START_UP.includes(p));
    if (early.length) problems.push(`${name} requires ${early.join(', ')} at start-up`);
  }
  // Every chunk loaded later, every import left, goes through the loader: none may stay as the bundler wrote it.
  for (const [name, text] of chunks) {
    const lazy = [...text.matchAll(/^.*\brequire\("\.\/[^"]+"\).*$/gm)].filter((m) => !TOP_LEVEL_REQUIRE.test(m[0]));
    if (lazy.length) problems.push(`${name} requires a chunk other than at its top level: ${lazy[0]![0].trim()}`);
    const dynamic = /(?<![\w$.])import\(/.exec(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
    if (dynamic) problems.push(`${name} keeps an import() the loader cannot answer from the code cache`);
    const interop = /^[\w$]+ = [\w$]+\.__toESM\(([\w$]+), 1\);$/m.exec(text);
    if (interop) problems.push(`${name} reads package \`${interop[1]}\` as CommonJS (__toESM(…, 1)): its default export would be its namespace`);
  }
  if (problems.length) throw new Error(`bundle: ${problems.join('; ')}`);
  process.stdout.write(`bundle: ${OUT.slice(ROOT.length + 1)}/ (core chunk of ${coreModules} modules)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundle().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
