/**
 * Many tests run the built command (`bin/cargo-preflight.js` runs
 * `dist/bundle/`) or built modules in child processes: they would test
 * whatever was built last. Before the suite runs, the build is redone when
 * any source is newer than it (`npm ci` leaves it fresh, so CI pays nothing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const BUILT = join(ROOT, 'dist/bundle/cargo-preflight.cjs');
const SOURCES = ['src', 'cli', 'scripts', 'bench', 'testkit', 'knowledge-base', 'bin', 'tsconfig.json', 'package.json'];

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export default function setup(): void {
  const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  const sourcesAt = Math.max(
    ...SOURCES.map((s) => join(ROOT, s))
      .filter(existsSync)
      .map(newest),
  );
  if (sourcesAt <= builtAt) return;
  process.stderr.write('the build is older than the sources: npm run build\n');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
