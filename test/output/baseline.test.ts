/**
 * Baselines end to end: record, compare, fixed entries, new findings, ids
 * that survive line moves, and bad baseline files (exit 2 naming the file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseBaseline, renderBaseline } from '../../cli/output/baseline.js';
import { cli } from '../check/cli.js';
import { workspaceCopy } from './helpers.js';

const run = (cwd: string, ...args: string[]) => cli(['check', '--offline', '--quiet', ...args], { cwd });

function edit(root: string, rel: string, from: string, to: string): void {
  const p = join(root, rel);
  const text = readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${rel}`);
  writeFileSync(p, text.replace(from, to));
}

describe('baseline round trip', () => {
  it('a run against its own baseline passes and reports nothing new or fixed', async () => {
    const root = workspaceCopy('workspace');
    expect((await run(root, '--write-baseline', 'baseline.json', '--format', 'json', '--output', 'r.json')).code).toBe(0);
    const again = await run(root, '--baseline', 'baseline.json', '--format', 'json');
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc.baseline).toEqual({ path: 'baseline.json', new: 2, unchanged: 8, fixed: [] });
    // The two new ones are the allowed libz-sys findings, which never fail.
    expect(doc.findings.filter((f: { baseline: string }) => f.baseline === 'new').map((f: { allowed?: unknown }) => !!f.allowed)).toEqual([true, true]);
    // Still failing at every level without the baseline.
    expect((await run(root, '--format', 'json', '--output', 'r.json')).code).toBe(1);
    const gh = await run(root, '--baseline', 'baseline.json', '--format', 'github');
    expect(gh.stdout).toBe('cargo-preflight: x86_64-unknown-linux-musl, aarch64-unknown-linux-musl: 4 errors, 0 warnings, 4 notes, 2 allowed, 8 in baseline\n');
    const human = await run(root, '--baseline', 'baseline.json');
    expect(human.stdout).not.toContain('error[native-library]: `openssl-sys');
    expect(human.stdout).toContain('note: 8 findings are recorded in the baseline baseline.json and not shown\n');
  });

  it('ids do not depend on line numbers: moving declarations keeps the baseline valid', async () => {
    const root = workspaceCopy('workspace');
    await run(root, '--write-baseline', 'baseline.json', '--format', 'json', '--output', 'r.json');
    edit(root, 'app/Cargo.toml', '[dependencies]\n', '[dependencies]\n# pinned for the release\n\n');
    edit(root, 'Cargo.toml', '[workspace.dependencies]\n', '[workspace.dependencies]\n# shared versions\n');
    const r = await run(root, '--baseline', 'baseline.json', '--format', 'json', '--fail-on', 'info');
    expect(JSON.parse(r.stdout).baseline).toMatchObject({ new: 2, unchanged: 8, fixed: [] });
    expect(r.code).toBe(0);
  });

  it('reports baseline entries that are fixed, and fails only on new findings', async () => {
    const root = workspaceCopy('workspace');
    await run(root, '--write-baseline', 'baseline.json', '--format', 'json', '--output', 'r.json');
    // Fix SQLite: its two findings (one per target) leave; the bundled build is a new note.
    edit(root, 'store/Cargo.toml', 'rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }');
    const fixed = await run(root, '--baseline', 'baseline.json', '--format', 'json');
    const doc = JSON.parse(fixed.stdout);
    expect(doc.baseline.fixed).toEqual([
      { id: '12e22913b216c66b', rule: 'native-library', crate: 'libsqlite3-sys', target: 'aarch64-unknown-linux-musl', dependency: 'store/rusqlite' },
      { id: '8db57654d1ccc195', rule: 'native-library', crate: 'libsqlite3-sys', target: 'x86_64-unknown-linux-musl', dependency: 'store/rusqlite' },
    ]);
    const fresh = doc.findings.filter((f: { baseline: string; allowed?: unknown }) => f.baseline === 'new' && !f.allowed);
    expect(fresh.map((f: { rule: string; package: { name: string }; severity: string }) => `${f.severity} ${f.rule} ${f.package.name}`)).toEqual([
      'info builds-c-code libsqlite3-sys',
      'info builds-c-code libsqlite3-sys',
    ]);
    expect(fixed.code).toBe(0);
    expect((await run(root, '--baseline', 'baseline.json', '--format', 'json', '--fail-on', 'info')).code).toBe(1);

    const human = await run(root, '--baseline', 'baseline.json');
    expect(human.stdout).toContain(
      'note: 2 baseline entries are no longer reported (fixed):\n' +
        '  native-library: libsqlite3-sys for aarch64-unknown-linux-musl (through store/rusqlite)\n' +
        '  native-library: libsqlite3-sys for x86_64-unknown-linux-musl (through store/rusqlite)\n' +
        '  help: drop them with `--write-baseline baseline.json`\n',
    );
    const md = await run(root, '--baseline', 'baseline.json', '--format', 'markdown');
    expect(md.stdout).toContain('### Fixed since the baseline\n');
    expect(md.stdout).toContain('- `native-library`: `libsqlite3-sys` for `x86_64-unknown-linux-musl` (through `store/rusqlite`)\n');
    const gh = await run(root, '--baseline', 'baseline.json', '--format', 'github');
    expect(gh.stdout).toContain('::notice title=cargo-preflight%3A 2 baseline entries are fixed::No longer reported');
    const sarif = JSON.parse((await run(root, '--baseline', 'baseline.json', '--format', 'sarif')).stdout);
    expect(sarif.runs[0].results.filter((r: { baselineState: string }) => r.baselineState === 'new').map((r: { ruleId: string }) => r.ruleId)).toEqual([
      'native-library',
      'native-library',
      'builds-c-code',
      'builds-c-code',
    ]);

    // Rewriting the baseline drops the fixed entries and records the new notes.
    await run(root, '--write-baseline', 'baseline.json', '--format', 'json', '--output', 'r.json');
    const rewritten = parseBaseline(readFileSync(join(root, 'baseline.json'), 'utf8'), 'baseline.json');
    expect(rewritten.entries.filter((e) => e.crate === 'libsqlite3-sys').map((e) => e.rule)).toEqual(['builds-c-code', 'builds-c-code']);
  });

  it('a finding not in the baseline fails the run', async () => {
    const root = workspaceCopy('workspace');
    await run(root, '--write-baseline', 'baseline.json', '--format', 'json', '--output', 'r.json');
    // Without the allowance, the libz-sys findings are errors the baseline does not know.
    edit(root, 'Cargo.toml', '[[workspace.metadata.cargo-preflight.allow]]', '[[workspace.metadata.cargo-preflight.allow-not]]');
    const r = await run(root, '--baseline', 'baseline.json', '--format', 'github');
    expect(r.code).toBe(2);
    edit(root, 'Cargo.toml', '[[workspace.metadata.cargo-preflight.allow-not]]', '[[workspace.metadata.cargo-preflight.allowed]]');
    edit(root, 'Cargo.toml', '[[workspace.metadata.cargo-preflight.allowed]]\ncrate = "libz-sys"\nreason = "zlib is linked from the build image\'s static libz.a"\n', '');
    const failing = await run(root, '--baseline', 'baseline.json', '--format', 'github');
    expect(failing.code).toBe(1);
    expect(
      failing.stdout
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .map((l) => /title=([^:]+)::/.exec(l)![1]),
    ).toEqual(['native-library%3A libz-sys v1.1.16 (aarch64-unknown-linux-musl)', 'native-library%3A libz-sys v1.1.16 (x86_64-unknown-linux-musl)']);
  });
});

describe('bad baseline files', () => {
  const cases: [string, string, string][] = [
    ['not JSON', '{\n  "kind": "cargo-preflight-baseline",\n  "version": 1,\n  "findings": [}\n', "b.json:4:16: error: invalid baseline: not JSON: Unexpected token '}'\n"],
    ['empty', '', 'b.json: error: invalid baseline: not JSON: the file is empty\n'],
    ['another kind', '{"kind": "sarif", "version": 1, "findings": []}', 'b.json:1:2: error: invalid baseline: `kind` must be "cargo-preflight-baseline"\n'],
    [
      'a newer version',
      '{"kind": "cargo-preflight-baseline", "version": 2, "findings": []}',
      'b.json:1:38: error: invalid baseline: version 2 is not supported (this cargo-preflight reads version 1)\n',
    ],
    [
      'an entry without id',
      '{"kind": "cargo-preflight-baseline", "version": 1, "findings": [{"rule": "r", "crate": "c", "target": "t", "dependency": null}]}',
      'b.json:1:65: error: invalid baseline: findings[0].id must be a non-empty string\n',
    ],
    [
      'a bad value on a later line',
      '{\n  "kind": "cargo-preflight-baseline",\n  "version": 1,\n  "findings": [\n    {"id": "a", "rule": "r", "crate": "c", "target": "t", "dependency": null},\n    {"id": "b", "rule": "r", "crate": 7, "target": "t", "dependency": null}\n  ]\n}\n',
      'b.json:6:30: error: invalid baseline: findings[1].crate must be a non-empty string\n',
    ],
    ['a key of no meaning', '{"kind": "cargo-preflight-baseline",\n "version": 1, "findings": [], "extra": {"a": [1, "]"]}}', 'b.json:2:32: error: invalid baseline: unknown key `extra`\n'],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}: exit 2 with the path and the place, before any work`, async () => {
      const root = workspaceCopy('workspace');
      writeFileSync(join(root, 'b.json'), text);
      const r = await run(root, '--baseline', 'b.json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('  help:')[0]).toBe(message);
    });
  }

  it('a missing file says how to write one', async () => {
    const r = await run(workspaceCopy('workspace'), '--baseline', 'nope.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nope.json: error: could not read the baseline: no such file\n  help: write one with `--write-baseline FILE`\n');
  });

  it('an unwritable --write-baseline is exit 2 with its path', async () => {
    const r = await run(workspaceCopy('workspace'), '--write-baseline', 'Cargo.toml/b.json', '--format', 'json', '--output', 'r.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Cargo\.toml\/b\.json: error: could not write the baseline: (EEXIST|ENOTDIR)\n$/);
  });
});

describe('baseline file format', () => {
  it('renders sorted, one entry a line, and reads back what it wrote', () => {
    const b = parseBaseline(
      JSON.stringify({
        kind: 'cargo-preflight-baseline',
        version: 1,
        findings: [
          { id: 'b', rule: 'r', crate: 'z', target: 't2', dependency: null },
          { id: 'a', rule: 'r', crate: 'a', target: 't1', dependency: 'm/d' },
        ],
      }),
      'x.json',
    );
    const text = renderBaseline(b);
    expect(text).toBe(
      '{\n  "kind": "cargo-preflight-baseline",\n  "version": 1,\n  "findings": [\n' +
        '    {"id":"a","rule":"r","crate":"a","target":"t1","dependency":"m/d"},\n' +
        '    {"id":"b","rule":"r","crate":"z","target":"t2","dependency":null}\n  ]\n}\n',
    );
    expect(parseBaseline(text, 'x.json')).toEqual(b);
    expect(renderBaseline({ version: 1, entries: [] })).toBe('{\n  "kind": "cargo-preflight-baseline",\n  "version": 1,\n  "findings": []\n}\n');
  });

  it('finds where JSON breaks', () => {
    for (const [text, at] of [
      ['{"a":}', 5],
      ['[1, 2,]', 6],
      ['{"a": tru}', 6],
      ['{"a": "x\ny"}', 8],
      ['[1] 2', 4],
      ['{"a": 1', 7],
    ] as const) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorOffset(text), text).toBe(at);
    }
  });
});
