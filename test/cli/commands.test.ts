/**
 * `tree` and `why` end to end through the command line, checked against real
 * cargo on the same trees: the human tree equals `cargo tree -e
 * normal,no-proc-macro` character for character (with and without `(*)`
 * de-duplication), the JSON lists exactly cargo's packages and features, and
 * `why` draws the inverted tree of `cargo tree -i CRATE`, each optional edge
 * naming an active feature of the dependent that turns the dependency on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { cli } from '../check/cli.js';
import { generateWorkspace } from '../fixtures/gen/workspace.js';
import { cargoAvailable, cargoTreeLines, realworldAvailable, realworldProject, REALWORLD_PROJECTS, REALWORLD_SKIP_REASON } from '../helpers/realworld.js';

const MUSL = 'x86_64-unknown-linux-musl';
const WIN = 'x86_64-pc-windows-msvc';

function cargo(dir: string, args: string[]): string {
  return execFileSync('cargo', ['tree', '--offline', '--locked', '-e', 'normal,no-proc-macro', ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, CARGO_TERM_COLOR: 'never' },
  });
}

/** `why`'s human output without its annotations: the shape `cargo tree -i` draws. */
function stripAnnotations(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/ \[.*\]( at \S+:\d+:\d+)?$/, '')
        .replace(/ at \S+:\d+:\d+$/, '')
        .replace(/ features: .*$/, ''),
    )
    .join('\n');
}

/** The `[features]` table of a vendored crate (or of the project itself). */
function featuresOf(dir: string, name: string, version: string): Record<string, string[]> {
  const candidates = [join(dir, 'vendor', `${name}-${version}`, 'Cargo.toml'), join(dir, 'vendor', name, 'Cargo.toml'), join(dir, 'Cargo.toml')];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const doc = parse(readFileSync(c, 'utf8')) as { package: { name: string; version: string }; features?: Record<string, string[]> };
    if (doc.package.name === name && doc.package.version === version) return doc.features ?? {};
  }
  throw new Error(`no manifest for ${name} ${version}`);
}

/** Whether feature `f` of a `[features]` table turns the optional dependency `dep` on, itself or through the features it enables. */
function turnsOn(table: Record<string, string[]>, f: string, dep: string): boolean {
  const seen = new Set<string>();
  const stack = [f];
  while (stack.length) {
    const g = stack.pop()!;
    if (g === dep && !(g in table)) return true;
    if (seen.has(g)) continue;
    seen.add(g);
    for (const v of table[g] ?? []) {
      if (v === `dep:${dep}` || v.startsWith(`${dep}/`)) return true;
      if (!v.includes('/') && !v.startsWith('dep:')) stack.push(v);
    }
  }
  return false;
}

const available = realworldAvailable() && cargoAvailable();
if (!available) console.warn(realworldAvailable() ? 'cargo not found; skipping tree and why against cargo' : REALWORLD_SKIP_REASON);

