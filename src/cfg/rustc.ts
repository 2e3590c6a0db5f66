/** Running the local rustc (`$RUSTC`, else `rustc` from PATH), for targets the bundled table lacks and for the host triple. */

export type RustcResult = { ok: true; stdout: string } | { ok: false; missing: boolean; stderr: string };

/** Runs rustc synchronously: `$RUSTC` when set (as cargo does), else `rustc` from PATH. */
export function runRustc(args: string[]): RustcResult {
  // node:child_process is loaded here, not at start-up: most runs never start rustc.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(process.env.RUSTC || 'rustc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT', stderr: r.error.message };
  if (r.status !== 0) return { ok: false, missing: false, stderr: r.stderr };
  return { ok: true, stdout: r.stdout };
}

/** The lines of `rustc --print cfg` output. */
export function cfgLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
