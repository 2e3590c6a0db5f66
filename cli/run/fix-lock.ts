/**
 * A `fix` run holds the workspace's lock from before it reads the manifests
 * until it has written them, so two runs never edit the same manifests from
 * the same reading: the second waits, then reads what the first wrote.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquireLock, type FileLock } from '../../src/fixers/lock.js';
import { findManifest, loadWorkspace } from '../../src/manifest/workspace.js';
import { defaultCacheDir } from '../../src/registry/cache.js';
import { projectStart, type CommonArgs } from '../common.js';
import type { CommandContext } from '../context.js';
import type { Style } from '../output/style.js';

/** The lock of the workspace a run starts in: under the tool's cache (`--cache-dir`), never beside Cargo.toml. */
export async function lockWorkspace(
  args: CommonArgs,
  ctx: Pick<CommandContext, 'cwd' | 'env'> & { stderr: { write(text: string): unknown } },
  pathArg: string | undefined,
  style: Style,
): Promise<FileLock> {
  const { dir, manifestPath } = projectStart(args, ctx.cwd, pathArg);
  const root = loadWorkspace(findManifest(dir, manifestPath)).rootDir;
  const key = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
  const cache = args.options['cache-dir'] ? resolve(ctx.cwd, args.options['cache-dir']) : defaultCacheDir(ctx.env);
  return acquireLock(join(cache, 'locks', `${key}.lock`), {
    what: `the manifests of ${root}`,
    // cargo's words when another cargo holds its lock.
    onBlocked: () => ctx.stderr.write(`${style.cyan('    Blocking')} waiting for file lock on the manifests of ${root}\n`),
  });
}

/**
 * A pause point for the concurrency tests: with CARGO_PREFLIGHT_TEST_PAUSE
 * set to a folder, a `fix` run that has read the manifests creates `paused`
 * there and waits (at most a minute) for `resume`, so a test can change a
 * file in exactly that window.
 */
export async function pauseForTests(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = env.CARGO_PREFLIGHT_TEST_PAUSE;
  if (!dir) return;
  const { existsSync, writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'paused'), String(process.pid));
  const until = Date.now() + 60_000;
  while (!existsSync(join(dir, 'resume')) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}
