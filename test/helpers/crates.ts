/**
 * Real `.crate` archives for tests: fixture crates written to a folder and
 * packaged by cargo itself (`cargo package --offline --no-verify
 * --allow-dirty`), and an index line for each with its sha256.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureCrate {
  name: string;
  version: string;
  /** `[lib] proc-macro = true` (spelt `proc_macro` with `oldSpelling`). */
  procMacro?: boolean;
  oldSpelling?: boolean;
  /** Normal dependencies, `name = "req"`. */
  deps?: Record<string, string>;
  /** Extra files, by path inside the crate. */
  files?: Record<string, string>;
  build?: string;
  /** `[build-dependencies]`, `name = "req"`. */
  buildDeps?: Record<string, string>;
  /** `package.links`. */
  links?: string;
  /** `[features]`. */
  features?: Record<string, string[]>;
}

export interface PackagedCrate {
  crate: FixtureCrate;
  archive: Buffer;
  sha256: string;
  /** The crate's index line (deps with `^` requirements, as cargo publishes them). */
  indexLine: string;
}

/**
 * Packages every crate with one cargo run per crate, in `dir`. Dependencies
 * are written as registry dependencies of the replaced crates.io, which
 * `--no-verify` never resolves.
 */
export function packageCrates(dir: string, crates: FixtureCrate[]): PackagedCrate[] {
  return crates.map((c) => {
    const root = join(dir, `${c.name}-${c.version}-src`);
    mkdirSync(join(root, 'src'), { recursive: true });
    const deps = Object.entries(c.deps ?? {}).map(([n, r]) => `${n} = "${r}"`);
    const lib = c.procMacro ? `\n[lib]\n${c.oldSpelling ? 'proc_macro' : 'proc-macro'} = true\n` : '';
    const build = c.build ? `build = "${c.build}"\n` : '';
    const links = c.links ? `links = "${c.links}"\n` : '';
    const buildDeps = Object.entries(c.buildDeps ?? {}).map(([n, r]) => `${n} = "${r}"`);
    const features = Object.entries(c.features ?? {}).map(([n, f]) => `${JSON.stringify(n)} = ${JSON.stringify(f)}`);
    writeFileSync(
      join(root, 'Cargo.toml'),
      `[package]\nname = "${c.name}"\nversion = "${c.version}"\nedition = "2021"\ndescription = "fixture"\nlicense = "MIT"\n${build}${links}${lib}\n[dependencies]\n${deps.join('\n')}\n` +
        (buildDeps.length ? `\n[build-dependencies]\n${buildDeps.join('\n')}\n` : '') +
        (features.length ? `\n[features]\n${features.join('\n')}\n` : ''),
    );
    writeFileSync(join(root, 'src', 'lib.rs'), '');
    for (const [p, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    execFileSync('cargo', ['package', '--offline', '--no-verify', '--allow-dirty', '--exclude-lockfile', '-q'], {
      cwd: root,
      env: { ...process.env, CARGO_HOME: join(dir, 'cargo-home'), CARGO_TARGET_DIR: join(dir, 'target') },
      stdio: 'pipe',
    });
    const archive = readFileSync(join(dir, 'target', 'package', `${c.name}-${c.version}.crate`));
    const sha256 = createHash('sha256').update(archive).digest('hex');
    const dep =
      (kind: 'normal' | 'build') =>
      ([n, r]: [string, string]) => ({
        name: n,
        req: /^[\^~=<>*]/.test(r) ? r : `^${r}`,
        features: [],
        optional: false,
        default_features: true,
        target: null,
        kind,
      });
    const indexDeps = [...Object.entries(c.deps ?? {}).map(dep('normal')), ...Object.entries(c.buildDeps ?? {}).map(dep('build'))];
    const indexLine = JSON.stringify({ name: c.name, vers: c.version, deps: indexDeps, cksum: sha256, features: c.features ?? {}, yanked: false, ...(c.links ? { links: c.links } : {}) });
    return { crate: c, archive, sha256, indexLine };
  });
}

/**
 * Packages every crate of a `cargo vendor`-shaped folder with `cargo package
 * --workspace`, a few cargo runs in all: the crates go into temporary
 * workspaces, as many as the most versions one crate has (a workspace holds
 * one package of a name). Returns each archive by `name version`.
 */
export function packageVendor(vendorDir: string, into: string): Map<string, { archive: Buffer; sha256: string }> {
  const groups: { name: string; dir: string }[][] = [];
  for (const dir of readdirSync(vendorDir).sort()) {
    const manifest = join(vendorDir, dir, 'Cargo.toml');
    if (!existsSync(manifest)) continue;
    const name = /^name = "([^"]+)"/m.exec(readFileSync(manifest, 'utf8'))?.[1];
    if (!name) throw new Error(`no package name in ${manifest}`);
    let group = groups.find((g) => !g.some((x) => x.name === name));
    if (!group) groups.push((group = []));
    group.push({ name, dir });
  }
  const out = new Map<string, { archive: Buffer; sha256: string }>();
  groups.forEach((group, i) => {
    const root = join(into, `group-${i}`);
    for (const { dir } of group) {
      cpSync(join(vendorDir, dir), join(root, dir), { recursive: true });
      rmSync(join(root, dir, '.cargo-checksum.json'), { force: true });
    }
    writeFileSync(join(root, 'Cargo.toml'), `[workspace]\nresolver = "2"\nmembers = [${group.map((g) => JSON.stringify(g.dir)).join(', ')}]\n`);
    execFileSync('cargo', ['package', '--workspace', '--offline', '--no-verify', '--allow-dirty', '--exclude-lockfile', '-q'], {
      cwd: root,
      env: { ...process.env, CARGO_HOME: join(into, 'cargo-home'), CARGO_TARGET_DIR: join(root, 'target') },
      stdio: 'pipe',
    });
    const pkgDir = join(root, 'target', 'package');
    for (const f of readdirSync(pkgDir).filter((x) => x.endsWith('.crate'))) {
      const archive = readFileSync(join(pkgDir, f));
      const m = /^(.+)-(\d+\.\d+\.\d+.*)\.crate$/.exec(f)!;
      out.set(`${m[1]} ${m[2]}`, { archive, sha256: createHash('sha256').update(archive).digest('hex') });
    }
  });
  return out;
}
