/** `cargo-preflight tree`: the artifact graph for each target. */
import { resolveTarget } from '../../src/resolve/index.js';
import { displayPackage } from '../../src/resolve/display.js';
import { compareVersions } from '../../src/resolve/semver-req.js';
import type { GraphPackage, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import { UserError } from '../../src/errors.js';
import { COMMON_OPTIONS, loadFromArgs } from '../common.js';
import type { CommandContext } from '../main.js';
import { helpText, parseArgs, type OptionSpec } from '../args.js';

const OPTIONS: OptionSpec[] = [
  { name: 'format', kind: 'string', value: 'FORMAT', help: 'Output format: human or json [default: human]' },
  { name: 'no-dedupe', kind: 'bool', help: 'Do not de-duplicate repeated dependencies' },
  ...COMMON_OPTIONS,
  { name: 'help', short: 'h', kind: 'bool', help: 'Print help' },
];

/** Help text, made when asked for: usage lines say the name the tool was run by. */
export const treeHelp = (): string =>
  helpText(
    'tree',
    'Display the crates linked into the artifact for a target (like `cargo tree -e normal,no-proc-macro`)',
    'cargo-preflight tree [OPTIONS] [PATH]',
    OPTIONS,
  );

export interface JsonTree {
  target: string;
  packages: { name: string; version: string; source: string | null; features: string[] }[];
}

export function graphToJson(graph: TargetGraph): JsonTree {
  const packages = [...graph.packages.values()]
    .map((p) => ({ name: p.name, version: p.version, source: p.source, features: p.features }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version.localeCompare(b.version) || String(a.source).localeCompare(String(b.source))));
  return { target: graph.target, packages };
}

/** Cargo's order of packages: name (byte order), then version (semver), then source. */
export function comparePackages(a: GraphPackage, b: GraphPackage): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const v = compareVersions(a.version, b.version);
  if (v !== 0) return v;
  const sa = a.source ?? '';
  const sb = b.source ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * An indented tree like cargo tree's: children in cargo's package order, a
 * package already shown (and having dependencies itself) marked `(*)` and not
 * expanded again, roots separated by a blank line.
 */
export function renderTree(graph: TargetGraph, dedupe = true): string {
  const lines: string[] = [];
  const seen = new Set<PackageKey>();
  const children = new Map<PackageKey, PackageKey[]>();
  const childrenOf = (key: PackageKey): PackageKey[] => {
    let c = children.get(key);
    if (!c) {
      c = [...new Set((graph.edges.get(key) ?? []).map((e) => e.to))].sort((a, b) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!));
      children.set(key, c);
    }
    return c;
  };
  const walk = (key: PackageKey, prefix: string, branch: string, stack: PackageKey[]) => {
    const p = graph.packages.get(key)!;
    const kids = childrenOf(key).filter((k) => !stack.includes(k));
    const repeated = dedupe && seen.has(key);
    lines.push(`${prefix}${branch}${displayPackage(p)}${repeated && kids.length ? ' (*)' : ''}`);
    if (repeated) return;
    seen.add(key);
    const childPrefix = prefix + (branch === '' ? '' : branch === '└── ' ? '    ' : '│   ');
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1 ? '└── ' : '├── ', [...stack, k]));
  };
  // Roots in cargo's package order too (cargo tree sorts them), whatever the order of members or of `-p`:
  // which repeat is expanded and which is marked `(*)` follows from it.
  const roots = [...graph.roots].sort((a, b) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!));
  roots.forEach((r, i) => {
    if (i > 0) lines.push('');
    walk(r, '', '', [r]);
  });
  return lines.join('\n') + '\n';
}

export async function treeCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'tree');
  if (args.options.help) {
    ctx.stdout.write(treeHelp());
    return 0;
  }
  const format = (args.options.format as string | undefined) ?? 'human';
  if (format !== 'human' && format !== 'json') throw new UserError(`invalid value '${format}' for '--format <FORMAT>' [possible values: human, json]`);
  if (args.positionals.length > 1) throw new UserError(`unexpected argument '${args.positionals[1]}' found`);
  const loaded = await loadFromArgs(args, ctx.cwd, ctx.env, args.positionals[0], ctx.progress, ctx.stderr);
  try {
    const graphs = loaded.targets.map((t) => resolveTarget(loaded.project, t, loaded.includeDev).graph);
    for (const g of graphs) for (const u of g.unresolved) ctx.warn(`\`${u.name} v${u.version}\` is unresolved (${u.reason}); its dependencies are not shown`);
    for (const w of loaded.project.packages.warnings) ctx.warn(w);
    if (format === 'json') {
      const json = graphs.map(graphToJson);
      ctx.stdout.write(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
    } else {
      graphs.forEach((g, i) => {
        if (graphs.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}target: ${g.target}\n`);
        ctx.stdout.write(renderTree(g, !args.options['no-dedupe']));
      });
    }
  } finally {
    await loaded.sources.close();
  }
  return 0;
}
