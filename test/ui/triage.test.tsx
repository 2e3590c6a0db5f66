/**
 * The triage screen on real check runs of the bundled example (reqwest with
 * native-tls and rusqlite, every crate vendored): navigation, detail,
 * filtering, target switching, help, resizing, colours and quitting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../cli/run/check.js';
import type { Finding, Severity } from '../../src/rules/types.js';
import { KEY, expectedRun, openScreen, workspaceCopy, type Screen } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';
const WINDOWS = 'x86_64-pc-windows-msvc';

let screen: Screen | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const lines = (frame: string) => frame.split('\n');
const cursorLine = (frame: string) => lines(plain(frame)).find((l) => l.startsWith('> '));

let run: CheckRun;

async function loaded(argv: string[] = [], opts: { color?: boolean; columns?: number; rows?: number } = {}): Promise<Screen> {
  const dir = workspaceCopy();
  run = await expectedRun(dir, argv);
  screen = openScreen(dir, argv, opts);
  await screen.waitFor((f) => f.includes('errors ('), 'the finding list');
  return screen;
}

/** The findings of a target in list order (severity first, report order within). */
function listed(target = MUSL): Finding[] {
  const order: Severity[] = ['error', 'warning', 'info'];
  return run.report.findings.filter((f) => f.target === target).sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
}

const counts = (fs: Finding[]) => {
  const n = (s: Severity) => fs.filter((f) => f.severity === s).length;
  const w = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  return `${w(n('error'), 'error')}, ${w(n('warning'), 'warning')}, ${w(n('info'), 'note')}`;
};

