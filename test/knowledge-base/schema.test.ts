/**
 * Every data file validates against knowledge-base/schema.json (ajv), and the
 * loader's own validator (used at run time for configuration entries, without
 * ajv) agrees with the schema on the data files and on broken entries.
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { validateEntries } from '../../src/knowledge/validate.js';
import { KB_DIR, sourceFiles } from './helpers.js';

const schema = JSON.parse(readFileSync(join(KB_DIR, 'schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

describe('data files', () => {
  for (const f of sourceFiles()) {
    it(`${f.name} matches schema.json`, () => {
      const doc = parse(f.text);
      const ok = validate(doc);
      expect(ok, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
      expect(validateEntries([doc], f.name).issues).toEqual([]);
    });
  }

  it('one family per file, named after its id or close to it', () => {
    const ids = sourceFiles().map((f) => (parse(f.text) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

const base = {
  id: 'acme',
  name: 'libacme',
  category: 'database',
  summary: 'A private library.',
  crates: [{ name: 'acme-sys', role: 'sys', links: 'acme', 'without-static': 'system' }],
};

/** Broken variants of a valid entry: both validators must reject each one. */
const broken: [string, (e: any) => void, string][] = [
  ['unknown key', (e) => (e.colour = 'red'), 'knowledge-base[0].colour'],
  ['bad category', (e) => (e.category = 'databases'), 'knowledge-base[0].category'],
  ['missing crates', (e) => delete e.crates, 'knowledge-base[0].crates'],
  ['bad role', (e) => (e.crates[0].role = 'system'), 'knowledge-base[0].crates[0].role'],
  ['sys without without-static', (e) => delete e.crates[0]['without-static'], 'knowledge-base[0].crates[0].without-static'],
  ['links and links-prefix', (e) => (e.crates[0]['links-prefix'] = 'acme_'), 'knowledge-base[0].crates[0]'],
  ['bad crate name', (e) => (e.crates[0].name = 'acme sys'), 'knowledge-base[0].crates[0].name'],
  ['range without operator', (e) => (e.crates[0]['static-options'] = [{ feature: 'static', versions: '1.2.3' }]), 'knowledge-base[0].crates[0].static-options[0].versions'],
  ['feature and env together', (e) => (e.crates[0]['static-options'] = [{ feature: 'static', env: 'ACME_STATIC', versions: '>=1.0.0' }]), 'knowledge-base[0].crates[0].static-options[0]'],
  [
    'a first release written by hand (it is read from the index)',
    (e) => (e.crates[0]['static-options'] = [{ feature: 'static', since: '1.0.0', previous: '0.9.0' }]),
    'knowledge-base[0].crates[0].static-options[0].since',
  ],
  [
    'what an option needs set with it, on a feature (only an environment option links a prebuilt library)',
    (e) => (e.crates[0]['static-options'] = [{ feature: 'static', with: 'ACME_DIR pointing at libacme' }]),
    'knowledge-base[0].crates[0].static-options[0].with',
  ],
  ['an environment option without versions (the index cannot show them)', (e) => (e.crates[0]['static-options'] = [{ env: 'ACME_STATIC' }]), 'knowledge-base[0].crates[0].static-options[0].versions'],
  ['unknown requirement', (e) => (e.crates[0]['build-requires'] = ['gcc']), 'knowledge-base[0].crates[0].build-requires[0]'],
  [
    'restore without default-features = false',
    (e) => {
      e.crates.push({ name: 'acme', role: 'wrapper', switch: [{ versions: '>=1.0.0', to: 'x', enable: ['a'], restore: ['b'] }] });
      e.alternatives = [{ id: 'x', name: 'X' }];
    },
    'knowledge-base[0].crates[1].switch[0].restore',
  ],
  ['http docs link', (e) => (e.docs = ['http://example.com']), 'knowledge-base[0].docs[0]'],
  ['a `when` variant without a condition', (e) => (e.crates[0].when = [{ 'without-static': 'static' }]), 'knowledge-base[0].crates[0].when[0]'],
  ['a `when` variant that changes nothing', (e) => (e.crates[0].when = [{ versions: '<1.0.0-0' }]), 'knowledge-base[0].crates[0].when[0]'],
  ['`links` by target (the index gives one per release)', (e) => (e.crates[0].when = [{ target: 'cfg(target_env = "musl")', links: 'acme2' }]), 'knowledge-base[0].crates[0].when[0]'],
  ['a bad requirement in a `when` variant', (e) => (e.crates[0].when = [{ versions: '<1.0.0-0', 'build-requires': ['gcc'] }]), 'knowledge-base[0].crates[0].when[0].build-requires[0]'],
];

describe('broken entries', () => {
  it('the base entry is valid', () => {
    expect(validate(base), ajv.errorsText(validate.errors)).toBe(true);
    expect(validateEntries([base]).issues).toEqual([]);
  });

  for (const [what, mutate, path] of broken) {
    it(what, () => {
      const e = structuredClone(base) as any;
      mutate(e);
      expect(validate(e)).toBe(false);
      const { issues, entries } = validateEntries([e]);
      expect(entries).toEqual([]);
      expect(issues.map((i) => i.path)).toContain(path);
    });
  }
});
