import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/fixers/write.js';
import { applyChanges } from '../../src/fixers/apply.js';

const BUILT = pathToFileURL(resolve(__dirname, '../../dist/src/fixers/write.js')).href;
const chattr = (flag: string, path: string) => spawnSync('chattr', [flag, path]).status === 0;

/** Whether files can be made immutable here (root, and a file system that supports it), tried on a file of its own. */
function immutableFiles(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'preflight-chattr-'));
  const file = join(probe, 'f');
  writeFileSync(file, '');
  const ok = chattr('+i', file);
  if (ok) chattr('-i', file);
  rmSync(probe, { recursive: true, force: true });
  return ok;
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file, keeps its permissions and leaves no temporary file', async () => {
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    await writeFileAtomic(path, 'new\n', 'old\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['Cargo.toml']);
  });

  it('writes BOM and CRLF bytes as given', async () => {
    const path = join(dir, 'Cargo.toml');
    const old = '\uFEFF[package]\r\n';
    writeFileSync(path, old);
    await writeFileAtomic(path, old + 'name = "é"\r\n', old);
    expect(readFileSync(path)).toEqual(Buffer.from('\uFEFF[package]\r\nname = "é"\r\n', 'utf8'));
  });

  it('refuses when the file changed since it was read, and leaves it alone', async () => {
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, 'edited by someone else\n');
    const write = writeFileAtomic(path, 'new\n', 'old\n');
    await expect(write).rejects.toThrow(UserError);
    await expect(write).rejects.toThrow(/changed on disk/);
    expect(readFileSync(path, 'utf8')).toBe('edited by someone else\n');
    expect(readdirSync(dir)).toEqual(['Cargo.toml']);
  });

  it('replaces the target of a symlink, not the link', async () => {
    const target = join(dir, 'real.toml');
    const link = join(dir, 'Cargo.toml');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    await writeFileAtomic(link, 'new\n', 'old\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('fails on a missing file', async () => {
    await expect(writeFileAtomic(join(dir, 'missing.toml'), 'x', '')).rejects.toThrow(/ENOENT/);
  });

  it('refuses a read-only file unless forced, as an editor does, writing none of the files', async () => {
    const a = join(dir, 'a.toml');
    const ro = join(dir, 'Cargo.toml');
    writeFileSync(a, 'old\n');
    writeFileSync(ro, 'old\n');
    chmodSync(ro, 0o444);
    const e = await writeFileAtomic(ro, 'new\n', 'old\n').catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect([e.message, e.location, e.help]).toEqual(['the file is read-only; not replacing it', { path: ro }, 'make it writable, or pass --force to replace it anyway']);
    const changes = [a, ro].map((path) => ({ path, before: 'old\n', after: 'new\n' }));
    await expect(applyChanges(changes)).rejects.toThrow('the file is read-only; not replacing it');
    expect([readFileSync(a, 'utf8'), readFileSync(ro, 'utf8')]).toEqual(['old\n', 'old\n']);
    expect(await applyChanges(changes, { force: true })).toEqual([a, ro]);
    expect(readFileSync(ro, 'utf8')).toBe('new\n');
    expect(statSync(ro).mode & 0o777).toBe(0o444);
  });

  it.skipIf(!immutableFiles())('an immutable file: a clear error naming the file and the cause, the original intact, no temporary left', async () => {
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, 'old\n');
    chattr('+i', path);
    try {
      // It cannot be written: read-only to an access check; forced, the rename over it fails.
      await expect(writeFileAtomic(path, 'new\n', 'old\n')).rejects.toThrow('the file is read-only; not replacing it');
      const e = await writeFileAtomic(path, 'new\n', 'old\n', { force: true }).catch((x) => x);
      expect(e).toBeInstanceOf(UserError);
      expect(e.message).toBe('could not write the manifest: operation not permitted (an immutable file, or a file system that forbids it) (EPERM)');
      expect(e.location).toEqual({ path });
      expect(readFileSync(path, 'utf8')).toBe('old\n');
      expect(readdirSync(dir)).toEqual(['Cargo.toml']);
    } finally {
      chattr('-i', path);
    }
  });

  it('removes temporary files a killed run left, once they are a minute old', async () => {
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, 'old\n');
    const stale = join(dir, '.Cargo.toml.0123456789ab.tmp');
    const fresh = join(dir, '.Cargo.toml.ba9876543210.tmp');
    const foreign = join(dir, '.other.toml.0123456789ab.tmp');
    for (const p of [stale, fresh, foreign]) writeFileSync(p, 'partial');
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(stale, old, old);
    utimesSync(foreign, old, old);
    await writeFileAtomic(path, 'new\n', 'old\n');
    expect(readdirSync(dir).sort()).toEqual(['.Cargo.toml.ba9876543210.tmp', '.other.toml.0123456789ab.tmp', 'Cargo.toml']);
  });

  it.skipIf(!existsSync(new URL(BUILT)))('removes its temporary file when interrupted during the write, and ends by the signal', async () => {
    const path = join(dir, 'Cargo.toml');
    writeFileSync(path, 'old\n');
    // A large text keeps the temporary file on disk long enough (written, then flushed) to be interrupted.
    const code = `const { writeFileAtomic } = await import(${JSON.stringify(BUILT)});
      await writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(256 * 1024 * 1024), 'old\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((ok) => child.on('exit', (_c, s) => ok(s)));
    const deadline = Date.now() + 20_000;
    while (!readdirSync(dir).some((f) => f.endsWith('.tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(readdirSync(dir)).toEqual(['Cargo.toml']);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
  });
});
