/** `cargo-preflight tree`: the artifact graph for each target. */
import { resolvedPackages } from '../../src/resolve/index.js';
import { parsePackageSpec, specMatches } from '../../src/resolve/spec.js';
import { displayPackage } from '../../src/resolve/display.js';
import { compareVersions } from '../../src/resolve/semver-req.js';
import type { GraphEdge, GraphPackage, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { didYouMean, UserError } from '../../src/errors.js';
import { parseTomlWithPositions } from '../../src/manifest/positions.js';
import { DirectorySource } from '../../src/registry/vendor.js';
import type { CrateSource } from '../../src/registry/types.js';
import { COMMON_OPTIONS } from '../common.js';
import { loadFromArgs, targetResults } from '../load.js';
import type { CommandContext } from '../context.js';
import { programName, type Options, type OptionSpec } from '../args.js';
import { HELP_OPTION } from '../run/options.js';
import { defineCommand, type Invocation } from './command.js';
import type { Lockfile, LockedPackage } from '../../src/lockfile/index.js';

/** `--depth N|workspace`, refused as cargo refuses it. */
function depthOption(d: string): number | 'workspace' {
  if (d === 'workspace') return d;
  if (!/^\d+$/.test(d)) throw new UserError(`supported values for --depth are non-negative integers and \`workspace\`, but \`${d}\` is unknown`);
  return Number(d);
}

/** `--format`/`-f`: human, json, or cargo tree's template (`{p}`, `{l}`, `{r}`, `{f}`, `{lib}`). */
const TREE_FORMAT = {
  name: 'format',
  short: 'f',
  kind: 'string',
  value: 'FORMAT',
  default: 'human',
  aliases: ['message-format'],
  help: "human, json, or a template as cargo tree's: {p} package, {l} license, {r} repository, {f} features, {lib} library name [default: human]",
} as const;

/** The edge kinds of cargo tree's `-e` this command shows: the artifact graph's (normal, no proc-macros), with or without feature nodes. */
const EDGE_KINDS = ['features', 'normal', 'no-proc-macro', 'no-build', 'no-dev', 'dev', 'build', 'all', 'no-normal'] as const;

/** `-e KINDS`, comma separated, as cargo reads it: `features` when it is among them, else `plain`. */
function edgesOption(value: string, flag: string): 'features' | 'plain' {
  let features = false;
  for (const kind of value.split(',').map((k) => k.trim())) {
    if (kind === 'features') features = true;
    else if (kind === 'dev') throw new UserError(`${flag}: \`dev\` edges are shown with \`--include-dev\` (dev-dependencies of the members, under cargo's [dev-dependencies] line)`);
    else if (kind === 'build' || kind === 'all' || kind === 'no-normal') {
      throw new UserError(`${flag}: \`${kind}\` is not shown: \`tree\` draws what is linked into the artifact (cargo's \`-e normal,no-proc-macro\`); build dependencies and proc-macros are not`);
    } else if (!(EDGE_KINDS as readonly string[]).includes(kind)) {
      throw new UserError(`invalid value '${kind}' for '${flag}'`, undefined, didYouMean(kind, EDGE_KINDS) ?? `possible values: ${EDGE_KINDS.join(', ')}`);
    }
  }
  return features ? 'features' : 'plain';
}

const OPTIONS = [
  TREE_FORMAT,
  {
    name: 'edges',
    short: 'e',
    kind: 'multi',
    value: 'KINDS',
    parse: edgesOption,
    help: "Edge kinds as cargo tree's -e: features (feature nodes between packages), normal, no-proc-macro [default: normal,no-proc-macro]",
  },
  { name: 'no-dedupe', kind: 'bool', help: 'Do not de-duplicate repeated dependencies' },
  { name: 'duplicates', short: 'd', kind: 'bool', help: 'Show only dependencies which come in multiple versions (implies inverting the tree)' },
  {
    name: 'invert',
    short: 'i',
    kind: 'multi',
    value: 'SPEC',
    conflicts: [{ option: 'format', value: 'json', note: '`why --format json` gives every path' }],
    help: 'Invert the tree direction and focus on the given package (repeatable)',
  },
  { name: 'depth', kind: 'string', value: 'DEPTH', parse: depthOption, help: 'Maximum display depth of the dependency tree, or `workspace` for workspace members only' },
  {
    name: 'prefix',
    kind: 'string',
    value: 'PREFIX',
    choices: ['depth', 'indent', 'none'],
    default: 'indent',
    help: 'Change the prefix (indentation) of how each entry is displayed: depth, indent, none [default: indent]',
  },
  { name: 'charset', kind: 'string', value: 'CHARSET', choices: ['utf8', 'ascii'], default: 'utf8', help: 'Character set to use in output: utf8, ascii [default: utf8]' },
  ...COMMON_OPTIONS,
  HELP_OPTION,
] as const satisfies readonly OptionSpec[];

export const treeCommand = defineCommand({
  name: 'tree',
  about: 'Display the crates linked into the artifact for a target (like `cargo tree -e normal,no-proc-macro`)',
  usage: 'cargo-preflight tree [OPTIONS] [PATH]',
  options: OPTIONS,
  positionals: [{ name: '[PATH]' }],
  run: tree,
});

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

export interface TreeStyle {
  /** Mark a package already shown `(*)` instead of showing its dependencies again (cargo's default; `--no-dedupe` turns it off). */
  dedupe: boolean;
  /** `--depth N`: dependencies shown down to this depth (the roots are at 0); `workspace`: workspace members only. */
  depth: number | 'workspace';
  /** `--prefix`: tree lines, the depth as a number, or nothing. */
  prefix: 'indent' | 'depth' | 'none';
  /** `--charset`: box-drawing characters, or ASCII ones. */
  charset: 'utf8' | 'ascii';
  /** Each package's text (`-f TEMPLATE`); `name vX (source)` when not given. */
  label?: (p: GraphPackage) => string;
}

export const DEFAULT_STYLE: TreeStyle = { dedupe: true, depth: Infinity, prefix: 'indent', charset: 'utf8' };

const SYMBOLS = {
  utf8: { down: '│', tee: '├', ell: '└', right: '─' },
  ascii: { down: '|', tee: '|', ell: '`', right: '-' },
};

/** Dependencies of one kind under a package: normal ones bare, the others under cargo's `[dev-dependencies]` line. */
export interface ChildGroup {
  heading: string | null;
  keys: PackageKey[];
}

/** The packages at the other `end` of some edges, normal ones bare and dev ones under cargo's heading, each in `order`. */
function groupByKind(edges: GraphEdge[], end: (e: GraphEdge) => PackageKey, order: (a: PackageKey, b: PackageKey) => number): ChildGroup[] {
  const normal = new Set<PackageKey>();
  const dev = new Set<PackageKey>();
  for (const e of edges) (e.kind === 'dev' ? dev : normal).add(end(e));
  return [
    { heading: null, keys: [...normal].sort(order) },
    { heading: '[dev-dependencies]', keys: [...dev].sort(order) },
  ];
}

/**
 * Trees as cargo tree prints them: a package already shown (and having
 * dependencies itself) marked `(*)` and not expanded again, a package that
 * depends on one it is reached through marked `(*)` too, roots separated by a
 * blank line, children in the order `groups` gives.
 */
export function drawForest(
  roots: PackageKey[],
  groups: (key: PackageKey) => ChildGroup[],
  label: (key: PackageKey) => string,
  style: TreeStyle,
  isMember: (key: PackageKey) => boolean = () => false,
): string {
  const sym = SYMBOLS[style.charset];
  const lines: string[] = [];
  const seen = new Set<PackageKey>();
  // The packages from the root down to the one drawn (a dependency on one of them is a cycle).
  const onPath = new Set<PackageKey>();
  const continued = `${sym.down}   `;
  // `lead`: what goes before this line's branch; `cont`: before the lines under it (cargo's levels_continue, drawn).
  const walk = (key: PackageKey, depth: number, lead: string, branch: string, cont: string) => {
    const isNew = !style.dedupe || !seen.has(key);
    seen.add(key);
    const prefix = style.prefix === 'depth' ? String(depth) : style.prefix === 'indent' ? lead + branch : '';
    const inCycle = onPath.has(key);
    const kinds = groups(key);
    const hasDeps = kinds.some((g) => g.keys.length > 0);
    lines.push(`${prefix}${label(key)}${(isNew && !inCycle) || !hasDeps ? '' : ' (*)'}`);
    if (!isNew || inCycle) return;
    onPath.add(key);
    for (const g of kinds) {
      if (!g.keys.length) continue;
      if (g.heading && style.prefix === 'indent') lines.push(`${cont}${g.heading}`);
      if (typeof style.depth === 'number' && depth + 1 > style.depth) continue;
      // `--depth workspace` leaves out what is not a workspace member (a repeat still counts what it has).
      const shown = style.depth === 'workspace' ? g.keys.filter(isMember) : g.keys;
      const last = shown.length - 1;
      for (let i = 0; i <= last; i++) {
        walk(shown[i], depth + 1, cont, `${i < last ? sym.tee : sym.ell}${sym.right}${sym.right} `, cont + (i < last ? continued : '    '));
      }
    }
    onPath.delete(key);
  };
  roots.forEach((r, i) => {
    if (i > 0) lines.push('');
    walk(r, 0, '', '', '');
  });
  return lines.join('\n') + '\n';
}

/** The artifact graph as cargo tree draws it, roots and children in cargo's package order. */
export function renderTree(graph: TargetGraph, style: TreeStyle | boolean = DEFAULT_STYLE): string {
  const st = typeof style === 'boolean' ? { ...DEFAULT_STYLE, dedupe: style } : style;
  const order = (a: PackageKey, b: PackageKey) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!);
  const cache = new Map<PackageKey, ChildGroup[]>();
  const groups = (key: PackageKey): ChildGroup[] => {
    let g = cache.get(key);
    if (!g) cache.set(key, (g = groupByKind(graph.edges.get(key) ?? [], (e) => e.to, order)));
    return g;
  };
  // Roots in cargo's package order too (cargo tree sorts them), whatever the order of members or of `-p`:
  // which repeat is expanded and which is marked `(*)` follows from it.
  return drawForest(
    [...graph.roots].sort(order),
    groups,
    (k) => (st.label ?? displayPackage)(graph.packages.get(k)!),
    st,
    (k) => graph.packages.get(k)!.isMember,
  );
}

