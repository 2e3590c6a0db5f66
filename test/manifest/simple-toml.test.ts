/**
 * The simple manifest reader gives exactly the data and key positions of the
 * full parser (toml-eslint-parser) wherever it reads a file, on every
 * manifest at hand, and declines what it does not know.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTomlFully, parseTomlWithPositions } from '../../src/manifest/positions.js';
import { readSimpleToml } from '../../src/manifest/simple-toml.js';
import { generateWorkspace } from '../fixtures/gen/workspace.js';
import { realworldAvailable, realworldProject, REALWORLD_PROJECTS } from '../helpers/realworld.js';

function tomlFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 4) return out;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) tomlFiles(p, out, depth + 1);
    else if (e.endsWith('.toml')) out.push(p);
  }
  return out;
}

/** Every key path the full parser's index knows, with its position. */
function allPositions(text: string, paths: (string | number)[][]) {
  const full = parseTomlFully(text, 'x.toml');
  return { data: full.data, positions: paths.map((p) => [JSON.stringify(p), full.positions.get(p)]) };
}

function agree(text: string, label: string): boolean {
  const simple = readSimpleToml(text);
  if (!simple) return false;
  const paths = simple.positions.map((p) => p.path);
  const expected = allPositions(text, paths);
  const mine = parseTomlWithPositions(text, 'x.toml');
  expect({ label, data: mine.data }).toEqual({ label, data: expected.data });
  expect({ label, positions: paths.map((p) => [JSON.stringify(p), mine.positions.get(p)]) }).toEqual({ label, positions: expected.positions });
  return true;
}

describe('simple manifest reader', () => {
  it('agrees with the full parser on every manifest at hand', () => {
    const files = [...tomlFiles(join(__dirname, '../fixtures/edit')), ...tomlFiles(join(__dirname, '../../example')), ...tomlFiles(generateWorkspace(5, { crates: 30 }).dir)];
    if (realworldAvailable()) for (const p of REALWORLD_PROJECTS) files.push(...tomlFiles(realworldProject(p)).slice(0, 150));
    let read = 0;
    for (const f of files) if (agree(readFileSync(f, 'utf8'), f)) read++;
    expect(files.length).toBeGreaterThan(100);
    expect(read / files.length).toBeGreaterThan(0.8);
  });

  it('reads the shapes hand-written manifests use, positions included', () => {
    const text =
      '\ufeff[package]\nname = "a"\nversion.workspace = true\ndescription = """\nline one \\\n   joined\n"""\n\n' +
      '[dependencies]\nserde = { version = "1", features = ["derive"], nested = { x = true } }\n"quoted.key" = \'1\'\n' +
      'tokio.workspace = true\ntokio.features = ["rt"]\n\n[[bin]]\nname = "x"\n[[bin]]\nname = "y"\n\n' +
      '[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2" # trailing\n\n[workspace]\nmembers = [\n  "a", # one\n  "b",\n]\n';
    expect(agree(text, 'sample')).toBe(true);
    expect(readSimpleToml(text)!.data).toMatchObject({
      package: { name: 'a', version: { workspace: true }, description: 'line one joined\n' },
      bin: [{ name: 'x' }, { name: 'y' }],
    });
  });

  it('declines what it does not read, and what TOML forbids', () => {
    for (const text of [
      'x = 1.5\n',
      'x = 1979-05-27\n',
      'x = 0x10\n',
      'a = 1\na = 2\n',
      '[a]\n[a]\n',
      'a.b = 1\n[a]\n',
      'a = { b = 1 }\n[a.c]\n',
      '[[a]]\n[a]\n',
      'x = "unterminated\n',
      'x = [1, 2\n',
      'x = "\\q"\n',
      '= 1\n',
    ]) {
      expect(readSimpleToml(text), text).toBeNull();
    }
  });

  it('agrees with the full parser on generated documents', () => {
    const bare = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
    const key = fc.oneof(
      bare,
      bare.map((k) => `"${k}.q"`),
      fc.tuple(bare, bare).map(([a, b]) => `${a}.${b}`),
    );
    const str = fc.stringMatching(/^[a-zA-Z0-9 #=[\]{}.,'-]{0,8}$/);
    const scalar = fc.oneof(
      str.map((s) => JSON.stringify(s)),
      str.map((s) => `'${s.replace(/'/g, '')}'`),
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.boolean().map(String),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.array(scalar, { maxLength: 3 }).map((xs) => `[\n  ${xs.join(',\n  ')}\n]`),
      fc.array(fc.tuple(bare, scalar), { maxLength: 3 }).map((kv) => `{ ${[...new Map(kv)].map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
    );
    const kvs = fc.array(fc.tuple(key, value), { maxLength: 4 });
    const doc = fc
      .tuple(kvs, fc.array(fc.tuple(fc.boolean(), fc.array(bare, { minLength: 1, maxLength: 2 }), kvs), { maxLength: 4 }))
      .map(
        ([top, tables]) =>
          top.map(([k, v]) => `${k} = ${v}\n`).join('') +
          tables.map(([arr, path, body]) => `\n${arr ? '[[' : '['}${path.join('.')}${arr ? ']]' : ']'}\n${body.map(([k, v]) => `${k} = ${v}\n`).join('')}`).join(''),
      );
    fc.assert(
      fc.property(doc, (text) => {
        let fullOk = true;
        try {
          parseTomlFully(text, 'x.toml');
        } catch {
          fullOk = false;
        }
        const simple = readSimpleToml(text);
        // Never accept what the full parser refuses; where both read it, the same result.
        if (!fullOk) expect(simple, text).toBeNull();
        else if (simple) agree(text, text);
      }),
      { numRuns: 400 },
    );
  });
});
