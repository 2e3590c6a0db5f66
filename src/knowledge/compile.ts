/**
 * Compiles the TOML sources of `knowledge-base/` into the JSON the loader
 * reads (`knowledge-base/knowledge-base.json`, committed and kept in sync by
 * test/knowledge-base/sync.test.ts).
 */
import { parse as parseToml } from 'smol-toml';
import type { CompiledKnowledgeBase, KnowledgeBaseEntry, KnowledgeBaseIssue } from './types.js';
import { validateEntries } from './validate.js';

/**
 * Compiles TOML sources (one entry per file) into the JSON the loader reads.
 * Throws with every issue when a source is invalid.
 */
export function compileKnowledgeBase(files: { name: string; text: string }[]): CompiledKnowledgeBase {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const issues: KnowledgeBaseIssue[] = [];
  const entries: KnowledgeBaseEntry[] = [];
  for (const f of sorted) {
    let doc: unknown;
    try {
      doc = parseToml(f.text);
    } catch (e) {
      issues.push({ path: f.name, message: `not valid TOML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const r = validateEntries([doc], f.name, `knowledge-base/${f.name}`);
    issues.push(...r.issues.map((i) => ({ ...i, path: i.path.replace(`${f.name}[0]`, f.name) })));
    entries.push(...r.entries);
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) issues.push({ path: e.source, message: `duplicate entry id \`${e.id}\`` });
    ids.add(e.id);
  }
  if (issues.length) throw new Error(`invalid knowledge base:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  return { sources: sorted.map((f) => f.name), entries };
}
