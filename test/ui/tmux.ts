/**
 * A tmux server of one test file, for the terminal tests of the screen: run
 * a command in a pane of a given size, send keys, read the screen, wait for
 * what it should show. Each file gets its own socket, so files run in
 * parallel never see each other's panes.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

export function tmuxServer(name: string, session: string) {
  const socket = `cargo-preflight-${name}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const key = (...k: string[]) => tmux('send-keys', '-t', session, ...k);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Resolves with the screen once `predicate` holds; throws with what the terminal shows after `timeoutMs`. */
  const waitForScreen = async (predicate: (s: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = screen();
      if (predicate(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${s}`);
      await sleep(50);
    }
  };
  const kill = () => spawnSync('tmux', ['-L', socket, 'kill-server']);
  return { socket, session, tmux, screen, key, sleep, waitForScreen, kill };
}
