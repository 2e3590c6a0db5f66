/** The plain-data parts of the triage screen: path trees, fix selection, scrolling, wrapping, key hints. */
import { describe, expect, it } from 'vitest';
import type { ProposedFix } from '../../src/fixers/types.js';
import { reason } from '../../src/fixers/reasons.js';
import { chosenFixes, fixReasons, fixesFor, matchesFilter, mergeFixes, pathTree, scrollStart, strategyOptions, toggleFix, treeLines, wrapText } from '../../cli/ui/model.js';
import { CONTINUATION, fixMark, footerHint, wrapRow } from '../../cli/ui/views.js';
import type { Finding } from '../../src/rules/types.js';

const fix = (id: string, findingIds: string[], proven = true): ProposedFix => ({
  id,
  crate: { name: 'openssl-sys', version: '0.9.1' },
  status: proven ? 'proven' : 'not-proven',
  findingIds,
  strategy: 'static',
  title: id,
  description: '',
  edits: [],
  proven,
  newCrates: [],
  lockfileCommand: null,
});

describe('triage model', () => {
  it('merges inclusion paths into a tree sharing prefixes, keeping the feature of each edge', () => {
    const step = (name: string, via: string[] = [], as?: string) => ({ name, version: '1.0.0', via, ...(as ? { as } : {}) });
    const tree = pathTree([
      [step('app'), step('reqwest'), step('native-tls-crate', ['default-tls'], 'native-tls-crate'), step('openssl-sys')],
      [step('app'), step('reqwest'), step('hyper-tls', ['default-tls']), step('native-tls'), step('openssl-sys')],
      [step('app'), step('postgres-openssl'), step('openssl-sys')],
    ]);
    expect(treeLines(tree).map((l) => `${l.prefix}${l.label}${l.via.length ? ` [${l.via.join(', ')}]` : ''}`)).toEqual([
      'app v1.0.0',
      '├─ reqwest v1.0.0',
      '│  ├─ native-tls-crate (native-tls-crate) v1.0.0 [default-tls]',
      '│  │  └─ openssl-sys v1.0.0',
      '│  └─ hyper-tls v1.0.0 [default-tls]',
      '│     └─ native-tls v1.0.0',
      '│        └─ openssl-sys v1.0.0',
      '└─ postgres-openssl v1.0.0',
      '   └─ openssl-sys v1.0.0',
    ]);
  });

  it('selects one fix per finding, and applies only proven ones', () => {
    const a = fix('a', ['f1']);
    const b = fix('b', ['f1', 'f2']);
    const c = fix('c', ['f3']);
    const u = fix('u', ['f4'], false);
    const all = [a, b, c, u];
    let sel = toggleFix(new Set(), a, all);
    expect([...sel]).toEqual(['a']);
    sel = toggleFix(sel, c, all);
    // b competes with a for f1: choosing it drops a.
    sel = toggleFix(sel, b, all);
    expect([...sel].sort()).toEqual(['b', 'c']);
    sel = toggleFix(sel, b, all);
    expect([...sel]).toEqual(['c']);
    expect(chosenFixes(new Set(['c', 'u']), all).map((f) => f.id)).toEqual(['c']);
    expect(chosenFixes(new Set(['c']), null)).toEqual([]);
  });

  it('marks a finding by the best of its fixes', () => {
    const finding = { id: 'f1' } as Finding;
    const disable = { ...fix('off', ['f1']), strategy: 'disable' as const };
    expect(fixMark(finding, null, new Set())).toBe('pending');
    expect(fixMark(finding, [], new Set())).toBe('none');
    expect(fixMark(finding, [fix('u', ['f1'], false)], new Set())).toBe('unproven');
    expect(fixMark(finding, [fix('u', ['f1'], false), disable], new Set())).toBe('loses');
    expect(fixMark(finding, [disable, fix('s', ['f1'])], new Set())).toBe('available');
    expect(fixMark(finding, [disable, fix('s', ['f1'])], new Set(['off']))).toBe('selected');
    expect(fixMark(finding, [fix('other', ['f2'])], new Set(['other']))).toBe('none');
  });

  it('scrolls so that the focused row stays visible with some context', () => {
    expect(scrollStart(5, 4, 10)).toBe(0);
    expect(scrollStart(30, 0, 10)).toBe(0);
    expect(scrollStart(30, 9, 10, 0)).toBe(2);
    expect(scrollStart(30, 29, 10, 2)).toBe(20);
    expect(scrollStart(30, 12, 10, 20)).toBe(10);
    expect(scrollStart(30, 15, 10, 10)).toBe(10);
  });

  it('wraps words to the width and cuts words longer than it', () => {
    expect(wrapText('the quick brown fox jumps over the lazy dog', 15)).toEqual(['the quick brown', 'fox jumps over', 'the lazy dog']);
    expect(wrapText('a ' + 'x'.repeat(25), 10)).toEqual(['a', 'xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx']);
    expect(wrapText('one\ntwo', 20)).toEqual(['one', 'two']);
  });

  it('fits the key hints to the width, dropping the least useful first', () => {
    const wide = footerHint('list', 200, true);
    expect(wide).toBe('j/k move  Enter detail  space select  d diff  a apply  e edit  r re-check  t target  / filter  ? keys  q quit');
    expect(footerHint('list', 200, false)).not.toContain('t target');
    const narrow = footerHint('list', 50, true);
    expect(narrow.length).toBeLessThan(50);
    expect(narrow).toContain('? keys');
    expect(narrow).toContain('↵ detail');
    expect(narrow).not.toContain('j/k');
  });

  it('gives the reasons of an unproven fix per candidate, without the strategy and title in front', () => {
    const webpki = reason('lockfileLacks', { crates: '`webpki-roots`', missing: 'webpki-roots ^0.26' });
    const x = {
      ...fix('switch:a', ['f']),
      strategy: 'switch' as const,
      title: 'a: use rustls',
      proven: false,
      reasons: [
        { strategy: 'switch' as const, candidate: 'a: use rustls', ...webpki },
        { strategy: 'switch' as const, ...reason('noSwitch', { dependency: 'b', version: '1.0.0', crate: 'openssl-sys', family: 'OpenSSL' }) },
        { strategy: 'switch' as const, candidate: 'b: use rustls', ...reason('changesNothing') },
      ],
    };
    expect(fixReasons(x)).toEqual([
      'the fix needs `webpki-roots`, which Cargo.lock lacks and the index cannot give (webpki-roots ^0.26)',
      '`b` v1.0.0 (which brings `openssl-sys` in) has no switch away from OpenSSL in the knowledge base',
      'b: use rustls: the edits change nothing',
    ]);
    // The combined reasons of `auto` keep the other strategies' names.
    const all = { ...x, reasons: [x.reasons[0]!, { strategy: 'static' as const, ...reason('noStaticFeature', { crate: 'openssl-sys', version: '0.9.1' }) }] };
    expect(fixReasons(all)).toEqual([fixReasons(x)[0], 'static: `openssl-sys` v0.9.1 has no static feature']);
    expect(fixReasons({ ...x, reasons: undefined })).toEqual([]);
  });

  it('lists the options of a finding per strategy, in the engine order, with what is not shown said', () => {
    const f = { id: 'f' } as Finding;
    const auto = [{ ...fix('static:a', ['f']), strategy: 'static' as const }];
    const switchFix = { ...fix('switch:a', ['f'], false), strategy: 'switch' as const, reason: 'switch: no' };
    const explored = [switchFix, { ...fix('static:a', ['f']), strategy: 'static' as const, reason: 'note' }, { ...fix('pin:a', ['f']), strategy: 'pin' as const }];
    const merged = mergeFixes(auto, explored);
    // The explored proposal takes the place of the one with the same id.
    expect(merged.map((x) => [x.id, x.reason])).toEqual([
      ['static:a', 'note'],
      ['switch:a', 'switch: no'],
      ['pin:a', undefined],
    ]);
    expect(fixesFor(merged, f).map((x) => x.id)).toEqual(['switch:a', 'static:a', 'pin:a']);
    const before = strategyOptions(auto, f, 'auto', 'pending');
    expect(before.map((o) => [o.strategy, o.fixes.map((x) => x.id), o.note])).toEqual([
      ['switch', [], 'being proven...'],
      ['static', ['static:a'], undefined],
      ['pin', [], 'being proven...'],
      ['disable', [], 'not tried: a fix that keeps every feature is proven (features are turned off only when no other fix proves out)'],
    ]);
    const after = strategyOptions(merged, f, 'auto', 'done');
    expect(after.map((o) => o.fixes.map((x) => x.id))).toEqual([['switch:a'], ['static:a'], ['pin:a'], []]);
    expect(strategyOptions([switchFix], f, 'switch', 'off').map((o) => o.strategy)).toEqual(['switch']);
    // A strategy the plan has no entry for (a refusal is an entry) was not tried.
    expect(strategyOptions([switchFix], f, 'auto', 'done')[1]!.note).toBe('not tried');
  });

  it("filters by the finding's crate only", () => {
    const f = { package: { name: 'openssl-sys' }, direct: { dependency: 'reqwest' }, paths: [[{ name: 'app' }, { name: 'tokio-native-tls' }, { name: 'openssl-sys' }]] } as unknown as Finding;
    expect(matchesFilter(f, 'SSL')).toBe(true);
    expect(matchesFilter(f, ' ')).toBe(true);
    expect(matchesFilter(f, 'tok')).toBe(false);
    expect(matchesFilter(f, 'reqw')).toBe(false);
  });

  it('wraps a long row at the width, marking continuations and carrying the colour over', () => {
    expect(wrapRow('short', 80)).toEqual(['short']);
    expect(wrapRow('x'.repeat(80), 80)).toEqual(['x'.repeat(80)]);
    expect(wrapRow('+' + 'a'.repeat(20), 10)).toEqual(['+aaaaaaaaa', `${CONTINUATION} aaaaaaaa`, `${CONTINUATION} aaa`]);
    expect(wrapRow('\x1b[32m+abcdefghijk\x1b[0m', 8)).toEqual(['\x1b[32m+abcdefg\x1b[0m', `${CONTINUATION} \x1b[32mhijk\x1b[0m`]);
  });
});
