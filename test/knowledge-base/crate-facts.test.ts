/**
 * Facts about single crates (knowledge-base/crates/*.toml): every file
 * validates against `definitions.crateFacts` of knowledge-base/schema.json
 * (ajv) and against the loader's own validator, both reject the same broken
 * files, and the resolver's range test agrees with the knowledge base's.
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { compileCrateFacts } from '../../src/knowledge/compile.js';
import { versionTest } from '../../src/knowledge/proc-macros.js';
import { validateCrateFacts } from '../../src/knowledge/validate.js';
import { versionIn } from '../../src/knowledge/versions.js';
import { crateFactFiles, KB_DIR } from './helpers.js';

const schema = JSON.parse(readFileSync(join(KB_DIR, 'schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile({ $schema: schema.$schema, definitions: schema.definitions, $ref: '#/definitions/crateFacts' });

describe('crate facts files', () => {
  it('there are some', () => expect(crateFactFiles().length).toBeGreaterThan(0));
  for (const f of crateFactFiles()) {
    it(`${f.name} matches schema.json`, () => {
      const doc = parse(f.text);
      expect(validate(doc), ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
      expect(validateCrateFacts(doc, f.name).issues).toEqual([]);
    });
  }
});

const base = {
  dlopen: [{ name: 'acme-loader', what: 'opens libacme with dlopen', features: ['dynamic'] }],
  'name-resolution': [{ name: 'acme-http', what: 'resolves host names with getaddrinfo', 'own-resolver': [{ versions: '>=1.0.0, <2.0.0-0', feature: 'dns', crate: 'acme-dns' }] }],
  runtime: [{ name: 'acme-rt', what: 'a thread pool', features: ['threads'] }],
  allocator: [{ name: 'acme-alloc' }],
  'proc-macro': { crates: ['acme-gen'], libraries: ['acme-derive-support'], 'by-version': [{ name: 'acme-macros', versions: '<0.3.0-0' }] },
};

/** Broken variants of a valid file: both validators must reject each one, at this path. */
const broken: [string, (e: any) => void, string][] = [
  ['unknown section', (e) => (e.loaders = []), 'f.loaders'],
  ['unknown key in a dlopen crate', (e) => (e.dlopen[0].colour = 'red'), 'f.dlopen[0].colour'],
  ['dlopen crate without `what`', (e) => delete e.dlopen[0].what, 'f.dlopen[0].what'],
  ['bad crate name', (e) => (e.runtime[0].name = 'acme rt'), 'f.runtime[0].name'],
  ['empty features', (e) => (e.runtime[0].features = []), 'f.runtime[0].features'],
  ['bad feature name', (e) => (e.dlopen[0].features = ['dy namic']), 'f.dlopen[0].features[0]'],
  ['own resolver without a range', (e) => (e['name-resolution'][0]['own-resolver'][0].versions = '1.0.0'), 'f.name-resolution[0].own-resolver[0].versions'],
  ['own resolver without its crate', (e) => delete e['name-resolution'][0]['own-resolver'][0].crate, 'f.name-resolution[0].own-resolver[0].crate'],
  ['allocator as a string', (e) => (e.allocator = ['acme-alloc']), 'f.allocator[0]'],
  ['proc-macro as an array', (e) => (e['proc-macro'] = []), 'f.proc-macro'],
  ['unknown proc-macro key', (e) => (e['proc-macro'].always = ['x']), 'f.proc-macro.always'],
  ['by-version with `^`', (e) => (e['proc-macro']['by-version'][0].versions = '^0.3.0'), 'f.proc-macro.by-version[0].versions'],
  ['by-version without versions', (e) => delete e['proc-macro']['by-version'][0].versions, 'f.proc-macro.by-version[0].versions'],
];

describe('broken crate facts', () => {
  it('the base file is valid', () => {
    expect(validate(base), ajv.errorsText(validate.errors)).toBe(true);
    expect(validateCrateFacts(base, 'f').issues).toEqual([]);
  });

  for (const [what, mutate, path] of broken) {
    it(what, () => {
      const e = structuredClone(base) as any;
      mutate(e);
      expect(validate(e)).toBe(false);
      expect(validateCrateFacts(e, 'f').issues.map((i) => i.path)).toContain(path);
    });
  }

  it('a crate listed twice in one list is refused when compiling', () => {
    const text = '[[allocator]]\nname = "acme-alloc"\n\n[[allocator]]\nname = "acme-alloc"\n';
    expect(() => compileCrateFacts([{ name: 'crates/a.toml', text }])).toThrow('allocator: crate `acme-alloc` is listed twice');
    const pm = '[proc-macro]\ncrates = ["acme"]\nlibraries = ["acme"]\n';
    expect(() => compileCrateFacts([{ name: 'crates/b.toml', text: pm }])).toThrow('proc-macro: crate `acme` is listed twice');
  });
});

describe('plain ranges, as the resolver tests them', () => {
  const ranges = ['<0.3.0-0', '>=0.3.0-0, <0.4.0-0', '<1.0.0-0', '>=0.9.8 <0.10.0-0', '>0.2.0 <=0.2.5 || =1.0.0', '*', '>=1.0.0-alpha.2'];
  const versions = [
    '0.0.1',
    '0.2.0',
    '0.2.5',
    '0.2.6',
    '0.3.0-alpha',
    '0.3.0-0',
    '0.3.0',
    '0.3.4',
    '0.4.0-0',
    '0.4.0',
    '0.99.18',
    '1.0.0-alpha.1',
    '1.0.0-alpha.10',
    '1.0.0',
    '1.0.0+build',
    '2.1.3',
    'x',
    '1.2',
  ];
  for (const r of ranges) {
    it(r, () => {
      const test = versionTest(r)!;
      expect(test).not.toBeNull();
      for (const v of versions) expect(test(v), `${v} in ${r}`).toBe(versionIn(v, r));
    });
  }

  it('`^` and `~` are not plain comparators', () => {
    expect(versionTest('^0.3.0')).toBeNull();
    expect(versionTest('~0.3.0')).toBeNull();
  });
});
