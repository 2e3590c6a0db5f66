/**
 * Fixes on the triage screen, on temporary copies of the bundled example:
 * the proposals of the fix engine shown as proven or not, selection with
 * space, the diff of the selection, applying it through the engine of
 * `--fix` and the new resolution that follows.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFixes, readText, reasonsText, reasonText, renderChanges, unifiedDiff, type ProposedFix, type StrategyChoice } from '../../src/fixers/index.js';
import { CONTINUATION } from '../../cli/ui/views.js';
import { proofContextFor } from '../../cli/run/fix.js';
import { runCheck } from '../../cli/run/check.js';
import { parseArgs } from '../../cli/args.js';
import { CHECK_OPTIONS } from '../../cli/run/options.js';
import { KEY, expectedRun, openScreen, testContext, workspaceCopy, type Screen } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';

let screen: Screen | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The screen once fixes are proven (the mark of libsqlite3-sys shows). */
async function withFixes(opts: { color?: boolean; rows?: number; columns?: number } = {}): Promise<{ s: Screen; dir: string }> {
  const dir = workspaceCopy();
  screen = openScreen(dir, [], opts);
  await screen.waitFor((f) => /\[[ x!-]\] libsqlite3-sys/.test(plain(f)), 'the proven fixes');
  return { s: screen, dir };
}

/** What the fix service plans for the same run, outside the screen: every entry of every crate. */
async function proposals(dir: string, strategy: StrategyChoice = 'auto') {
  const run = await runCheck(parseArgs([], CHECK_OPTIONS, 'check'), testContext(dir));
  try {
    return (await planFixes(proofContextFor(run), { strategy })).fixes;
  } finally {
    await run.loaded.sources.close();
  }
}

