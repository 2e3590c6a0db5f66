/**
 * Where a target's cfg set comes from: the bundled table
 * (data/target-cfg.json), else the local rustc (targets newer than the
 * table), else an error that suggests close names. Kept in one module, as
 * every module costs the CLI's start-up about a millisecond.
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
import { UserError } from '../errors.js';
import type { TargetInfo } from './types.js';

export interface TargetCfgTable {
  /** `rustc -V` of the compiler the table came from. */
  rustc: string;
  cfgs: string[];
  targets: Record<string, number[]>;
}

export type RustcResult = { ok: true; stdout: string } | { ok: false; missing: boolean; stderr: string };

/** Runs rustc synchronously: `$RUSTC` when set (as cargo does), else `rustc` from PATH. */
export function runRustc(args: string[]): RustcResult {
  // node:child_process is loaded here, not at start-up: most runs never start rustc.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(process.env.RUSTC || 'rustc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT', stderr: r.error.message };
  if (r.status !== 0) return { ok: false, missing: false, stderr: r.stderr };
  return { ok: true, stdout: r.stdout };
}

/** The lines of `rustc --print cfg` output. */
export function cfgLines(output: string): string[] {
  return output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
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
const TABLE_PATHS = ['../../data/target-cfg.json', '../../../data/target-cfg.json'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

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

/**
 * The cfg set of a target triple. Throws UserError for an unknown target.
 * Returns the same object for the same triple, which keeps memoization cheap.
 */
export function targetInfo(triple: string): TargetInfo {
  let info = infos.get(triple);
  if (!info) {
    info = fromTable(triple) ?? fromRustc(triple);
    infos.set(triple, info);
  }
  return info;
}

function fromTable(triple: string): TargetInfo | undefined {
  const { cfgs, targets } = loadTable();
  const ids = Object.hasOwn(targets, triple) ? targets[triple] : undefined;
  return ids && targetInfoFromLines(triple, ids.map((i) => cfgs[i]!));
}

function fromRustc(triple: string): TargetInfo {
  const r = runRustc(['--print', 'cfg', `--target=${triple}`]);
  if (r.ok) return targetInfoFromLines(triple, cfgLines(r.stdout));
  const close = closeTriples(triple, knownTargets());
  const help = close.length
    ? `did you mean ${close.map((t) => `\`${t}\``).join(', ')}?`
    : 'run `rustc --print target-list` for the list of built-in targets';
  const why = r.missing ? ' (rustc is not installed, so only the bundled built-in targets are known)' : '';
  throw new UserError(`unknown target \`${triple}\`${why}`, undefined, help);
}

/** Up to three known triples that `input` may have meant, closest first. */
function closeTriples(input: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const scored: [number, string][] = [];
  for (const triple of known) {
    const d = editDistance(input, triple);
    if (d <= limit || partsInOrder(input, triple)) scored.push([d, triple]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  return scored.slice(0, 3).map(([, triple]) => triple);
}

/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Whether every `-` part of `input` is a part of `triple`, in order: `x86_64-linux-musl` in `x86_64-unknown-linux-musl`. */
function partsInOrder(input: string, triple: string): boolean {
  const want = input.toLowerCase().split('-');
  if (want.length < 2) return false;
  let i = 0;
  for (const part of triple.split('-')) if (part === want[i]) i++;
  return i === want.length;
}
