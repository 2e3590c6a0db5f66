import { readdirSync, readFileSync } from 'node:fs';
import { parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { applyEdits, EditRefused, type ManifestEdit, type RefusalReason } from '../../src/fixers/toml-edit/index.js';

const FIXTURES = new URL('../fixtures/edit/', import.meta.url);
const deps = { kind: 'dependencies' } as const;

function fixture(name: string, file: string): string {
  return readFileSync(new URL(`${name}/${file}`, FIXTURES), 'utf8');
}

function refusal(text: string, edits: ManifestEdit[]): EditRefused {
  try {
    applyEdits(text, edits);
  } catch (e) {
    if (e instanceof EditRefused) return e;
    throw e;
  }
  throw new Error('the edits were not refused');
}

function expectRefused(text: string, edits: ManifestEdit[], reason: RefusalReason, message?: RegExp) {
  const e = refusal(text, edits);
  expect(e.reason).toBe(reason);
  if (message) expect(e.message).toMatch(message);
}

describe('golden edits (test/fixtures/edit)', () => {
  const cases = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(5));

  for (const { name } of cases) {
    it(name, () => {
      const before = fixture(name, 'before.toml');
      const after = fixture(name, 'after.toml');
      const edits = JSON.parse(fixture(name, 'edits.json')) as ManifestEdit[];
      const result = applyEdits(before, edits);
      expect(result.text).toBe(after);
      expect(result.changed).toBe(true);
      // TOML 1.0 in, TOML 1.0 out.
      expect(() => parseTOML(after.replace(/^\uFEFF/, ''), { tomlVersion: '1.0.0' })).not.toThrow();
      // Idempotent: the same edits on the result change nothing.
      expect(applyEdits(after, edits)).toEqual({ text: after, changed: false });
    });
  }
});

describe('edits that are already in effect', () => {
  const text = ['[dependencies]', 'a = { version = "1", features = ["x"], default-features = false }', 'b.version = "1"', 'b.default_features = false', 'c = "1"', ''].join('\n');
  const noops: ManifestEdit[] = [
    { op: 'add-features', table: deps, key: 'a', features: ['x'] },
    { op: 'add-features', table: deps, key: 'c', features: [] },
    { op: 'set-default-features', table: deps, key: 'a', value: false },
    { op: 'set-default-features', table: deps, key: 'b', value: false },
    { op: 'set-default-features', table: deps, key: 'c', value: true },
    { op: 'remove-features', table: deps, key: 'a', features: ['y'] },
    { op: 'remove-features', table: deps, key: 'c', features: ['x'] },
    { op: 'add-dependency', table: deps, key: 'c', spec: { version: '1' } },
  ];
  for (const edit of noops) {
    it(`${edit.op} on ${edit.key} leaves the bytes alone`, () => {
      expect(applyEdits(text, [edit])).toEqual({ text, changed: false });
    });
  }
});

describe('a sequence applied twice', () => {
  it('adding a dependency whose features a later edit of the call removes changes nothing the second time', () => {
    const edits: ManifestEdit[] = [
      { op: 'add-dependency', table: deps, key: 'ssl', spec: { version: '1', features: ['x'] } },
      { op: 'remove-features', table: deps, key: 'ssl', features: ['x'] },
    ];
    const once = applyEdits('[dependencies]\nc = "1"\n', edits);
    expect(once.changed).toBe(true);
    expect(applyEdits(once.text, edits)).toEqual({ text: once.text, changed: false });
  });

  it('adding a dependency without its defaults that a later edit of the call turns back on changes nothing the second time', () => {
    // Found by the property test (seed 773910202): the dependency's key needs quotes, too.
    const edits: ManifestEdit[] = [
      { op: 'add-dependency', table: deps, key: 'my.dep', spec: { version: '1', defaultFeatures: false } },
      { op: 'set-default-features', table: deps, key: 'my.dep', value: true },
    ];
    const once = applyEdits('[dependencies]\nc = "1"\n', edits);
    expect(once.changed).toBe(true);
    expect(applyEdits(once.text, edits)).toEqual({ text: once.text, changed: false });
  });

  it('still refuses an existing declaration with its defaults on when no later edit sets them', () => {
    const edits: ManifestEdit[] = [{ op: 'add-dependency', table: deps, key: 'c', spec: { version: '1', defaultFeatures: false } }];
    expect(() => applyEdits('[dependencies]\nc = "1"\n', edits)).toThrow(EditRefused);
  });

  it('still refuses an existing declaration that lacks a feature no later edit removes', () => {
    const edits: ManifestEdit[] = [{ op: 'add-dependency', table: deps, key: 'c', spec: { version: '1', features: ['x'] } }];
    expect(() => applyEdits('[dependencies]\nc = "1"\n', edits)).toThrow(EditRefused);
  });
});

