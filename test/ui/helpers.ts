/**
 * Driving the triage screen in tests: real check runs on temporary copies of
 * vendored fixture workspaces, rendered with ink-testing-library.
 */
import './outside-ci.js';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import React from 'react';
import { render } from 'ink-testing-library';
import { parseArgs } from '../../cli/args.js';
import { CHECK_OPTIONS } from '../../cli/run/options.js';
import type { CommandContext } from '../../cli/context.js';
import { runCheck, type CheckRun } from '../../cli/run/check.js';
import { App } from '../../cli/ui/app.js';
import { fixEngine } from '../../cli/ui/fix-engine.js';
import { checkSession, type Session } from '../../cli/ui/session.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A temporary copy of a fixture workspace (the bundled example by default), safe to write to. */
export function workspaceCopy(source = join(REPO, 'example')): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-ui-'));
  cpSync(source, dir, { recursive: true });
  // What the machine offers for cross builds (rustup targets, linkers) is not part of these tests.
  if (!existsSync(join(dir, 'cargo-preflight.toml'))) writeFileSync(join(dir, 'cargo-preflight.toml'), '[severity]\ncross-environment = "off"\n');
  return dir;
}

/** The same check run outside the screen, for what the screen must show. */
export async function expectedRun(dir: string, argv: string[] = []): Promise<CheckRun> {
  const run = await runCheck(parseArgs(argv, CHECK_OPTIONS, 'check'), testContext(dir));
  await run.loaded.sources.close();
  return run;
}

export function testContext(cwd: string): CommandContext {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_HOME: join(cwd, '.cargo-home') };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.CARGO_TERM_COLOR;
  return {
    cwd,
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    warn: () => {},
  };
}

export interface Captured {
  ctx: CommandContext;
  out(): string;
  err(): string;
}

/** A context whose streams are pipes (not terminals), or pseudo-terminal streams ink can draw on. */
export function captured(dir: string, terminal: boolean): Captured {
  let out = '';
  let err = '';
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; rows?: number };
  stdout.on('data', (d) => (out += String(d)));
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stderr.on('data', (d) => (err += String(d)));
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void; ref?: () => void; unref?: () => void };
  if (terminal) {
    stdout.isTTY = true;
    stdout.columns = 80;
    stdout.rows = 24;
    stdin.isTTY = true;
    stdin.setRawMode = () => {};
    stdin.ref = () => {};
    stdin.unref = () => {};
  }
  const base = testContext(dir);
  return {
    ctx: { ...base, env: { ...base.env, NO_COLOR: '1' }, stdout, stderr, stdin, warn: (m) => void (err += `warning: ${m}\n`) },
    out: () => out,
    err: () => err,
  };
}

export interface Screen {
  session: Session;
  frame(): string;
  /** Sends keys (one write per element, as a terminal sends them). */
  press(...keys: string[]): Promise<void>;
  waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  exited(): CheckRun | null | undefined;
  unmount(): void;
  stdout: { frames: string[] };
}

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  space: ' ',
};

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Opens the screen on `dir` with `argv` as given to `check` (e.g. ["--target", "T"]). */
export function openScreen(dir: string, argv: string[] = [], opts: { color?: boolean; columns?: number; rows?: number; env?: NodeJS.ProcessEnv } = {}): Screen {
  const args = parseArgs(argv, CHECK_OPTIONS, 'check');
  const base = testContext(dir);
  const ctx = { ...base, env: { ...base.env, ...opts.env } };
  const session = checkSession(args, ctx, opts.color ?? false, fixEngine(args, ctx));
  let exitedWith: CheckRun | null | undefined;
  const ui = render(React.createElement(App, { session, onExit: (run: CheckRun | null) => (exitedWith = run) }));
  const stdout = ui.stdout as unknown as NodeJS.EventEmitter & { frames: string[] };
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
  };
  resize(opts.columns ?? 80, opts.rows ?? 24);
  const frame = () => ui.lastFrame() ?? '';
  const waitFor = async (predicate: (f: string) => boolean, what: string, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (predicate(f)) return f;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen shows:\n${f}`);
      await tick(10);
    }
  };
  return {
    session,
    frame,
    waitFor,
    resize,
    stdout,
    press: async (...keys) => {
      for (const k of keys) {
        ui.stdin.write(k);
        // A lone Escape is told apart from an escape sequence after a short delay.
        await tick(k === KEY.escape ? 60 : 5);
      }
      await tick(5);
    },
    exited: () => exitedWith,
    unmount: () => ui.unmount(),
  };
}
