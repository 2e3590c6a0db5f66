/**
 * Target cfg sets: from the bundled table (data/target-cfg.json), else from
 * the local rustc (targets newer than the table), else an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { runRustc } from './rustc.js';
import { closeTriples } from './suggest.js';
import { cfgLines, targetInfoFromLines, type TargetCfgTable } from './table.js';
import type { TargetInfo } from './types.js';

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
