/** Runs the CLI in-process (`main()` from cli/main.ts) with captured output, as a user's shell would. */
import { Writable } from 'node:stream';
import { main, type CommandContext } from '../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export async function cli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<CliResult> {
  const stdout = new Capture(!!opts.tty);
  const stderr = new Capture(!!opts.tty);
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, CARGO_TERM_COLOR: undefined, ...opts.env } as NodeJS.ProcessEnv;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const ctx: CommandContext = {
    cwd: opts.cwd ?? process.cwd(),
    env,
    stdout,
    stderr,
    warn: (m) => stderr.write(`warning: ${m}\n`),
  };
  const code = await main(argv, ctx);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** `check --format json` parsed. */
export async function checkJson(argv: string[], opts: Parameters<typeof cli>[1] = {}): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await cli(['check', '--format', 'json', '--offline', '--quiet', ...argv], opts);
  if (!r.stdout.trim()) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

export interface JsonFinding {
  id: string;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  target: string;
  package: { name: string; version: string; links: string | null };
  features: string[];
  paths: { name: string; version: string; via: string[] }[][];
  pathCount: number;
  manifest: { path: string; line: number; column: number } | null;
  fixes: { strategy: string; title: string; crate?: string }[];
  message: string;
  messageId: string;
  data: Record<string, string>;
  allowed?: { reason: string };
}

export interface JsonReport {
  schemaVersion: number;
  targets: string[];
  summary: { error: number; warning: number; info: number };
  findings: JsonFinding[];
}
