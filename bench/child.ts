/** What the benchmarks share: a timed child process, and the median of timings. */
import { spawn } from 'node:child_process';

export interface Exit {
  /** Wall time from spawning to exit. */
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` in `cwd` with `env`, its output captured, and times it. */
export function timedRun(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((ok, fail) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', fail);
    child.on('close', (code) => ok({ ms: performance.now() - start, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
