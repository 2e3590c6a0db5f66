/**
 * Whether the manifests a check read still hold what it read: the screen
 * compares them now and then, and says when one changed (an edit made
 * outside the screen) so that the findings are not trusted past it.
 */
import { readFileSync } from 'node:fs';
import type { CheckRun } from '../run/check.js';

/** How often the manifests are compared, in milliseconds. */
export const WATCH_INTERVAL_MS = 1000;

/** The manifests of the run's workspace (the root and every member) whose text on disk is not what the check read. */
export function changedOnDisk(run: CheckRun): string[] {
  const ws = run.loaded.project.workspace;
  const out: string[] = [];
  for (const path of new Set([ws.rootManifestPath, ...ws.members.map((m) => m.path)])) {
    const read = ws.sourceText(path);
    if (read === undefined) continue;
    let now: string | null;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      now = null;
    }
    if (now !== read) out.push(path);
  }
  return out;
}
