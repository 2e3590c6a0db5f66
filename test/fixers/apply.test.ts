/** Applying fixes: merged per file, written only when no file changed since it was read. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges, parsedTexts, readText, renderChanges } from '../../src/fixers/index.js';
import { loadWorkspace } from '../../src/manifest/workspace.js';
import { UserError } from '../../src/errors.js';
import { writeProject } from '../helpers/project.js';

const deps = { kind: 'dependencies' } as const;

describe('applyChanges', () => {
  it('writes nothing when any of the files changed since it was read', async () => {
    const dir = writeProject({ 'a/Cargo.toml': '[dependencies]\nx = "1"\n', 'b/Cargo.toml': '[dependencies]\ny = "1"\n' });
    const a = join(dir, 'a/Cargo.toml');
    const b = join(dir, 'b/Cargo.toml');
    const changes = renderChanges(
      [
        { edits: [{ path: a, ops: [{ op: 'add-features', table: deps, key: 'x', features: ['f'] }] }] },
        { edits: [{ path: b, ops: [{ op: 'add-features', table: deps, key: 'y', features: ['g'] }] }] },
      ],
      readText,
    );
    expect(changes.map((c) => c.after)).toEqual(['[dependencies]\nx = { version = "1", features = ["f"] }\n', '[dependencies]\ny = { version = "1", features = ["g"] }\n']);
    writeFileSync(b, '[dependencies]\ny = "2"\n');
    await expect(applyChanges(changes)).rejects.toThrow(UserError);
    expect(readFileSync(a, 'utf8')).toBe('[dependencies]\nx = "1"\n');
    expect(readFileSync(b, 'utf8')).toBe('[dependencies]\ny = "2"\n');
  });

  it('merges the edits of several fixes on one file in one pass', async () => {
    const dir = writeProject({ 'Cargo.toml': '# keep\n[dependencies]\nx = "1"  # x\ny = { version = "2" }\n' });
    const p = join(dir, 'Cargo.toml');
    const changes = renderChanges(
      [
        { edits: [{ path: p, ops: [{ op: 'add-features', table: deps, key: 'x', features: ['f'] }] }] },
        { edits: [{ path: p, ops: [{ op: 'set-default-features', table: deps, key: 'y', value: false }] }] },
      ],
      readText,
    );
    expect(changes).toHaveLength(1);
    expect(await applyChanges(changes)).toEqual([p]);
    expect(readFileSync(p, 'utf8')).toBe('# keep\n[dependencies]\nx = { version = "1", features = ["f"] }  # x\ny = { version = "2", default-features = false }\n');
  });

  it('renders from the text the analysis parsed, and refuses when the file changed since, keeping the change', async () => {
    const manifest = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nreqwest = "0.12"\n';
    const dir = writeProject({ 'Cargo.toml': manifest, 'src/main.rs': '' });
    const p = join(dir, 'Cargo.toml');
    const texts = parsedTexts(loadWorkspace(p));
    // Another program switches the dependency after the analysis read the manifest.
    const theirs = manifest.replace('reqwest = "0.12"', 'reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }');
    writeFileSync(p, theirs);
    const changes = renderChanges([{ edits: [{ path: p, ops: [{ op: 'add-features', table: deps, key: 'reqwest', features: ['native-tls-vendored'] }] }] }], texts);
    expect(changes[0]!.before).toBe(manifest);
    expect(changes[0]!.after).toBe(manifest.replace('reqwest = "0.12"', 'reqwest = { version = "0.12", features = ["native-tls-vendored"] }'));
    await expect(applyChanges(changes)).rejects.toThrow('the file changed on disk since it was read; nothing written');
    expect(readFileSync(p, 'utf8')).toBe(theirs);
    // A manifest the analysis never read is not edited at all.
    expect(() => texts(join(dir, 'other/Cargo.toml'))).toThrow('this manifest was not read by the analysis; not editing it');
  });
});
