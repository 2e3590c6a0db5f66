/** Applying fixes: merged per file, written only when no file changed since it was read. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges, renderChanges } from '../../src/fixers/index.js';
import { UserError } from '../../src/errors.js';
import { writeProject } from '../helpers/project.js';

const deps = { kind: 'dependencies' } as const;

describe('applyChanges', () => {
  it('writes nothing when any of the files changed since it was read', async () => {
    const dir = writeProject({ 'a/Cargo.toml': '[dependencies]\nx = "1"\n', 'b/Cargo.toml': '[dependencies]\ny = "1"\n' });
    const a = join(dir, 'a/Cargo.toml');
    const b = join(dir, 'b/Cargo.toml');
    const changes = renderChanges([
      { edits: [{ path: a, ops: [{ op: 'add-features', table: deps, key: 'x', features: ['f'] }] }] },
      { edits: [{ path: b, ops: [{ op: 'add-features', table: deps, key: 'y', features: ['g'] }] }] },
    ]);
    expect(changes.map((c) => c.after)).toEqual(['[dependencies]\nx = { version = "1", features = ["f"] }\n', '[dependencies]\ny = { version = "1", features = ["g"] }\n']);
    writeFileSync(b, '[dependencies]\ny = "2"\n');
    await expect(applyChanges(changes)).rejects.toThrow(UserError);
    expect(readFileSync(a, 'utf8')).toBe('[dependencies]\nx = "1"\n');
    expect(readFileSync(b, 'utf8')).toBe('[dependencies]\ny = "2"\n');
  });

  it('merges the edits of several fixes on one file in one pass', async () => {
    const dir = writeProject({ 'Cargo.toml': '# keep\n[dependencies]\nx = "1"  # x\ny = { version = "2" }\n' });
    const p = join(dir, 'Cargo.toml');
    const changes = renderChanges([
      { edits: [{ path: p, ops: [{ op: 'add-features', table: deps, key: 'x', features: ['f'] }] }] },
      { edits: [{ path: p, ops: [{ op: 'set-default-features', table: deps, key: 'y', value: false }] }] },
    ]);
    expect(changes).toHaveLength(1);
    expect(await applyChanges(changes)).toEqual([p]);
    expect(readFileSync(p, 'utf8')).toBe('# keep\n[dependencies]\nx = { version = "1", features = ["f"] }  # x\ny = { version = "2", default-features = false }\n');
  });
});
