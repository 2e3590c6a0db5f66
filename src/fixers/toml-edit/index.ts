/**
 * Format-preserving edits of Cargo.toml.
 *
 * Each edit is made by splicing text only inside the source ranges it
 * changes (positions from toml-eslint-parser); nothing is re-serialized, so
 * comments, blank lines, quoting, array layout, line endings and a BOM stay
 * as they were. After each edit the text is parsed again with smol-toml and
 * must equal the original data with the edit applied, and must still be
 * TOML 1.0 when the input was (cargo accepts TOML 1.1 only from 1.94). Any
 * mismatch, a duplicate key in the input, or an edit cargo would reject is an
 * `EditRefused`, and no text is returned.
 *
 * Dependencies are found by key path in every form cargo accepts:
 * `dep = "1"`, `dep = { ... }`, `[dependencies.dep]`, `dep.version = "1"`,
 * root-level `dependencies.dep.version = "1"`, under `[target.'cfg(...)']`
 * and in `[workspace.dependencies]`.
 */
import { readManifest, reparse, type Manifest } from './document.js';
import { describeTable, intendedData, isTable, sameData, type LaterEdits } from './intended.js';
import { planEdit } from './plan.js';
import { applySplices, detectEol } from './text.js';
import { EditRefused, type ManifestEdit } from './types.js';

export { EditRefused } from './types.js';
export type { DependencySpec, DepTable, ManifestEdit, RefusalReason } from './types.js';

const BOM = '\uFEFF';

/**
 * Applies `edits` in order. An edit that is already in effect (a feature
 * that is present, `default-features` already at the value) changes nothing,
 * so applying the same edits twice gives the same bytes.
 *
 * @throws EditRefused when any edit cannot be made exactly.
 */
export function applyEdits(text: string, edits: readonly ManifestEdit[]): { text: string; changed: boolean } {
  const bom = text.startsWith(BOM) ? BOM : '';
  const eol = detectEol(text);
  let m = readManifest(text.slice(bom.length));
  for (const [i, edit] of edits.entries()) {
    const intended = intendedData(m.data, edit, edit.op === 'add-dependency' ? laterEdits(edits.slice(i + 1), edit) : undefined);
    if (sameData(intended, m.data)) continue;
    m = verified(m, applySplices(m.text, planEdit(m, edit, eol)), intended, edit);
  }
  const out = bom + m.text;
  return { text: out, changed: out !== text };
}

/** What later edits of the same call change again of the dependency `edit` adds: features removed, `default-features` set. */
function laterEdits(rest: readonly ManifestEdit[], edit: ManifestEdit): LaterEdits {
  const target = (e: ManifestEdit) => ('target' in e.table ? e.table.target : undefined);
  const same = (e: ManifestEdit) => e.key === edit.key && e.table.kind === edit.table.kind && target(e) === target(edit);
  return {
    removed: rest.flatMap((e) => (e.op === 'remove-features' && same(e) ? e.features : [])),
    setsDefaults: rest.some((e) => e.op === 'set-default-features' && same(e)),
  };
}

function verified(before: Manifest, text: string, intended: unknown, edit: ManifestEdit): Manifest {
  const what = `${edit.op} on \`${edit.key}\` in ${describeTable(edit.table)}`;
  const after = reparse(text, before.version);
  if (typeof after === 'string') {
    throw new EditRefused('verification', `${what} would leave a manifest that is not TOML ${before.version}: ${after}`);
  }
  const diff = firstDifference(after.data, intended, []);
  if (diff !== undefined) {
    throw new EditRefused('verification', `${what} would not give the intended manifest (at \`${diff}\`)`);
  }
  return after;
}

/** Dotted path of the first place two parsed documents differ. */
function firstDifference(a: unknown, b: unknown, path: string[]): string | undefined {
  if (isTable(a) && isTable(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], [...path, k]);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return sameData(a, b) ? undefined : path.join('.') || '(root)';
}
