/**
 * The proc-macro hints the resolver takes (`ProcMacroHints`, typed in
 * src/resolve), from the crate facts. Light on purpose: `tree` loads them at
 * start-up, so ranges are tested with the resolver's own version order, not
 * the semver package.
 */
import { compareVersions, parseVersion } from '../resolve/semver-req.js';
import type { ProcMacroHints } from '../resolve/types.js';
import { builtInCrateFacts } from './files.js';
import type { ProcMacroFacts } from './types.js';

const OPS: Record<string, (c: number) => boolean> = {
  '>=': (c) => c >= 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '<': (c) => c < 0,
  '=': (c) => c === 0,
};

/**
 * A test of a knowledge-base range made of plain comparators (`>=`, `>`,
 * `<=`, `<`, `=`, `*`; commas or spaces, `||`), in semver order with
 * pre-releases included, as the knowledge base reads ranges; null for a range
 * with `^` or `~` or anything else. An unparsable version is in no range.
 */
export function versionTest(range: string): ((version: string) => boolean) | null {
  const alternatives: { op: (c: number) => boolean; version: string }[][] = [];
  for (const alt of range.split('||')) {
    const comparators: { op: (c: number) => boolean; version: string }[] = [];
    for (const c of alt.split(/[\s,]+/).filter(Boolean)) {
      if (c === '*') continue;
      const m = /^(>=|<=|>|<|=)(.+)$/.exec(c);
      if (!m || !parseVersion(m[2])) return null;
      comparators.push({ op: OPS[m[1]], version: m[2] });
    }
    alternatives.push(comparators);
  }
  return (version) => parseVersion(version) !== null && alternatives.some((a) => a.every((c) => c.op(compareVersions(version, c.version))));
}

/**
 * The resolver's hints from proc-macro facts. A range is turned into its test
 * when first asked (most runs never ask: only for crates the index and the
 * unpacked manifests leave open), which keeps this off the start-up path.
 */
export function procMacroHints(facts: ProcMacroFacts): ProcMacroHints {
  const byVersion = new Map<string, (version: string) => boolean>();
  for (const r of facts.byVersion) {
    let test: ((version: string) => boolean) | null | undefined;
    byVersion.set(r.name, (version) => {
      test ??= versionTest(r.versions);
      if (!test) throw new Error(`proc-macro range of \`${r.name}\` is not made of plain comparators: ${r.versions}`);
      return test(version);
    });
  }
  return { procMacros: new Set(facts.crates), libraries: new Set(facts.libraries), byVersion };
}

let builtIn: ProcMacroHints | undefined;

/** The built-in hints (`knowledge-base/crates.json`, read once per process). */
export function builtInProcMacroHints(): ProcMacroHints {
  return (builtIn ??= procMacroHints(builtInCrateFacts().procMacro));
}
