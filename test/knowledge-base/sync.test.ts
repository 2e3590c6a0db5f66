/**
 * knowledge-base/knowledge-base.json is compiled from the TOML sources and
 * committed, so the CLI reads one JSON file. This test fails when they drift.
 * Regenerate with: UPDATE_KNOWLEDGE_BASE=1 npx vitest run test/knowledge-base/sync.test.ts
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKnowledgeBase } from '../../src/knowledge/compile.js';
import { compiledKnowledgeBasePath } from '../../src/knowledge/load.js';
import { KB_DIR, sourceFiles } from './helpers.js';

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
