/**
 * Text files as cargo reads them: UTF-8 or an error at the first invalid
 * byte (cargo refuses them too), never a device or FIFO found by walking the
 * tree, and never past the size limit (a named pipe is read when the user
 * names it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { decodeUtf8, readTextFile, readVendoredText } from '../../src/io/text-file.js';
import { writeProject } from '../helpers/project.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const cargoRuns = spawnSync('cargo', ['--version']).status === 0;
const APP = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
const LOCK = 'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('decodeUtf8', () => {
  it('keeps a BOM and any valid text', () => {
    const text = '\ufeff# café ✓ 𝄞\n';
    expect(decodeUtf8(Buffer.from(text, 'utf8'), 'f')).toBe(text);
  });

  const bad: [string, number[], number, number][] = [
    ['a Latin-1 byte', [...Buffer.from('# caf'), 0xe9, 0x0a], 1, 6],
    ['an overlong encoding', [...Buffer.from('a = 1\nb'), 0xc0, 0x80], 2, 2],
    ['a surrogate', [...Buffer.from('ok\n\nx = "é'), 0xed, 0xa0, 0x80, 0x22], 3, 7],
    ['a sequence cut at the end', [...Buffer.from('x'), 0xe2, 0x9c], 1, 2],
    ['a byte above F4', [0xf5, 0x80, 0x80, 0x80], 1, 1],
  ];
  for (const [what, bytes, line, column] of bad) {
    it(`refuses ${what} at its line and column`, () => {
      const e = thrown(() => decodeUtf8(Uint8Array.from(bytes), 'Cargo.toml'));
      expect(e.message).toMatch(/^invalid UTF-8 \(byte 0x[0-9a-f]{2}\): the file must be UTF-8 text$/);
      expect(e.location).toEqual({ path: 'Cargo.toml', line, column });
    });
  }
});

describe('readTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-text-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a device or a FIFO it was not named, without reading it', () => {
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    expect(thrown(() => readTextFile('/dev/zero', { what: 'lockfile' })).message).toBe('the lockfile is not a regular file (a device, FIFO or socket); not reading it');
    expect(thrown(() => readTextFile(fifo, { what: 'manifest' })).message).toContain('not a regular file');
    expect(thrown(() => readTextFile(dir, { what: 'manifest' })).message).toBe('the manifest is a directory, not a file');
  });

  it('reads a named pipe, within the size limit', async () => {
    const fifo = join(dir, 'named');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '{"v":1}' > ${fifo}`]);
    expect(readTextFile(fifo, { what: 'baseline', named: true })).toBe('{"v":1}');
    await new Promise((r) => writer.on('close', r));
    expect(thrown(() => readTextFile('/dev/zero', { what: 'baseline', named: true, limit: 1024 * 1024 })).message).toBe('the baseline is larger than 1 MiB; not reading it');
  });

  it('refuses a regular file over the limit', () => {
    const big = join(dir, 'big');
    writeFileSync(big, 'x'.repeat(2048));
    expect(thrown(() => readTextFile(big, { what: 'manifest', limit: 1024 })).message).toBe('the manifest is larger than 1024 bytes; not reading it');
  });
});

describe('through the command line', () => {
  it(`invalid UTF-8 in Cargo.toml or Cargo.lock: file:line:col, exit 2${cargoRuns ? ' (cargo refuses both too)' : ''}`, () => {
    for (const file of ['Cargo.toml', 'Cargo.lock']) {
      const dir = writeProject({ 'Cargo.toml': APP, 'Cargo.lock': LOCK, 'src/main.rs': '' });
      writeFileSync(join(dir, file), Buffer.concat([Buffer.from(file === 'Cargo.toml' ? APP : LOCK), Buffer.from([0x23, 0x20, 0xe9, 0x0a])]));
      const lines = (file === 'Cargo.toml' ? APP : LOCK).split('\n').length;
      const r = run(['tree', '--offline'], dir);
      expect(r.stderr).toBe(`${join(dir, file)}:${lines}:3: error: invalid UTF-8 (byte 0xe9): the file must be UTF-8 text\n`);
      expect(r.code).toBe(2);
      if (cargoRuns) expect(spawnSync('cargo', ['metadata', '--offline', '--format-version', '1'], { cwd: dir }).status).not.toBe(0);
    }
  });

  it('a Cargo.lock that is /dev/zero or a FIFO: a clear error at once, not a hang', () => {
    for (const kind of ['device', 'fifo']) {
      const dir = writeProject({ 'Cargo.toml': APP, 'src/main.rs': '' });
      if (kind === 'device') symlinkSync('/dev/zero', join(dir, 'Cargo.lock'));
      else spawnSync('mkfifo', [join(dir, 'Cargo.lock')]);
      const r = run(['tree', '--offline'], dir);
      expect(r.stderr).toBe(`${join(dir, 'Cargo.lock')}: error: the lockfile is not a regular file (a device, FIFO or socket); not reading it\n`);
      expect(r.code).toBe(2);
    }
  });
});

describe('readVendoredText', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-vendored-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads valid text, a real U+FFFD included, and refuses an invalid byte at its place', () => {
    const ok = join(dir, 'ok.toml');
    writeFileSync(ok, '[package]\nname = "a\uFFFD"\n');
    expect(readVendoredText(ok)).toBe('[package]\nname = "a\uFFFD"\n');
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, Buffer.concat([Buffer.from('[package]\nname = "a'), Buffer.from([0xff]), Buffer.from('"\n')]));
    const e = thrown(() => readVendoredText(bad));
    expect(e.location).toEqual({ path: bad, line: 2, column: 10 });
  });

  it('refuses a FIFO in the vendor directory at once, never waiting on it', () => {
    const fifo = join(dir, 'fifo.toml');
    spawnSync('mkfifo', [fifo]);
    expect(thrown(() => readVendoredText(fifo)).message).toBe('the manifest is not a regular file (a device, FIFO or socket); not reading it');
  });
});
