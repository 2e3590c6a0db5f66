/**
 * `fix` against other writers, with a deterministic pause point
 * (CARGO_PREFLIGHT_TEST_PAUSE: the run stops after it has read the
 * manifests): an edit made in that window is never overwritten nor edited
 * blindly, and a second `fix` waits for the first ("Blocking waiting for file
 * lock …") and then reads what the first wrote.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync as makeTemp, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

const made: string[] = [];
/** A temporary folder, removed when the file's tests end. */
function mkdtempSync(prefix: string): string {
  const dir = makeTemp(prefix);
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const BIN = join(ROOT, 'bin/cargo-preflight.js');

function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-race-'));
  cpSync(join(ROOT, 'example'), dir, { recursive: true });
  return dir;
}

interface Running {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<number | null>;
}

function start(cwd: string, env: Record<string, string>, args: string[] = []): Running {
  const child = spawn(process.execPath, [BIN, 'fix', ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  return { child, stderr: () => err, done: new Promise((ok) => child.on('close', ok)) };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('fix with other writers', () => {
  const cache = mkdtempSync(join(tmpdir(), 'preflight-race-cache-'));

  it('refuses, writing nothing, when the manifest changed after it was read', async () => {
    const dir = copyExample();
    const pause = mkdtempSync(join(tmpdir(), 'preflight-pause-'));
    const manifest = join(dir, 'Cargo.toml');
    const original = readFileSync(manifest, 'utf8');
    const run = start(dir, { CARGO_PREFLIGHT_TEST_PAUSE: pause }, ['--cache-dir', cache]);
    await until('the run to read the manifests', () => existsSync(join(pause, 'paused')));
    // Another program switches reqwest to rustls in the window.
    const theirs = original.replace(/^reqwest = .*$/m, 'reqwest = { version = "0.12", default-features = false, features = ["json", "rustls-tls"] }');
    expect(theirs).not.toBe(original);
    writeFileSync(manifest, theirs);
    writeFileSync(join(pause, 'resume'), '');
    expect(await run.done).toBe(2);
    expect(run.stderr()).toContain(`${manifest}: error: the file changed on disk since it was read; nothing written`);
    expect(readFileSync(manifest, 'utf8')).toBe(theirs);
  });

  it('makes a second run wait for the first, then read what it wrote', async () => {
    const alone = copyExample();
    expect(spawnSync(process.execPath, [BIN, 'fix', '-q', '--cache-dir', cache], { cwd: alone }).status).toBe(0);
    const once = readFileSync(join(alone, 'Cargo.toml'), 'utf8');

    const dir = copyExample();
    const pause = mkdtempSync(join(tmpdir(), 'preflight-pause-'));
    const first = start(dir, { CARGO_PREFLIGHT_TEST_PAUSE: pause }, ['--cache-dir', cache]);
    await until('the first run to read the manifests', () => existsSync(join(pause, 'paused')));
    // The second starts elsewhere and names the project as its PATH: the same workspace, the same lock.
    const second = start(tmpdir(), {}, [dir, '--cache-dir', cache]);
    await until('the second run to block', () => second.stderr().includes('Blocking waiting for file lock on the manifests of'));
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).not.toBe(once);
    writeFileSync(join(pause, 'resume'), '');
    expect(await first.done).toBe(0);
    expect(await second.done).toBe(0);
    expect(second.stderr()).not.toContain('changed on disk');
    // One fix, applied once: the second run found nothing left to change.
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(once);
  });

  it('refuses a read-only manifest unless --force', () => {
    const dir = copyExample();
    const manifest = join(dir, 'Cargo.toml');
    const original = readFileSync(manifest, 'utf8');
    spawnSync('chmod', ['0444', manifest]);
    const r = spawnSync(process.execPath, [BIN, 'fix', '-q', '--cache-dir', cache], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toContain(`${manifest}: error: the file is read-only; not replacing it\n  help: make it writable, or pass --force to replace it anyway`);
    expect(r.status).toBe(2);
    expect(readFileSync(manifest, 'utf8')).toBe(original);
    const forced = spawnSync(process.execPath, [BIN, 'fix', '-q', '--force', '--cache-dir', cache], { cwd: dir, encoding: 'utf8' });
    expect(forced.status).toBe(0);
    expect(readFileSync(manifest, 'utf8')).not.toBe(original);
  });
});
