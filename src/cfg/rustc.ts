import { spawnSync } from 'node:child_process';

export type RustcResult = { ok: true; stdout: string } | { ok: false; missing: boolean; stderr: string };

/** Runs rustc synchronously: `$RUSTC` when set (as cargo does), else `rustc` from PATH. */
export function runRustc(args: string[]): RustcResult {
  const r = spawnSync(process.env.RUSTC || 'rustc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT', stderr: r.error.message };
  if (r.status !== 0) return { ok: false, missing: false, stderr: r.stderr };
  return { ok: true, stdout: r.stdout };
}
