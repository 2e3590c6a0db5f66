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
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sourceNames = (files: { name: string }[]) => files.map((f) => f.name).sort(byName);

/** The sources in name order, each parsed; one that is not TOML is an issue and is left out. */
function parsedSources(files: { name: string; text: string }[], issues: KnowledgeBaseIssue[]): { name: string; doc: unknown }[] {
  const out: { name: string; doc: unknown }[] = [];
  for (const f of [...files].sort((a, b) => byName(a.name, b.name))) {
    try {
      out.push({ name: f.name, doc: parseToml(f.text) });
    } catch (e) {
      issues.push({ path: f.name, message: `not valid TOML: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}

export function compileKnowledgeBase(files: { name: string; text: string }[]): CompiledKnowledgeBase {
  const issues: KnowledgeBaseIssue[] = [];
  const entries: KnowledgeBaseEntry[] = [];
  for (const { name, doc } of parsedSources(files, issues)) {
    const r = validateEntries([doc], name, `knowledge-base/${name}`);
    issues.push(...r.issues.map((i) => ({ ...i, path: i.path.replace(`${name}[0]`, name) })));
    entries.push(...r.entries);
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) issues.push({ path: e.source, message: `duplicate entry id \`${e.id}\`` });
    ids.add(e.id);
  }
  if (issues.length) throw new Error(`invalid knowledge base:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  return { sources: sourceNames(files), entries };
}

/**
 * Compiles the crate facts (`knowledge-base/crates/*.toml`, names given
 * relative to `knowledge-base/`, e.g. `crates/dlopen.toml`) into
 * `knowledge-base/crates.json`. Throws with every issue when a source is
 * invalid or names a crate twice in one list.
 */
export function compileCrateFacts(files: { name: string; text: string }[]): CompiledCrateFacts {
  const issues: KnowledgeBaseIssue[] = [];
  const facts = noCrateFacts();
  for (const { name, doc } of parsedSources(files, issues)) issues.push(...validateCrateFacts(doc, name, facts).issues);
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
  return { sources: sourceNames(files), ...facts };
}
