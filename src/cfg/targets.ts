/**
 * Where a target's cfg set comes from: the bundled table
 * (data/target-cfg.json), else the local rustc (targets newer than the
 * table), else an error that suggests close names.
 *
 * The table is written by scripts/gen-target-cfg.ts. Layout:
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
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { editDistance, UserError } from '../errors.js';
import { cfgLines, runRustc } from './rustc.js';
import type { TargetInfo } from './types.js';

export interface TargetCfgTable {
  /** `rustc -V` of the compiler the table came from. */
  rustc: string;
  cfgs: string[];
  targets: Record<string, number[]>;
}

/** Builds a TargetInfo from `rustc --print cfg` lines: `name` or `key="value"`. */
function targetInfoFromLines(triple: string, lines: Iterable<string>): TargetInfo {
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

/** The data directory sits at the package root: two levels up from src/cfg, three from dist/src/cfg. */
const TABLE_PATHS = ['../../data/target-cfg.json', '../../../data/target-cfg.json'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

let table: TargetCfgTable | undefined;

function loadTable(): TargetCfgTable {
  if (!table) {
    const path = TABLE_PATHS.find((p) => existsSync(p));
    if (!path) throw new Error(`cargo-preflight is missing its target table (looked for ${TABLE_PATHS.join(', ')})`);
    table = JSON.parse(readFileSync(path, 'utf8')) as TargetCfgTable;
  }
  return table;
}

/** The built-in targets of the bundled table, sorted. */
export function knownTargets(): string[] {
  return Object.keys(loadTable().targets).sort();
}

/** `rustc -V` of the compiler the bundled table was generated with. */
export function tableRustcVersion(): string {
  return loadTable().rustc;
}

const infos = new Map<string, TargetInfo>();

const ALL_TARGET_INFO: TargetInfo = { triple: 'all', names: new Set(), values: new Map(), all: true };

/** cargo's `--target all`: no platform is left out. */
export const ALL_TARGETS = 'all';

/** Longer than any target name rustc knows (the longest built-in is 35 characters; cargo-zigbuild adds `.2.17`). */
export const MAX_TARGET_NAME = 128;
const TARGET_NAME_CHARS = /^[A-Za-z0-9_.-]+$/;

/**
 * A target name's shape, checked in time independent of its length before
 * anything is asked about it: a name rustc cannot know is refused without
 * running rustc or comparing it with every known target.
 */
function checkTargetName(triple: string): void {
  if (triple.length <= MAX_TARGET_NAME && TARGET_NAME_CHARS.test(triple)) return;
  const shown = triple.length > 60 ? `${triple.slice(0, 60)}…` : triple;
  const why = triple.length > MAX_TARGET_NAME ? `it is ${triple.length} characters long (at most ${MAX_TARGET_NAME})` : `a target name has only letters, digits, \`-\`, \`_\` and \`.\``;
  throw new UserError(`invalid target \`${shown}\`: ${why}`, undefined, 'run `rustc --print target-list` for the list of built-in targets');
}

/**
 * cargo-zigbuild's target with a glibc version (`x86_64-unknown-linux-gnu.2.17`:
 * link against glibc 2.17's symbols): the triple cargo is given, and the
 * version; null for any other name.
 */
export function zigbuildTarget(triple: string): { base: string; glibc: string } | null {
  const m = /^([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-linux-gnu[A-Za-z0-9_]*)\.(\d+\.\d+)$/.exec(triple);
  return m ? { base: m[1]!, glibc: m[2]! } : null;
}

/** The triple cargo and rustup know a target by: cargo-zigbuild's glibc suffix taken off (`x86_64-unknown-linux-gnu.2.17` → `x86_64-unknown-linux-gnu`). */
export function cargoTriple(target: string): string {
  return zigbuildTarget(target)?.base ?? target;
}

/**
 * The cfg set of a target triple. Throws UserError for an unknown target.
 * Returns the same object for the same triple, which keeps memoization cheap.
 */
export function targetInfo(triple: string): TargetInfo {
  if (triple === ALL_TARGETS) return ALL_TARGET_INFO;
  let info = infos.get(triple);
  if (!info) {
    // cargo-zigbuild's `…-gnu.2.17`: the base triple's cfg set, under the name as given (reports keep it).
    const zig = zigbuildTarget(triple);
    if (zig) {
      info = { ...targetInfo(zig.base), triple, base: zig.base };
      infos.set(triple, info);
      return info;
    }
    info = fromTable(triple);
    if (!info) checkTargetName(triple);
    info ??= fromRustc(triple);
    infos.set(triple, info);
  }
  return info;
}

function fromTable(triple: string): TargetInfo | undefined {
  const { cfgs, targets } = loadTable();
  const ids = Object.hasOwn(targets, triple) ? targets[triple] : undefined;
  return (
    ids &&
    targetInfoFromLines(
      triple,
      ids.map((i) => cfgs[i]!),
    )
  );
}

function fromRustc(triple: string): TargetInfo {
  const r = runRustc(['--print', 'cfg', `--target=${triple}`]);
  if (r.ok) return targetInfoFromLines(triple, cfgLines(r.stdout));
  const close = closeTriples(triple, knownTargets());
  const help = close.length ? `did you mean ${close.map((t) => `\`${t}\``).join(', ')}?` : 'run `rustc --print target-list` for the list of built-in targets';
  const why = r.missing ? ' (rustc is not installed, so only the bundled built-in targets are known)' : '';
  throw new UserError(`unknown target \`${triple}\`${why}`, undefined, help);
}

/** Up to three known triples that `input` may have meant, closest first. */
function closeTriples(input: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const scored: [number, string][] = [];
  for (const triple of known) {
    const d = editDistance(input.toLowerCase(), triple.toLowerCase());
    if (d <= limit || partsInOrder(input, triple)) scored.push([d, triple]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  return scored.slice(0, 3).map(([, triple]) => triple);
}

/** Whether every `-` part of `input` is a part of `triple`, in order: `x86_64-linux-musl` in `x86_64-unknown-linux-musl`. */
function partsInOrder(input: string, triple: string): boolean {
  const want = input.toLowerCase().split('-');
  if (want.length < 2) return false;
  let i = 0;
  for (const part of triple.split('-')) if (part === want[i]) i++;
  return i === want.length;
}