/**
 * `--duplicates`: every package of which the graph holds more than one
 * version (or source), each with the inverted tree of what brings it in, as
 * `cargo tree --duplicates` prints them (repeats marked across the trees).
 */
export function renderDuplicates(graph: TargetGraph, style: TreeStyle = DEFAULT_STYLE, from?: PackageKey[]): string {
  // With `-i`, within what those packages depend on (cargo's `-d -i`): the graph is cut down to it.
  let within: Set<PackageKey> | undefined;
  if (from) {
    within = new Set();
    const queue = [...from];
    while (queue.length) {
      const k = queue.pop()!;
      if (within.has(k)) continue;
      within.add(k);
      for (const e of graph.edges.get(k) ?? []) queue.push(e.to);
    }
  }
  const byName = new Map<string, PackageKey[]>();
  for (const p of graph.packages.values()) {
    if (within && !within.has(p.key)) continue;
    const list = byName.get(p.name);
    if (list) list.push(p.key);
    else byName.set(p.name, [p.key]);
  }
  const dupes = [...byName.values()].filter((keys) => keys.length > 1).flat();
  return dupes.length ? renderInvertedTrees(graph, dupes, style, within) : '';
}

/** The inverted trees of `keys` (what depends on each, up to the members; only `within` when given), as `cargo tree -i` prints them. */
export function renderInvertedTrees(graph: TargetGraph, keys: PackageKey[], style: TreeStyle = DEFAULT_STYLE, within?: ReadonlySet<PackageKey>): string {
  const order = (a: PackageKey, b: PackageKey) => comparePackages(graph.packages.get(a)!, graph.packages.get(b)!);
  const dependents = new Map<PackageKey, GraphEdge[]>();
  for (const list of graph.edges.values()) {
    for (const e of list) if (!within || (within.has(e.from) && within.has(e.to))) (dependents.get(e.to) ?? dependents.set(e.to, []).get(e.to)!).push(e);
  }
  const groups = (key: PackageKey) => groupByKind(dependents.get(key) ?? [], (e) => e.from, order);
  return drawForest(
    [...keys].sort(order),
    groups,
    (k) => (style.label ?? displayPackage)(graph.packages.get(k)!),
    style,
    (k) => graph.packages.get(k)!.isMember,
  );
}

