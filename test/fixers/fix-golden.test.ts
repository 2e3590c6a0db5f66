/**
 * Golden fixes: for each dependency form (dotted keys, `[dependencies.x]`,
 * target tables, renames, optional dependencies activated by a feature,
 * workspace inheritance, CRLF with tight spacing), the diff `fix --dry-run`
 * prints, the files `fix` writes, a second run changing nothing, and real
 * cargo agreeing that openssl-sys left the graph.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDOR_CONFIG } from '../helpers/project.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { cargo, cli, lockEntry, TLS_CRATES } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/fix');
const TARGET = 'x86_64-unknown-linux-musl';

function project(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `preflight-fix-golden-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const [rel, text] of Object.entries({ ...VENDOR_CONFIG, ...TLS_CRATES })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const lock = join(dir, 'Cargo.lock');
  writeFileSync(
    lock,
    `${readFileSync(lock, 'utf8')}\n${[lockEntry('native-tls', '0.2.12', ['openssl-sys']), lockEntry('openssl-sys', '0.9.103'), lockEntry('reqwest', '0.12.5', ['native-tls'])].join('\n')}`,
  );
  return dir;
}

/** Every file of the fixture (manifests only), by relative path. */
function manifests(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && e.name !== 'vendor' && !e.name.startsWith('.')) Object.assign(out, manifests(dir, r));
    else if (e.name === 'Cargo.toml') out[r] = readFileSync(join(dir, r), 'utf8');
  }
  return out;
}

describe('golden fixes (test/fixtures/fix)', () => {
  const cases = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
  it('has fixtures', () => expect(cases.length).toBeGreaterThanOrEqual(8));

  for (const { name } of cases) {
    it(name, async () => {
      const dir = project(name);
      const before = manifests(dir);
      const treeBefore = cargoAvailable() ? cargoTreeLines(dir, TARGET) : undefined;
      if (treeBefore) expect(treeBefore.some((l) => l.startsWith('openssl-sys '))).toBe(true);
      const dry = await cli(['fix', dir, '--dry-run'], dir);
      expect(dry.stdout).toBe(readFileSync(join(FIXTURES, name, 'expected.diff'), 'utf8'));
      expect(dry.code).toBe(0);
      expect(manifests(dir)).toEqual(before);

      const fixed = await cli(['fix', dir], dir);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stderr).toContain('use rustls instead of OpenSSL');
      expect(fixed.stderr).toContain('Cargo.lock will change (new: rustls 0.23.12)');
      const after = manifests(dir);
      expect(after).not.toEqual(before);
      // The written files are exactly what the dry run showed: applying the diff's + lines gives them.
      for (const [rel, text] of Object.entries(after)) {
        const old = before[rel]!.split('\n');
        for (const line of text.split('\n')) if (!old.includes(line)) expect(dry.stdout).toContain(`+${line.replace(/\r$/, '')}`);
        // Line endings stay as they were.
        expect(text.includes('\r\n')).toBe(before[rel]!.includes('\r\n'));
      }

      const again = await cli(['fix', dir], dir);
      expect(again.code).toBe(0);
      expect(manifests(dir)).toEqual(after);
      expect(again.stderr).not.toContain('Fixing');

      if (!cargoAvailable()) {
        console.warn('cargo not found; skipping the cargo tree confirmation');
        return;
      }
      cargo(dir, ['update', '--workspace']);
      const tree = cargoTreeLines(dir, TARGET);
      expect(tree.some((l) => l.startsWith('openssl-sys '))).toBe(false);
      expect(tree.some((l) => l.startsWith('native-tls '))).toBe(false);
      // Every feature reqwest had is still on, except the native backend's.
      const features = (lines: string[]) =>
        lines
          .find((l) => l.startsWith('reqwest '))!
          .split('|')[1]!
          .split(',');
      const kept = features(treeBefore!).filter((f) => !['default', 'default-tls', 'native-tls'].includes(f));
      expect(features(tree)).toEqual(expect.arrayContaining([...kept, 'rustls-tls']));
    });
  }
});
