/**
 * The keys of the triage screen in a real terminal (tmux), at 80x24 and
 * 120x40: Esc closing what is on top and quitting only when pressed twice,
 * e opening $VISUAL at the declaration's line with the terminal handed over
 * and checking again after, r after a change on disk, the diff of a fix
 * option that is not proven, the highlighted row staying in view, and the
 * key hints fitting the width. Runs the built command on a copy of the
 * bundled example.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, workspaceCopy } from './helpers.js';
import { hasTmux, tmuxServer } from './tmux.js';

if (!hasTmux) console.warn('skipping the terminal test of the screen keys: tmux is not installed');

const { tmux, screen, key, sleep, waitForScreen, kill } = tmuxServer('keys', 'keys');
const SESSION = 'keys';
const BUNDLED = 'rusqlite = { version = "0.34", features = ["bundled"] }';

const rows = (s: string) => s.replace(/\n+$/, '').split('\n');
const cursorRow = (s: string) => rows(s).find((l) => l.startsWith('> '));
/** The key hints: the last row drawn (the screen leaves the terminal's last row empty). */
const hints = (s: string) => rows(s).at(-1)!;

afterAll(() => {
  kill();
});

describe.skipIf(!hasTmux)('the keys of the triage screen in a real terminal (tmux)', () => {
  for (const [columns, height] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`at ${columns}x${height}: Esc, e, r, a not-proven option's diff, the cursor in view, the hints`, async () => {
      kill();
      const dir = workspaceCopy();
      const manifest = join(dir, 'Cargo.toml');
      const original = readFileSync(manifest, 'utf8');
      const exitFile = join(dir, '.exit-code');
      // The editor records its arguments and the terminal's mode, and turns rusqlite's `bundled` on.
      const editor = join(dir, 'editor.sh');
      writeFileSync(
        editor,
        [
          '#!/bin/sh',
          `printf '%s\\n' "$@" > ${JSON.stringify(join(dir, 'editor-args.txt'))}`,
          `stty -a > ${JSON.stringify(join(dir, 'editor-stty.txt'))}`,
          `sed -i 's/^rusqlite = "0.34"$/${BUNDLED.replace(/[/&]/g, '\\$&')}/' "$2"`,
          '',
        ].join('\n'),
      );
      chmodSync(editor, 0o755);
      const bin = join(REPO, 'bin', 'cargo-preflight.js');
      const command = `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 VISUAL=${JSON.stringify(editor)} node ${JSON.stringify(bin)}; echo $? > ${JSON.stringify(exitFile)}; sleep 30`;
      tmux('new-session', '-d', '-x', String(columns), '-y', String(height), '-s', SESSION, '-c', dir, command);
      try {
        // Wait for the fixes to be proven too: the marks show.
        let s = await waitForScreen((x) => /^> \[ \] libsqlite3-sys/m.test(x) && !x.includes('proving'), 'the list with its fixes');
        for (const l of rows(s)) expect(l.length).toBeLessThanOrEqual(columns);
        expect(hints(s)).toBe(
          columns === 80
            ? '↵ detail  spc select  d diff  a apply  e edit  r check  / find  ? keys  q quit'
            : 'j/k move  Enter detail  space select  d diff  a apply  e edit  r re-check  / filter  ? keys  q quit',
        );

        // Esc on the list asks; another key takes it back.
        key('Escape');
        s = await waitForScreen((x) => x.includes('press Esc again to quit (q quits at once)'), 'the question');
        expect(existsSync(exitFile)).toBe(false);
        key('j');
        s = await waitForScreen((x) => !x.includes('press Esc again'), 'the question taken back');
        expect(cursorRow(s)).toContain('openssl-sys');

        // The detail of openssl-sys: the first option (switch to rustls) is not proven; highlighted, it shows
        // its reason and its diff. Right then Left brings it into view.
        key('Enter');
        await waitForScreen((x) => x.includes('error[native-library] openssl-sys'), 'the detail');
        key('Right');
        await waitForScreen((x) => /^ {2}> \[[ x]\] proven/m.test(x), 'the second option highlighted');
        key('Left');
        s = await waitForScreen((x) => /^ {2}> \[-\] not proven: reqwest: use rustls/m.test(x), 'the not-proven option');
        expect(s).toMatch(/reason: the fix needs `webpki-roots`/);
        // Its diff follows (on 24 rows, a page further down; the highlight stays on it while it shows).
        for (let i = 0; i < 3 && !/^ {8}\+reqwest = /m.test(s); i++) {
          key('PgDn');
          await sleep(200);
          s = screen();
        }
        expect(s).toContain('+++ b/Cargo.toml');
        expect(s).toMatch(/^ {8}\+reqwest = \{ version = "0\.12", features = \["json", "stream", "rustls-/m);
        expect(s).not.toMatch(/^ {2}> \[[ x]\] proven/m);
        // Each option Tab highlights is in view.
        for (let i = 0; i < 4; i++) {
          key('Tab');
          await sleep(150);
          expect(screen(), `after ${i + 1} Tab`).toMatch(/^ {2}> \[[ x-]\] (not )?proven/m);
        }
        // Moving through the findings with the detail open, the highlighted one is always in view.
        for (let i = 0; i < 6; i++) {
          key(i < 3 ? 'j' : 'k');
          await sleep(150);
          expect(cursorRow(screen()), `after key ${i + 1}`).toBeTruthy();
        }
        // Esc closes the detail, and the screen stays.
        key('g', 'Escape');
        s = await waitForScreen((x) => !x.includes('error[native-library]'), 'the detail to close');
        expect(s).not.toContain('press Esc again');

        // e: the editor at rusqlite's line, with the terminal in line mode, then a new check.
        expect(cursorRow(s)).toContain('libsqlite3-sys');
        key('e');
        s = await waitForScreen((x) => x.includes('errors (1)'), 'the check after the edit', 30_000);
        expect(readFileSync(join(dir, 'editor-args.txt'), 'utf8')).toBe(`+10\n${manifest}\n`);
        const stty = readFileSync(join(dir, 'editor-stty.txt'), 'utf8');
        expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
        expect(stty).toMatch(/(^|\s)echo(\s|$)/);
        expect(readFileSync(manifest, 'utf8')).toBe(original.replace('rusqlite = "0.34"', BUNDLED));
        // Back on the screen: the alternate screen, drawn whole from its first row.
        expect(tmux('display-message', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('1');
        expect(rows(s)[0]).toBe('cargo-preflight · weather-report · x86_64-unknown-linux-musl');
        expect(s).not.toMatch(/libsqlite3-sys v0\.32\.0 {2}native-library/);

        // r: a change made outside the screen is noticed, and r checks again.
        writeFileSync(manifest, original);
        s = await waitForScreen((x) => x.includes('Cargo.toml changed on disk since the check; press r'), 'the notice', 10_000);
        expect(s).toContain('errors (1)');
        key('r');
        s = await waitForScreen((x) => x.includes('errors (2)') && !x.includes('changed on disk'), 'the new check');
        for (const l of rows(s)) expect(l.length).toBeLessThanOrEqual(columns);

        // Esc twice quits, with the check's status.
        key('Escape');
        await waitForScreen((x) => x.includes('press Esc again'), 'the question');
        key('Escape');
        const end = Date.now() + 10_000;
        while (!existsSync(exitFile) || !readFileSync(exitFile, 'utf8').trim()) {
          if (Date.now() > end) throw new Error(`Esc Esc did not quit; the terminal shows:\n${screen()}`);
          await sleep(50);
        }
        expect(readFileSync(exitFile, 'utf8').trim()).toBe('1');
      } finally {
        kill();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
