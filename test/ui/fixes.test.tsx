/**
 * Fixes on the triage screen, on temporary copies of the bundled example:
 * the proposals of the fix engine shown as proven or not, selection with
 * space, the diff of the selection, applying it through the engine of
 * `--fix` and the new resolution that follows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { proposeFixes, renderChanges } from '../../src/fixers/index.js';
import { proofContextFor } from '../../cli/commands/fix.js';
import { runCheck } from '../../cli/commands/check.js';
import { parseArgs } from '../../cli/args.js';
import { CHECK_OPTIONS } from '../../cli/commands/check.js';
import { KEY, expectedRun, openScreen, testContext, workspaceCopy, type Screen } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';

let screen: Screen | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const cursorLine = (frame: string) => plain(frame).split('\n').find((l) => l.startsWith('> '));

/** The screen once fixes are proven (the mark of libsqlite3-sys shows). */
async function withFixes(opts: { color?: boolean; rows?: number } = {}): Promise<{ s: Screen; dir: string }> {
  const dir = workspaceCopy();
  screen = openScreen(dir, [], opts);
  await screen.waitFor((f) => /\[[ x!-]\] libsqlite3-sys/.test(plain(f)), 'the proven fixes');
  return { s: screen, dir };
}

/** What the engine proposes for the same run, outside the screen. */
async function proposals(dir: string) {
  const run = await runCheck(parseArgs([], CHECK_OPTIONS, 'check'), testContext(dir));
  try {
    return await proposeFixes(proofContextFor(run));
  } finally {
    await run.loaded.sources.close();
  }
}

