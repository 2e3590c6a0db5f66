/**
 * Strategy 3, pin the native crate: add a direct dependency on it to each
 * member that links it, with its static feature and a requirement matching
 * the locked version (`openssl-sys = { version = "0.9.104", features =
 * ["vendored"] }`). Features unify, so every user of that version gets the
 * static build.
 *
 * The pin must bring the crate into no build that did not have it: it goes
 * under the platform condition through which the crate comes in (native-tls
 * takes openssl-sys under `cfg(not(any(target_os = "windows", target_vendor =
 * "apple")))`, so the pin does too; several ways in give the `any(...)` of
 * their conditions, each the `all(...)` of the conditions along its path), and
 * in plain `[dependencies]` only when some way in is unconditional. With
 * `--pin-scope target` it goes only to the selected targets whose graph has
 * the crate: `[target.'cfg(target_env = "musl")'.dependencies]` when they are
 * all musl, else the triples' tables.
 */
import { knownTargets, platformMatches, targetInfo } from '../cfg/index.js';
import { isCratesIo } from '../lockfile/index.js';
import type { PackageKey, TargetGraph } from '../resolve/types.js';
import type { DepTable, ManifestEdit } from './toml-edit/index.js';
import { reachingSet } from './reach.js';
import { satisfies } from '../resolve/semver-req.js';
import { tableOf } from './recipes.js';
import { nativeStaticFeatures } from './static.js';
import { reason } from './reasons.js';
import { code, type StrategyInput, type StrategyResult } from './strategy.js';
import type { ManifestEdits } from './types.js';

/**
 * Platforms as sets of triples: the bundled table's targets plus the selected
 * ones. Conditions are compared by the triples they admit, so that
 * `all(not(target_arch = "wasm32"), target_env = "musl")` reads `target_env = "musl"`.
 */
class Universe {
  readonly triples: string[];
  private sets = new Map<string, Set<string>>();
  constructor(extra: string[]) {
    this.triples = [...new Set([...knownTargets(), ...extra])];
  }
  /** The triples a `[target.<spec>]` key admits. */
  admits(spec: string): Set<string> {
    let s = this.sets.get(spec);
    if (!s) {
      s = new Set(this.triples.filter((t) => platformMatches(spec, targetInfo(t))));
      this.sets.set(spec, s);
    }
    return s;
  }
}

/** One way in: the specs along a path, all of which must hold, with the triples they admit together. */
interface Conj {
  terms: string[];
  admits: Set<string>;
}

const subset = (a: Set<string>, b: Set<string>) => a.size <= b.size && [...a].every((x) => b.has(x));

/** `c` and the spec `term` both holding, with terms the other implies left out. */
function and(u: Universe, c: Conj, term: string): Conj | null {
  const t = u.admits(term);
  if (subset(c.admits, t)) return c;
  if (subset(t, c.admits)) return t.size ? { terms: [term], admits: t } : null;
  const admits = new Set([...c.admits].filter((x) => t.has(x)));
  if (!admits.size) return null;
  // Leave out the terms the others imply, the newest (nearest the crate) kept first.
  let terms = [...c.terms, term];
  for (const drop of c.terms) {
    const rest = terms.filter((x) => x !== drop);
    const together = u.triples.filter((x) => rest.every((r) => u.admits(r).has(x)));
    if (together.length === admits.size) terms = rest;
  }
  return { terms, admits };
}

/** Conditions that some other one already admits are dropped. */
function addConj(list: Conj[], c: Conj): void {
  if (list.some((o) => subset(c.admits, o.admits))) return;
  for (let i = list.length - 1; i >= 0; i--) if (subset(list[i]!.admits, c.admits)) list.splice(i, 1);
  list.push(c);
}

/**
 * The conditions under which `key` is in the graph of `root`: over every path
 * from the root, the `all` of the edges' target specs; over the paths, their `any`.
 */
