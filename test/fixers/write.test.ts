import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/fixers/write.js';

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
});
