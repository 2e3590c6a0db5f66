/**
 * Loading the knowledge base: the compiled built-in entries
 * (`knowledge-base/knowledge-base.json`, one `JSON.parse`) and crate facts
 * (`knowledge-base/crates.json`), merged with extra entries from the
 * configuration. The CLI calls it and hands the result to the rules and
 * fixers, which read no files.
 */
import { UserError } from '../errors.js';
import { builtInCrateFacts, compiledPath, readCompiled } from './files.js';
import { KnowledgeBase } from './lookup.js';
import type { CompiledKnowledgeBase, KnowledgeBaseEntry } from './types.js';
import type { ConfiguredEntries } from '../config/preflight-config.js';
import { checkConfiguredEntries, validateEntries } from './validate.js';

/** Path of the compiled knowledge base shipped with the tool. */
export function compiledKnowledgeBasePath(): string {
  return compiledPath('knowledge-base.json');
}

/** The built-in entries (read once per process). */
export function builtInEntries(): KnowledgeBaseEntry[] {
  return readCompiled<CompiledKnowledgeBase>('knowledge-base.json').entries;
}

/**
 * Merges validated extra entries over the built-in ones: an extra entry with
 * the id of a built-in one replaces it; others are added.
 */
export function mergeEntries(base: readonly KnowledgeBaseEntry[], extra: readonly KnowledgeBaseEntry[]): KnowledgeBaseEntry[] {
  const replaced = new Set(extra.map((e) => e.id));
  return [...base.filter((e) => !replaced.has(e.id)), ...extra];
}

/**
 * The knowledge base: the built-in entries plus `extra` entries from the
 * configuration (source form, kebab-case keys; see `knowledge-base/README.md`).
 * Throws a `UserError` naming every invalid key (`knowledge-base[0].crates[1].role: ...`).
 */
export function loadKnowledgeBase(extra: unknown[] = []): KnowledgeBase {
  const base = builtInEntries();
  if (extra.length === 0) return new KnowledgeBase(base, builtInCrateFacts());
  const { entries, issues } = validateEntries(extra);
  if (issues.length) {
    throw new UserError(
      `invalid knowledge-base entr${issues.length === 1 ? 'y' : 'ies'} in the configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      undefined,
      'see knowledge-base/README.md for the format',
    );
  }
  return new KnowledgeBase(mergeEntries(base, entries), builtInCrateFacts());
}

/**
 * The knowledge base with the configuration's extra entries, each group
 * validated first (errors give the file, line and column of the first issue).
 */
export function configuredKnowledgeBase(extra: readonly ConfiguredEntries[]): KnowledgeBase {
  checkConfiguredEntries(extra);
  return loadKnowledgeBase(extra.flatMap((g) => g.entries));
}
