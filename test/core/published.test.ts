/**
 * The fast readers of cargo-written TOML (published manifests, Cargo.lock)
 * give exactly what the general TOML parser gives for everything dependency
 * analysis reads, on every vendored manifest and lockfile at hand, and hand
 * anything unusual back to the general parser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { isProcMacro, readAllDeps, readFeatures } from '../../src/manifest/deps.js';
import { publishedManifestDoc } from '../../src/manifest/published.js';
import { cargoWrittenLock } from '../../src/lockfile/index.js';
import { relevantSections } from '../../src/registry/vendor.js';
import { generateWorkspace } from '../fixtures/gen/workspace.js';
import { realworldAvailable, realworldProject, REALWORLD_PROJECTS } from '../helpers/realworld.js';

/** What dependency analysis takes from a manifest document. */
function digest(doc: Record<string, unknown>) {
  const pkg = (doc.package ?? {}) as Record<string, unknown>;
  return {
    name: pkg.name,
    version: pkg.version,
    links: pkg.links,
    rustVersion: pkg['rust-version'],
    deps: readAllDeps(doc).filter((d) => d.kind !== 'dev'),
    features: readFeatures(doc),
    procMacro: isProcMacro(doc),
  };
}

function manifests(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const dirs: string[] = [];
  if (realworldAvailable()) for (const p of REALWORLD_PROJECTS) dirs.push(join(realworldProject(p), 'vendor'));
  const example = join(__dirname, '../../example/vendor');
  if (existsSync(example)) dirs.push(example);
  dirs.push(join(generateWorkspace(7, { crates: 60 }).dir, 'vendor'));
  for (const d of dirs) for (const c of readdirSync(d)) out.push({ path: join(d, c, 'Cargo.toml'), text: readFileSync(join(d, c, 'Cargo.toml'), 'utf8') });
  return out;
}

describe('fast reader of published manifests', () => {
  it('agrees with the TOML parser on every vendored manifest, and reads nearly all of them itself', () => {
    const all = manifests();
    let fast = 0;
    for (const { path, text } of all) {
      const doc = publishedManifestDoc(text);
      if (!doc) continue;
      fast++;
      expect({ path, ...digest(doc) }).toEqual({ path, ...digest(parse(relevantSections(text)) as Record<string, unknown>) });
    }
    expect(all.length).toBeGreaterThan(50);
    expect(fast / all.length).toBeGreaterThan(0.9);
  });

  it('hands unusual or invalid TOML to the general parser', () => {
    const head = '[package]\nname = "a"\nversion = "1.0.0"\n';
    for (const body of [
      '[dependencies]\nfoo.version = "1"\n', // dotted key
      '[dependencies]\nfoo = "1"\nfoo = "2"\n', // key twice
      '[features]\nx = []\n[features]\ny = []\n', // table twice
      '[dependencies]\nfoo = { version = "1", features = { a = 1 } }\n', // nested inline table
      '[features]\nx = [\n "a", # a comment\n 1,\n]\n', // not only strings
      '[dependencies]\nfoo = 1.5\n', // a float where none belongs
      '[features]\nx = [\n"a",\n', // unclosed array
      '[dependencies]\nfoo = "unterminated\n',
      '[package.metadata]\nx = """\nnever closed\n',
    ]) {
      expect(publishedManifestDoc(head + body), body).toBeNull();
    }
  });

  it('reads the shapes cargo writes', () => {
    const doc = publishedManifestDoc(
      '\ufeff# comment\n[package]\nname = "a"\nversion = "1.0.0"\ndescription = """\nA [crate]\n[not a header]\n"""\nlinks = \'z\'\n\n' +
        '[[bin]]\nname = "x"\n\n[package.metadata.docs.rs]\nall-features = true\n\n[lib]\nproc-macro = true\n\n' +
        '[features]\ndefault = ["std"]\n"std" = [\n    "dep:libc",\n    "serde?/std", # why\n]\nalloc = [\n  "a", "b",\n  "c"\n]\n\n' +
        '[dependencies.libc]\nversion = "0.2"\noptional = true\n\n[dependencies]\nserde = { version = "1", default-features = false, features = ["derive"] }\n\n' +
        '[target."cfg(target_os = \\"linux\\")".dependencies.nix]\nversion = "0.29"\n\n[dev-dependencies.tokio]\nversion = "1"\n',
    );
    expect(doc).toEqual({
      package: { name: 'a', version: '1.0.0', links: 'z' },
      lib: { 'proc-macro': true },
      features: { default: ['std'], std: ['dep:libc', 'serde?/std'], alloc: ['a', 'b', 'c'] },
      dependencies: { libc: { version: '0.2', optional: true }, serde: { version: '1', 'default-features': false, features: ['derive'] } },
      target: { 'cfg(target_os = "linux")': { dependencies: { nix: { version: '0.29' } } } },
    });
  });
});

describe('fast reader of Cargo.lock', () => {
  it('agrees with the TOML parser on every lockfile at hand', () => {
    const locks: string[] = [];
    if (realworldAvailable()) for (const p of REALWORLD_PROJECTS) locks.push(join(realworldProject(p), 'Cargo.lock'));
    if (existsSync(join(__dirname, '../../example/Cargo.lock'))) locks.push(join(__dirname, '../../example/Cargo.lock'));
    expect(locks.length).toBeGreaterThan(0);
    for (const l of locks) {
      const text = readFileSync(l, 'utf8');
      const doc = cargoWrittenLock(text);
      expect(doc, l).not.toBeNull();
      expect(JSON.parse(JSON.stringify(doc))).toEqual(JSON.parse(JSON.stringify(parse(text))));
    }
  });

  it('hands anything else to the TOML parser', () => {
    for (const text of [
      'version = 3\n[[package]]\nname = "a"\nname = "b"\n',
      'version = 3\n[[package]]\nname = "a\\u0041"\n',
      'version = 3\n[[package]]\nname = "a"\ndependencies = [\n "b",\n',
      '[root]\nname = "a"\n',
      'version = 3\n[[patch.unused]]\nname = "a"\n',
      'version = 3\n[[package]\n',
    ]) {
      expect(cargoWrittenLock(text), text).toBeNull();
    }
  });
});
