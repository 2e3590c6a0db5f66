/**
 * Opening the user's editor from the triage screen, as git and cargo do:
 * `$VISUAL`, else `$EDITOR`, run through the shell (so `code --wait` or
 * `emacs -nw` work) with `+LINE FILE`, the convention vi, vim, nano, emacs,
 * micro and helix follow. The screen gives the terminal to the editor while
 * it runs (the normal screen, the cursor, line mode) and takes it back after.
 */
import { spawnSync } from 'node:child_process';
import { CLEAR, ENTER_ALT, HIDE_CURSOR, LEAVE_ALT, SHOW_CURSOR } from './terminal.js';

/** The editor command the environment names, as git reads it: `VISUAL` first, then `EDITOR`. */
export function editorCommand(env: NodeJS.ProcessEnv): string | null {
  for (const name of ['VISUAL', 'EDITOR']) {
    const v = env[name]?.trim();
    if (v) return v;
  }
  return null;
}

export interface TerminalStreams {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
}

export interface EditorRun {
  /** The editor's exit status (null when it was killed by a signal). */
  status: number | null;
  /** Why it could not be started, if so. */
  error?: string;
}

/**
 * Runs the editor at `file`, line `line`, and waits for it. The wait blocks:
 * while the editor runs, nothing of this process reads the terminal, so
 * every key goes to the editor.
 */
export function runEditor(command: string, file: string, line: number, terminal: TerminalStreams, env: NodeJS.ProcessEnv, cwd: string): EditorRun {
  const stdin = terminal.stdin as NodeJS.ReadStream;
  const stdout = terminal.stdout as NodeJS.WriteStream;
  const raw = !!stdin.isTTY && typeof stdin.setRawMode === 'function' && stdin.isRaw !== false;
  if (stdout.isTTY) stdout.write(SHOW_CURSOR + LEAVE_ALT);
  if (raw) stdin.setRawMode(false);
  try {
    const r =
      process.platform === 'win32'
        ? spawnSync(`${command} +${line} "${file}"`, { shell: true, stdio: 'inherit', env, cwd })
        : spawnSync('/bin/sh', ['-c', `${command} "$@"`, command, `+${line}`, file], { stdio: 'inherit', env, cwd });
    if (r.error) return { status: null, error: r.error.message };
    // The shell's status when it could not find or run the command.
    if (r.status === 127 || r.status === 126) return { status: r.status, error: `the shell could not run \`${command}\` (status ${r.status})` };
    return { status: r.status };
  } finally {
    if (raw) stdin.setRawMode(true);
    if (stdout.isTTY) stdout.write(ENTER_ALT + CLEAR + HIDE_CURSOR);
  }
}
