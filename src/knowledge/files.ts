/**
 * The compiled knowledge base shipped with the tool: `knowledge-base/*.json`,
 * found from the compiled modules (dist/src/knowledge) and from the bundle
 * (dist/bundle) alike, each read once per process. The layer's only reader
 * of files, and light (no semver): `tree` reads the crate facts at start-up.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CompiledCrateFacts } from './types.js';

/** Where a compiled file of `knowledge-base/` is (the package root is two or three levels up). */
export function compiledPath(file: string): string {
  const candidates: string[] = [];
  for (const up of ['../../', '../../../']) {
    const p = fileURLToPath(new URL(`${up}knowledge-base/${file}`, import.meta.url));
    if (existsSync(p)) return p;
    candidates.push(p);
  }
  throw new Error(`knowledge base not found (looked for ${candidates.join(', ')})`);
}

const read = new Map<string, unknown>();

/** A compiled file, parsed once per process. */
export function readCompiled<T>(file: string): T {
  let v = read.get(file);
  if (v === undefined) read.set(file, (v = JSON.parse(readFileSync(compiledPath(file), 'utf8'))));
  return v as T;
}

/** The built-in facts about single crates (`knowledge-base/crates.json`, a few kilobytes). */
export function builtInCrateFacts(): CompiledCrateFacts {
  return readCompiled<CompiledCrateFacts>('crates.json');
}

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
