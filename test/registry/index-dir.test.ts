/**
 * `--index DIR` reads its files a bounded number at a time: a lockfile of
 * 1,200 crates under `ulimit -n 100` (every crate is asked for at once)
 * gives the same tree as without the limit, instead of EMFILE.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../testkit/registry-gen.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const root = mkdtempSync(join(tmpdir(), 'preflight-index-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an index folder with many crates', () => {
  it('is read within a small file-descriptor limit', () => {
    const { projectDir, indexDir, locked } = generateProject(root, 1200, 3);
    expect(locked.length).toBeGreaterThanOrEqual(1200);
    const tree = (limit: string) =>
      spawnSync('bash', ['-c', `${limit}exec "$0" "$@"`, process.execPath, BIN, 'tree', '--index', indexDir, '-q'], { cwd: projectDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const free = tree('');
    const bounded = tree('ulimit -n 100; ');
    expect(free.stderr).toBe('');
    expect(bounded.stderr).toBe('');
    expect(bounded.status).toBe(0);
    expect(bounded.stdout).toBe(free.stdout);
    expect(bounded.stdout.split('\n').length).toBeGreaterThan(1200);
  });
});
