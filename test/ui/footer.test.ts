/**
 * The key hints under each view: within the terminal's width, shortened
 * before any gives way, never cut in the middle.
 */
import { describe, expect, it } from 'vitest';
import { footerHint } from '../../cli/ui/views.js';

const MODES = ['list', 'detail', 'diff', 'confirm', 'result', 'help', 'filter', 'loading', 'error'] as const;

describe('key hints', () => {
  it('fit 80 columns in every view, with ? and q (or Esc) always there', () => {
    for (const mode of MODES) {
      for (const multi of [false, true]) {
        const t = footerHint(mode, 80, multi);
        expect(t.length).toBeLessThanOrEqual(79);
        if (mode === 'list' || mode === 'detail') expect(t).toContain('? keys');
        if (mode === 'list') expect(t).toContain('q quit');
      }
    }
  });

  it('at 80 columns shortens the list hints and keeps edit, re-check, apply, select and detail', () => {
    const t = footerHint('list', 80, true);
    expect(t).toBe('↵ detail  spc select  d diff  a apply  e edit  r check  t tgt  ? keys  q quit');
    expect(footerHint('list', 80, false)).toBe('↵ detail  spc select  d diff  a apply  e edit  r check  / find  ? keys  q quit');
    expect(footerHint('detail', 80, true)).toBe('Tab fix  spc select  PgUp/Dn  d diff  a apply  e edit  Esc close  ? keys');
  });

  it('at 120 columns shows every hint in full', () => {
    expect(footerHint('list', 120, true)).toBe('j/k move  Enter detail  space select  d diff  a apply  e edit  r re-check  t target  / filter  ? keys  q quit');
    expect(footerHint('detail', 120, true)).toBe('j/k finding  Tab fix  space select  PgUp/PgDn scroll  d diff  a apply  e edit  r re-check  Esc close  ? keys');
  });

  it('is made of whole hints, long or short, at any width', () => {
    const whole = new Set(
      MODES.flatMap((m) => [120, 200].flatMap((w) => footerHint(m, w, true).split('  '))).concat(
        MODES.flatMap((m) => [20, 30, 40, 50, 60, 70, 80, 90, 100].flatMap((w) => footerHint(m, w, true).split('  '))),
      ),
    );
    for (const mode of MODES) {
      for (let w = 10; w <= 130; w++) {
        const t = footerHint(mode, w, true);
        for (const part of t.split('  ')) expect(whole.has(part), `${mode} at ${w}: ${part}`).toBe(true);
        if (t.split('  ').length > 1) expect(t.length).toBeLessThanOrEqual(w - 1);
      }
    }
  });
});
