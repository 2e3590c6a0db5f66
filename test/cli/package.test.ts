/**
 * The package as a user gets it: `npm pack`, then installed from the tarball
 * into a temporary prefix with install scripts disabled, and run on the
 * bundled example, as `cargo-preflight` and (with cargo at hand) as
 * `cargo preflight`. The tarball holds the built bundle and nothing of the
 * checkout's tests, benches or scripts, and names no install script; the
 * licenses package.json names are there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cargoAvailable } from '../helpers/realworld.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'example');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let work: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cargo-preflight-package-'));
  // With the package's own pack scripts: they build when needed and strip the install scripts.
  const name = npm(['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').at(-1)!;
  tarball = join(work, name);
  files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built bundle, the data it reads and the licenses, and nothing else', () => {
    const tops = new Set(
      files.map((f) =>
        f
          .replace(/^package\//, '')
          .split('/')
          .slice(0, f.includes('dist/') ? 2 : 1)
          .join('/'),
      ),
    );
    expect([...tops].sort()).toEqual(['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'bin', 'data', 'dist/bundle', 'knowledge-base', 'package.json']);
    expect(files).toContain('package/dist/bundle/cargo-preflight.cjs');
    expect(files.some((f) => /\/(test|bench|scripts|testkit|src|cli)\//.test(f.replace(/^package\/(dist\/bundle|knowledge-base)\//, '')))).toBe(false);
    expect(readFileSync(join(ROOT, 'LICENSE-APACHE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(readFileSync(join(ROOT, 'LICENSE-MIT'), 'utf8')).toMatch(/^MIT License\n/);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('MIT OR Apache-2.0');
  });

  it('names no script that installing it would run; the checkout keeps the one `npm ci` builds with', () => {
    const packed = JSON.parse(execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string> };
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(packed.scripts?.[s]).toBeUndefined();
    const checkout = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(checkout.scripts.prepare).toBe('npm run build');
    expect(existsSync(join(ROOT, 'dist', 'package.json.unpacked'))).toBe(false);
  });

  it('installs with scripts disabled, and checks the example as `cargo-preflight` and `cargo preflight`', () => {
    const prefix = join(work, 'prefix');
    // From npm's cache when it has the dependencies (it has after `npm ci`).
    npm(['install', '--global', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
    const bin = join(prefix, 'bin');
    expect(readdirSync(bin)).toContain('cargo-preflight');
    const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, NO_COLOR: '1' };
    const direct = spawnSync(join(bin, 'cargo-preflight'), ['check', EXAMPLE], { cwd: work, env, encoding: 'utf8' });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(1);
    expect(direct.stdout).toContain('error[native-library]: `libsqlite3-sys v0.32.0` links the system SQLite 3');
    expect(direct.stdout).toContain('openssl-sys');
    if (cargoAvailable()) {
      const sub = spawnSync('cargo', ['preflight', 'check', EXAMPLE], { cwd: work, env, encoding: 'utf8' });
      expect(sub.status).toBe(1);
      // The same report; the commands it suggests are spelt as the tool was run (`cargo preflight fix`).
      expect(sub.stdout).toContain('`cargo preflight fix` applies it');
      expect(sub.stdout.replaceAll('cargo preflight', 'cargo-preflight')).toBe(direct.stdout);
    }
  }, 240_000);
});
