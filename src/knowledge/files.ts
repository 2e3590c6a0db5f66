/**
 * The compiled knowledge base shipped with the tool: `knowledge-base/*.json`,
 * found from the compiled modules (dist/src/knowledge) and from the bundle
 * (dist/bundle) alike, each read once per process. The layer's only reader
 * of files, and light (no semver): `tree` reads the crate facts at start-up.
 */
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
