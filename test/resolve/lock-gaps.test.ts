/**
 * Cargo.lock as cargo judges it: cargo writes the lock from a resolution of
 * every member with all its features, on every platform, with
 * dev-dependencies, and `--locked` fails whenever that resolution would
 * change it. A manifest that now turns on an optional dependency the lock
 * lacks (directly, through a member's feature nothing activates, under
 * another platform's table, as a dev-dependency) must be refused under
 * `--locked` exactly when `cargo tree --locked --offline` refuses it, and be
 * a warning without the flag, never a silent drop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const ENV = { ...process.env, CARGO_TERM_COLOR: 'never', NO_COLOR: '1' };
const HEAD = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n';

/** The manifest the lock was written for, and what it says now. */
const CASES: { name: string; now: string; stale: boolean }[] = [
  { name: 'unchanged', now: '[dependencies]\nfoo = "1"\n', stale: false },
  { name: 'a feature asked in the declaration', now: '[dependencies]\nfoo = { version = "1", features = ["with-bar"] }\n', stale: true },
  { name: "a member's feature nothing activates", now: '[dependencies]\nfoo = "1"\n\n[features]\nextra = ["foo/with-bar"]\n', stale: true },
  { name: 'a weak feature of a member', now: '[dependencies]\nfoo = { version = "1", optional = true }\n\n[features]\nextra = ["foo?/with-bar"]\n', stale: true },
  { name: "another platform's table", now: '[dependencies]\nfoo = "1"\n\n[target.\'cfg(windows)\'.dependencies]\nfoo = { version = "1", features = ["with-bar"] }\n', stale: true },
  { name: 'a dev-dependency', now: '[dependencies]\nfoo = "1"\n\n[dev-dependencies]\nfoo = { version = "1", features = ["with-bar"] }\n', stale: true },
  { name: 'a build-dependency', now: '[dependencies]\nfoo = "1"\n\n[build-dependencies]\nfoo = { version = "1", features = ["with-bar"] }\n', stale: true },
];

describe.skipIf(!cargoAvailable())('a Cargo.lock that cargo would have to update', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.stale ? 'refused under --locked, a warning without it' : 'accepted'}, as cargo judges it`, () => {
      const dir = writeProject({
        ...VENDOR_CONFIG,
        'Cargo.toml': `${HEAD}[dependencies]\nfoo = "1"\n`,
        'src/main.rs': 'fn main() {}\n',
        'build.rs': 'fn main() {}\n',
        ...vendoredCrate('foo', '1.0.0', '\n[dependencies]\nbar = { version = "1", optional = true }\n\n[features]\nwith-bar = ["bar"]\n'),
        ...vendoredCrate('bar', '1.0.0'),
      });
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, env: ENV, stdio: 'pipe' });
      expect(readFileSync(join(dir, 'Cargo.lock'), 'utf8')).not.toContain('name = "bar"');
      writeFileSync(join(dir, 'Cargo.toml'), HEAD + c.now);
      const cargo = spawnSync('cargo', ['tree', '--locked', '--offline'], { cwd: dir, env: ENV, encoding: 'utf8' });
      expect(cargo.status !== 0, cargo.stderr).toBe(c.stale);
      if (c.stale) expect(cargo.stderr).toContain('because --locked was passed to prevent this');

      const args = ['check', '--offline', '--target', 'x86_64-unknown-linux-musl', '--format', 'json'];
      const locked = spawnSync(process.execPath, [BIN, ...args, '--locked'], { cwd: dir, env: ENV, encoding: 'utf8' });
      const plain = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: ENV, encoding: 'utf8' });
      expect(plain.status, plain.stderr).toBe(0);
      if (c.stale) {
        expect(locked.status, locked.stderr).toBe(2);
        expect(locked.stderr).toContain(`cannot update the lock file ${join(dir, 'Cargo.lock')} because --locked was passed to prevent this`);
        expect(locked.stderr).toContain('`bar` (an optional dependency of `foo v1.0.0`)');
        expect(locked.stderr).toContain('cargo update --workspace');
        expect(plain.stderr).toContain('Cargo.lock is out of date');
        // Never dropped: resolved as cargo's next build resolves it, where the graph has it.
        if (c.name === 'a feature asked in the declaration') {
          expect(plain.stderr).toContain("resolved with `bar v1.0.0` as cargo's next build resolves it");
          const graph = spawnSync(process.execPath, [BIN, 'why', 'bar', '--offline', '--target', 'x86_64-unknown-linux-musl'], { cwd: dir, env: ENV, encoding: 'utf8' });
          expect(graph.status, graph.stderr).toBe(0);
        } else expect(plain.stderr).toMatch(/resolved with `bar v1\.0\.0`|none of them is in the graph of the targets checked/);
        // Every command refuses under the flag, as every cargo command does.
        const tree = spawnSync(process.execPath, [BIN, 'tree', '--offline', '--locked'], { cwd: dir, env: ENV, encoding: 'utf8' });
        expect(tree.status, tree.stderr).toBe(2);
      } else {
        expect(locked.status, locked.stderr).toBe(0);
        expect(plain.stderr).not.toContain('out of date');
      }
    });
  }

  it('is remembered by the bytes it depends on: a changed manifest is judged again, an unchanged lock state is read back', () => {
    const cache = mkdtempSync(join(tmpdir(), 'preflight-judgements-'));
    const env = { ...ENV, XDG_CACHE_HOME: cache };
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': `${HEAD}[dependencies]\nfoo = "1"\n`,
      'src/main.rs': 'fn main() {}\n',
      ...vendoredCrate('foo', '1.0.0', '\n[dependencies]\nbar = { version = "1", optional = true }\n\n[features]\nwith-bar = ["bar"]\n'),
      ...vendoredCrate('bar', '1.0.0'),
    });
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, env: ENV, stdio: 'pipe' });
    const check = () => spawnSync(process.execPath, [BIN, 'check', '--offline', '--locked', '--quiet'], { cwd: dir, env, encoding: 'utf8' });
    const folder = join(cache, 'cargo-preflight', 'lock-judgements-v1');
    expect(check().status).toBe(0);
    const [first] = readdirSync(folder);
    expect(readFileSync(join(folder, first!), 'utf8')).toBe('[]');
    // A member's manifest changed: another key, judged again, refused as cargo refuses it.
    const original = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
    writeFileSync(join(dir, 'Cargo.toml'), `${original}\n[features]\nextra = ["foo/with-bar"]\n`);
    const stale = check();
    expect(stale.status, stale.stderr).toBe(2);
    expect(readdirSync(folder)).toHaveLength(2);
    // Back to the judged bytes: the stored judgement is what the run uses (a planted one shows it).
    writeFileSync(join(dir, 'Cargo.toml'), original);
    writeFileSync(join(folder, first!), JSON.stringify([{ package: 'foo', version: '1.0.0', dependency: 'planted' }]));
    const planted = check();
    expect(planted.status).toBe(2);
    expect(planted.stderr).toContain('`planted` (an optional dependency of `foo v1.0.0`)');
  });
});
