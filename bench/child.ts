/** What the benchmarks share: a timed child process, and the median of timings. */
import { spawn } from 'node:child_process';

export interface Exit {
  /** Wall time from spawning to exit. */
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * This process's environment for a timed child, without NODE_EXTRA_CA_CERTS:
 * node reads that certificate bundle at every start-up (some 80 ms where it
 * names the system's whole bundle), which no offline run needs and cargo
 * never pays; benchmarks that build their own minimal environment leave it
 * out as well.
 */
export function benchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
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