/** cargo's error for a package ID specification no package matches, with what Cargo.lock holds of that name, else the closest names. */
export function noPackageMatches(lock: Lockfile, name: string, text: string): UserError {
  const locked = lock.byName.get(name) ?? [];
  const help = locked.length
    ? `Cargo.lock holds ${locked
        .map((p) => `\`${p.name}@${p.version}\``)
        .sort()
        .join(', ')}`
    : didYouMean(name, lock.byName.keys());
  return new UserError(`package ID specification \`${text}\` did not match any packages`, undefined, help);
}

/**
 * The locked packages `-i SPEC` names (`name`, `name@version`, or a version's
 * beginning, `name@1.2`), as cargo matches a package ID specification against
 * the whole lockfile: none is an error, and so are several for one spec.
 */
export function invertRoots(lock: Lockfile, specs: string[], resolved: ReadonlySet<PackageKey>): LockedPackage[] {
  const out: LockedPackage[] = [];
  for (const text of specs) {
    const spec = parsePackageSpec(text);
    const found = (lock.byName.get(spec.name) ?? []).filter((p) => resolved.has(p.key) && specMatches(spec, p));
    if (!found.length) throw noPackageMatches(lock, spec.name, text);
    if (found.length > 1) {
      const all = found.map((p) => `${p.name}@${p.version}`).sort();
      throw new UserError(`specification \`${text}\` is ambiguous`, undefined, `re-run this command with one of the following specifications\n  ${all.join('\n  ')}`);
    }
    if (!out.includes(found[0])) out.push(found[0]);
  }
  return out;
}