function waysIn(u: Universe, graph: TargetGraph, root: PackageKey, key: PackageKey): Conj[] {
  const reaching = reachingSet(graph, key);
  const memo = new Map<PackageKey, Conj[]>();
  const walk = (from: PackageKey, stack: Set<PackageKey>): Conj[] => {
    if (from === key) return [{ terms: [], admits: new Set(u.triples) }];
    const known = memo.get(from);
    if (known) return known;
    const out: Conj[] = [];
    stack.add(from);
    for (const e of graph.edges.get(from) ?? []) {
      if (!reaching.has(e.to) || stack.has(e.to)) continue;
      for (const below of walk(e.to, stack)) {
        const c = e.target === null ? below : and(u, below, e.target);
        if (c) addConj(out, c);
      }
    }
    stack.delete(from);
    memo.set(from, out);
    return out;
  };
  return walk(root, new Set());
}

const inner = (spec: string) => (spec.startsWith('cfg(') && spec.endsWith(')') ? spec.slice(4, -1) : null);

/** Target tables for a set of conditions: one `cfg(...)` table for the cfg ones, one per triple; `[dependencies]` for an unconditional one. */
function tablesFor(ways: Conj[]): DepTable[] {
  if (ways.some((c) => c.terms.length === 0)) return [{ kind: 'dependencies' }];
  const cfgs: string[] = [];
  const triples: string[] = [];
  for (const c of ways) {
    const triple = c.terms.find((t) => inner(t) === null);
    // A triple with conditions it meets (others would have left no triple) is the triple.
    if (triple !== undefined) {
      if (!triples.includes(triple)) triples.push(triple);
      continue;
    }
    const parts = c.terms.map((t) => inner(t)!);
    cfgs.push(parts.length === 1 ? parts[0]! : `all(${parts.join(', ')})`);
  }
  const out: DepTable[] = [];
  if (cfgs.length) out.push({ kind: 'dependencies', target: `cfg(${cfgs.length === 1 ? cfgs[0] : `any(${cfgs.join(', ')})`})` });
  for (const t of triples) out.push({ kind: 'dependencies', target: t });
  return out;
}

/**
 * The tables a member's pin goes in: under the conditions through which the
 * crate comes into the member's graphs, narrowed with `--pin-scope target`
 * to the selected targets that have it.
 */
export function pinTablesFor(graphs: TargetGraph[], root: PackageKey, key: PackageKey, scope: 'all' | 'target', selected: string[]): DepTable[] {
  const u = new Universe(selected);
  const ways: Conj[] = [];
  const present: string[] = [];
  for (const g of graphs) {
    if (!g.packages.has(key) || !g.packages.has(root)) continue;
    const w = waysIn(u, g, root, key);
    if (w.length) present.push(g.target);
    for (const c of w) addConj(ways, c);
  }
  if (scope === 'all') return tablesFor(ways);
  const musl = present.length > 0 && present.every((t) => targetInfo(t).values.get('target_env')?.has('musl'));
  if (!musl) return present.map((t) => ({ kind: 'dependencies', target: t }));
  const narrowed: Conj[] = [];
  for (const c of ways) {
    const n = and(u, c, 'cfg(target_env = "musl")');
    if (n) addConj(narrowed, n);
  }
  return tablesFor(narrowed.map((c) => (c.terms.length ? c : { terms: ['cfg(target_env = "musl")'], admits: c.admits })));
}

/**
 * Whether the root's `[workspace.dependencies]` declares the crate under its
 * own name (not renamed), with a requirement the locked version meets: a
 * member then inherits it rather than repeat the version.
 */
function workspaceEntry(project: StrategyInput['project'], name: string, version: string): boolean {
  const ws = project.workspace.rootData.workspace as { dependencies?: Record<string, unknown> } | undefined;
  const entry = ws?.dependencies?.[name];
  if (entry === undefined) return false;
  const spec = typeof entry === 'string' ? { version: entry } : (entry as { version?: unknown; package?: unknown; path?: unknown; git?: unknown });
  if (typeof entry !== 'string' && (spec.package !== undefined || spec.path !== undefined || spec.git !== undefined)) return false;
  return typeof spec.version === 'string' && satisfies(version, spec.version);
}

