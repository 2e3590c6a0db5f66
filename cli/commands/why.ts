/** `cargo-preflight why <crate>`: every way the crate enters the artifact graph, with the feature on each edge. */
import { describeAbsent, explainAbsent, type AbsentPackage } from '../../src/resolve/absent.js';
import { parsePackageSpec, specMatches, type PackageSpec } from '../../src/resolve/spec.js';
import { displayPackage } from '../../src/resolve/display.js';
import { reverseEdges } from '../../src/resolve/paths.js';
import type { GraphEdge, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import { COMMON_OPTIONS } from '../common.js';
import { loadFromArgs, targetResults } from '../load.js';
import type { CommandContext } from '../context.js';
import type { Options, OptionSpec } from '../args.js';
import { HELP_OPTION, HUMAN_JSON_FORMAT } from '../run/options.js';
import { defineCommand, type Invocation } from './command.js';
import { relative } from 'node:path';
import type { Lockfile } from '../../src/lockfile/index.js';
import { comparePackages, noPackageMatches } from './tree.js';

const OPTIONS = [HUMAN_JSON_FORMAT, ...COMMON_OPTIONS, HELP_OPTION] as const satisfies readonly OptionSpec[];

export const whyCommand = defineCommand({
  name: 'why',
  about: 'Show every path from a workspace member to a crate, with the feature that activates each edge',
  usage: 'cargo-preflight why [OPTIONS] <CRATE[@VERSION]> [PATH]',
  options: OPTIONS,
  positionals: [{ name: '<CRATE[@VERSION]>', required: true }, { name: '[PATH]' }],
  run: why,
});

/**
 * The chain of features of `pkg` that turned `feature` on, back to what asked
 * for it from outside: `"native-tls" ← "default-tls" ← "default" ← hyper-tls
 * v0.5.0 feature "x"` (or `← the command line`, `← its declaration in …`).
 */
export function featureChain(graph: TargetGraph, pkg: PackageKey, feature: string): string {
  const parts = [`"${feature}"`];
  const seen = new Set<string>([`${pkg}\0${feature}`]);
  const short = (k: PackageKey) => {
    const p = graph.packages.get(k);
    return p ? `${p.name} v${p.version}` : k;
  };
  let f = feature;
  for (let i = 0; i < 100; i++) {
    const c = graph.featureCauses.get(pkg)?.get(f);
    if (!c) break;
    if (c.kind === 'cli') parts.push('the command line');
    else if (c.kind === 'default') parts.push('default features');
    else if (c.kind === 'dependency' && !c.viaFeature) parts.push(`${short(c.from)} (its dependency \`${c.depName}\`)`);
    else {
      const next = c.kind === 'feature' ? c.feature : c.viaFeature!;
      if (seen.has(`${c.from}\0${next}`)) break;
      seen.add(`${c.from}\0${next}`);
      parts.push(c.from === pkg ? `"${next}"` : `${short(c.from)} "${next}"`);
      pkg = c.from;
      f = next;
      continue;
    }
    break;
  }
  return parts.join(' ← ');
}

/**
 * Why the edge is active: for an optional dependency, the features of the
 * dependent that turned it on (each with the chain that turned that feature
 * on); the platform it is limited to; the features the declaration asks for.
 */
export function edgeReason(e: GraphEdge, graph?: TargetGraph): string {
  const parts: string[] = [];
  if (e.optional) {
    const by = e.activatedBy.map((f) => (graph && !f.startsWith('(') ? featureChain(graph, e.from, f) : `"${f}"`));
    parts.push(`optional, enabled by feature ${by.join(', ')}`);
  }
  if (e.target) parts.push(`only for ${e.target}`);
  const asked = [...e.features, ...(e.defaultFeatures ? ['default'] : [])];
  if (asked.length) parts.push(`features ${asked.map((f) => `"${f}"`).join(', ')}`);
  return parts.join('; ');
}

export function findPackages(graph: TargetGraph, spec: PackageSpec): PackageKey[] {
  return [...graph.packages.values()].filter((p) => specMatches(spec, p)).map((p) => p.key);
}

/**
 * The inverted tree of `key`, as `cargo tree -i CRATE` draws it (dependents
 * in cargo's package order, a dependent already shown marked `(*)`), each
 * edge annotated with why it is active and where a member declares it.
 */
export function renderInverted(graph: TargetGraph, key: PackageKey, cwd: string, annotate = true): string {
  const rev = reverseEdges(graph);
  for (const list of rev.values()) list.sort((a, b) => comparePackages(graph.packages.get(a.from)!, graph.packages.get(b.from)!));
  const lines: string[] = [];
  const p = graph.packages.get(key)!;
  lines.push(`${displayPackage(p)}${annotate && p.features.length ? ` features: ${p.features.join(', ')}` : ''}`);
  const seen = new Set<PackageKey>();
  const walk = (k: PackageKey, prefix: string, stack: PackageKey[]) => {
    const incoming = (rev.get(k) ?? []).filter((e) => !stack.includes(e.from));
    incoming.forEach((e, i) => {
      const last = i === incoming.length - 1;
      const from = graph.packages.get(e.from)!;
      const repeated = seen.has(e.from);
      const hasMore = (rev.get(e.from) ?? []).some((x) => !stack.includes(x.from) && x.from !== e.from);
      let line = `${prefix}${last ? '└── ' : '├── '}${displayPackage(from)}${repeated && hasMore ? ' (*)' : ''}`;
      if (annotate) {
        const reason = edgeReason(e, graph);
        const at = e.declaration ? ` at ${relative(cwd, e.declaration.manifestPath) || 'Cargo.toml'}:${e.declaration.line}:${e.declaration.column}` : '';
        line += `${reason ? ` [${reason}]` : ''}${at}`;
      }
      lines.push(line);
      if (repeated) return;
      seen.add(e.from);
      walk(e.from, prefix + (last ? '    ' : '│   '), [...stack, e.from]);
    });
  };
  walk(key, '', [key]);
  return lines.join('\n') + '\n';
}

/** Every path from a member down to `key`, as lists of edges (bounded). */
export function allPaths(graph: TargetGraph, key: PackageKey, limit = 1000): GraphEdge[][] {
  const rev = reverseEdges(graph);
  const roots = new Set(graph.roots);
  const out: GraphEdge[][] = [];
  const walk = (k: PackageKey, path: GraphEdge[]) => {
    if (out.length >= limit) return;
    if (roots.has(k) && path.length) out.push(path);
    for (const e of rev.get(k) ?? []) {
      if (path.some((p) => p.from === e.from || p.to === e.from)) continue;
      walk(e.from, [e, ...path]);
    }
  };
  walk(key, []);
  return out;
}

/**
 * Refuses a spec that no package of Cargo.lock matches, as `cargo tree -i`
 * does (exit 2), with the names it may have meant, or the locked versions
 * when only the version is off.
 */
export function lockedSpec(lock: Lockfile, spec: PackageSpec): void {
  if ((lock.byName.get(spec.name) ?? []).some((p) => specMatches(spec, p))) return;
  throw noPackageMatches(lock, spec.name, spec.text);
}

async function why(args: Invocation<Options<typeof OPTIONS>>, ctx: CommandContext): Promise<number> {
  // Required: the prologue refuses a run without it.
  const spec = args.positionals[0]!;
  const format = args.options.format;
  const loaded = await loadFromArgs(args, ctx, args.positionals[1]);
  try {
    const parsed = parsePackageSpec(spec);
    const results = (await targetResults(loaded)).map((result) => {
      const keys = findPackages(result.graph, parsed);
      // Not in the graph: why each locked package of that name is left out.
      const absent: AbsentPackage[] = keys.length ? [] : explainAbsent(loaded.project.lockfile, loaded.project.packages.summaries, result, parsed, loaded.includeDev);
      return { graph: result.graph, keys, absent };
    });
    // In no graph: a spec Cargo.lock does not know either is a usage error, with the closest names
    // (a crate an out-of-date lock lacks is in the graphs, resolved as cargo's next build resolves it).
    if (results.every((r) => !r.keys.length)) lockedSpec(loaded.project.lockfile, parsed);
    if (format === 'json') {
      const json = results.map(({ graph, keys, absent }) => ({
        target: graph.target,
        ...(keys.length ? {} : { absent }),
        packages: keys.map((k) => {
          const p = graph.packages.get(k)!;
          return {
            name: p.name,
            version: p.version,
            source: p.source,
            features: p.features,
            paths: allPaths(graph, k).map((path) =>
              path.map((e) => ({
                from: graph.packages.get(e.from)!.name,
                fromVersion: graph.packages.get(e.from)!.version,
                to: graph.packages.get(e.to)!.name,
                toVersion: graph.packages.get(e.to)!.version,
                dependency: e.depName,
                optional: e.optional,
                activatedBy: e.activatedBy,
                enabledBy: e.optional ? e.activatedBy.filter((f) => !f.startsWith('(')).map((f) => featureChain(graph, e.from, f)) : [],
                features: e.features,
                defaultFeatures: e.defaultFeatures,
                target: e.target,
                declaration: e.declaration ? { path: e.declaration.manifestPath, line: e.declaration.line, column: e.declaration.column } : null,
              })),
            ),
          };
        }),
      }));
      ctx.stdout.write(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
      return 0;
    }
    for (const w of loaded.project.packages.warnings) ctx.warn(w);
    let found = false;
    results.forEach(({ graph, keys, absent }, i) => {
      if (results.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}target: ${graph.target}\n`);
      if (!keys.length) {
        ctx.stdout.write(`\`${spec}\` is not in the artifact graph for ${graph.target}\n`);
        for (const a of absent) {
          const [first, ...rest] = describeAbsent(a);
          ctx.stdout.write(`  = note: \`${a.name} v${a.version}\` is in Cargo.lock${first ? `; ${first}` : ''}\n`);
          for (const line of rest) ctx.stdout.write(`          ${line}\n`);
        }
        return;
      }
      found = true;
      keys.forEach((k, j) => {
        ctx.stdout.write((j > 0 ? '\n' : '') + renderInverted(graph, k, ctx.cwd));
      });
    });
    return found ? 0 : 1;
  } finally {
    await loaded.sources.close();
  }
}
