/**
 * Strategy 3, pin the native crate: add a direct dependency on it to each
 * member that links it, with its static feature and a requirement matching
 * the locked version (`openssl-sys = { version = "0.9.104", features =
 * ["vendored"] }`). Features unify, so every user of that version gets the
 * static build. With `--pin-scope target` the dependency goes under
 * `[target.'cfg(target_env = "musl")'.dependencies]` (or the triple's table),
 * so other builds keep the system library.
 */
import { targetInfo } from '../cfg/index.js';
import { isCratesIo } from '../lockfile/index.js';
import type { DepTable, ManifestEdit } from './toml-edit/index.js';
import { reachingSet } from './reach.js';
import { tableOf } from './recipes.js';
import { nativeStaticFeatures } from './static.js';
import { code, type StrategyInput, type StrategyResult } from './strategy.js';
import type { ManifestEdits } from './types.js';

/** The target tables for `--pin-scope target`: one cfg when every target is musl, else one table per triple. */
export function pinTables(targets: string[]): DepTable[] {
  const musl = targets.every((t) => targetInfo(t).values.get('target_env')?.has('musl'));
  if (musl) return [{ kind: 'dependencies', target: 'cfg(target_env = "musl")' }];
  return targets.map((t) => ({ kind: 'dependencies', target: t }));
}

const sameTable = (a: DepTable, b: DepTable | null) =>
  b !== null && a.kind === b.kind && (a.kind === 'workspace' || (b.kind !== 'workspace' && a.target === b.target));

export function pinCandidates(input: StrategyInput): StrategyResult {
  const { target, project } = input;
  const own = nativeStaticFeatures(input);
  if (own.length === 0) return { candidates: [], refused: [`${code(target.name)} v${target.version} has no static feature to pin`] };
  const source = target.graphs[0]!.pkg.source;
  if (source === null || !isCratesIo(source)) {
    return { candidates: [], refused: [`${code(target.name)} does not come from crates.io (${source ?? 'a path dependency'}); pin it by hand`] };
  }
  const { feature, requires } = own[0]!;
  const members = new Map<string, { name: string; path: string; deps: (typeof project.workspace.members)[number]['deps'] }>();
  for (const { graph } of target.graphs) {
    const reaching = reachingSet(graph, target.key);
    for (const r of graph.roots) {
      const m = project.packages.members.get(r);
      if (m && reaching.has(r)) members.set(m.path, m);
    }
  }
  if (members.size === 0) return { candidates: [], refused: [`no selected member links ${code(target.name)}`] };
  const tables: DepTable[] = input.pinScope === 'target' ? pinTables(input.targets) : [{ kind: 'dependencies' }];
  const edits: ManifestEdits[] = [];
  const where: string[] = [];
  for (const m of members.values()) {
    const ops: ManifestEdit[] = [];
    for (const table of tables) {
      const existing = m.deps.find((d) => sameTable(table, tableOf(d.tablePath)) && (d.package ?? d.name) === target.name);
      const clash = m.deps.find((d) => sameTable(table, tableOf(d.tablePath)) && d.name === target.name && (d.package ?? d.name) !== target.name);
      if (clash) return { candidates: [], refused: [`${code(m.name)} already uses the key ${code(target.name)} for ${code(clash.package ?? '')}`] };
      if (existing) ops.push({ op: 'add-features', table, key: existing.name, features: [feature] });
      else ops.push({ op: 'add-dependency', table, key: target.name, spec: { version: target.version, features: [feature] } });
    }
    edits.push({ path: m.path, ops });
    where.push(code(m.name));
  }
  const tableText = input.pinScope === 'target' ? `the target tables (${tables.map((t) => (t.kind !== 'workspace' ? t.target : '')).join(', ')})` : '[dependencies]';
  return {
    candidates: [
      {
        strategy: 'pin',
        title: `add ${code(`${target.name} = { version = "${target.version}", features = ["${feature}"] }`)}`,
        description:
          `Adds a direct dependency on ${code(target.name)} v${target.version} with ${code(feature)} to ${tableText} of ${where.join(', ')}: features unify, ` +
          `so the ${code(target.name)} every other crate uses builds ${target.entry.name} from source and links it statically.${requires ? ` The build needs ${requires}.` : ''}`,
        edits,
        giveUp: new Set(),
        deps: [...members.values()].map((m) => `${m.name}/${target.name}`),
      },
    ],
    refused: [],
  };
}
