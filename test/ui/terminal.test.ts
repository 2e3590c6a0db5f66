/**
 * End to end in a real terminal: the built command line (`node
 * bin/cargo-preflight.js`, no subcommand) in an 80x24 tmux pane on a copy of
 * the bundled example, driven with `send-keys` and read with `capture-pane`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, workspaceCopy } from './helpers.js';
import { hasTmux, tmuxServer } from './tmux.js';

if (!hasTmux) console.warn('skipping the terminal test of the triage screen: tmux is not installed');

const { tmux, screen, sleep, waitForScreen, kill } = tmuxServer('ui', 'triage');
const SESSION = 'triage';

/** The UI sources are newer than the build: build first (the test runs what users run). */
function ensureBuilt(): void {
  const built = join(REPO, 'dist', 'cli', 'ui', 'app.js');
  const stale = !existsSync(built) || readdirSync(join(REPO, 'cli', 'ui')).some((f) => statSync(join(REPO, 'cli', 'ui', f)).mtimeMs > statSync(built).mtimeMs);
  if (stale) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO, stdio: 'ignore' });
}

describe.skipIf(!hasTmux)('triage screen in a real terminal (tmux)', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = workspaceCopy();
  });
  afterAll(() => {
    kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens with no subcommand at an 80x24 terminal, answers keys, and q exits with the check status', async () => {
    const exitFile = join(dir, '.exit-code');
    const bin = join(REPO, 'bin', 'cargo-preflight.js');
    // With CI set (as on a CI runner), ink would draw only the last frame: the CLI loads it as outside CI.
    const command = `env CI=true NO_COLOR=1 node ${JSON.stringify(bin)}; echo $? > ${JSON.stringify(exitFile)}; sleep 30`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', SESSION, '-c', dir, command);

    let s = await waitForScreen((x) => x.includes('errors (2)'), 'the finding list');
    const lines = s.replace(/\n+$/, '').split('\n');
    expect(lines[0]).toBe('cargo-preflight · weather-report · x86_64-unknown-linux-musl');
    expect(s).toMatch(/^> .* libsqlite3-sys v0\.32\.0 {2}native-library via rusqlite/m);
    expect(s).toMatch(/^ {2}.* openssl-sys v0\.9\.107 {2}native-library via reqwest/m);
    // The key hints, shortened to fit 80 columns, none cut.
    expect(lines[lines.length - 1]).toBe('↵ detail  spc select  d diff  a apply  e edit  r check  / find  ? keys  q quit');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // NO_COLOR: no colour codes reach the terminal (reverse video marks nothing either; the cursor is `>`).
    expect(tmux('capture-pane', '-p', '-e', '-t', SESSION)).not.toMatch(/\x1b\[[0-9;]*[1-9][0-9]*m/);

    tmux('send-keys', '-t', SESSION, 'j');
    await waitForScreen((x) => /^> .* openssl-sys/m.test(x), 'the cursor on openssl-sys');
    tmux('send-keys', '-t', SESSION, 'Enter');
    s = await waitForScreen((x) => x.includes('Inclusion paths'), 'the detail');
    expect(s).toContain('error[native-library] openssl-sys v0.9.107 for x86_64-unknown-linux-musl');
    expect(s).toContain('└─ reqwest v0.12.15');

    tmux('send-keys', '-t', SESSION, 'Escape');
    await waitForScreen((x) => !x.includes('Inclusion paths'), 'the detail to close');
    tmux('send-keys', '-t', SESSION, '/');
    tmux('send-keys', '-t', SESSION, '-l', 'sqlite');
    s = await waitForScreen((x) => x.includes('filter "sqlite": 1 shown'), 'the filtered list');
    expect(s).not.toContain('openssl-sys v0.9.107');
    tmux('send-keys', '-t', SESSION, 'Enter');

    tmux('send-keys', '-t', SESSION, '?');
    await waitForScreen((x) => x.includes('Keys') && x.includes('space') && x.includes('select the fix to apply'), 'the help');
    tmux('send-keys', '-t', SESSION, 'Escape');
    await waitForScreen((x) => !x.includes('select the fix to apply'), 'the help to close');

    tmux('send-keys', '-t', SESSION, 'q');
    const code = await (async () => {
      const end = Date.now() + 10_000;
      while (!existsSync(exitFile) || !readFileSync(exitFile, 'utf8').trim()) {
        if (Date.now() > end) throw new Error(`q did not exit; the terminal shows:\n${screen()}`);
        await sleep(50);
      }
      return readFileSync(exitFile, 'utf8').trim();
    })();
    // The check status: errors were found.
    expect(code).toBe('1');
    // The alternate screen is left: the triage screen is gone from the terminal.
    expect(screen()).not.toContain('cargo-preflight ·');
  });

  it('selects a fix, shows its coloured diff, applies it, and follows a resize', async () => {
    tmux('kill-server');
    const work = workspaceCopy();
    const manifest = join(work, 'Cargo.toml');
    const before = readFileSync(manifest, 'utf8');
    const bin = join(REPO, 'bin', 'cargo-preflight.js');
    const command = `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR -u CARGO_TERM_COLOR TERM=xterm-256color node ${JSON.stringify(bin)}; sleep 30`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', SESSION, '-c', work, command);
    const key = (...k: string[]) => tmux('send-keys', '-t', SESSION, ...k);
    const coloured = () => tmux('capture-pane', '-p', '-e', '-t', SESSION);

    await waitForScreen((x) => /^> \[ \] libsqlite3-sys/m.test(x), 'the proven fix of libsqlite3-sys');
    key('Space');
    await waitForScreen((x) => x.includes('1 fix selected'), 'the selection');
    key('d');
    await waitForScreen((x) => x.includes('Diff of 1 selected fix (1 file)'), 'the diff');
    const diff = coloured();
    expect(diff).toMatch(/\x1b\[31m-rusqlite = "0\.34"/);
    expect(diff).toMatch(/\x1b\[32m\+rusqlite = \{ version = "0\.34", features = \["bundled"\] \}/);

    // A smaller terminal: the screen is drawn again within it.
    tmux('resize-window', '-t', SESSION, '-x', '60', '-y', '16');
    const small = await waitForScreen((x) => x.includes('─'.repeat(60)) && !x.includes('─'.repeat(61)), 'the 60-column screen');
    for (const l of small.split('\n')) expect(l.length).toBeLessThanOrEqual(60);
    expect(small).toContain('-rusqlite = "0.34"');
    tmux('resize-window', '-t', SESSION, '-x', '80', '-y', '24');
    await waitForScreen((x) => x.includes('─'.repeat(80)), 'the 80-column screen');

    key('a');
    await waitForScreen((x) => x.includes('Apply 1 fix to 1 file? [y/N]'), 'the confirmation');
    key('y');
    const result = await waitForScreen((x) => x.includes('Applied 1 fix'), 'the result', 30_000);
    expect(result).toContain('Applied 1 fix: wrote Cargo.toml');
    expect(result).toMatch(/Gone after a new resolution \(1\)\n {2}- error\[native-library\] libsqlite3-sys v0\.32\.0/);
    expect(result).toContain('cargo update --workspace');
    expect(readFileSync(manifest, 'utf8')).toBe(before.replace('rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }'));
    key('Enter');
    const list = await waitForScreen((x) => x.includes('errors (1)'), 'the list of the new resolution');
    expect(list).not.toMatch(/libsqlite3-sys v0\.32\.0 {2}native-library/);
    key('q');
    await waitForScreen((x) => !x.includes('cargo-preflight ·'), 'the screen to close');
    rmSync(work, { recursive: true, force: true });
  });
});