/** `--depth`, `--prefix`, `--charset` and `--no-dedupe` (checked as cargo checks them when parsed). */
export function treeStyle(o: Options<typeof OPTIONS>): TreeStyle {
  return { dedupe: !o['no-dedupe'], depth: o.depth ?? DEFAULT_STYLE.depth, prefix: o.prefix, charset: o.charset };
}

/** The placeholders of cargo tree's `--format` template. */
const PLACEHOLDERS = ['p', 'l', 'r', 'f', 'lib'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type TemplatePart = string | { key: Placeholder };

/** A `--format` template as cargo reads it: text, `{p}`, `{l}`, `{r}`, `{f}`, `{lib}`; anything else in braces refused (exit 2). */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let rest = template;
  while (rest) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (close >= 0 && (open < 0 || close < open)) throw new UserError(`tree format \`${template}\` not valid: unexpected \`}\``);
    if (open < 0) {
      parts.push(rest);
      break;
    }
    if (open > 0) parts.push(rest.slice(0, open));
    if (close < 0) throw new UserError(`tree format \`${template}\` not valid: expected \`}\``);
    const key = rest.slice(open + 1, close);
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) {
      const hint = didYouMean(key, PLACEHOLDERS);
      throw new UserError(`tree format \`${template}\` not valid: unsupported pattern \`${key}\``, undefined, hint ?? `the patterns are ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    }
    parts.push({ key: key as Placeholder });
    rest = rest.slice(close + 1);
  }
  return parts;
}

/** What `{l}`, `{r}` and `{lib}` need of a package: its manifest's `license`, `repository` and library. */
export interface PackageInfo {
  license: string;
  repository: string;
  lib: string;
}

/**
 * A package's license, repository and library name, from the manifest at
 * hand: a path package's own, a vendored crate's, cargo's unpacked copy of a
 * registry crate. Nothing is downloaded for it: with no manifest at hand the
 * license and repository are empty and the library is named after the crate.
 */
export function packageInfo(p: GraphPackage, sourceFor: (lockSource: string) => CrateSource | null): PackageInfo {
  let text: string | undefined;
  let path: string | undefined;
  if (p.source === null) {
    path = p.manifestPath;
    if (path) {
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        // no manifest to read: the defaults
      }
    }
  } else {
    const source = sourceFor(p.source);
    const vendored = source instanceof DirectorySource ? source.crateFolder(p.name, p.version) : null;
    text = vendored?.manifest ?? source?.files?.unpackedCopy(p.name, p.version)?.manifest;
    path = vendored ? join(vendored.dir, 'Cargo.toml') : undefined;
  }
  let data: Record<string, unknown> = {};
  if (text !== undefined) {
    try {
      data = parseTomlWithPositions(text, path ?? 'Cargo.toml').data;
    } catch {
      // an unreadable manifest: the defaults
    }
  }
  const pkg = (data.package ?? {}) as Record<string, unknown>;
  const lib = data.lib as Record<string, unknown> | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  // A path package without `[lib]` has a library only where `src/lib.rs` is; a registry crate nearly always has one.
  const hasLib = lib !== undefined || p.source !== null || (p.manifestPath !== undefined && existsSync(join(dirname(p.manifestPath), 'src', 'lib.rs')));
  return {
    license: str(pkg.license),
    repository: str(pkg.repository),
    lib: hasLib ? str(lib?.name) || p.name.replaceAll('-', '_') : '',
  };
}

/** A package's text by a parsed template, as cargo tree fills it. */
export function templateLabel(parts: TemplatePart[], info: (p: GraphPackage) => PackageInfo): (p: GraphPackage) => string {
  return (p) =>
    parts
      .map((part) => {
        if (typeof part === 'string') return part;
        switch (part.key) {
          case 'p':
            return displayPackage(p);
          case 'f':
            return p.features.join(',');
          case 'l':
            return info(p).license;
          case 'r':
            return info(p).repository;
          default:
            // 'lib', the last of the keys
            return info(p).lib;
        }
      })
      .join('');
}

async function tree(args: Invocation<Options<typeof OPTIONS>>, ctx: CommandContext): Promise<number> {
  const given = args.options.format;
  // `human` and `json` keep their meaning; any other value is cargo tree's template (refused before any work when bad).
  const format = given === 'json' ? 'json' : 'human';
  const template = given !== 'human' && given !== 'json' ? parseTemplate(given) : undefined;
  const style = treeStyle(args.options);
  const invert = args.options.invert;
  const withFeatures = (args.options.edges ?? []).includes('features');
  if (withFeatures && (args.options.duplicates || format === 'json')) {
    throw new UserError('`-e features` draws feature nodes in the text tree; it is not available with --duplicates or --format json');
  }
  const featureTree = withFeatures ? (await import('./tree-features.js')).renderFeatureTree : undefined;
  const loaded = await loadFromArgs(args, ctx, args.positionals[0]);
  if (template) {
    const infos = new Map<PackageKey, PackageInfo>();
    const info = (p: GraphPackage) => infos.get(p.key) ?? infos.set(p.key, packageInfo(p, loaded.sources.sourceFor)).get(p.key)!;
    style.label = templateLabel(template, info);
  }
  try {
    const graphs = (await targetResults(loaded)).map((r) => r.graph);
    // Specs name packages of the selection's resolution (every platform, host units too), as cargo matches them.
    const inverted = invert ? invertRoots(loaded.project.lockfile, invert, resolvedPackages(loaded.project, loaded.includeDev)) : undefined;
    for (const g of graphs) for (const u of g.unresolved) ctx.warn(`\`${u.name} v${u.version}\` is unresolved (${u.reason}); its dependencies are not shown`);
    for (const w of loaded.project.packages.warnings) ctx.warn(w);
    if (format === 'json') {
      const json = graphs.map(graphToJson);
      ctx.stdout.write(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
    } else {
      graphs.forEach((g, i) => {
        if (graphs.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}target: ${g.target}\n`);
        const keys = inverted?.map((p) => p.key).filter((k) => g.packages.has(k));
        const out = featureTree
          ? keys
            ? keys.length
              ? featureTree(g, style, { keys, requests: loaded.project.roots })
              : ''
            : featureTree(g, style)
          : args.options.duplicates
            ? renderDuplicates(g, style, keys)
            : keys
              ? keys.length
                ? renderInvertedTrees(g, keys, style)
                : ''
              : renderTree(g, style);
        // Nothing to draw (resolved, but not linked for this target; no crate in two versions), as cargo says.
        if (out) ctx.stdout.write(out);
        else {
          const hint = invert ? `run \`${programName()} why ${invert[0]}\`: it says why each one is left out` : 'try `--target all`';
          ctx.warn(`nothing to print.\n\nTo find dependencies that require specific target platforms, ${hint}.`);
        }
      });
    }
  } finally {
    await loaded.sources.close();
  }
  return 0;
}
