/**
 * From chosen fixes to files: every fix's edits for one manifest are applied
 * in one pass over the original text (so fixes combine), then written
 * atomically, each file only if it did not change since it was read.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { applyEdits, type ManifestEdit } from './toml-edit/index.js';
import { writeFileAtomic } from './write.js';
import type { FileChange, ManifestEdits, ProposedFix } from './types.js';

/** Manifest texts by path, read once (tests and proofs pass their own). */
export type TextSource = (path: string) => string;

export const readText: TextSource = (path) => readFileSync(path, 'utf8');

/** Groups edits by manifest, keeping the order in which fixes list them. */
export function mergeEdits(lists: ManifestEdits[][]): ManifestEdits[] {
  const byPath = new Map<string, ManifestEdit[]>();
  for (const list of lists) {
    for (const e of list) {
      let ops = byPath.get(e.path);
      if (!ops) byPath.set(e.path, (ops = []));
      ops.push(...e.ops);
    }
  }
  return [...byPath].map(([path, ops]) => ({ path, ops }));
}

/** The files the fixes change, before and after; files the edits leave as they are are omitted. */
export function renderChanges(fixes: Pick<ProposedFix, 'edits'>[], read: TextSource = readText): FileChange[] {
  const out: FileChange[] = [];
  for (const { path, ops } of mergeEdits(fixes.map((f) => f.edits))) {
    const before = read(path);
    const { text, changed } = applyEdits(before, ops);
    if (changed) out.push({ path, before, after: text });
  }
  return out;
}

/**
 * Writes the changes. Every file is first checked to still hold the text it
 * was read with, so a change made meanwhile to any of them writes none; a
 * change landing during the writes stops them there (each write checks again).
 */
export async function applyChanges(changes: FileChange[]): Promise<string[]> {
  for (const c of changes) {
    let now: string;
    try {
      now = readFileSync(c.path, 'utf8');
    } catch (e) {
      throw new UserError(`could not read the manifest again: ${(e as Error).message}`, { path: c.path });
    }
    if (now !== c.before) throw new UserError('the file changed on disk since it was read; nothing written', { path: c.path });
  }
  const written: string[] = [];
  for (const c of changes) {
    await writeFileAtomic(c.path, c.after, c.before);
    written.push(c.path);
  }
  return written;
}
