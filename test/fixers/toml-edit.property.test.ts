import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { applyEdits, EditRefused, type DependencySpec, type DepTable, type ManifestEdit, type RefusalReason } from '../../src/fixers/toml-edit/index.js';
import { depId, docArb, FEATURES, KEYS, render, TABLES, tableId, tablePath, type DocModel } from './manifest-gen.js';

type Data = Record<string, unknown>;
type Outcome = { data: Data } | { refused: RefusalReason };

const features = fc.array(fc.constantFrom(...FEATURES), { maxLength: 3 });

function specArb(table: DepTable): fc.Arbitrary<DependencySpec> {
  const plain = fc.record(
    {
      version: fc.constantFrom('1', '0.3'),
      package: fc.constant('real-name'),
      defaultFeatures: fc.constant(false),
      features: fc.uniqueArray(fc.constantFrom(...FEATURES), { minLength: 1, maxLength: 3 }),
      optional: fc.constant(true),
    },
    { requiredKeys: ['version'] },
  );
  const inherited = fc.record(
    {
      workspace: fc.constant(true),
      features: fc.uniqueArray(fc.constantFrom(...FEATURES), { minLength: 1, maxLength: 3 }),
      optional: fc.constant(true),
    },
    { requiredKeys: ['workspace'] },
  );
  return table.kind === 'workspace' ? plain : fc.oneof(plain, inherited);
}

/** Mostly edits of dependencies that exist, some of ones that do not. */
function editArb(doc: DocModel): fc.Arbitrary<ManifestEdit> {
  const existing = doc.tables.flatMap((t) => t.deps.map((d) => ({ table: t.table, key: d.key })));
  const anyDep = fc.record({ table: fc.constantFrom(...TABLES), key: fc.constantFrom(...KEYS) });
  const dep = existing.length > 0 ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...existing) }, { weight: 1, arbitrary: anyDep }) : anyDep;
  const newDep = fc.constantFrom(...TABLES).chain((table) => {
    const present = new Set(doc.tables.find((t) => tableId(t.table) === tableId(table))?.deps.map((d) => d.key));
    const free = [...KEYS, 'zz-new', 'aa-new'].filter((k) => !present.has(k));
    return fc.record({ table: fc.constant(table), key: fc.constantFrom(...free), spec: specArb(table) });
  });
  return fc.oneof(
    fc.tuple(dep, features).map(([d, f]): ManifestEdit => ({ op: 'add-features', ...d, features: f })),
    fc.tuple(dep, features).map(([d, f]): ManifestEdit => ({ op: 'remove-features', ...d, features: f })),
    fc.tuple(dep, fc.boolean()).map(([d, value]): ManifestEdit => ({ op: 'set-default-features', ...d, value })),
    newDep.map((d): ManifestEdit => ({ op: 'add-dependency', ...d })),
  );
}

/**
 * An existing dependency already gives what `add-dependency` asks for: same
 * version, package, workspace and optional; the features asked for among its
 * own; defaults off when asked off.
 */
function alreadyGives(existing: unknown, wanted: unknown): boolean {
  const t = (v: unknown) => (typeof v === 'string' ? { version: v } : (v as Data));
  const have = t(existing);
  const want = t(wanted);
  if (typeof have !== 'object' || have === null) return false;
  for (const k of ['version', 'package', 'workspace', 'path', 'git', 'branch', 'tag', 'rev', 'registry']) if (!isDeepStrictEqual(have[k], want[k])) return false;
  if ((have.optional ?? false) !== (want.optional ?? false)) return false;
  const own = (have.features as string[] | undefined) ?? [];
  if (!((want.features as string[] | undefined) ?? []).every((f) => own.includes(f))) return false;
  return want['default-features'] !== false || (have['default-features'] ?? have.default_features) === false;
}

