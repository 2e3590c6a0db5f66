/**
 * The keys that act on the project from the triage screen (r, e), what it
 * says when a manifest changes under it, the diff of a fix option that is
 * not proven, and the highlighted finding or option staying in view. On
 * copies of the bundled example, rendered with ink-testing-library (the
 * same keys in a real terminal: terminal-keys.test.ts).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFixes, readText, reasonText, renderChanges, unifiedDiff } from '../../src/fixers/index.js';
import { proofContextFor } from '../../cli/run/fix.js';
import { runCheck } from '../../cli/run/check.js';
import { parseArgs } from '../../cli/args.js';
import { CHECK_OPTIONS } from '../../cli/run/options.js';
import { scrollTo } from '../../cli/ui/keys.js';
import { KEY, expectedRun, openScreen, testContext, workspaceCopy, type Screen } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';
const BUNDLED = 'rusqlite = { version = "0.34", features = ["bundled"] }';

let screen: Screen | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const cursorLine = (frame: string) =>
  plain(frame)
    .split('\n')
    .find((l) => l.startsWith('> '));

async function open(argv: string[] = [], opts: Parameters<typeof openScreen>[2] = {}): Promise<{ s: Screen; dir: string }> {
  const dir = workspaceCopy();
  screen = openScreen(dir, argv, opts);
  await screen.waitFor((f) => f.includes('errors ('), 'the finding list');
  return { s: screen, dir };
}

/** An editor that records its arguments and turns rusqlite's `bundled` on in the file it is given. */
function recordingEditor(dir: string): { script: string; args: () => string[] } {
  const script = join(dir, 'editor.sh');
  const out = join(dir, 'editor-args.txt');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(out)}\nsed -i 's/^rusqlite = "0.34"$/${BUNDLED.replace(/[/&]/g, '\\$&')}/' "$2"\n`);
  chmodSync(script, 0o755);
  return { script, args: () => readFileSync(out, 'utf8').trim().split('\n') };
}

describe('checking again', () => {
  it('says a manifest changed on disk since the check, and r checks again, keeping the cursor on its finding', async () => {
    const { s, dir } = await open();
    const manifest = join(dir, 'Cargo.toml');
    await s.press('j');
    expect(cursorLine(s.frame())).toContain('openssl-sys');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('rusqlite = "0.34"', BUNDLED));
    await s.waitFor((x) => x.includes('Cargo.toml changed on disk since the check; press r'), 'the notice', 5000);
    // The findings are those of the check until r.
    expect(plain(s.frame())).toContain('errors (2)');
    await s.press('r');
    const f = plain(await s.waitFor((x) => x.includes('errors (1)'), 'the new check'));
    expect(f).not.toContain('changed on disk');
    expect(f).not.toMatch(/libsqlite3-sys v0\.32\.0 {2}native-library/);
    expect(cursorLine(f)).toContain('openssl-sys');
    expect((await expectedRun(dir)).report.findings.filter((x) => x.target === MUSL && x.severity === 'error')).toHaveLength(1);
  });

  it('from the error of a check that failed, r checks again once the manifest is mended', async () => {
    const { s, dir } = await open();
    const manifest = join(dir, 'Cargo.toml');
    const good = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, good.replace('[dependencies]', '[dependencies]\nreqwest = 1 2'));
    await s.press('r');
    await s.waitFor((x) => x.includes('error: the check failed') && x.includes('r to check again, q to quit'), 'the error');
    writeFileSync(manifest, good);
    await s.press('r');
    await s.waitFor((x) => x.includes('errors (2)') && !x.includes('the check failed'), 'the list again');
  });
});

describe('e: the editor at the declaration', () => {
  it('opens $VISUAL with +LINE and the manifest of the declaration, then checks again', async () => {
    const dir0 = workspaceCopy();
    const editor = recordingEditor(dir0);
    const { s, dir } = await open([], { env: { VISUAL: editor.script, EDITOR: 'false' } });
    const sqlite = (await expectedRun(dir)).report.findings.find((x) => x.package.name === 'libsqlite3-sys' && x.target === MUSL)!;
    expect(sqlite.direct!.manifest.line).toBe(10);
    expect(cursorLine(s.frame())).toContain('libsqlite3-sys');
    await s.press('e');
    const f = plain(await s.waitFor((x) => x.includes('errors (1)'), 'the check after the edit'));
    expect(editor.args()).toEqual(['+10', join(dir, 'Cargo.toml')]);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain(BUNDLED);
    expect(f).not.toMatch(/libsqlite3-sys v0\.32\.0 {2}native-library/);
  });

  it('falls back to $EDITOR, says when neither is set, and when the editor fails', async () => {
    const dir0 = workspaceCopy();
    const editor = recordingEditor(dir0);
    let { s } = await open([], { env: { VISUAL: '', EDITOR: editor.script } });
    await s.press('e');
    await s.waitFor((x) => x.includes('errors (1)'), 'the check after the edit');
    expect(editor.args()[0]).toBe('+10');
    s.unmount();
    ({ s } = await open([], { env: { VISUAL: '', EDITOR: '' } }));
    await s.press('e');
    expect(plain(s.frame())).toContain('set $VISUAL or $EDITOR to edit Cargo.toml:10 from here');
    s.unmount();
    ({ s } = await open([], { env: { VISUAL: 'exit 3;' } }));
    await s.press('e');
    await s.waitFor((x) => x.includes('the editor exited with status 3'), 'the status');
    s.unmount();
    ({ s } = await open([], { env: { VISUAL: 'no-such-editor-here' } }));
    await s.press('e');
    const failed = plain(await s.waitFor((x) => x.includes('could not open the editor'), 'the failure'));
    // The status goes on in the row below rather than being cut.
    expect(failed.replace(/\n↪ /g, '')).toContain('could not open the editor: the shell could not run `no-such-editor-here` (status 127)');
  });
});

describe('a fix option that is not proven', () => {
  it('shows its diff under the reason when highlighted, as the fix service renders it', async () => {
    const dir = workspaceCopy();
    screen = openScreen(dir, ['--strategy', 'switch'], { rows: 80, columns: 160 });
    const s = screen;
    await s.waitFor((f) => /\[[ x!-]\] openssl-sys/.test(plain(f)), 'the proposals');
    const run = await runCheck(parseArgs(['--strategy', 'switch'], CHECK_OPTIONS, 'check'), testContext(dir));
    const plan = await planFixes(proofContextFor(run), { strategy: 'switch' });
    await run.loaded.sources.close();
    const ssl = run.report.findings.find((x) => x.package.name === 'openssl-sys' && x.target === MUSL)!;
    const [rustls] = plan.fixes.filter((x) => x.findingIds.includes(ssl.id));
    expect(rustls.proven).toBe(false);
    expect(rustls.edits.length).toBeGreaterThan(0);
    const diff = renderChanges([rustls], readText)
      .map((c) => unifiedDiff('Cargo.toml', c.before, c.after))
      .join('')
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `        ${l}`.trimEnd());
    await s.press('j', KEY.enter);
    const f = plain(await s.waitFor((x) => x.includes('Fix options') && x.includes('+++ b/Cargo.toml'), 'the diff of the option'));
    const rows = f.split('\n').map((l) => l.trimEnd());
    const at = rows.findIndex((l) => l.includes(`> [-] not proven: ${rustls.title}`));
    const reason = reasonText({ ...rustls.reasons![0]!, strategy: undefined, candidate: undefined });
    const reasonAt = rows.findIndex((l) => l.includes(`reason: ${reason.split(' ').slice(0, 4).join(' ')}`));
    const diffAt = rows.indexOf(diff[0]!);
    expect(at).toBeGreaterThan(0);
    expect(reasonAt).toBeGreaterThan(at);
    expect(diffAt).toBeGreaterThan(reasonAt);
    expect(rows.slice(diffAt, diffAt + diff.length)).toEqual(diff);
    // Nothing is written, and it still cannot be selected.
    await s.press(KEY.space);
    expect(plain(s.frame())).toContain('not proven, so it cannot be applied');
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(renderChanges([rustls], readText)[0]!.before);
  });
});

describe('the highlighted item stays in view', () => {
  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
    [60, 12],
  ] as const) {
    it(`at ${columns}x${rows}: the finding under the cursor with the detail open, and each fix option Tab highlights`, async () => {
      const { s, dir } = await open([], { columns, rows });
      const n = (await expectedRun(dir)).report.findings.filter((x) => x.target === MUSL).length;
      expect(n).toBeGreaterThanOrEqual(4);
      await s.press(KEY.enter);
      await s.waitFor((x) => x.includes('error[native-library]'), 'the detail');
      for (let i = 0; i < n + 1; i++) {
        await s.press('j');
        expect(cursorLine(s.frame()), `after ${i + 1} j`).toBeTruthy();
      }
      await s.press('g');
      expect(cursorLine(s.frame())).toContain('libsqlite3-sys');
      await s.press('j');
      await s.waitFor((x) => !x.includes('proving'), 'every option proven');
      for (let i = 0; i < 4; i++) {
        await s.press(KEY.tab);
        expect(plain(s.frame()), `after ${i + 1} Tab`).toMatch(/^ {2}> \[[ x-]\] (not )?proven/m);
      }
      // After scrolling the detail, Tab brings the next highlighted option into view again.
      await s.press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.tab);
      const f = plain(s.frame());
      expect(f).toMatch(/^ {2}> \[[ x-]\] (not )?proven/m);
      for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(columns);
    });
  }

  it('scrolls as little as it can to show a block, its start when it is taller than the view', () => {
    expect(scrollTo(0, 2, 5, 10)).toBe(0);
    expect(scrollTo(0, 8, 14, 10)).toBe(4);
    expect(scrollTo(6, 2, 5, 10)).toBe(2);
    expect(scrollTo(0, 20, 40, 10)).toBe(20);
  });
});
