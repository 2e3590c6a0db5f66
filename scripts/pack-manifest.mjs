#!/usr/bin/env node
/**
 * The package's manifest as it ships: `npm pack` and `npm publish` run this
 * as `prepack` (`strip`) and `postpack` (`restore`).
 *
 * A checkout builds on `npm ci` through the `prepare` script. The packed
 * package carries the built bundle instead, so its package.json must name
 * no script that installing it would run (npm 11 asks about every install
 * script on a global install, and `prepare` is one for a tarball): `strip`
 * builds when the build is missing or older than the sources, keeps the
 * manifest aside and writes it without `prepare`; `restore` puts it back.
 *
 * Plain JavaScript, not compiled: it runs before anything is built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = join(ROOT, 'package.json');
const KEPT = join(ROOT, 'dist', 'package.json.unpacked');
const BUILT = join(ROOT, 'dist', 'bundle', 'cargo-preflight.cjs');
const SOURCES = ['src', 'cli', 'scripts', 'knowledge-base', 'bin', 'tsconfig.json'];
/** Scripts npm runs when the package is installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function strip() {
  const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  const sourcesAt = Math.max(
    ...SOURCES.map((s) => join(ROOT, s))
      .filter(existsSync)
      .map(newest),
  );
  if (sourcesAt > builtAt) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const text = readFileSync(MANIFEST, 'utf8');
  // A manifest kept aside by a pack that failed half-way is the real one: never overwrite it with a stripped copy.
  if (!existsSync(KEPT)) writeFileSync(KEPT, text);
  const manifest = JSON.parse(text);
  for (const s of INSTALL_SCRIPTS) delete manifest.scripts?.[s];
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

function restore() {
  if (existsSync(KEPT)) renameSync(KEPT, MANIFEST);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else {
  process.stderr.write('usage: node scripts/pack-manifest.mjs strip|restore\n');
  process.exitCode = 2;
}