describe('triage screen', () => {
  it('lists the findings of the target grouped by severity, within 80x24', async () => {
    const s = await loaded();
    const f = plain(s.frame());
    const fs = listed();
    expect(fs.filter((x) => x.severity === 'error').map((x) => x.package.name)).toEqual(['libsqlite3-sys', 'openssl-sys']);
    expect(f).toContain(`cargo-preflight · weather-report · ${MUSL}`);
    expect(f).toContain(counts(fs));
    expect(f).toMatch(/^> .* libsqlite3-sys v0\.32\.0 {2}native-library via rusqlite$/m);
    expect(f).toMatch(/^ {2}.* openssl-sys v0\.9\.107 {2}native-library via reqwest$/m);
    // Headings with counts, in severity order, each followed by its findings.
    const headings = lines(f).filter((l) => /^(errors|warnings|notes) \(\d+\)$/.test(l));
    const expected = (['error', 'warning', 'info'] as Severity[])
      .map((sev) => [sev, fs.filter((x) => x.severity === sev).length] as const)
      .filter(([, n]) => n > 0)
      .map(([sev, n]) => `${{ error: 'errors', warning: 'warnings', info: 'notes' }[sev]} (${n})`);
    expect(headings).toEqual(expected);
    for (const x of fs) expect(f).toContain(`${x.package.name} v${x.package.version}  ${x.rule}`);
    // The key hints, shortened to fit 80 columns.
    expect(f).toContain('↵ detail  spc select  d diff  a apply  e edit  r check');
    const ls = lines(f);
    expect(ls.length).toBeLessThanOrEqual(23);
    for (const l of ls) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('moves with j/k and the arrow keys, and stays on the list at its ends', async () => {
    const s = await loaded();
    const names = listed().map((x) => `${x.package.name} v${x.package.version}`);
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(cursorLine(s.frame())).toContain(names[0]);
    await s.press('j');
    expect(cursorLine(s.frame())).toContain(names[1]);
    await s.press(KEY.down);
    expect(cursorLine(s.frame())).toContain(names[Math.min(2, names.length - 1)]);
    for (let i = 0; i < names.length + 2; i++) await s.press('j');
    expect(cursorLine(s.frame())).toContain(names[names.length - 1]);
    for (let i = 0; i < names.length - 1; i++) await s.press(i % 2 ? 'k' : KEY.up);
    expect(cursorLine(s.frame())).toContain(names[0]);
    await s.press(KEY.up, 'k');
    expect(cursorLine(s.frame())).toContain(names[0]);
  });

  it('opens the detail: what and why, the paths as a tree with features on the edges, the knowledge base', async () => {
    const s = await loaded([], { rows: 60 });
    await s.press('j', KEY.enter);
    const f = plain(await s.waitFor((x) => x.includes('Inclusion paths'), 'the detail'));
    expect(f).toContain(`error[native-library] openssl-sys v0.9.107 for ${MUSL}`);
    expect(f).toContain('--> Cargo.toml:9:1 (dependency `reqwest` of weather-report)');
    expect(f).toMatch(/Why\n {2}Looks for OpenSSL/);
    // Three paths share `weather-report → reqwest`; the feature that pulls each optional dependency in is on its edge.
    expect(f).toContain(
      [
        '  weather-report v0.1.0',
        '  └─ reqwest v0.12.15',
        '     ├─ native-tls-crate (native-tls) v0.2.14 [default-tls]',
        '     │  └─ openssl-sys v0.9.107',
        '     ├─ hyper-tls v0.6.0 [default-tls]',
        '     │  └─ native-tls v0.2.14',
        '     │     └─ openssl-sys v0.9.107',
        '     └─ tokio-native-tls v0.3.1 [default-tls]',
        '        └─ native-tls v0.2.14',
        '           └─ openssl-sys v0.9.107',
      ].join('\n'),
    );
    expect(f).toMatch(/Knowledge base\n {2}OpenSSL: openssl-sys links the system OpenSSL/);
    expect(f).toContain('System library: OpenSSL (libssl, libcrypto).');
    expect(f).toContain('Static options of openssl-sys 0.9.107: feature `vendored`');
    expect(f).toContain('Fix options');
    // Enter closes it again, Esc too.
    await s.press(KEY.enter);
    expect(plain(s.frame())).not.toContain('Inclusion paths');
    await s.press(KEY.enter);
    await s.waitFor((x) => x.includes('Inclusion paths'), 'the detail again');
    await s.press(KEY.escape);
    await s.waitFor((x) => !x.includes('Inclusion paths'), 'the detail to close');
    expect(s.exited()).toBeUndefined();
  });

  it('scrolls a detail longer than the screen with PgDn/PgUp, within 80x24', async () => {
    const s = await loaded();
    await s.press('j', KEY.enter);
    const top = plain(await s.waitFor((x) => x.includes('Why'), 'the detail'));
    expect(top).toContain('error[native-library] openssl-sys');
    for (let i = 0; i < 6 && !s.frame().includes('docs: https://'); i++) await s.press(KEY.pageDown);
    const down = plain(s.frame());
    expect(down).not.toContain('error[native-library] openssl-sys');
    expect(down).toContain('docs: https://');
    for (const l of lines(down)) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines(down).length).toBeLessThanOrEqual(23);
    for (let i = 0; i < 6; i++) await s.press(KEY.pageUp);
    expect(plain(s.frame())).toContain('error[native-library] openssl-sys');
  });

  it("filters by the finding's crate name with /, keeps the filter with Enter and clears it with Esc", async () => {
    const s = await loaded();
    await s.press('/', 's', 's', 'l');
    let f = plain(s.frame());
    const ssl = listed().filter((x) => x.package.name.includes('ssl'));
    expect(ssl.map((x) => x.package.name)).toEqual(['openssl-sys']);
    expect(f).toContain('/ssl');
    expect(f).toContain("matches the finding's crate name");
    expect(f).toContain('openssl-sys v0.9.107');
    expect(f).not.toContain('libsqlite3-sys v0.32.0');
    expect(f).toContain(`filter "ssl": ${ssl.length} shown`);
    expect(f).toContain(`errors (${ssl.filter((x) => x.severity === 'error').length})`);
    await s.press(KEY.enter);
    // Keys act on the list again; the filter stays.
    await s.press('j');
    f = plain(s.frame());
    expect(cursorLine(f)).toContain(ssl[Math.min(1, ssl.length - 1)].package.name);
    expect(f).not.toContain('libsqlite3-sys');
    // Crates on the inclusion paths do not count: tokio is on a path to openssl-sys
    // (tokio-native-tls), yet "tok" keeps only the finding about tokio itself.
    const openssl = listed().find((x) => x.package.name === 'openssl-sys')!;
    expect(openssl.paths.some((p) => p.some((st) => st.name.includes('tok')))).toBe(true);
    await s.press('/', KEY.backspace, KEY.backspace, KEY.backspace, 't', 'o', 'k');
    f = plain(s.frame());
    expect(f).toContain('tokio v');
    expect(f).not.toContain('openssl-sys v0.9.107');
    expect(f).toContain(`filter "tok": ${listed().filter((x) => x.package.name.includes('tok')).length} shown`);
    // Nor does the direct dependency that brings the crate in: rusqlite brings libsqlite3-sys.
    await s.press(KEY.backspace, KEY.backspace, KEY.backspace, 'r', 'u', 's', 'q');
    expect(plain(s.frame())).toContain(`no finding for ${MUSL} matches "rusq"`);
    await s.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, 'S', 'Q', 'L', 'i', 't', 'e');
    f = plain(s.frame());
    expect(f).toContain('libsqlite3-sys v0.32.0');
    expect(f).not.toContain('openssl-sys v0.9.107');
    await s.press(KEY.escape);
    await s.waitFor((x) => x.includes('errors (2)') && !x.includes('/SQLite'), 'the unfiltered list');
    expect(plain(s.frame())).not.toContain('filter "');
  });

  it('switches targets with t, each with its own findings and counts', async () => {
    const s = await loaded(['--target', MUSL, '--target', WINDOWS]);
    expect(plain(s.frame())).toContain(`${MUSL} (target 1/2)`);
    await s.press('j', 't');
    let f = plain(s.frame());
    const win = listed(WINDOWS);
    expect(f).toContain(`${WINDOWS} (target 2/2)`);
    expect(f).toContain(counts(win));
    expect(f).toContain('errors (1)');
    expect(f).toContain('libsqlite3-sys v0.32.0');
    // native-tls uses SChannel on Windows: no OpenSSL there.
    expect(win.map((x) => x.package.name)).not.toContain('openssl-sys');
    expect(f).not.toContain('openssl-sys');
    expect(cursorLine(f)).toContain(`${win[0].package.name} v${win[0].package.version}`);
    await s.press(KEY.enter);
    f = plain(await s.waitFor((x) => x.includes('Inclusion paths'), 'the detail'));
    expect(f).toContain(`${win[0].package.name} v${win[0].package.version} for ${WINDOWS}`);
    await s.press('t');
    f = plain(s.frame());
    expect(f).toContain(`${MUSL} (target 1/2)`);
    expect(f).toContain('errors (2)');
    expect(f).toContain(counts(listed(MUSL)));
  });

  it('shows the keys and the two-step CI use with ? and closes the help with any key', async () => {
    const s = await loaded();
    await s.press('?');
    let f = plain(s.frame());
    expect(f).toContain('Keys');
    expect(f).toMatch(/space +select the fix to apply/);
    expect(f).toMatch(/q +quit/);
    // On a 24-row terminal the whole help shows, the CI use for the target on screen last.
    expect(f).toContain('In CI: `check` before the build, `verify --expect static` on what it built');
    expect(f).toContain(`  cargo-preflight check --target ${MUSL} --format github`);
    expect(f).toContain(`  cargo-preflight verify --target ${MUSL} --expect static`);
    expect(f).toContain('any key closes');
    await s.press('x');
    f = plain(s.frame());
    expect(f).not.toContain('Keys');
    expect(f).toContain('errors (2)');
  });

  it('adapts to a resize', async () => {
    const s = await loaded([], { rows: 40 });
    await s.press('j', KEY.enter);
    await s.waitFor((x) => x.includes('Knowledge base'), 'the long detail');
    s.resize(60, 16);
    const f = plain(await s.waitFor((x) => lines(x).length <= 15, 'the smaller screen'));
    for (const l of lines(f)) expect(l.length).toBeLessThanOrEqual(60);
    expect(f).toContain('error[native-library] openssl-sys');
    expect(f).toContain('─'.repeat(60));
    expect(f).not.toContain('─'.repeat(61));
    s.resize(30, 8);
    const tiny = plain(await s.waitFor((x) => lines(x).length <= 7, 'the tiny screen'));
    for (const l of lines(tiny)) expect(l.length).toBeLessThanOrEqual(30);
    expect(tiny).toContain(MUSL);
    s.resize(120, 30);
    const g = plain(await s.waitFor((x) => lines(x).length > 20, 'the larger screen'));
    expect(g).toContain('─'.repeat(120));
  });

  it('colours only when asked (NO_COLOR and --color decide the session colour)', async () => {
    const s = await loaded([], { color: false });
    expect(s.frame()).not.toMatch(/\x1b\[/);
    s.unmount();
    const c = await loaded([], { color: true });
    const f = c.frame();
    expect(f).toMatch(/\x1b\[(1;)?31m(\x1b\[1m)?errors \(2\)/);
    // The selected row is shown in reverse video.
    expect(f).toContain('\x1b[7m> ');
    expect(plain(f)).toContain('errors (2)');
  });

  it('quits with q, handing back the last run', async () => {
    const s = await loaded();
    await s.press('q');
    const last = s.exited();
    expect(last).toBeTruthy();
    expect(last!.report.findings.map((f) => f.id)).toEqual(run.report.findings.map((f) => f.id));
  });

  it('quits from the list with Esc twice, the first Esc asking; another key takes the question back', async () => {
    const s = await loaded();
    await s.press(KEY.escape);
    await s.waitFor((x) => x.includes('press Esc again to quit (q quits at once)'), 'the question');
    expect(s.exited()).toBeUndefined();
    await s.press('j');
    expect(plain(s.frame())).not.toContain('press Esc again');
    await s.press(KEY.escape);
    expect(s.exited()).toBeUndefined();
    await s.press(KEY.escape);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.exited()).toBeTruthy();
  });

  it('closes with Esc what is on top, one thing at a time: the detail, the filter, the status line', async () => {
    const s = await loaded();
    await s.press('/', 's', 'q', 'l', KEY.enter, KEY.enter);
    await s.waitFor((x) => x.includes('Inclusion paths'), 'the detail of the filtered list');
    await s.press('t');
    expect(plain(s.frame())).toContain('one target: x86_64-unknown-linux-musl');
    await s.press(KEY.escape);
    let f = plain(s.frame());
    expect(f).not.toContain('Inclusion paths');
    expect(f).toContain('filter "sql": 1 shown');
    await s.press(KEY.escape);
    f = plain(s.frame());
    expect(f).not.toContain('filter "sql"');
    expect(f).toContain('errors (2)');
    await s.press('t');
    expect(plain(s.frame())).toContain('one target');
    await s.press(KEY.escape);
    f = plain(s.frame());
    expect(f).not.toContain('one target');
    expect(f).not.toContain('press Esc again');
    expect(s.exited()).toBeUndefined();
  });
});
