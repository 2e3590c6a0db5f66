/**
 * The CI report goldens: fixture workspaces copied to a temporary folder (so
 * that no path of this checkout, and no .git above it, leaks into a report),
 * and expected outputs under test/fixtures/golden/<workspace>.expected/.
 *
 * Regenerate the expected files after an intended change of output with
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/output
 *
 * and review the diff before committing it.
 */
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN = fileURLToPath(new URL('../fixtures/golden', import.meta.url));
const VENDOR = fileURLToPath(new URL('../fixtures/projects/vendor', import.meta.url));
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * A copy of test/fixtures/golden/<name> at <tmp>/golden/<name>, with the shared
 * vendor folder at <tmp>/projects/vendor (where its .cargo/config.toml points),
 * and files replaced or added. Returns the copy's root.
 */
export function workspaceCopy(name: string, files: Record<string, string> = {}): string {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-preflight-output-'));
  cpSync(VENDOR, join(tmp, 'projects', 'vendor'), { recursive: true });
  const root = join(tmp, 'golden', name);
  cpSync(join(GOLDEN, name), root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(root, rel), text);
  return root;
}

/** Compares `actual` with the expected file byte for byte (or writes it with UPDATE_GOLDEN=1). */
/** What golden files hold in place of the knowledge base's version, which changes with every fact. */
export const KB_VERSION_PLACEHOLDER = '<knowledge-base-version>';

export function expectGolden(workspace: string, file: string, actual: string): void {
  // The version names the facts; the golden files check what the tool does with them.
  actual = actual.split(knowledgeBaseVersion()).join(KB_VERSION_PLACEHOLDER);
  const dir = join(GOLDEN, `${workspace}.expected`);
  const path = join(dir, file);
  if (UPDATE) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`no golden file ${path}: run UPDATE_GOLDEN=1 npx vitest run test/output`);
  expect(actual, `${file} differs from the golden file; if the change is intended, regenerate with UPDATE_GOLDEN=1`).toBe(readFileSync(path, 'utf8'));
}