describe.skipIf(!available)('tree and why against cargo on the real-world corpus', () => {
  for (const name of REALWORLD_PROJECTS) {
    it(`${name}: tree --depth, --prefix, --charset and --duplicates`, async () => {
      const dir = realworldProject(name);
      let duplicates = 0;
      for (const args of [
        ['--depth', '2'],
        ['--depth', '0'],
        ['--depth', 'workspace'],
        ['--prefix', 'depth'],
        ['--prefix', 'none', '--no-dedupe'],
        ['--charset', 'ascii', '--depth', '3'],
        ['-d'],
        ['--duplicates', '--charset', 'ascii', '--depth', '1'],
      ]) {
        for (const target of [MUSL, WIN]) {
          const mine = await cli(['tree', '--offline', '--quiet', '--target', target, ...args], { cwd: dir });
          expect({ args, target, code: mine.code, out: mine.stdout }).toEqual({ args, target, code: 0, out: cargo(dir, ['--target', target, ...args]) });
          if (args[0].startsWith('-d') && mine.stdout) duplicates++;
        }
      }
      // Real projects carry crates in two versions: the comparison is not of empty outputs.
      if (name === 'cloud-image-download') expect(duplicates).toBeGreaterThan(0);
    });

    it(`${name}: tree`, async () => {
      const dir = realworldProject(name);
      for (const target of [MUSL, WIN]) {
        const human = await cli(['tree', '--offline', '--quiet', '--target', target], { cwd: dir });
        expect(human.code).toBe(0);
        expect(human.stdout).toBe(cargo(dir, ['--target', target]));
        expect(human.stdout).toContain(' (*)');
      }
      const full = await cli(['tree', '--offline', '--quiet', '--no-dedupe', '--target', MUSL], { cwd: dir });
      expect(full.stdout).toBe(cargo(dir, ['--target', MUSL, '--no-dedupe']));

      // JSON: one entry per package, exactly cargo's packages with cargo's features.
      const json = await cli(['tree', '--offline', '--quiet', '--format', 'json', '--target', MUSL], { cwd: dir });
      const doc = JSON.parse(json.stdout) as { target: string; packages: { name: string; version: string; source: string | null; features: string[] }[] };
      expect(doc.target).toBe(MUSL);
      const fromJson = doc.packages.map((p) => `${p.name} v${p.version}|${p.features.join(',')}`).sort();
      const fromCargo = cargoTreeLines(dir, MUSL)
        .map((l) => l.replace(/ \([^)]*\)\|/, '|'))
        .sort();
      expect(fromJson).toEqual(fromCargo);
      for (const p of doc.packages) expect([...p.features].sort()).toEqual(p.features);
      expect(new Set(doc.packages.map((p) => `${p.name} ${p.version} ${p.source}`)).size).toBe(doc.packages.length);
    });

    it(`${name}: why`, async () => {
      const dir = realworldProject(name);
      const features = new Map(
        cargoTreeLines(dir, MUSL).map((l) => {
          const [p, f] = l.split('|');
          return [p.split(' ').slice(0, 2).join(' '), new Set(f ? f.split(',') : [])];
        }),
      );
      let checkedOptional = 0;
      for (const crate of ['openssl-sys', 'libc', 'serde', 'libsqlite3-sys']) {
        if (![...features.keys()].some((k) => k.startsWith(`${crate} v`))) continue;
        const human = await cli(['why', crate, '--offline', '--quiet', '--target', MUSL], { cwd: dir });
        expect(human.code).toBe(0);
        expect(stripAnnotations(human.stdout)).toBe(cargo(dir, ['--target', MUSL, '-i', crate]));

        const json = await cli(['why', crate, '--offline', '--quiet', '--format', 'json', '--target', MUSL], { cwd: dir });
        const doc = JSON.parse(json.stdout) as {
          packages: {
            name: string;
            version: string;
            paths: { from: string; fromVersion: string; to: string; dependency: string; optional: boolean; activatedBy: string[]; enabledBy: string[] }[][];
          }[];
        };
        expect(doc.packages.length).toBeGreaterThan(0);
        for (const p of doc.packages) {
          expect(p.name).toBe(crate);
          expect(p.paths.length).toBeGreaterThan(0);
          for (const path of p.paths) {
            expect(path.at(-1)!.to).toBe(crate);
            for (let i = 1; i < path.length; i++) expect(path[i].from).toBe(path[i - 1].to);
            for (const e of path) {
              if (!e.optional) continue;
              // The feature named on an optional edge is active on the dependent (by cargo's account),
              // turns the dependency on through the dependent's features, and is not `default`.
              const dependent = `${e.from} v${e.fromVersion}`;
              expect(e.activatedBy.length).toBeGreaterThan(0);
              const def = featuresOf(dir, e.from, dependent.split(' v')[1]);
              for (const f of e.activatedBy) {
                expect(features.get(dependent)!.has(f), `${dependent} feature ${f}`).toBe(true);
                expect(turnsOn(def, f, e.dependency), `${dependent} feature ${f} = ${JSON.stringify(def[f] ?? [])} turns on ${e.dependency}`).toBe(true);
              }
              expect(e.enabledBy.length).toBe(e.activatedBy.length);
              expect(e.enabledBy[0]).toMatch(/^"[^"]+"/);
              checkedOptional++;
            }
          }
        }
      }
      expect(checkedOptional).toBeGreaterThan(0);
    });
  }

  it('tree --locked passes on lockfiles cargo wrote', async () => {
    for (const name of REALWORLD_PROJECTS) {
      const r = await cli(['tree', '--offline', '--quiet', '--locked', '--workspace', '--include-dev'], { cwd: realworldProject(name) });
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
    }
  });

  it('tree --target all: every platform at once, as cargo tree --target all', async () => {
    for (const name of REALWORLD_PROJECTS) {
      const dir = realworldProject(name);
      for (const args of [[], ['-i', 'libc'], ['--duplicates']]) {
        const mine = await cli(['tree', '--offline', '--quiet', '--target', 'all', ...args], { cwd: dir });
        expect({ name, args, code: mine.code, out: mine.stdout }).toEqual({ name, args, code: 0, out: cargo(dir, ['--target', 'all', ...args]) });
      }
      const json = JSON.parse((await cli(['tree', '--offline', '--quiet', '--target', 'all', '--format', 'json'], { cwd: dir })).stdout);
      expect(json.target).toBe('all');
    }
    // A static build is checked for one target at a time.
    const check = await cli(['check', '--offline', '--quiet', '--target', 'all'], { cwd: realworldProject('notesreminder') });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('`--target all`');
  });

  it('tree -i SPEC names the packages of the selection, as cargo matches them', async () => {
    // Two members with bitflags 1 and 2; a renamed and an optional dependency; crates from the corpus's vendor directory.
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-invert-'));
    const vendor = join(realworldProject('cloud-image-download'), 'vendor');
    const crate = (name: string, deps: string) => {
      mkdirSync(join(dir, name, 'src'), { recursive: true });
      writeFileSync(join(dir, name, 'src', 'lib.rs'), '');
      writeFileSync(join(dir, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n${deps}`);
    };
    crate('a', '[dependencies]\nbitflags = "1"\nnum = { package = "itoa", version = "1", optional = true }\n');
    crate('b', '[dependencies]\nbitflags = "2"\nryu = "1"\n');
    writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n');
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, '.cargo', 'config.toml'), `[source.crates-io]\nreplace-with = "v"\n\n[source.v]\ndirectory = "${vendor}"\n`);
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
    const run = (args: string[]) =>
      spawnSync('cargo', ['tree', '--offline', '--locked', '-e', 'normal,no-proc-macro', '--target', MUSL, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CARGO_TERM_COLOR: 'never' },
      });
    for (const args of [
      ['-p', 'a', '-i', 'bitflags'],
      ['-p', 'b', '-i', 'bitflags'],
      ['-i', 'bitflags@2'],
      ['-p', 'a', '--features', 'a/num', '-i', 'itoa'],
      ['-i', 'bitflags@1', '-d'],
    ]) {
      const mine = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: dir });
      expect({ args, code: mine.code, out: mine.stdout }).toEqual({ args, code: 0, out: run(args).stdout });
    }
    // Not in the selection's resolution: an error, as for cargo (an optional dependency left off, a crate only another member uses).
    for (const args of [
      ['-p', 'a', '-i', 'itoa'],
      ['-p', 'a', '-i', 'ryu'],
    ]) {
      const mine = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: dir });
      expect({ args, code: mine.code }).toEqual({ args, code: 2 });
      expect(mine.stderr).toContain(`package ID specification \`${args[3]}\` did not match any packages`);
      expect(run(args).stderr).toContain(`package ID specification \`${args[3]}\` did not match any packages`);
    }
    // Ambiguous only across the whole selection.
    expect((await cli(['tree', '--offline', '--quiet', '--target', MUSL, '-i', 'bitflags'], { cwd: dir })).stderr).toContain('specification `bitflags` is ambiguous');
  });

  it('tree -i SPEC: the inverted tree of cargo tree -i, and its errors', async () => {
    const dir = realworldProject('cloud-image-download');
    for (const args of [
      ['-i', 'libc'],
      ['-i', 'libc', '-i', 'bytes'],
      ['-i', 'tokio', '--depth', '2', '--charset', 'ascii'],
      ['-i', 'windows-sys@0.59.0'],
      ['-i', 'hyper@1', '--prefix', 'depth'],
      ['-i', 'reqwest', '-d'],
    ]) {
      for (const target of [MUSL, WIN]) {
        const mine = await cli(['tree', '--offline', '--quiet', '--target', target, ...args], { cwd: dir });
        const theirs = spawnSync('cargo', ['tree', '--offline', '--locked', '-e', 'normal,no-proc-macro', '--target', target, ...args], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, CARGO_TERM_COLOR: 'never' },
        });
        expect({ args, target, code: mine.code, out: mine.stdout }).toEqual({ args, target, code: 0, out: theirs.stdout });
        // Locked but not linked for the target: nothing printed, with a warning, as cargo does.
        if (!theirs.stdout) expect(mine.stderr).toContain('warning: nothing to print.');
      }
    }
    // A version with build metadata is named without it.
    const wasi = await cli(['tree', '--offline', '--quiet', '--target', 'all', '-i', 'wasi@0.11.0'], { cwd: dir });
    expect(wasi.stdout).toBe(cargo(dir, ['--target', 'all', '-i', 'wasi@0.11.0']));
    expect(wasi.stdout).toMatch(/^wasi v0\.11\.0\+/);
    const none = await cli(['tree', '--offline', '--quiet', '-i', 'nothing-like-it'], { cwd: dir });
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('package ID specification `nothing-like-it` did not match any packages') });
    const ambiguous = await cli(['tree', '--offline', '--quiet', '-i', 'windows-sys'], { cwd: dir });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('specification `windows-sys` is ambiguous');
    expect(ambiguous.stderr).toContain('  windows-sys@0.48.0\n  windows-sys@0.52.0\n');
  });

  it('why CRATE@VERSION picks one version; an absent crate exits 1', async () => {
    const dir = realworldProject('cloud-image-download');
    const lines = cargoTreeLines(dir, MUSL);
    const libc = lines
      .find((l) => l.startsWith('libc v'))!
      .split('|')[0]
      .split(' ')[1]
      .slice(1);
    const r = await cli(['why', `libc@${libc}`, '--offline', '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^libc v${libc.replace(/\./g, '\\.')} features: `));
    const missing = await cli(['why', 'winapi', '--offline', '--quiet', '--target', MUSL], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(
      `\`winapi\` is not in the artifact graph for ${MUSL}\n` +
        '  = note: `winapi v0.3.9` is in Cargo.lock; `nu-ansi-term v0.46.0` depends on it only for `cfg(target_os="windows")`\n' +
        '          `parking_lot_core v0.8.6` depends on it, but is not in the graph itself\n',
    );
    // Cargo agrees: neither dependent links it for this target.
    expect(lines.some((l) => l.startsWith('parking_lot_core v0.8.6') || l.startsWith('winapi '))).toBe(false);
  });

  it('several targets: one section each', async () => {
    const dir = realworldProject('notesreminder');
    const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL, '--target', WIN], { cwd: dir });
    const [musl, win] = r.stdout.split(/\n(?=target: )/);
    expect(musl).toBe(`target: ${MUSL}\n${cargo(dir, ['--target', MUSL])}`);
    expect(win).toBe(`target: ${WIN}\n${cargo(dir, ['--target', WIN])}`);
  });
});