describe('fixes on the triage screen', () => {
  it('marks every finding by its fixes', async () => {
    const { s, dir } = await withFixes({ rows: 80, columns: 200 });
    const fixes = await proposals(dir);
    const run = await expectedRun(dir);
    const f = plain(s.frame());
    // The mark of each row is what the engine's proposals say about its finding.
    for (const x of run.report.findings.filter((y) => y.target === MUSL)) {
      const mine = fixes.filter((y) => y.findingIds.includes(x.id));
      const mark = mine.some((y) => y.proven && y.strategy !== 'disable') ? '[ ]' : mine.some((y) => y.proven) ? '[!]' : mine.length ? '[-]' : '   ';
      expect(f).toContain(`${mark} ${x.package.name} v${x.package.version}  ${x.rule}`);
    }
    expect(f).toMatch(/^> \[ \] libsqlite3-sys v0\.32\.0/m);
  });

  it('lists every strategy for the finding, proven or not with its reason, as the plan gives them', async () => {
    const { s, dir } = await withFixes({ rows: 120, columns: 200 });
    const run = await expectedRun(dir);
    const ssl = run.report.findings.find((x) => x.package.name === 'openssl-sys' && x.target === MUSL)!;
    const auto = (await proposals(dir)).filter((x) => x.findingIds.includes(ssl.id));
    const each = new Map<string, ProposedFix[]>();
    for (const one of ['switch', 'static', 'pin'] as const)
      each.set(
        one,
        auto.filter((x) => x.strategy === one),
      );
    // What the example gives: rustls is not proven (webpki-roots is not vendored), the static option and the pin are.
    expect(each.get('switch')!.map((x) => x.proven)).toEqual([false]);
    expect(each.get('switch')![0].reasons).toEqual([expect.objectContaining({ id: 'lockfileLacks', data: expect.objectContaining({ crates: '`webpki-roots`' }) })]);
    expect(each.get('static')!.map((x) => x.proven)).toEqual([true]);
    expect(each.get('pin')!.map((x) => x.proven)).toEqual([true]);
    // `auto` tries every strategy and chooses static, the first proven one.
    expect(auto.map((x) => [x.strategy, x.status])).toEqual([
      ['switch', 'not-proven'],
      ['static', 'applied'],
      ['pin', 'proven'],
    ]);

    await s.press('j', KEY.enter);
    const d = plain(await s.waitFor((x) => x.includes('Fix options') && x.includes('docs:') && !x.includes('proving each strategy'), 'the detail with every strategy'));
    const section = d.slice(d.indexOf('Fix options'), d.indexOf('docs:'));
    const at = (strategy: string) => section.indexOf(`\n  ${strategy} (`);
    expect([at('switch'), at('static'), at('pin'), at('disable')].every((i, n, all) => i > 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
    const ORDER = ['switch', 'static', 'pin', 'disable'];
    const part = (strategy: string) => section.slice(at(strategy), strategy === 'disable' ? undefined : at(ORDER[ORDER.indexOf(strategy) + 1]!));
    for (const [strategy, list] of each) {
      const own = part(strategy);
      for (const fix of list) {
        expect(own).toContain(`${fix.proven ? 'proven' : 'not proven'}: ${fix.title}`);
        if (!fix.proven) {
          // Each reason, under its own strategy, without the strategy and title the engine puts in front.
          const reasons = fix.reasons!.map((r) => reasonText({ ...r, strategy: undefined, candidate: r.candidate === fix.title ? undefined : r.candidate }));
          for (const r of reasons) expect(own.replace(/\n {8}/g, ' ')).toContain(`reason: ${r}`);
        } else if (fix.reasons) {
          expect(own.replace(/\n {8}/g, ' ')).toContain(`note: ${reasonsText(fix.reasons)}`);
        }
      }
    }
    // The one `fix` applies is said, under static; disable is not tried since a fix keeping the features proves out.
    expect(part('static')).toContain('what `cargo-preflight fix` applies');
    for (const other of ['switch', 'pin', 'disable']) expect(part(other)).not.toContain('what `cargo-preflight fix` applies');
    expect(part('disable')).toContain('not tried: a fix that keeps every feature is proven');
  });

  it('with one --strategy shows that strategy only, why it is not proven, and refuses to select it (switch: rustls needs a crate the vendor folder lacks)', async () => {
    const dir = workspaceCopy();
    // Rows enough for the whole detail (its note says how far the vendored option's meaning was checked,
    // and the highlighted option shows its diff).
    screen = openScreen(dir, ['--strategy', 'switch'], { rows: 90 });
    const s = screen;
    await s.waitFor((f) => /\[[ x!-]\] openssl-sys/.test(plain(f)), 'the proposals');
    const fixes = await proposals(dir, 'switch');
    const run = await expectedRun(dir);
    const ssl = run.report.findings.find((x) => x.package.name === 'openssl-sys' && x.target === MUSL)!;
    const [rustls] = fixes.filter((x) => x.findingIds.includes(ssl.id));
    expect(rustls.proven).toBe(false);
    expect(rustls.reasons).toEqual([expect.objectContaining({ id: 'lockfileLacks', data: expect.objectContaining({ crates: '`webpki-roots`' }) })]);

    expect(plain(s.frame())).toMatch(/^ {2}\[-\] openssl-sys v0\.9\.107/m);
    await s.press('j', KEY.space);
    expect(plain(s.frame())).toContain('no proven fix for openssl-sys: Enter shows why');
    await s.press(KEY.enter);
    const d = plain(await s.waitFor((x) => x.includes('Fix options'), 'the detail'));
    expect(d).toContain(`> [-] not proven: ${rustls.title}`);
    // The reason, wrapped: its first words follow `reason:` (without the strategy and title in front).
    expect(rustls.reasons![0]).toMatchObject({ id: 'lockfileLacks' });
    const reason = reasonText({ ...rustls.reasons![0]!, strategy: undefined, candidate: undefined });
    expect(reason).toMatch(/^the fix needs `webpki-roots`/);
    expect(d).toContain(`reason: ${reason.split(' ').slice(0, 4).join(' ')}`);
    expect(d).toContain('other strategies not tried (--strategy switch)');
    expect(d).not.toMatch(/^ {2}(static|pin|disable) \(/m);
    await s.press(KEY.space);
    const f = plain(s.frame());
    expect(f).toContain('not proven, so it cannot be applied:');
    expect(f).not.toContain('fix selected');
    await s.press('d');
    expect(plain(s.frame())).toContain('no fix selected');
  });

  it('selects with space: from the list the first choice, in the detail the highlighted option of any strategy', async () => {
    const { s, dir } = await withFixes({ rows: 60, columns: 200 });
    await s.press(KEY.space);
    let f = plain(s.frame());
    expect(f).toMatch(/^> \[x\] libsqlite3-sys/m);
    expect(f).toContain('1 fix selected');
    expect(f).toContain('selected: rusqlite: enable `bundled`');
    await s.press(KEY.space);
    f = plain(s.frame());
    expect(f).toMatch(/^> \[ \] libsqlite3-sys/m);
    expect(f).not.toContain('fix selected');

    // In the detail of openssl-sys, Tab moves among its options (switch, static, pin); space takes the highlighted one:
    // the pin, proven too, though `fix` applies the static option (it proves out first).
    const run = await expectedRun(dir);
    const ssl = run.report.findings.find((x) => x.package.name === 'openssl-sys' && x.target === MUSL)!;
    const [pin] = (await proposals(dir)).filter((x) => x.findingIds.includes(ssl.id) && x.strategy === 'pin');
    expect(pin.proven).toBe(true);
    await s.press('j', KEY.enter);
    await s.waitFor((x) => x.includes('Fix options') && !x.includes('proving each strategy'), 'the detail with every strategy');
    await s.press(KEY.tab, KEY.tab, KEY.space);
    f = plain(s.frame());
    expect(f).toMatch(new RegExp(`> \\[x\\] proven: ${pin.title.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}`));
    expect(f).toContain('1 fix selected');
    // One option per finding: taking the static one drops the pin.
    await s.press(KEY.left, KEY.space);
    f = plain(s.frame());
    expect(f).toMatch(/> \[x\] proven: reqwest: enable `native-tls-vendored`/);
    expect(f).toMatch(/ {2}\[ \] proven: add `openssl-sys/);
    expect(f).toContain('1 fix selected');
    // Enter closes the detail; with the libsqlite3-sys fix as well: two fixes.
    await s.press(KEY.enter, 'k', KEY.space);
    f = plain(s.frame());
    expect(f).toContain('2 fixes selected');
    expect(f).toMatch(/^ {2}\[x\] openssl-sys/m);
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
    const [change] = renderChanges([bundled], readText);
    expect(change.path).toBe(join(dir, 'Cargo.toml'));
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(change.before);
    await s.press(KEY.escape);
    await s.waitFor((x) => plain(x).includes('errors (2)') && !plain(x).includes('Diff of'), 'the list again');
  });

  it('wraps long diff lines at 80x24 and on resize, in the diff and the confirmation, losing nothing', async () => {
    const { s, dir } = await withFixes({ color: true });
    const ssl = (await expectedRun(dir)).report.findings.find((x) => x.package.name === 'openssl-sys' && x.target === MUSL)!;
    const [fix] = (await proposals(dir)).filter((x) => x.findingIds.includes(ssl.id) && x.proven);
    const expected = renderChanges([fix], readText)
      .map((c) => unifiedDiff('Cargo.toml', c.before, c.after))
      .join('')
      .replace(/\n$/, '')
      .split('\n')
      // The screen does not draw trailing spaces.
      .map((l) => l.trimEnd());
    const long = expected.find((l) => l.includes('native-tls-vendored'))!;
    expect(long.length).toBeGreaterThan(80);
    /** The diff rows of the screen, continuation rows joined back to the line they go on. */
    const unwrapped = (frame: string, title: string) => {
      const rows = plain(frame).split('\n');
      const start = rows.findIndex((r) => r.startsWith(title));
      const out: string[] = [];
      for (const r of rows.slice(start + 1, start + 1 + expected.length * 3)) {
        if (r.startsWith(`${CONTINUATION} `)) out[out.length - 1] += r.slice(2);
        else out.push(r);
      }
      return out.slice(0, expected.length).map((l) => l.trimEnd());
    };
    await s.press('j', KEY.space, 'd');
    let f = await s.waitFor((x) => plain(x).includes('Diff of 1 selected fix (1 file)'), 'the diff');
    for (const l of plain(f).split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(plain(f)).toContain(long.slice(0, 80));
    expect(unwrapped(f, 'Diff of')).toEqual(expected);
    // A continuation row keeps the colour of its line.
    expect(f).toContain(`\n${CONTINUATION} \x1b[32m${long.slice(80)}`);
    s.resize(50, 30);
    f = await s.waitFor(
      (x) =>
        plain(x)
          .split('\n')
          .every((l) => l.length <= 50) && plain(x).includes('Diff of'),
      'the diff at 50 columns',
    );
    expect(unwrapped(f, 'Diff of')).toEqual(expected);
    await s.press('a');
    f = await s.waitFor((x) => x.includes('[y/N]'), 'the confirmation');
    for (const l of plain(f).split('\n')) expect(l.length).toBeLessThanOrEqual(50);
    expect(unwrapped(f, 'Apply 1 fix')).toEqual(expected);
    s.resize(80, 24);
    f = await s.waitFor((x) => plain(x).split('\n')[0]!.length > 50, 'the confirmation at 80 columns');
    expect(unwrapped(f, 'Apply 1 fix')).toEqual(expected);
    await s.press('n');
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(renderChanges([fix], readText)[0]!.before);
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

    // A change made meanwhile (a comment the user adds) is neither overwritten nor edited blindly: the
    // edits apply to the text that was checked, so nothing is written and the screen says why.
    writeFileSync(manifest, original + '# local note\n');
    await s.press('a');
    await s.waitFor((x) => x.includes('[y/N]'), 'the confirmation');
    await s.press('y');
    const refused = plain(await s.waitFor((x) => x.includes('Nothing written'), 'the refusal', 30_000));
    expect(refused).toContain('the file changed on disk since it was read; nothing written');
    expect(readFileSync(manifest, 'utf8')).toBe(original + '# local note\n');
    await s.press(KEY.enter);
    writeFileSync(manifest, original);

    await s.press('a');
    await s.waitFor((x) => x.includes('[y/N]'), 'the confirmation');
    await s.press('y');
    const f = plain(await s.waitFor((x) => x.includes('Applied 1 fix'), 'the result', 30_000));
    const written = readFileSync(manifest, 'utf8');
    expect(written).toBe(original.replace('rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }'));
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

describe('the fix engine of the screen with --locked', () => {
  it('applies only the fixes that leave Cargo.lock as it is, as fix --locked does', async () => {
    const dir = workspaceCopy();
    const { fixEngine } = await import('../../cli/ui/fix-engine.js');
    const args = parseArgs(['--locked'], CHECK_OPTIONS, 'check');
    const run = await runCheck(args, testContext(dir));
    try {
      const fixes = (await planFixes(proofContextFor(run), { strategy: 'auto' })).fixes.filter((f) => (f.status === 'applied' || f.status === 'not-applied') && f.proven);
      const changesLock = fixes.filter((f) => f.lockfileCommand);
      // The example's OpenSSL fix needs openssl-src, which Cargo.lock lacks.
      expect(changesLock.length).toBeGreaterThan(0);
      const before = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
      const result = await fixEngine(args, testContext(dir)).apply(run, fixes);
      expect(result.kept.every((f) => !f.lockfileCommand)).toBe(true);
      for (const f of changesLock) expect(result.dropped).toContainEqual({ fix: f, reason: { id: 'changesLockfile', data: { flag: '--locked' } } });
      const after = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
      expect(after !== before).toBe(result.kept.length > 0);
    } finally {
      await run.loaded.sources.close();
    }
  });
});

describe('the fix engine of the screen and a read-only manifest', () => {
  it('refuses it as fix does, and writes it with --force', async () => {
    const { fixEngine } = await import('../../cli/ui/fix-engine.js');
    for (const force of [false, true]) {
      const dir = workspaceCopy();
      const manifest = join(dir, 'Cargo.toml');
      chmodSync(manifest, 0o444);
      const before = readFileSync(manifest, 'utf8');
      const args = parseArgs(force ? ['--force'] : [], CHECK_OPTIONS, 'check');
      const run = await runCheck(args, testContext(dir));
      try {
        const fixes = (await planFixes(proofContextFor(run), { strategy: 'static' })).fixes.filter((f) => f.proven);
        expect(fixes.length).toBeGreaterThan(0);
        const applying = fixEngine(args, testContext(dir)).apply(run, fixes);
        if (force) {
          expect((await applying).written).toEqual([manifest]);
          expect(readFileSync(manifest, 'utf8')).not.toBe(before);
        } else {
          await expect(applying).rejects.toThrow('the file is read-only; not replacing it');
          expect(readFileSync(manifest, 'utf8')).toBe(before);
        }
      } finally {
        await run.loaded.sources.close();
      }
    }
  });
});
