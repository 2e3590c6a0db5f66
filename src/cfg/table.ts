/**
 * The bundled cfg table, data/target-cfg.json, written by
 * scripts/gen-target-cfg.ts. Layout:
 *
 *   { "rustc": "rustc 1.95.0 (...)",
 *     "cfgs": ["debug_assertions", "target_os=\"linux\"", ...],
 *     "targets": { "x86_64-unknown-linux-musl": [0, 3, 17, ...], ... } }
 *
 * `cfgs` holds each distinct line of `rustc --print cfg` once, most shared
 * first so the common lines get the shortest indices; a target lists the
 * indices of its lines. That keeps the file small and JSON.parse fast, and a
 * target's sets are only built when it is asked for.
 */
import type { TargetInfo } from './types.js';

export interface TargetCfgTable {
  /** `rustc -V` of the compiler the table came from. */
  rustc: string;
  cfgs: string[];
  targets: Record<string, number[]>;
}

/** The lines of `rustc --print cfg` output. */
export function cfgLines(output: string): string[] {
  return output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Builds a TargetInfo from `rustc --print cfg` lines: `name` or `key="value"`. */
export function targetInfoFromLines(triple: string, lines: Iterable<string>): TargetInfo {
  const names = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const line of lines) {
    const eq = line.indexOf('="');
    if (eq < 0 || !line.endsWith('"')) {
      names.add(line);
      continue;
    }
    const key = line.slice(0, eq);
    let set = values.get(key);
    if (!set) values.set(key, (set = new Set()));
    set.add(line.slice(eq + 2, -1));
  }
  return { triple, names, values };
}
