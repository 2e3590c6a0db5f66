import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIndexFile, MAX_DEPTH, parseIndexFile } from '../../src/registry/parse.js';
import { RegistryError } from '../../src/registry/types.js';

const INDEX = join(import.meta.dirname, '../fixtures/registry/index');
const read = (rel: string) => readFileSync(join(INDEX, rel), 'utf8');

describe('parseIndexFile', () => {
  it('reads every version, merging features2 and keeping renamed dependencies', () => {
    const serde = parseIndexFile(read('se/rd/serde'), 'serde', undefined, 'serde');
    expect(serde.map((v) => v.vers)).toEqual(['1.0.100', '1.0.150', '1.0.200']);
    const latest = serde[2]!;
    expect(latest.features).toEqual({ default: ['std'], std: [], alloc: [], derive: ['dep:serde_derive'] });
    expect(latest.rust_version).toBe('1.31');
    expect(latest.links).toBeNull();
    expect(serde[1]!.yanked).toBe(true);
    expect(latest.deps.map((d) => d.kind)).toEqual(['normal', 'dev']);

    const [rand] = parseIndexFile(read('ra/nd/rand'), 'rand', undefined, 'rand');
    expect(rand!.deps[0]).toMatchObject({ name: 'rand_core_06', package: 'rand_core', req: '^0.6.0' });
    expect(rand!.deps[1]).toMatchObject({ target: 'cfg(unix)', optional: true, default_features: false });

    const [openssl] = parseIndexFile(read('op/en/openssl-sys'), 'openssl-sys', undefined, 'x');
    expect(openssl!.links).toBe('openssl');
  });

  it('skips lines of an index schema newer than v2, and ignores unknown fields', () => {
    expect(parseIndexFile(read('li/bc/libc'), 'libc', undefined, 'libc').map((v) => v.vers)).toEqual(['0.2.150', '0.2.155']);
    const [core] = parseIndexFile(read('ra/nd/rand_core'), 'rand_core', undefined, 'x');
    expect(core).not.toHaveProperty('unknown_field');
  });

  it('matches the crate name case-insensitively', () => {
    expect(parseIndexFile(read('in/fl/inflector'), 'inflector', undefined, 'x')[0]!.name).toBe('Inflector');
  });

  it('parses only the lines of the requested versions', () => {
    const text = [
      '{"name":"x","vers":"1.0.0","deps":[],"features":{},"yanked":false}',
      'this line is not JSON and is never parsed',
      '{"name":"x","vers":"2.0.0","deps":[],"features":{},"yanked":false}',
    ].join('\n');
    expect(parseIndexFile(text, 'x', new Set(['2.0.0']), 'x').map((v) => v.vers)).toEqual(['2.0.0']);
    expect(parseIndexFile(text, 'x', new Set(['3.0.0']), 'x')).toEqual([]);
    expect(() => parseIndexFile(text, 'x', undefined, 'index entry for `x`')).toThrow(/index entry for `x`: line 2: not valid JSON/);
  });

  it('keeps a feature called __proto__ as a feature', () => {
    const [v] = parseIndexFile('{"name":"x","vers":"1.0.0","deps":[],"features":{"__proto__":["a"]}}', 'x', undefined, 'x');
    expect(Object.getPrototypeOf(v!.features)).toBe(Object.prototype);
    expect(Object.keys(v!.features)).toEqual(['__proto__']);
  });

  it('rejects an entry for another crate', () => {
    const text = '{"name":"evil","vers":"1.0.0","deps":[],"features":{}}';
    expect(() => parseIndexFile(text, 'serde', undefined, 'index entry for `serde`')).toThrow('index entry for `serde`: line 1: the entry is for crate `evil`, not `serde`');
  });

  it('rejects deeply nested JSON, and takes nesting up to the bound', () => {
    const deep = `{"name":"x","vers":"1.0.0","deps":[],"features":{},"junk":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseIndexFile(deep, 'x', undefined, 'x')).toThrow(`line 1: JSON nested deeper than ${MAX_DEPTH} levels`);
    // The line's object is level 1: `junk` may nest MAX_DEPTH - 1 more, in arrays or objects, not one more.
    const nested = (levels: number) => `{"name":"x","vers":"1.0.0","deps":[],"features":{},"junk":${'[{"a":'.repeat(levels / 2)}1${'}]'.repeat(levels / 2)}}`;
    expect(parseIndexFile(nested(MAX_DEPTH - 2), 'x', undefined, 'x')).toHaveLength(1);
    expect(() => parseIndexFile(`${nested(MAX_DEPTH - 2).slice(0, -1)},"b":[[]]}`, 'x', undefined, 'x')).not.toThrow();
    expect(() => parseIndexFile(nested(MAX_DEPTH), 'x', undefined, 'x')).toThrow(`line 1: JSON nested deeper than ${MAX_DEPTH} levels`);
    const exactly = `{"name":"x","vers":"1.0.0","deps":[],"features":{},"junk":${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}}`;
    expect(parseIndexFile(exactly, 'x', undefined, 'x')).toHaveLength(1);
    const over = `{"name":"x","vers":"1.0.0","deps":[],"features":{},"junk":${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}`;
    expect(() => parseIndexFile(over, 'x', undefined, 'x')).toThrow(`line 1: JSON nested deeper than ${MAX_DEPTH} levels`);
    // Brackets inside strings do not count.
    const quoted = `{"name":"x","vers":"1.0.0","deps":[],"features":{"f":["${'[{'.repeat(50)}"]}}`;
    expect(parseIndexFile(quoted, 'x', undefined, 'x')).toHaveLength(1);
  });

  it('rejects an over-long line, whatever its version', () => {
    const long = `{"name":"x","vers":"9.9.9","deps":[],"features":{},"pad":"${'a'.repeat(9 * 1024 * 1024)}"}`;
    const text = `{"name":"x","vers":"1.0.0","deps":[],"features":{}}\n${long}\n`;
    expect(() => parseIndexFile(text, 'x', new Set(['1.0.0']), 'x')).toThrow('x: line 2 is longer than 8 MiB');
  });

  it('rejects fields of the wrong type with the field named', () => {
    const bad = (line: string) => () => parseIndexFile(line, 'x', undefined, 'x');
    expect(bad('{"name":"x","vers":1}')).toThrow('`vers` must be a string');
    expect(bad('{"name":"x","vers":"1.0.0","deps":[{"name":"y","req":"^1","kind":"weird"}]}')).toThrow('deps[0]: unknown dependency kind `weird`');
    expect(bad('{"name":"x","vers":"1.0.0","features":{"a":[1]}}')).toThrow('`features.a` must be an array of strings');
    expect(bad('[1,2]')).toThrow('the line must be a JSON object');
    const err = (() => {
      try {
        bad('{"name":"x","vers":1}')();
      } catch (e) {
        return e as RegistryError;
      }
    })();
    expect(err?.crate).toBe('x');
  });

  it('refuses invalid UTF-8', () => {
    expect(() => decodeIndexFile(Buffer.from([0x7b, 0xff, 0x7d]), 'x', 'x')).toThrow(RegistryError);
  });
});

describe('dependency fields', () => {
  // Any value in any field: a dependency is read with its defaults when every field has its type, else refused naming it.
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.string({ maxLength: 3 }),
    fc.integer(),
    fc.array(fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxLength: 2 }),
    fc.constantFrom('normal', 'dev', 'build', 'other'),
  );
  const fields = ['name', 'req', 'features', 'optional', 'default_features', 'target', 'kind', 'registry', 'package'] as const;
  const dep = fc.record(Object.fromEntries(fields.map((f) => [f, value])) as Record<(typeof fields)[number], typeof value>, { requiredKeys: [] });

  it('reads a well-typed dependency with the defaults of absent and null fields, and refuses any other', () => {
    fc.assert(
      fc.property(dep, (d) => {
        const line = JSON.stringify({ name: 'x', vers: '1.0.0', deps: [d], features: {} });
        const json = JSON.parse(line).deps[0] as Record<string, unknown>;
        const str = (v: unknown) => typeof v === 'string';
        const absent = (v: unknown) => v === undefined || v === null;
        const typed =
          str(json.name) &&
          str(json.req) &&
          (absent(json.features) || (Array.isArray(json.features) && json.features.every(str))) &&
          (json.optional === undefined || typeof json.optional === 'boolean') &&
          (json.default_features === undefined || typeof json.default_features === 'boolean') &&
          ['target', 'registry', 'package'].every((k) => absent(json[k]) || str(json[k])) &&
          (absent(json.kind) || ['normal', 'dev', 'build'].includes(json.kind as string));
        if (!typed) {
          expect(() => parseIndexFile(line, 'x', undefined, 'w')).toThrow('w: line 1: deps[0]');
          return;
        }
        expect(parseIndexFile(line, 'x', undefined, 'w')[0]!.deps).toEqual([
          {
            name: json.name,
            req: json.req,
            features: json.features ?? [],
            optional: json.optional ?? false,
            default_features: json.default_features ?? true,
            target: json.target ?? null,
            kind: json.kind ?? 'normal',
            registry: json.registry ?? null,
            package: json.package ?? null,
          },
        ]);
      }),
      { numRuns: 3000 },
    );
  });
});