const sameTable = (a: DepTable, b: DepTable | null) => b !== null && a.kind === b.kind && (a.kind === 'workspace' || (b.kind !== 'workspace' && a.target === b.target));

export function pinCandidates(input: StrategyInput): StrategyResult {
  const { target, project } = input;
  const own = nativeStaticFeatures(input);
  if (own.length === 0) return { candidates: [], refused: [reason('noStaticFeatureToPin', { crate: target.name, version: target.version })] };
  const source = target.graphs[0]!.pkg.source;
  if (source === null || !isCratesIo(source)) {
    return { candidates: [], refused: [reason('notFromCratesIo', { crate: target.name, source: source ?? 'a path dependency' })] };
  }
  const { feature, requires } = own[0]!;
  const members = new Map<PackageKey, { name: string; path: string; deps: (typeof project.workspace.members)[number]['deps'] }>();
  for (const { graph } of target.graphs) {
    const reaching = reachingSet(graph, target.key);
    for (const r of graph.roots) {
      const m = project.packages.members.get(r);
      // With several members selected, those whose own build links the crate: each needs the pin.
      if (m && reaching.has(r) && (!input.linking || input.linking.has(r))) members.set(r, m);
    }
  }
  if (members.size === 0) return { candidates: [], refused: [reason('noMemberLinks', { crate: target.name })] };
  const edits: ManifestEdits[] = [];
  const where: string[] = [];
  const allTables: DepTable[] = [];
  const declaredInWorkspace = workspaceEntry(project, target.name, target.version);
  const graphs = target.graphs.map((g) => g.graph);
  for (const [root, m] of members) {
    const ops: ManifestEdit[] = [];
    const tables = pinTablesFor(graphs, root, target.key, input.pinScope, input.targets);
    for (const t of tables) if (!allTables.some((o) => sameTable(t, o))) allTables.push(t);
    for (const table of tables) {
      const existing = m.deps.find((d) => sameTable(table, tableOf(d.tablePath)) && (d.package ?? d.name) === target.name);
      const clash = m.deps.find((d) => sameTable(table, tableOf(d.tablePath)) && d.name === target.name && (d.package ?? d.name) !== target.name);
      if (clash) return { candidates: [], refused: [reason('keyTaken', { member: m.name, key: target.name, package: clash.package ?? '' })] };
      if (existing) ops.push({ op: 'add-features', table, key: existing.name, features: [feature] });
      // Where the workspace declares the crate, the member inherits it (`name.workspace = true`), as cargo add writes it.
      else if (declaredInWorkspace) ops.push({ op: 'add-dependency', table, key: target.name, spec: { workspace: true, features: [feature] } });
      else ops.push({ op: 'add-dependency', table, key: target.name, spec: { version: target.version, features: [feature] } });
    }
    edits.push({ path: m.path, ops });
    where.push(code(m.name));
  }
  const named = allTables.map((t) =>
    t.kind !== 'workspace' && t.target ? (t.target.startsWith('cfg(') ? `[target.'${t.target}'.dependencies]` : `[target.${t.target}.dependencies]`) : '[dependencies]',
  );
  const tableText = named.join(', ');
  return {
    candidates: [
      {
        strategy: 'pin',
        title: `add ${code(`${target.name} = { ${declaredInWorkspace ? 'workspace = true' : `version = "${target.version}"`}, features = ["${feature}"] }`)}`,
        description:
          `Adds a direct dependency on ${code(target.name)} v${target.version} with ${code(feature)} to ${tableText} of ${where.join(', ')}: features unify, ` +
          `so the ${code(target.name)} every other crate uses builds ${target.entry.name} from source and links it statically.${requires ? ` The build needs ${requires}.` : ''}`,
        edits,
        giveUp: new Set(),
        deps: [...members.values()].map((m) => `${m.name}/${target.name}`),
        ...(requires ? { needs: requires } : {}),
      },
    ],
    refused: [],
  };
}
