import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { findManifest, loadWorkspace } from '../../src/manifest/workspace.js';
import { UserError } from '../../src/errors.js';
import { writeProject } from '../helpers/project.js';

function load(files: Record<string, string>, start = 'Cargo.toml') {
  const dir = writeProject(files);
  return { dir, ws: loadWorkspace(join(dir, start)) };
}

function loadError(files: Record<string, string>, start = 'Cargo.toml'): UserError {
  try {
    load(files, start);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected an error');
}

describe('workspace discovery', () => {
  it('expands member globs, honours exclude, and adds path dependencies under the root', () => {
    const { dir, ws } = load({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/old"]\nresolver = "2"\n',
      'crates/a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n[dependencies]\nshared = { path = "../../shared" }\n',
      'crates/b/Cargo.toml': '[package]\nname = "b"\nversion = "0.2.0"\n',
      'crates/old/Cargo.toml': '[package]\nname = "old"\nversion = "0.1.0"\n',
      'shared/Cargo.toml': '[package]\nname = "shared"\nversion = "1.0.0"\n',
    });
    expect(ws.members.map((m) => m.name)).toEqual(['a', 'b', 'shared']);
    expect(ws.defaultMembers.map((m) => m.name)).toEqual(['a', 'b', 'shared']);
    expect(ws.resolver).toBe(2);
    expect(ws.rootDir).toBe(dir);
    expect(ws.current).toBeNull();
  });

  it('walks up from a member to the root and knows the current package', () => {
    const { ws } = load(
      {
        'Cargo.toml': '[package]\nname = "root"\nversion = "0.1.0"\nedition = "2024"\n[workspace]\nmembers = ["m"]\ndefault-members = ["m"]\n',
        'm/Cargo.toml': '[package]\nname = "m"\nversion = "0.1.0"\n',
      },
      'm/Cargo.toml',
    );
    expect(ws.members.map((m) => m.name)).toEqual(['root', 'm']);
    expect(ws.current?.name).toBe('m');
    expect(ws.defaultMembers.map((m) => m.name)).toEqual(['m']);
    expect(ws.resolver).toBe(3);
  });

  it('picks the resolver from the edition, and 1 for a virtual workspace without one', () => {
    expect(load({ 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n' }).ws.resolver).toBe(2);
    expect(load({ 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2018"\n' }).ws.resolver).toBe(1);
    expect(load({ 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n' }).ws.resolver).toBe(1);
  });

  it('applies [workspace.package] and [workspace.dependencies] inheritance, keeping both declaration sites', () => {
    const { dir, ws } = load({
      'Cargo.toml': `[workspace]
members = ["app"]
resolver = "2"

[workspace.package]
version = "1.2.3"
edition = "2021"

[workspace.dependencies]
reqwest = { version = "0.12", default-features = false, features = ["json"] }
local = { path = "local" }
`,
      'app/Cargo.toml': `[package]
name = "app"
version.workspace = true
edition.workspace = true

[dependencies]
# inherits
reqwest = { workspace = true, features = ["rustls-tls"], optional = true }
local.workspace = true
`,
      'local/Cargo.toml': '[package]\nname = "local"\nversion = "0.1.0"\n',
    });
    const app = ws.members.find((m) => m.name === 'app')!;
    expect(app.version).toBe('1.2.3');
    expect(app.edition).toBe('2021');
    const reqwest = app.deps.find((d) => d.name === 'reqwest')!;
    expect(reqwest).toMatchObject({ req: '0.12', default_features: false, optional: true, features: ['json', 'rustls-tls'] });
    expect(reqwest.site).toMatchObject({ manifestPath: join(dir, 'app/Cargo.toml'), line: 8, column: 1, table: 'dependencies' });
    expect(reqwest.site.inheritedFrom).toMatchObject({ manifestPath: join(dir, 'Cargo.toml'), line: 10, column: 1 });
    const local = app.deps.find((d) => d.name === 'local')!;
    expect(local.pathDir).toBe(join(dir, 'local'));
    expect(local.site.line).toBe(9);
    expect(ws.members.map((m) => m.name)).toEqual(['app', 'local']);
  });

  it('records positions of every dependency form', () => {
    const { ws } = load({
      'Cargo.toml': `[package]
name = "a"
version = "0.1.0"

[dependencies]
plain = "1"
dotted.version = "2"

[dependencies.table]
version = "3"

[target.'cfg(unix)'.dependencies]
unixonly = "4"
`,
    });
    const sites = Object.fromEntries(ws.members[0].deps.map((d) => [d.name, [d.site.line, d.site.column, d.target]]));
    expect(sites).toEqual({ plain: [6, 1, null], dotted: [7, 1, null], table: [9, 2, null], unixonly: [13, 1, 'cfg(unix)'] });
  });

  it('reports malformed TOML with file, line and column', () => {
    const e = loadError({ 'Cargo.toml': '[package]\nname = "a"\nversion = \n' });
    expect(e.location?.path).toMatch(/Cargo\.toml$/);
    expect(e.location?.line).toBe(3);
    expect(e.location?.column).toBeGreaterThan(0);
  });

  it('reports an inherited dependency the root does not define, at the member line', () => {
    const e = loadError({
      'Cargo.toml': '[workspace]\nmembers = ["a"]\n',
      'a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\nserde.workspace = true\n',
    });
    expect(e.message).toContain('workspace.dependencies.serde');
    expect(e.location).toMatchObject({ line: 6, column: 1 });
  });

  it('reports a wrongly typed value at its key', () => {
    const e = loadError({ 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n[dependencies]\nx = { version = "1", features = "std" }\n' });
    expect(e.message).toContain('`features` must be an array of strings');
    expect(e.location?.line).toBe(5);
  });

  it('rejects an invalid resolver and a member not listed by its workspace', () => {
    expect(loadError({ 'Cargo.toml': '[workspace]\nresolver = "4"\n' }).message).toContain('resolver');
    const e = loadError({ 'Cargo.toml': '[workspace]\nmembers = []\n', 'x/Cargo.toml': '[package]\nname = "x"\nversion = "0.1.0"\n' }, 'x/Cargo.toml');
    expect(e.message).toContain("believes it's in a workspace");
  });

  it('finds the nearest manifest upwards and says so when there is none', () => {
    const dir = writeProject({ 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n', 'src/deep/x.rs': '' });
    expect(findManifest(join(dir, 'src/deep'))).toBe(join(dir, 'Cargo.toml'));
    expect(() => findManifest('/')).toThrow(/could not find `Cargo.toml`/);
  });
});
