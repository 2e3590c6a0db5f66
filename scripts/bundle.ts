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
 * The bundle sits two levels below the package root, as dist/src/* modules do
 * one level deeper: data files are found from either. The build fails when
 * the entry or the core chunk would load a heavy package at start-up.
 *
 * Run after tsc: node dist/scripts/bundle.js
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');
export const BUNDLE_ENTRY = join(OUT, 'cargo-preflight.js');

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

/** Packages a chunk imports statically, by package name (Node's own modules left out). */
export function staticPackageImports(chunk: string): string[] {
  const out = new Set<string>();
  for (const spec of staticSpecifiers(chunk)) {
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    out.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return [...out];
}

export async function bundle(): Promise<void> {
  const core = staticClosure(CORE_ROOTS.map((p) => join(DIST, p)));
  rmSync(OUT, { recursive: true, force: true });
  await build({
    input: { 'cargo-preflight': join(DIST, 'cli/main.js') },
    platform: 'node',
    // Packages stay in node_modules, loaded where the code asks for them, but for the bundled ones.
    external: (id: string) => /^[^./]/.test(id) && !BUNDLED_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`)),
    logLevel: 'silent',
    output: {
      dir: OUT,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name].js',
      sourcemap: true,
      codeSplitting: { groups: [{ name: 'core', test: (id: string) => core.has(id) }] },
    },
  });
  check(core.size);
}

function check(coreModules: number): void {
  const problems: string[] = [];
  const read = (name: string) => (existsSync(join(OUT, name)) ? readFileSync(join(OUT, name), 'utf8') : null);
  const entry = read('cargo-preflight.js');
  const coreChunk = read('core.js');
  if (entry === null) problems.push('no entry chunk cargo-preflight.js');
  if (coreChunk === null) problems.push('no core chunk core.js');
  for (const [name, text] of [
    ['cargo-preflight.js', entry],
    ['core.js', coreChunk],
  ] as const) {
    if (text === null) continue;
    const early = staticPackageImports(text).filter((p) => NOT_AT_START_UP.includes(p));
    if (early.length) problems.push(`${name} imports ${early.join(', ')} at start-up`);
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
