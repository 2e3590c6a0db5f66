/**
 * The direct dependency a finding names is the one whose declaration turns
 * the package on, not the one on the shortest path: the shape of sqlx and
 * sqlx-cli, where the member's `sqlx` asks only for `postgres` and sqlx-cli's
 * default `sqlite` turns on `sqlx/sqlite`, which brings libsqlite3-sys. Real
 * cargo (`cargo tree -e features -i`) confirms the cause; the real-world
 * notesreminder project has the same shape.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable, realworldAvailable, realworldProject, REALWORLD_SKIP_REASON } from '../helpers/realworld.js';
import { checkJson, cli, type JsonFinding } from './cli.js';
import { lineOf } from './fixtures.js';

const REG = 'registry+https://github.com/rust-lang/crates.io-index';
const pathText = (p: JsonFinding['paths'][number]) => p.map((s, i) => (i === 0 ? s.name : `${s.name}${s.via.length ? ` [${s.via.join(',')}]` : ''}`)).join(' > ');

const lockEntry = (name: string, version: string, deps: string[] = []) =>
  `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = "${REG}"\nchecksum = "${crateChecksum(name, version)}"\n${deps.length ? `dependencies = [\n${deps.map((d) => ` "${d}",\n`).join('')}]\n` : ''}`;

/** A member declaring `sqlx` (with `sqlxFeatures`) and then `sqlx-cli`, over vendored crates shaped like the real ones. */
function sqlxShape(sqlxFeatures: string[]): string {
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nsqlx = { version = "0.6", features = [${sqlxFeatures.map((f) => `"${f}"`).join(', ')}] }\nsqlx-cli = "0.6"\n`,
    'src/main.rs': 'fn main() {}\n',
    'Cargo.lock': [
      'version = 3\n',
      '[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "sqlx",\n "sqlx-cli",\n]\n',
      lockEntry('libsqlite3-sys', '0.24.2'),
      lockEntry('sqlx', '0.6.3', ['sqlx-core']),
      lockEntry('sqlx-cli', '0.6.3', ['sqlx']),
      lockEntry('sqlx-core', '0.6.3', ['libsqlite3-sys']),
    ].join('\n'),
    ...vendoredCrate('libsqlite3-sys', '0.24.2', 'links = "sqlite3"\n\n[features]\ndefault = ["min_sqlite_version_3_6_8"]\nbundled = []\nmin_sqlite_version_3_6_8 = []\n'),
    ...vendoredCrate(
      'sqlx-core',
      '0.6.3',
      '\n[dependencies]\nlibsqlite3-sys = { version = "0.24.1", optional = true, default-features = false }\n\n[features]\nsqlite = ["libsqlite3-sys"]\npostgres = []\n',
    ),
    ...vendoredCrate(
      'sqlx',
      '0.6.3',
      '\n[dependencies]\nsqlx-core = { version = "0.6.3", default-features = false }\n\n[features]\ndefault = []\nsqlite = ["sqlx-core/sqlite"]\npostgres = ["sqlx-core/postgres"]\n',
    ),
    ...vendoredCrate(
      'sqlx-cli',
      '0.6.3',
      '\n[dependencies]\nsqlx = { version = "0.6.3", default-features = false }\n\n[features]\ndefault = ["postgres", "sqlite"]\nsqlite = ["sqlx/sqlite"]\npostgres = ["sqlx/postgres"]\n',
    ),
  });
}

const sqliteFinding = (fs: JsonFinding[]) => fs.find((f) => f.rule === 'native-library' && f.package.name === 'libsqlite3-sys')!;

describe('the responsible direct dependency', () => {
  it("sqlx-cli's default `sqlite` brings libsqlite3-sys, not the member's sqlx (which asks only for postgres)", async () => {
    const dir = sqlxShape(['postgres']);
    const { report } = await checkJson([dir]);
    const f = sqliteFinding(report.findings);
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'sqlx-cli =') });
    expect(f.paths.map(pathText)).toEqual(['app > sqlx-cli > sqlx > sqlx-core > libsqlite3-sys [sqlite]', 'app > sqlx > sqlx-core > libsqlite3-sys [sqlite]']);
    const titles = f.fixes.map((x) => x.title);
    expect(titles).toContain('turn off feature `sqlite` of `sqlx-cli` (default-features = false, listing the other defaults again)');
    expect(titles.join('\n')).not.toContain('turn off feature `sqlite` of `sqlx`');
    const human = await cli(['check', dir, '--offline', '--color', 'never']);
    expect(human.stdout + human.stderr).toContain('brings in `libsqlite3-sys` through its feature `sqlite` (a default feature)');
    expect(human.stdout + human.stderr).toMatch(/sqlx-cli = "0\.6"\n\s*\| \^+ brings in `libsqlite3-sys`/);
  });

  it("when the member's sqlx asks for `sqlite` itself, sqlx is responsible (shortest path, asked for in its declaration)", async () => {
    const dir = sqlxShape(['postgres', 'sqlite']);
    const { report } = await checkJson([dir]);
    const f = sqliteFinding(report.findings);
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'sqlx =') });
    expect(f.paths.map(pathText)[0]).toBe('app > sqlx > sqlx-core > libsqlite3-sys [sqlite]');
  });

  it.skipIf(!cargoAvailable())("cargo agrees: `cargo tree -e features -i libsqlite3-sys` names sqlx-cli's `sqlite`, and sqlx's `sqlite` only through it", () => {
    const dir = sqlxShape(['postgres']);
    const out = execFileSync('cargo', ['tree', '--offline', '--locked', '-e', 'features', '-i', 'libsqlite3-sys', '--prefix', 'depth', '--charset', 'ascii'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CARGO_TERM_COLOR: 'never' },
    });
    const lines = out.split('\n').filter(Boolean);
    // Every way from sqlx's `sqlite` up to the member goes through sqlx-cli's `sqlite` feature.
    const i = lines.findIndex((l) => /sqlx feature "sqlite"/.test(l));
    expect(i).toBeGreaterThan(0);
    const depth = Number(/^(\d+)/.exec(lines[i])![1]);
    const below = lines.slice(i + 1);
    const end = below.findIndex((l) => Number(/^(\d+)/.exec(l)![1]) <= depth);
    const parents = below.slice(0, end < 0 ? below.length : end).filter((l) => Number(/^(\d+)/.exec(l)![1]) === depth + 1);
    expect(parents.map((l) => l.replace(/^\d+/, '').replace(' (*)', '').trim())).toEqual(['sqlx-cli feature "sqlite"']);
  });
});

describe.skipIf(!realworldAvailable())(`the real-world notesreminder${realworldAvailable() ? '' : ` (${REALWORLD_SKIP_REASON})`}`, () => {
  it('pins libsqlite3-sys to sqlx-cli (line 9), whose default `sqlite` enables `sqlx/sqlite`', async () => {
    const dir = realworldProject('notesreminder');
    const { report } = await checkJson([dir]);
    const f = report.findings.find((x) => x.package.name === 'libsqlite3-sys')!;
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'sqlx-cli =') });
    expect(pathText(f.paths[0])).toBe('notes-reminder > sqlx-cli > sqlx > sqlx-core > libsqlite3-sys [sqlite]');
    // openssl-sys stays with sqlx: its declaration asks for `runtime-tokio-native-tls`.
    const o = report.findings.find((x) => x.package.name === 'openssl-sys')!;
    expect(o.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'sqlx =') });
  });
});