/** What an edit should do, written from cargo's rules independently of the editor. */
function expectedOutcome(data: Data, edit: ManifestEdit): Outcome {
  const out = JSON.parse(JSON.stringify(data)) as Data;
  let table = out;
  for (const k of tablePath(edit.table)) {
    if (table[k] === undefined) {
      if (edit.op !== 'add-dependency') return { refused: 'not-found' };
      table[k] = {};
    }
    table = table[k] as Data;
  }
  if (edit.op === 'add-dependency') {
    const s = edit.spec;
    if (s.workspace && s.defaultFeatures === false) return { refused: 'invalid-edit' };
    const onlyVersion = Object.keys(s).length === 1 && s.version !== undefined;
    const wanted = onlyVersion
      ? s.version
      : Object.fromEntries(
          Object.entries({
            version: s.version,
            workspace: s.workspace,
            package: s.package,
            'default-features': s.defaultFeatures,
            features: s.features,
            optional: s.optional,
          }).filter(([, v]) => v !== undefined),
        );
    if (edit.key in table) return isDeepStrictEqual(table[edit.key], wanted) || alreadyGives(table[edit.key], wanted) ? { data: out } : { refused: 'invalid-edit' };
    table[edit.key] = wanted;
    return { data: out };
  }
  const found = table[edit.key];
  if (found === undefined) return { refused: 'not-found' };
  const dep = (typeof found === 'string' ? { version: found } : found) as Data;
  const current = (dep.features ?? []) as string[];
  switch (edit.op) {
    case 'add-features': {
      const added = [...new Set(edit.features)].filter((f) => !current.includes(f));
      if (added.length === 0) return { data: out };
      dep.features = [...current, ...added];
      break;
    }
    case 'remove-features': {
      const kept = current.filter((f) => !edit.features.includes(f));
      if (kept.length === current.length) return { data: out };
      dep.features = kept;
      break;
    }
    case 'set-default-features': {
      if (dep.workspace === true && edit.table.kind !== 'workspace') return { refused: 'invalid-edit' };
      const legacy = 'default_features' in dep;
      const now = (legacy ? dep.default_features : dep['default-features']) ?? true;
      if (now === edit.value) return { data: out };
      delete dep.default_features;
      dep['default-features'] = edit.value;
      break;
    }
  }
  table[edit.key] = dep;
  return { data: out };
}

function run(text: string, edits: ManifestEdit[]): { text: string; changed: boolean } | EditRefused {
  try {
    return applyEdits(text, edits);
  } catch (e) {
    if (e instanceof EditRefused) return e;
    throw e;
  }
}

const stripBom = (s: string) => s.replace(/^\uFEFF/, '');
const bareLf = (s: string) => s.match(/(?<!\r)\n/g)?.length ?? 0;

function checkFormat(before: string, after: string) {
  expect(after.startsWith('\uFEFF')).toBe(before.startsWith('\uFEFF'));
  expect(() => parseTOML(stripBom(after), { tomlVersion: '1.0.0' })).not.toThrow();
  if (before.includes('\r\n')) expect(bareLf(after)).toBe(bareLf(before));
  else expect(after.includes('\r')).toBe(false);
}

describe('property: random manifests, random edits', () => {
  it('the generator writes what it means', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const r = render(doc);
        expect(parse(stripBom(r.text))).toEqual(r.data);
      }),
      { numRuns: 200 },
    );
  });

  it('one edit: intended data, nothing outside its region touched, TOML 1.0, idempotent', () => {
    const cases = docArb.chain((doc) => fc.tuple(fc.constant(doc), editArb(doc)));
    fc.assert(
      fc.property(cases, ([doc, edit]) => {
        const r = render(doc);
        const expected = expectedOutcome(r.data, edit);
        const result = run(r.text, [edit]);
        if ('refused' in expected) {
          expect(result).toBeInstanceOf(EditRefused);
          expect((result as EditRefused).reason).toBe(expected.refused);
          return;
        }
        if (result instanceof EditRefused) throw result;
        expect(parse(stripBom(result.text))).toEqual(expected.data);
        expect(result.changed).toBe(result.text !== r.text);

        const region = edit.op === 'add-dependency' ? (r.tableRegions.get(tableId(edit.table)) ?? [r.text.length, r.text.length]) : r.depRegions.get(depId(edit.table, edit.key))!;
        expect(result.text.startsWith(r.text.slice(0, region[0]))).toBe(true);
        expect(result.text.endsWith(r.text.slice(region[1]))).toBe(true);
        expect(result.text.length).toBeGreaterThanOrEqual(region[0] + r.text.length - region[1]);

        checkFormat(r.text, result.text);
        expect(run(result.text, [edit])).toEqual({ text: result.text, changed: false });
      }),
      { numRuns: 200 },
    );
  });

  it('several edits in one call: the data of all of them, TOML 1.0, idempotent', () => {
    const cases = docArb.chain((doc) => fc.tuple(fc.constant(doc), fc.array(editArb(doc), { minLength: 2, maxLength: 4 })));
    fc.assert(
      fc.property(cases, ([doc, edits]) => {
        const r = render(doc);
        let data: Data = r.data;
        let refused = false;
        for (const edit of edits) {
          const next = expectedOutcome(data, edit);
          if ('refused' in next) {
            refused = true;
            break;
          }
          data = next.data;
        }
        const result = run(r.text, edits);
        if (refused) {
          expect(result).toBeInstanceOf(EditRefused);
          return;
        }
        if (result instanceof EditRefused) throw result;
        expect(parse(stripBom(result.text))).toEqual(data);
        checkFormat(r.text, result.text);
        // Removing and adding the same feature is not idempotent as a sequence: it moves to the end.
        const touches = (op: string) => new Set(edits.filter((e) => e.op === op).map((e) => depId(e.table, e.key)));
        const removed = touches('remove-features');
        if (![...touches('add-features')].some((d) => removed.has(d))) {
          expect(run(result.text, edits)).toEqual({ text: result.text, changed: false });
        }
      }),
      { numRuns: 200 },
    );
  });
});
