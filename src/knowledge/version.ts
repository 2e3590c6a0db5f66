/**
 * The version of the built-in knowledge base, for reports and `explain`: a
 * module of its own, so that the start-up chunk (`tree` reads only the crate
 * facts) does not name the library families' file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compiledPath } from './files.js';

let version: string | undefined;

/**
 * The version of the built-in knowledge base: the first 12 hex digits of the
 * SHA-256 of its compiled files (`knowledge-base.json`, then `crates.json`),
 * so that a report names the facts it was judged by and a run can be
 * reproduced with the same ones. Entries added in the configuration are the
 * project's own and travel with it.
 */
export function knowledgeBaseVersion(): string {
  if (version === undefined) {
    const h = createHash('sha256');
    for (const f of ['knowledge-base.json', 'crates.json']) h.update(readFileSync(compiledPath(f)));
    version = h.digest('hex').slice(0, 12);
  }
  return version;
}
