/**
 * knowledge-base/knowledge-base.json (library families) and
 * knowledge-base/crates.json (facts about single crates) are compiled from the
 * TOML sources and committed, so the CLI reads JSON only. This test fails
 * when they drift.
 * Regenerate with: UPDATE_KNOWLEDGE_BASE=1 npx vitest run test/knowledge-base/sync.test.ts
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCrateFacts, compileKnowledgeBase } from '../../src/knowledge/compile.js';
import { compiledKnowledgeBasePath } from '../../src/knowledge/load.js';
import { builtInCrateFacts } from '../../src/knowledge/files.js';
import { crateFactFiles, KB_DIR, sourceFiles } from './helpers.js';

const JSON_PATH = join(KB_DIR, 'knowledge-base.json');

describe('compiled knowledge base', () => {
  const compiled = compileKnowledgeBase(sourceFiles());
  const text = `${JSON.stringify(compiled, null, 1)}\n`;

  if (process.env.UPDATE_KNOWLEDGE_BASE === '1') writeFileSync(JSON_PATH, text);

  it('is in sync with the TOML sources', () => {
    expect(existsSync(JSON_PATH), 'knowledge-base/knowledge-base.json is missing: run with UPDATE_KNOWLEDGE_BASE=1').toBe(true);
    const committed = readFileSync(JSON_PATH, 'utf8');
    expect(committed === text, 'knowledge-base.json is stale: run UPDATE_KNOWLEDGE_BASE=1 npx vitest run test/knowledge-base/sync.test.ts').toBe(true);
  });

  it('is the file the loader reads', () => {
    expect(compiledKnowledgeBasePath()).toBe(JSON_PATH);
  });

  it('lists every source file', () => {
    expect(compiled.sources).toEqual(sourceFiles().map((f) => f.name));
    expect(compiled.entries.length).toBe(compiled.sources.length);
  });
});

describe('compiled crate facts', () => {
  const path = join(KB_DIR, 'crates.json');
  const compiled = compileCrateFacts(crateFactFiles());
  const text = `${JSON.stringify(compiled, null, 1)}\n`;

  if (process.env.UPDATE_KNOWLEDGE_BASE === '1') writeFileSync(path, text);

  it('are in sync with the TOML sources', () => {
    expect(existsSync(path), 'knowledge-base/crates.json is missing: run with UPDATE_KNOWLEDGE_BASE=1').toBe(true);
    expect(readFileSync(path, 'utf8') === text, 'crates.json is stale: run UPDATE_KNOWLEDGE_BASE=1 npx vitest run test/knowledge-base/sync.test.ts').toBe(true);
  });

  it('are what the loader reads', () => {
    expect(builtInCrateFacts()).toEqual(compiled);
    expect(compiled.sources).toEqual(['crates/dlopen.toml', 'crates/musl-behaviour.toml', 'crates/proc-macros.toml']);
  });

  it('stay small: tree reads them at start-up', () => {
    expect(text.length).toBeLessThan(16_000);
  });
});