describe('layouts', () => {
  it('treats \'cfg(unix)\' and "cfg(unix)" as the same key', () => {
    const text = '[target."cfg(unix)".dependencies]\nnix = "0.29"\n';
    const { text: out } = applyEdits(text, [{ op: 'add-features', table: { kind: 'dependencies', target: 'cfg(unix)' }, key: 'nix', features: ['fs'] }]);
    expect(out).toBe('[target."cfg(unix)".dependencies]\nnix = { version = "0.29", features = ["fs"] }\n');
  });

  it('edits a dependency table written as an inline table', () => {
    const text = '[target.\'cfg(unix)\']\ndependencies = { nix = "0.29" } # unix only\n';
    const table = { kind: 'dependencies', target: 'cfg(unix)' } as const;
    const { text: out } = applyEdits(text, [
      { op: 'add-features', table, key: 'nix', features: ['fs'] },
      { op: 'add-dependency', table, key: 'libc', spec: { version: '0.2' } },
    ]);
    expect(out).toBe('[target.\'cfg(unix)\']\ndependencies = { nix = { version = "0.29", features = ["fs"] }, libc = "0.2" } # unix only\n');
  });

  it('creates the first table of an empty manifest', () => {
    expect(applyEdits('', [{ op: 'add-dependency', table: deps, key: 'a', spec: { version: '1' } }]).text).toBe('[dependencies]\na = "1"\n');
  });

  it('quotes keys that are not bare', () => {
    const { text } = applyEdits('[dependencies]\n', [{ op: 'add-dependency', table: deps, key: 'my.dep', spec: { version: '1', features: ['a"b'] } }]);
    expect(text).toBe('[dependencies]\n\'my.dep\' = { version = "1", features = ["a\\"b"] }\n');
  });

  it('keeps TOML 1.1 input working without adding more of it', () => {
    const text = '[dependencies]\na = { version = "1", }\n';
    const { text: out } = applyEdits(text, [{ op: 'add-features', table: deps, key: 'a', features: ['x'] }]);
    expect(out).toBe('[dependencies]\na = { version = "1", features = ["x"], }\n');
  });

  it('keeps the order of several features inserted at one place', () => {
    const text = '[dependencies]\na = { version = "1", features = [\n  "x",\n] }\n';
    const { text: out } = applyEdits(text, [{ op: 'add-features', table: deps, key: 'a', features: ['c', 'b', 'a'] }]);
    expect(out).toBe('[dependencies]\na = { version = "1", features = [\n  "x",\n  "c",\n  "b",\n  "a",\n] }\n');
  });

  it('uses CRLF for inserted lines of a CRLF manifest', () => {
    const text = '[dependencies]\r\na = "1"\r\n';
    const { text: out } = applyEdits(text, [
      { op: 'add-dependency', table: deps, key: 'b', spec: { version: '2' } },
      { op: 'add-dependency', table: { kind: 'dev-dependencies' }, key: 'c', spec: { version: '3' } },
    ]);
    expect(out).toBe('[dependencies]\r\na = "1"\r\nb = "2"\r\n\r\n[dev-dependencies]\r\nc = "3"\r\n');
  });

  it('keeps a missing final newline missing', () => {
    const { text } = applyEdits('[dependencies]\na = "1"', [{ op: 'add-dependency', table: deps, key: 'b', spec: { version: '2' } }]);
    expect(text).toBe('[dependencies]\na = "1"\nb = "2"');
  });
});

