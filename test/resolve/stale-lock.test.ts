/**
 * A requirement Cargo.lock no longer satisfies (the manifest changed since the
 * lock was written): the tool must refuse it at the declaration, exactly when
 * `cargo tree --locked --offline` refuses the same input, and analyse it when
 * cargo does. Requirements cover cargo's semver rules: caret, `=`, `~`,
 * wildcards, ranges, pre-releases, and path dependencies with and without a
 * version.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const ENV = { ...process.env, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };

/** Locked with `lockedReq`, then the manifest says `req`. */
interface Case {
  dep: 'foo' | 'pre' | 'local';
  lockedReq: string;
  req: string;
}

const CASES: Case[] = [
  // foo is locked at 1.2.3.
  ...['1', '1.2', '^1.2.3', '=1.2.3', '~1.2', '~1', '1.*', '1.2.*', '*', '>=1.2, <2', '<=1.2.3', '>1.2.2', '1.2.3, <2'].map((req) => ({ dep: 'foo' as const, lockedReq: '1', req })),
  ...['0.99', '2', '=1.2.2', '~1.3', '2.*', '>=1.2.4', '<1.2.3', '>1.2.3', '1.2.4', '=1.2', '0.1.*'].map((req) => ({ dep: 'foo' as const, lockedReq: '1', req })),
  // pre is locked at 2.0.0-beta.2: a pre-release matches only a requirement naming a pre-release of 2.0.0.
  ...['2.0.0-beta.1', '=2.0.0-beta.2', '>=2.0.0-beta.2', '~2.0.0-beta.1', '2', '*', '2.0.0-beta.3', '=2.0.0', '>=1'].map((req) => ({ dep: 'pre' as const, lockedReq: '=2.0.0-beta.2', req })),
  // local is a path package at 0.1.0-alpha.1.
  ...['', '0.1.0-alpha.1', '0.1', '=0.1.0-alpha.1', '*', '0.2.0-alpha.1'].map((req) => ({ dep: 'local' as const, lockedReq: '', req })),
];

function manifest(c: Case, req: string): string {
  const decl = c.dep === 'local' ? `local = { path = "local"${req ? `, version = "${req}"` : ''} }` : `${c.dep} = "${req}"`;
  return `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${decl}\n`;
}

function project(c: Case): string {
  const dir = writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': manifest(c, c.lockedReq),
    'src/main.rs': 'fn main() {}\n',
    'local/Cargo.toml': '[package]\nname = "local"\nversion = "0.1.0-alpha.1"\nedition = "2021"\n',
    'local/src/lib.rs': '',
    ...vendoredCrate('foo', '1.2.3', '', 'foo-1.2.3'),
    ...vendoredCrate('foo', '0.1.5', '', 'foo-0.1.5'),
    ...vendoredCrate('pre', '2.0.0-beta.2'),
  });
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe', env: ENV });
  writeFileSync(join(dir, 'Cargo.toml'), manifest(c, c.req));
  return dir;
}

const cargo = cargoAvailable();

describe.skipIf(!cargo)('a requirement Cargo.lock does not satisfy, against cargo tree --locked', () => {
  it.each(CASES.map((c) => [`${c.dep} locked by ${JSON.stringify(c.lockedReq)}, manifest ${JSON.stringify(c.req)}`, c] as const))('%s', (_, c) => {
    const dir = project(c);
    const lockBefore = readFileSync(join(dir, 'Cargo.lock'), 'utf8');
    const ours = spawnSync(process.execPath, [BIN, 'tree', '--offline', '--format', 'json', '--target', 'x86_64-unknown-linux-gnu'], { cwd: dir, encoding: 'utf8', env: ENV });
    const theirs = spawnSync('cargo', ['tree', '--locked', '--offline', '-e', 'normal', '--prefix', 'none', '-f', '{p}'], { cwd: dir, encoding: 'utf8', env: ENV });
    expect(readFileSync(join(dir, 'Cargo.lock'), 'utf8')).toBe(lockBefore);
    if (theirs.status === 0) {
      expect(ours.stderr).toBe('');
      expect(ours.status).toBe(0);
      const names = (JSON.parse(ours.stdout) as { packages: { name: string; version: string }[] }).packages.map((p) => `${p.name} v${p.version}`).sort();
      const cargoNames = [
        ...new Set(
          theirs.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ').slice(0, 2).join(' ')),
        ),
      ].sort();
      expect(names).toEqual(cargoNames);
      return;
    }
    expect(ours.status).toBe(2);
    // Under --format json the error is also one JSON document on stdout, at the same place.
    const doc = JSON.parse(ours.stdout) as { error: { exitCode: number; kind: string; location?: { path: string; line: number } } };
    expect(doc.error).toMatchObject({ exitCode: 2, kind: 'input', location: { path: join(dir, 'Cargo.toml') } });
    const line = `${c.dep} = `;
    const text = readFileSync(join(dir, 'Cargo.toml'), 'utf8').split('\n');
    const at = `${join(dir, 'Cargo.toml')}:${text.findIndex((l) => l.startsWith(line)) + 1}:1: error: dependency \`${c.dep}\` of \`app\` requires \`${c.dep} = "${c.req}"\``;
    expect(ours.stderr.startsWith(at)).toBe(true);
    if (c.dep === 'local') {
      expect(ours.stderr).toContain('the path package `local`');
      expect(ours.stderr).toContain('is version 0.1.0-alpha.1');
    } else {
      expect(ours.stderr).toContain('does not satisfy: Cargo.lock is out of date');
      expect(ours.stderr).toContain(`help: run \`cargo update -p ${c.dep}\``);
    }
    expect(ours.stderr).not.toMatch(/^\s+at /m);
  });

  it('the example project with rusqlite = "0.99": refused at the declaration, with the command to run', () => {
    const dir = writeProject({});
    cpSync(resolve(__dirname, '../../example'), dir, { recursive: true });
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('rusqlite = "0.34"', 'rusqlite = "0.99"'));
    const ours = spawnSync(process.execPath, [BIN, 'check', '--offline'], { cwd: dir, encoding: 'utf8', env: ENV });
    expect(ours.status).toBe(2);
    expect(ours.stderr).toBe(
      `${path}:10:1: error: dependency \`rusqlite\` of \`weather-report\` requires \`rusqlite = "0.99"\`, which the locked \`rusqlite v0.34.0\` does not satisfy: Cargo.lock is out of date\n` +
        '  help: run `cargo update -p rusqlite` to lock a version that does, then try again\n',
    );
    const theirs = spawnSync('cargo', ['tree', '--locked', '--offline'], { cwd: dir, encoding: 'utf8', env: ENV });
    expect(theirs.status).not.toBe(0);
  });
});
