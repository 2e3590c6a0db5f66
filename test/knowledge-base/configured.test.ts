/**
 * Extra entries from the configuration: src/config returns them as written,
 * with where their keys are, and the knowledge layer validates them, naming
 * the file, line and column of the first issue and listing every issue.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreflightConfig } from '../../src/config/preflight-config.js';
import { UserError } from '../../src/errors.js';
import { configuredKnowledgeBase } from '../../src/knowledge/load.js';
import { loadWorkspace } from '../../src/manifest/workspace.js';
import { writeProject } from '../helpers/project.js';

const PACKAGE = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
const ENTRY = (table: string, role: string) =>
  `[[${table}]]\nid = "acme"\nname = "libacme"\ncategory = "database"\nsummary = "A private library."\n\n[[${table}.crates]]\nname = "acme-sys"\nrole = "${role}"\nlinks = "acme"\nwithout-static = "system"\n`;

function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('no error');
}

describe('knowledge-base entries of the configuration', () => {
  it('are read without being validated, and validated by the knowledge layer at the key in error', () => {
    const dir = writeProject({ 'Cargo.toml': `${PACKAGE}\n${ENTRY('package.metadata.cargo-preflight.knowledge-base', 'system')}`, 'src/main.rs': '' });
    const settings = loadPreflightConfig(loadWorkspace(join(dir, 'Cargo.toml')));
    expect(settings.knowledgeBase.map((g) => [g.path, g.entries.length])).toEqual([[join(dir, 'Cargo.toml'), 1]]);
    const e = thrown(() => configuredKnowledgeBase(settings.knowledgeBase));
    expect(e.location).toEqual({ path: join(dir, 'Cargo.toml'), line: 14, column: 1 });
    expect(e.message).toBe('invalid knowledge-base entry:\n  knowledge-base[0].crates[0].role: must be one of "sys", "wrapper", "links-only"');
    expect(e.help).toBe('see knowledge-base/README.md for the format');
  });

  it('each place is validated on its own, in the order settings are read: the manifest, then cargo-preflight.toml', () => {
    const dir = writeProject({
      'Cargo.toml': `${PACKAGE}\n${ENTRY('package.metadata.cargo-preflight.knowledge-base', 'sys')}`,
      'cargo-preflight.toml': `\n\n${ENTRY('knowledge-base', 'wrapper').replace('id = "acme"', 'id = "acme2"').replace('without-static = "system"\n', 'without-static = "system"\nwraps = ["nope"]\n')}`,
      'src/main.rs': '',
    });
    const settings = loadPreflightConfig(loadWorkspace(join(dir, 'Cargo.toml')));
    expect(settings.knowledgeBase.map((g) => g.path)).toEqual([join(dir, 'Cargo.toml'), join(dir, 'cargo-preflight.toml')]);
    const e = thrown(() => configuredKnowledgeBase(settings.knowledgeBase));
    expect(e.format().split('\n')[0]).toBe(`${join(dir, 'cargo-preflight.toml')}:13:1: invalid knowledge-base entries:`);
    expect(e.message).toContain('knowledge-base[0].crates[0].without-static: only for `role = "sys"`');
    expect(e.message).toContain('knowledge-base[0].crates[0].wraps[0]: no crate `nope` in this entry');
  });

  it('valid entries join the built-in ones', () => {
    const dir = writeProject({ 'Cargo.toml': `${PACKAGE}\n${ENTRY('package.metadata.cargo-preflight.knowledge-base', 'sys')}`, 'src/main.rs': '' });
    const kb = configuredKnowledgeBase(loadPreflightConfig(loadWorkspace(join(dir, 'Cargo.toml'))).knowledgeBase);
    expect(kb.sysCrate('acme-sys')?.entry.source).toBe('config');
    expect(kb.sysCrate('openssl-sys')?.entry.id).toBe('openssl');
  });
});
