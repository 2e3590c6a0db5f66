/**
 * Binaries built by the tests with the local toolchain, cached across test
 * files (and runs) in a temporary folder keyed by everything that makes
 * them: the fixture's files, the command, the environment it adds and the
 * compiler's version. A build goes to a fresh folder renamed into place, so
 * two test files building the same fixture at once never see half of it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const BINARY_CACHE = join(tmpdir(), 'cargo-preflight-binaries');

const versions = new Map<string, string | null>();
/** The first line of `tool --version`, or null when the tool is absent. */
export function toolVersion(tool: string): string | null {
  if (!versions.has(tool)) {
    try {
      versions.set(tool, execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!);
    } catch {
      versions.set(tool, null);
    }
  }
  return versions.get(tool)!;
}

/** The first of `names` installed (Debian installs some LLVM tools only with their version: `llvm-lipo-14`). */
export function findTool(...names: string[]): string | null {
  for (const base of names) {
    for (const name of [base, ...[19, 18, 17, 16, 15, 14].map((v) => `${base}-${v}`)]) if (toolVersion(name)) return name;
  }
  return null;
}

/**
 * The folder holding `files` after `build(dir)` ran in it, built once per
 * key. `build` runs in a fresh folder holding the files.
 */
export function cachedBuild(name: string, files: Record<string, string>, keyParts: unknown[], build: (dir: string) => void): string {
  const key = createHash('sha256')
    .update(JSON.stringify([name, files, keyParts]))
    .digest('hex')
    .slice(0, 16);
  const dir = join(BINARY_CACHE, `${name}-${key}`);
  if (existsSync(join(dir, '.built'))) return dir;
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, rel)), { recursive: true });
    writeFileSync(join(work, rel), text);
  }
  build(work);
  writeFileSync(join(work, '.built'), '');
  try {
    renameSync(work, dir);
  } catch {
    // Another test file built it meanwhile: keep theirs.
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(join(dir, '.built'))) throw new Error(`could not put the build of ${name} in place`);
  }
  return dir;
}

/**
 * A C program built with `compiler` and `args` (`{out}` and `{src}` stand
 * for the output and the source), or null when the compiler is absent.
 */
export function buildC(name: string, compiler: string, args: string[], sources: Record<string, string>, versionOf = compiler): string | null {
  const version = toolVersion(versionOf);
  if (!version) return null;
  const dir = cachedBuild(name, sources, [compiler, args, version], (work) => {
    const argv = args.map((a) => a.replaceAll('{dir}', work));
    execFileSync(compiler, argv, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  });
  return dir;
}

/**
 * A cargo project built with `cargo build --release --offline` (and the
 * `env` and `args` given) in its folder `subdir`: the whole folder, with
 * `subdir/target/`.
 */
export function buildCargo(name: string, files: Record<string, string>, env: Record<string, string> = {}, args: string[] = [], subdir = '.'): string {
  const version = toolVersion('cargo');
  return cachedBuild(name, files, [env, args, version, subdir], (work) => {
    execFileSync('cargo', ['build', '--release', '--offline', '--quiet', ...args], {
      cwd: join(work, subdir),
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CARGO_TARGET_DIR: join(work, subdir, 'target'), CARGO_TERM_COLOR: 'never', ...env },
    });
  });
}

/** The C program most fixtures build: it prints, so the C library is linked. */
export const HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n';
