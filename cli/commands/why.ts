/** `cargo-preflight why <crate>`: every way the crate enters the artifact graph, with the feature on each edge. */
import { resolveTarget } from '../../src/resolve/index.js';
import { displayPackage } from '../../src/resolve/display.js';
import { reverseEdges } from '../../src/resolve/paths.js';
import type { GraphEdge, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import { UserError } from '../../src/errors.js';
import { COMMON_OPTIONS, loadFromArgs } from '../common.js';
import type { CommandContext } from '../main.js';
import { helpText, parseArgs, type OptionSpec } from '../args.js';
import { relative } from 'node:path';

const OPTIONS: OptionSpec[] = [
  { name: 'format', kind: 'string', value: 'FORMAT', help: 'Output format: human or json [default: human]' },
  ...COMMON_OPTIONS,
  { name: 'help', short: 'h', kind: 'bool', help: 'Print help' },
];

export const WHY_HELP = helpText(
  'why',
  'Show every path from a workspace member to a crate, with the feature that activates each edge',
  'cargo-preflight why [OPTIONS] <CRATE[@VERSION]>',
  OPTIONS,
);

/** Why the edge is active: the features of the dependent that turned an optional dependency on. */
export function edgeReason(e: GraphEdge): string {
  const parts: string[] = [];
  if (e.optional) parts.push(`optional, enabled by feature ${e.activatedBy.map((f) => `"${f}"`).join(', ')}`);
  if (e.target) parts.push(`only for ${e.target}`);
  const asked = [...e.features, ...(e.defaultFeatures ? ['default'] : [])];
  if (asked.length) parts.push(`features ${asked.map((f) => `"${f}"`).join(', ')}`);
  return parts.join('; ');
}

export function findPackages(graph: TargetGraph, spec: string): PackageKey[] {
  const [name, version] = spec.split('@');
  return [...graph.packages.values()].filter((p) => p.name === name && (!version || p.version === version || p.version.startsWith(`${version}.`))).map((p) => p.key);
}

/** The inverted tree of `key`: dependents below it, down to the members. */
export function renderInverted(graph: TargetGraph, key: PackageKey, cwd: string): string {
  const rev = reverseEdges(graph);
  const lines: string[] = [];
  const p = graph.packages.get(key)!;
  lines.push(`${displayPackage(p)}${p.features.length ? ` features: ${p.features.join(', ')}` : ''}`);
  const seen = new Set<PackageKey>();
  const walk = (k: PackageKey, prefix: string, stack: PackageKey[]) => {
    const incoming = rev.get(k) ?? [];
    incoming.forEach((e, i) => {
      if (stack.includes(e.from)) return;
      const last = i === incoming.length - 1;
      const from = graph.packages.get(e.from)!;
      const reason = edgeReason(e);
      const at = e.declaration ? ` at ${relative(cwd, e.declaration.manifestPath) || 'Cargo.toml'}:${e.declaration.line}:${e.declaration.column}` : '';
      const repeated = seen.has(e.from);
      lines.push(`${prefix}${last ? '└── ' : '├── '}${displayPackage(from)}${reason ? ` [${reason}]` : ''}${at}${repeated ? ' (*)' : ''}`);
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

export async function whyCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'why');
  if (args.options.help) {
    ctx.stdout.write(WHY_HELP);
    return 0;
  }
  const spec = args.positionals[0];
  if (!spec) throw new UserError('the following required arguments were not provided: <CRATE[@VERSION]>', undefined, "for more information, try 'cargo-preflight why --help'");
  const format = (args.options.format as string | undefined) ?? 'human';
  if (format !== 'human' && format !== 'json') throw new UserError(`invalid value '${format}' for '--format <FORMAT>' [possible values: human, json]`);
  const loaded = await loadFromArgs(args, ctx.cwd, ctx.env, args.positionals[1], ctx.progress, ctx.stderr);
  try {
    const results = loaded.targets.map((t) => {
      const graph = resolveTarget(loaded.project, t, loaded.includeDev).graph;
      return { graph, keys: findPackages(graph, spec) };
    });
    if (format === 'json') {
      const json = results.map(({ graph, keys }) => ({
        target: graph.target,
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
                to: graph.packages.get(e.to)!.name,
                dependency: e.depName,
                optional: e.optional,
                activatedBy: e.activatedBy,
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
    let found = false;
    results.forEach(({ graph, keys }, i) => {
      if (results.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}target: ${graph.target}\n`);
      if (!keys.length) {
        ctx.stdout.write(`\`${spec}\` is not in the artifact graph for ${graph.target}\n`);
        return;
      }
      found = true;
      keys.forEach((k, j) => ctx.stdout.write((j > 0 ? '\n' : '') + renderInverted(graph, k, ctx.cwd)));
    });
    return found ? 0 : 1;
  } finally {
    await loaded.sources.close();
  }
}
