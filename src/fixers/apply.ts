/**
 * From chosen fixes to files: every fix's edits for one manifest are applied
 * in one pass over the original text (so fixes combine), then written
 * atomically, each file only if it did not change since it was read.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Workspace } from '../manifest/workspace.js';
import { applyEdits, type ManifestEdit } from './toml-edit/index.js';
import { checkWritable, errnoText, writeFileAtomic, type WriteOptions } from './write.js';
import type { FileChange, ManifestEdits, ProposedFix } from './types.js';

/** Manifest texts by path: what edits are rendered from, and what the file must still hold when it is written. */
export type TextSource = (path: string) => string;

/** The files as they are now (for tests and tools that analysed nothing). */
export const readText: TextSource = (path) => readFileSync(path, 'utf8');

/**
 * The exact texts the analysis parsed: edits apply to what was analysed, and
 * a file changed since (by an editor, a formatter, another run) is refused
 * when written rather than edited blindly. A manifest the analysis did not
 * read is never edited.
 */
export function parsedTexts(workspace: Pick<Workspace, 'sourceText'>): TextSource {
  return (path) => {
    const text = workspace.sourceText(path);
    if (text === undefined) throw new UserError('this manifest was not read by the analysis; not editing it', { path });
    return text;
  };
}

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
export function renderChanges(fixes: Pick<ProposedFix, 'edits'>[], read: TextSource): FileChange[] {
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
export async function applyChanges(changes: FileChange[], opts: WriteOptions = {}): Promise<string[]> {
  for (const c of changes) {
    let now: string;
    try {
      now = readFileSync(c.path, 'utf8');
    } catch (e) {
      throw new UserError(`could not read the manifest again: ${errnoText(e)}`, { path: c.path });
    }
    if (now !== c.before) throw new UserError('the file changed on disk since it was read; nothing written', { path: c.path });
    await checkWritable(c.path, opts);
  }
  const written: string[] = [];
  for (const c of changes) {
    await writeFileAtomic(c.path, c.after, c.before, opts);
    written.push(c.path);
  }
  return written;
}
