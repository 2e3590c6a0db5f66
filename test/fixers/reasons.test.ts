/** The fix engine's reasons: ids and data, one rendering to text, every template in use. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reason, REASON_MESSAGES, reasonsText, reasonText, type FixReason, type ReasonId } from '../../src/fixers/reasons.js';
import { placeholders } from '../../src/rules/messages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('fix reasons', () => {
  it('render as strategy, candidate, text and causes', () => {
    const r: FixReason = { strategy: 'switch', candidate: 'reqwest: use rustls instead of OpenSSL', ...reason('wholeWorkspace', {}, [reason('stillReported', { findings: 'openssl-sys (native-library, x86_64-unknown-linux-musl)' })]) };
    expect(reasonText(r)).toBe(
      "switch: reqwest: use rustls instead of OpenSSL: for the whole workspace (the root's [workspace.dependencies] changes): openssl-sys (native-library, x86_64-unknown-linux-musl) still reported after the change",
    );
    expect(reasonsText([reason('changesNothing'), { strategy: 'pin', ...reason('noMemberLinks', { crate: 'openssl-sys' }) }])).toBe('the edits change nothing; pin: no selected member links `openssl-sys`');
    expect(reason('together', {}, [])).toEqual({ id: 'together', data: {} });
  });

  it('refuse an unknown id or a placeholder without data', () => {
    expect(() => reasonText(reason('noMemberLinks'))).toThrow(/no data for the placeholder \{\{crate\}\}/);
    expect(() => reasonText({ id: 'noSuchReason' as ReasonId, data: {} })).toThrow(/unknown messageId 'noSuchReason'/);
  });

  it('are each given somewhere by the fixers or the fix command, with data for their placeholders', () => {
    const dir = join(root, 'src/fixers');
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'reasons.ts').map((f) => join(dir, f)), join(root, 'cli/commands/fix.ts'), join(root, 'cli/run/fix.ts')];
    const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const [id, template] of Object.entries(REASON_MESSAGES)) {
      const uses = [...source.matchAll(new RegExp(`reason\\('${id}'(?:, \\{([^}]*)\\})?`, 'g'))];
      expect(uses.length, `reason('${id}', ...) in the fixers`).toBeGreaterThan(0);
      // Each use names every placeholder among its data's keys.
      for (const u of uses) for (const name of placeholders(template)) expect(u[1] ?? '', `${id}: ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });
});