describe('fixes on the triage screen', () => {
  it('marks findings by their fixes and shows each fix proven or not, with the reason', async () => {
    const { s, dir } = await withFixes({ rows: 80 });
    const fixes = await proposals(dir);
    const run = await expectedRun(dir);
    const sqlite = run.report.findings.find((f) => f.package.name === 'libsqlite3-sys' && f.target === MUSL)!;
    const ssl = run.report.findings.find((f) => f.package.name === 'openssl-sys' && f.target === MUSL)!;
    const forSqlite = fixes.filter((f) => f.findingIds.includes(sqlite.id));
    const forSsl = fixes.filter((f) => f.findingIds.includes(ssl.id));
    expect(forSqlite.some((f) => f.proven && f.strategy !== 'disable')).toBe(true);
    // OpenSSL: the engine proves only the fix that turns `default-tls` off (the others need crates the vendor folder lacks).
    expect(forSsl.some((f) => f.proven && f.strategy !== 'disable')).toBe(false);
    expect(forSsl.some((f) => f.proven && f.strategy === 'disable')).toBe(true);

    const f = plain(s.frame());
    expect(f).toMatch(/^> \[ \] libsqlite3-sys v0\.32\.0/m);
    expect(f).toMatch(/^ {2}\[!\] openssl-sys v0\.9\.107/m);

    await s.press('j', KEY.enter);
    const d = plain(await s.waitFor((x) => x.includes('Fixes') && x.includes('docs:'), 'the detail with its fixes'));
    const section = d.slice(d.indexOf('Fixes'));
    for (const fix of forSsl) {
      expect(section).toContain(`${fix.proven ? (fix.strategy === 'disable' ? 'proven, turns features off' : 'proven') : 'not proven'}: ${fix.title}`);
    }
    const unproven = forSsl.find((x) => !x.proven)!;
    // The reason is shown, wrapped: its first words follow `reason:`.
    expect(section).toContain(`reason: ${unproven.reason!.split(' ').slice(0, 4).join(' ')}`);
    expect(section).toContain('webpki-roots');
  });

  it('selects with space: from the list the proven fix, in the detail the highlighted one; unproven fixes cannot be selected', async () => {
    const { s, dir } = await withFixes({ rows: 60 });
    await s.press(KEY.space);
    let f = plain(s.frame());
    expect(f).toMatch(/^> \[x\] libsqlite3-sys/m);
    expect(f).toContain('1 fix selected');
    expect(f).toContain('selected: rusqlite: enable `bundled`');
    await s.press(KEY.space);
    f = plain(s.frame());
    expect(f).toMatch(/^> \[ \] libsqlite3-sys/m);
    expect(f).not.toContain('fix selected');

    // openssl-sys: only the fix that turns features off is proven; the list will not pick it.
    await s.press('j', KEY.space);
    f = plain(s.frame());
    expect(f).toContain('the proven fix turns features off: open the detail (Enter) to choose it');
    expect(f).not.toContain('fix selected');

    // In the detail: Tab moves among the fixes; the unproven one is refused.
    await s.press(KEY.enter);
    await s.waitFor((x) => x.includes('Fixes'), 'the detail');
    const fixes = (await proposals(dir)).filter((x) => x.title.startsWith('reqwest'));
    const order = [...fixes.filter((x) => x.proven), ...fixes.filter((x) => !x.proven)];
    const unprovenAt = order.findIndex((x) => !x.proven);
    for (let i = 0; i < unprovenAt; i++) await s.press(KEY.tab);
    expect(plain(s.frame())).toContain(`> [-] not proven: ${order[unprovenAt].title}`);
    await s.press(KEY.space);
    f = plain(s.frame());
    expect(f).toContain('not proven, so it cannot be applied:');
    expect(f).not.toContain('fix selected');
    // Back to the proven one that turns default-tls off: selectable here, where what it loses is shown.
    const disableAt = order.findIndex((x) => x.strategy === 'disable');
    for (let i = 0; i < (disableAt - unprovenAt + order.length) % order.length; i++) await s.press(KEY.tab);
    await s.press(KEY.space);
    f = plain(s.frame());
    expect(f).toContain(`> [x] proven, turns features off: ${order[disableAt].title}`);
    expect(f).toContain('1 fix selected');
    // Choosing the libsqlite3-sys fix as well: two fixes.
    await s.press('k', KEY.space);
    expect(plain(s.frame())).toContain('2 fixes selected');
  });

  it('shows the diff of the selected fixes with d, coloured as git colours it', async () => {
    const { s, dir } = await withFixes({ color: true });
    await s.press('d');
    expect(plain(s.frame())).toContain('no fix selected: select a proven fix with space');
    await s.press(KEY.space, 'd');
    const f = await s.waitFor((x) => plain(x).includes('Diff of 1 selected fix (1 file)'), 'the diff');
    const p = plain(f);
    expect(p).toContain('--- a/Cargo.toml\n+++ b/Cargo.toml\n@@ -7,7 +7,7 @@');
    expect(p).toContain('-rusqlite = "0.34"\n+rusqlite = { version = "0.34", features = ["bundled"] }');
    expect(f).toMatch(/\x1b\[31m-rusqlite = "0\.34"/);
    expect(f).toMatch(/\x1b\[32m\+rusqlite = \{ version = "0\.34", features = \["bundled"\] \}/);
    expect(f).toMatch(/\x1b\[36m@@ -7,7 \+7,7 @@/);
    // The diff is the engine's rendering of the chosen fix, and nothing is written.
    const fixes = await proposals(dir);
    const bundled = fixes.find((x) => x.title.startsWith('rusqlite') && x.proven)!;
    const [change] = renderChanges([bundled]);
    expect(change.path).toBe(join(dir, 'Cargo.toml'));
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(change.before);
    await s.press(KEY.escape);
    await s.waitFor((x) => plain(x).includes('errors (2)') && !plain(x).includes('Diff of'), 'the list again');
  });

  it('applies the selection through the fix engine, checks again and says what is gone and how to update Cargo.lock', async () => {
    const { s, dir } = await withFixes({ rows: 40 });
    const manifest = join(dir, 'Cargo.toml');
    const original = readFileSync(manifest, 'utf8');
    await s.press('a');
    expect(plain(s.frame())).toContain('no fix selected');
    await s.press(KEY.space, 'a');
    await s.waitFor((x) => x.includes('Apply 1 fix to 1 file? [y/N]'), 'the confirmation');
    // n cancels, and so does Enter (the default of [y/N]): nothing written.
    await s.press('n');
    expect(plain(s.frame())).toContain('nothing applied');
    await s.press('a');
    await s.waitFor((x) => x.includes('[y/N]'), 'the confirmation again');
    await s.press(KEY.enter);
    expect(plain(s.frame())).toContain('nothing applied');
    expect(readFileSync(manifest, 'utf8')).toBe(original);

    // A change made meanwhile (a comment the user adds) is kept: the edit applies to the text on disk.
    writeFileSync(manifest, original + '# local note\n');
    await s.press('a');
    await s.waitFor((x) => x.includes('[y/N]'), 'the confirmation');
    await s.press('y');
    const f = plain(await s.waitFor((x) => x.includes('Applied 1 fix'), 'the result', 30_000));
    const written = readFileSync(manifest, 'utf8');
    expect(written).toBe(original.replace('rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }') + '# local note\n');
    expect(f).toContain('Applied 1 fix: wrote Cargo.toml');
    expect(f).toContain('- rusqlite: enable `bundled`');
    expect(f).toMatch(/Gone after a new resolution \(1\)\n {2}- error\[native-library\] libsqlite3-sys v0\.32\.0 for x86_64-unknown-linux-musl/);
    expect(f).toContain('cargo update --workspace');

    // The list is the new resolution of the edited manifest: what a fresh check reports.
    const after = await expectedRun(dir);
    expect(after.report.findings.some((x) => x.package.name === 'libsqlite3-sys' && x.rule === 'native-library')).toBe(false);
    await s.press(KEY.enter);
    const list = plain(await s.waitFor((x) => x.includes('errors (1)'), 'the refreshed list'));
    for (const x of after.report.findings.filter((y) => y.target === MUSL)) expect(list).toContain(`${x.package.name} v${x.package.version}  ${x.rule}`);
    expect(list).not.toMatch(/libsqlite3-sys v0\.32\.0 {2}native-library/);
    expect(list).not.toContain('fix selected');
    // q hands back the new run.
    await s.press('q');
    expect(s.exited()?.report.findings.map((x) => x.id)).toEqual(after.report.findings.map((x) => x.id));
  });
});
