/**
 * Compiles the TOML sources of `knowledge-base/` into the JSON the loader
 * reads (`knowledge-base/knowledge-base.json` and `knowledge-base/crates.json`,
 * committed and kept in sync by test/knowledge-base/sync.test.ts).
 */
import { parse as parseToml } from 'smol-toml';
import { noCrateFacts, type CompiledCrateFacts, type CompiledKnowledgeBase, type KnowledgeBaseEntry, type KnowledgeBaseIssue } from './types.js';
import { validateCrateFacts, validateEntries } from './validate.js';

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

/**
 * Compiles the crate facts (`knowledge-base/crates/*.toml`, names given
 * relative to `knowledge-base/`, e.g. `crates/dlopen.toml`) into
 * `knowledge-base/crates.json`. Throws with every issue when a source is
 * invalid or names a crate twice in one list.
 */
export function compileCrateFacts(files: { name: string; text: string }[]): CompiledCrateFacts {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const issues: KnowledgeBaseIssue[] = [];
  const facts = noCrateFacts();
  for (const f of sorted) {
    let doc: unknown;
    try {
      doc = parseToml(f.text);
    } catch (e) {
      issues.push({ path: f.name, message: `not valid TOML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    issues.push(...validateCrateFacts(doc, f.name, facts).issues);
  }
  const lists: [string, string[]][] = [
    ['dlopen', facts.dlopen.map((x) => x.name)],
    ['name-resolution', facts.nameResolution.map((x) => x.name)],
    ['runtime', facts.runtimes.map((x) => x.name)],
    ['allocator', facts.allocators.map((x) => x.name)],
    ['proc-macro', [...facts.procMacro.crates, ...facts.procMacro.libraries, ...facts.procMacro.byVersion.map((x) => x.name)]],
  ];
  for (const [what, names] of lists) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) issues.push({ path: what, message: `crate \`${n}\` is listed twice` });
      seen.add(n);
    }
  }
  if (issues.length) throw new Error(`invalid crate facts:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  return { sources: sorted.map((f) => f.name), ...facts };
}