describe.skipIf(!cargoAvailable())('tree on a generated workspace with several members', () => {
  it('equals cargo tree, roots separated by a blank line', async () => {
    const ws = generateWorkspace(21, { resolver: '2', virtual: true, crates: 80, members: 3 });
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.dir, stdio: 'pipe' });
    for (const args of [[], ['--workspace', '--all-features'], ['-p', ws.members[1]]]) {
      const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: ws.dir });
      expect(r.stdout).toBe(cargo(ws.dir, ['--target', MUSL, ...args]));
    }
    const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL], { cwd: ws.dir });
    expect(r.stdout.split('\n\n').length).toBe(ws.members.length);
  });
});

describe.skipIf(!cargoAvailable())('member selection as cargo makes it', () => {
  // Members listed out of name order, sharing a path crate that has a dependency of its own (so a repeat is marked `(*)`).
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-select-'));
  const crate = (name: string, deps: string[] = []) => {
    mkdirSync(join(dir, name, 'src'), { recursive: true });
    writeFileSync(join(dir, name, 'src', 'lib.rs'), '');
    const table = deps.map((d) => `${d} = { path = "../${d}" }\n`).join('');
    writeFileSync(join(dir, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${table}`);
  };
  crate('leaf');
  crate('common', ['leaf']);
  crate('foo-a', ['common']);
  crate('foo-b');
  crate('bar', ['common']);
  writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["foo-a", "foo-b", "bar"]\nresolver = "2"\n');
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
  const theirs = (args: string[]) =>
    spawnSync('cargo', ['tree', '--offline', '--locked', '-e', 'normal,no-proc-macro', '--target', MUSL, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CARGO_TERM_COLOR: 'never' },
    });

  it("draws dev-dependencies under cargo's [dev-dependencies] line (--include-dev), and refuses bad tree options as cargo does", async () => {
    writeFileSync(join(dir, 'foo-b', 'Cargo.toml'), readFileSync(join(dir, 'foo-b', 'Cargo.toml'), 'utf8') + '\n[dev-dependencies]\nbar = { path = "../bar" }\n');
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
    try {
      for (const args of [['--workspace'], ['--workspace', '--prefix', 'depth'], ['-p', 'foo-b', '--charset', 'ascii'], ['--workspace', '-d'], ['--workspace', '--depth', 'workspace']]) {
        const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL, '--include-dev', ...args], { cwd: dir });
        const theirs = spawnSync('cargo', ['tree', '--offline', '-e', 'normal,dev,no-proc-macro', '--target', MUSL, ...args], { cwd: dir, encoding: 'utf8' });
        expect({ args, out: r.stdout }).toEqual({ args, out: theirs.stdout });
      }
      expect((await cli(['tree', '--offline', '--quiet', '--target', MUSL, '--include-dev', '-p', 'foo-b'], { cwd: dir })).stdout).toContain('[dev-dependencies]\n└── bar v0.1.0');
    } finally {
      writeFileSync(join(dir, 'foo-b', 'Cargo.toml'), readFileSync(join(dir, 'foo-b', 'Cargo.toml'), 'utf8').replace('\n[dev-dependencies]\nbar = { path = "../bar" }\n', ''));
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
    }
    for (const [args, words] of [
      [['--depth', 'x'], 'supported values for --depth are non-negative integers and `workspace`, but `x` is unknown'],
      [['--prefix', 'tabs'], "invalid value 'tabs' for '--prefix <PREFIX>'"],
      [['--charset', 'latin1'], "invalid value 'latin1' for '--charset <CHARSET>'"],
    ] as const) {
      const r = await cli(['tree', '--offline', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(words);
      expect(theirs([...args]).stderr).toContain(words);
    }
  });

  it('prints the roots in package order, whatever the order of members or of -p, with the same (*) marks', async () => {
    for (const args of [[], ['-p', 'foo-a', '-p', 'bar'], ['-p', 'bar', '-p', 'foo-a'], ['--workspace']]) {
      const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: dir });
      expect({ args, out: r.stdout }).toEqual({ args, out: theirs(args).stdout });
    }
    expect(theirs([]).stdout).toContain('common v0.1.0 (/');
    expect(theirs([]).stdout).toContain('(*)');
  });

  it('takes glob patterns and name@version in -p and --exclude', async () => {
    for (const args of [
      ['-p', 'foo-*'],
      ['-p', 'foo-[!a]'],
      ['-p', 'foo-[!]b]'],
      ['-p', 'foo-a@0.1'],
      ['--workspace', '--exclude', 'foo-*'],
      ['--workspace', '--exclude', 'foo-a@0.1.0'],
      ['--workspace', '--exclude', 'foo-a@0.1'],
      ['--workspace', '--exclude', '?ar'],
    ]) {
      const r = await cli(['tree', '--offline', '--quiet', '--target', MUSL, ...args], { cwd: dir });
      expect({ args, code: r.code, out: r.stdout }).toEqual({ args, code: 0, out: theirs(args).stdout });
    }
  });

  it('warns of exclusions that match no member, and refuses a pattern -p matches nothing with', async () => {
    const args = ['--workspace', '--exclude', 'nope', '--exclude', 'nah', '--exclude', 'x*'];
    const mine = await cli(['tree', '--offline', '--target', MUSL, ...args], { cwd: dir });
    const cargoRun = theirs(args);
    expect(mine.stdout).toBe(cargoRun.stdout);
    const warnings = (text: string) => text.split('\n').filter((l) => l.startsWith('warning: excluded'));
    expect(warnings(mine.stderr)).toEqual(warnings(cargoRun.stderr));
    expect(warnings(mine.stderr)).toHaveLength(2);
    for (const pattern of ['zzz*', 'foo-[b-a]', 'foo]']) {
      const none = await cli(['tree', '--offline', '--target', MUSL, '-p', pattern], { cwd: dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(theirs(['-p', pattern]).stderr.trim());
    }
    const bad = await cli(['tree', '--offline', '--target', MUSL, '--workspace', '--exclude', 'foo-[ab'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(theirs(['--workspace', '--exclude', 'foo-[ab']).stderr.split('\n')[0]);
  });
});

describe.skipIf(!cargoAvailable())('a path dependency that is a member of another workspace', () => {
  it('inherits from its own workspace root, as cargo does', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cargo-preflight-otherws-'));
    const write = (rel: string, text: string) => {
      mkdirSync(join(base, rel, '..'), { recursive: true });
      writeFileSync(join(base, rel), text);
    };
    write(
      'other/Cargo.toml',
      '[workspace]\nmembers = ["lib", "helper"]\n\n[workspace.package]\nversion = "1.2.3"\nedition = "2021"\n\n[workspace.dependencies]\nh = { path = "helper", package = "helper" }\n',
    );
    write('other/lib/Cargo.toml', '[package]\nname = "lib"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\nh.workspace = true\n');
    write('other/lib/src/lib.rs', '');
    write('other/helper/Cargo.toml', '[package]\nname = "helper"\nversion = "0.4.0"\nedition = "2021"\n');
    write('other/helper/src/lib.rs', '');
    write('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nlib = { path = "../other/lib" }\n');
    write('app/src/main.rs', 'fn main() {}\n');
    const dir = join(base, 'app');
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });
    const mine = await cli(['tree', '--offline', '--quiet', '--target', MUSL, '--locked'], { cwd: dir });
    expect({ code: mine.code, stderr: mine.stderr }).toEqual({ code: 0, stderr: '' });
    expect(mine.stdout).toBe(cargo(dir, ['--target', MUSL]));
    expect(mine.stdout).toContain('lib v1.2.3');
    expect(mine.stdout).toContain('helper v0.4.0');
  });
});