describe('refusals', () => {
  const feature = (key: string, table: ManifestEdit['table'] = deps): ManifestEdit => ({
    op: 'add-features',
    table,
    key,
    features: ['x'],
  });

  it('refuses a manifest that defines a key twice', () => {
    expectRefused('[dependencies]\na = "1"\na = "2"\n', [feature('a')], 'duplicate-key', /line 3/);
    expectRefused('[dependencies]\n[dependencies]\na = "1"\n', [feature('a')], 'duplicate-key');
    expectRefused('[dependencies]\na.version = "1"\n[dependencies.a]\n', [feature('a')], 'duplicate-key');
  });

  it('refuses text that is not TOML', () => {
    expectRefused('[dependencies\na = "1"\n', [feature('a')], 'unparsable', /not valid TOML \(line \d+, column \d+\)/);
  });

  it('refuses to change a dependency that is not there', () => {
    expectRefused('[dependencies]\na = "1"\n', [feature('b')], 'not-found', /`b` in \[dependencies\]/);
    expectRefused('[dependencies]\na = "1"\n', [feature('a', { kind: 'dev-dependencies' })], 'not-found');
  });

  it('refuses default-features on a dependency inherited from the workspace', () => {
    const message = /belongs in the root manifest's \[workspace\.dependencies\]/;
    for (const text of ['[dependencies]\na = { workspace = true }\n', '[dependencies]\na.workspace = true\n']) {
      expectRefused(text, [{ op: 'set-default-features', table: deps, key: 'a', value: false }], 'invalid-edit', message);
    }
    expectRefused('[dependencies]\n', [{ op: 'add-dependency', table: deps, key: 'a', spec: { workspace: true, defaultFeatures: false } }], 'invalid-edit', message);
  });

  it('refuses a dependency with both spellings of default-features', () => {
    const text = '[dependencies]\na = { version = "1", default-features = true, default_features = true }\n';
    expectRefused(text, [{ op: 'set-default-features', table: deps, key: 'a', value: false }], 'invalid-edit');
  });

  it('refuses dependencies it cannot read as cargo would', () => {
    expectRefused('[dependencies]\na = { version = "1", features = "x" }\n', [feature('a')], 'unsupported');
    expectRefused('[dependencies]\na = 1\n', [feature('a')], 'unsupported');
    expectRefused('[dependencies.a]\nversion = "1"\n[dependencies.a.b]\n', [feature('a')], 'unsupported', /by hand/);
    expectRefused(
      "target = { 'cfg(unix)' = { dependencies = {} } }\n",
      [{ op: 'add-dependency', table: { kind: 'dev-dependencies', target: 'cfg(unix)' }, key: 'a', spec: { version: '1' } }],
      'unsupported',
    );
  });

  it('adding a dependency that later edits changed is a no-op the second time', () => {
    const table = { kind: 'build-dependencies', target: 'x86_64-unknown-linux-musl' } as const;
    const edits: ManifestEdit[] = [
      { op: 'add-dependency', table, key: 'tokio', spec: { version: '1' } },
      { op: 'set-default-features', table, key: 'tokio', value: false },
      { op: 'add-features', table, key: 'tokio', features: ['rt'] },
    ];
    const once = applyEdits('[package]\r\nname = "a"', edits);
    expect(once.text).toBe('[package]\r\nname = "a"\r\n\r\n[target.x86_64-unknown-linux-musl.build-dependencies]\r\ntokio = { version = "1", default-features = false, features = ["rt"] }');
    expect(applyEdits(once.text, edits)).toEqual({ text: once.text, changed: false });
    // What it has must include what is asked: other features, or defaults asked off, still conflict.
    const add = (spec: object): ManifestEdit => ({ op: 'add-dependency', table, key: 'tokio', spec });
    expectRefused(once.text, [add({ version: '1', features: ['net'] })], 'invalid-edit', /already exists/);
    expectRefused('[dependencies]\na = "1"\n', [{ op: 'add-dependency', table: deps, key: 'a', spec: { version: '1', defaultFeatures: false } }], 'invalid-edit');
    expectRefused('[dependencies]\na = { version = "1", optional = true }\n', [{ op: 'add-dependency', table: deps, key: 'a', spec: { version: '1' } }], 'invalid-edit');
  });

  it('refuses invalid new dependencies', () => {
    const add = (spec: object): ManifestEdit => ({ op: 'add-dependency', table: deps, key: 'a', spec });
    expectRefused('[dependencies]\na = "1"\n', [add({ version: '2' })], 'invalid-edit', /already exists/);
    expectRefused('', [add({ features: ['x'] })], 'invalid-edit', /needs a version/);
    expectRefused('', [add({ workspace: true, version: '1' })], 'invalid-edit');
    expectRefused('', [{ op: 'add-dependency', table: { kind: 'workspace' }, key: 'a', spec: { workspace: true } }], 'invalid-edit');
  });

  it('refuses all edits when one is refused', () => {
    const text = '[dependencies]\na = "1"\n';
    expectRefused(text, [feature('a'), feature('missing')], 'not-found');
  });
});
