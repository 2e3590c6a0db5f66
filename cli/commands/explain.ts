/**
 * `cargo-preflight explain CRATE[@VERSION]` and `explain --all`: what the
 * knowledge base knows of a crate. Its family and role, what each static
 * and dynamic option means, which of them the locked (or named) version has
 * (read from its index entry or manifest), how it links without one and what
 * its build needs per target, the alternatives; for a crate it has no entry
 * for, what its build script shows. In a project it also says whether the
 * crate is in the artifact graph of each target and why (as `why`). Works
 * outside a project too: the crate's index lines are read from crates.io (or
 * `--index`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import gte from 'semver/functions/gte.js';
import lt from 'semver/functions/lt.js';
import prerelease from 'semver/functions/prerelease.js';
import rcompare from 'semver/functions/rcompare.js';
import valid from 'semver/functions/valid.js';
import minVersion from 'semver/ranges/min-version.js';
import { UserError } from '../../src/errors.js';
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';
import { configuredKnowledgeBase, loadKnowledgeBase } from '../../src/knowledge/load.js';
import { crateAt, newestChecked, optionAt, type FeatureNames, type KnowledgeBase } from '../../src/knowledge/lookup.js';
import { requirementText, withoutStaticText, type WithoutStatic, type CrateMatch, type CrateSpec, type StaticOption } from '../../src/knowledge/types.js';
import { parseVersionRange } from '../../src/knowledge/versions.js';
import type { CrateLookup } from '../../src/registry/types.js';
import { describeAbsent, explainAbsent, type AbsentPackage } from '../../src/resolve/absent.js';
import { featureMap } from '../../src/resolve/packages.js';
import { satisfies } from '../../src/resolve/semver-req.js';
import { parsePackageSpec, type PackageSpec } from '../../src/resolve/spec.js';
import type { GraphPackage, TargetGraph } from '../../src/resolve/types.js';
import { evidenceLine } from '../../src/evidence/build-script.js';
import type { BuildScriptReading } from '../../src/rules/types.js';
import type { Options, OptionSpec } from '../args.js';
import { COMMON_OPTIONS, loadCargoConfig, projectStart } from '../common.js';
import { runTargets } from '../targets.js';
import { targetResults, type LoadedProject } from '../load.js';
import { loadWithSettings } from '../settings.js';
import { openSources, type Sources } from '../sources.js';
import type { CommandContext } from '../context.js';
import { HELP_OPTION, HUMAN_JSON_FORMAT } from '../run/options.js';
import { buildScriptEvidence } from '../run/build-scripts.js';
import { defineCommand, type Invocation } from './command.js';
import { allPaths, findPackages, renderInverted } from './why.js';

const OPTIONS = [{ name: 'all', kind: 'bool', help: 'Explain every crate the knowledge base knows' }, HUMAN_JSON_FORMAT, ...COMMON_OPTIONS, HELP_OPTION] as const satisfies readonly OptionSpec[];

export const explainCommand = defineCommand({
  name: 'explain',
  about: 'Show what the knowledge base knows of a crate: its static options, what they mean, which the version has',
  usage: 'cargo-preflight explain [OPTIONS] <CRATE[@VERSION]|--all>',
  options: OPTIONS,
  positionals: [{ name: '[CRATE[@VERSION]]' }],
  run: explain,
});

const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

/** One static or dynamic option as `explain` shows it. */
export interface ExplainedOption {
  feature?: string;
  env?: string;
  value?: string;
  meaning: string;
  /** For a variable: what must be set together with it, in words that follow "together with" (the variables that point the build script at the library). */
  with?: string;
  /** What the option needs to build, in words. */
  requires: string[];
  /** The releases where it has this meaning, when the knowledge base records them. */
  versions: string | null;
  /** The first release that has it, from the crate's index lines (for a variable, the first release recorded to read it); null when unknown. */
  since: string | null;
  /** The newest release its meaning was checked against. */
  checkedUpTo: string | null;
  /** Whether the version at hand has it; null when unknown (no version, its features unread, or a variable). */
  present: boolean | null;
}

export interface ExplainedCrate {
  name: string;
  /** The locked, named or newest version explained; null with none. */
  version: string | null;
  family: { id: string; name: string; category: string; systemLibrary: string | null; summary: string } | null;
  role: string | null;
  links: string | null;
  /** How a `sys` crate links without a static option, per target: `system`, `bundled-fallback` or `static`. */
  withoutStatic: { target: string; withoutStatic: WithoutStatic; note: string | null }[];
  /** What its bundled build needs, per target. */
  buildRequires: { target: string; requires: string[] }[];
  staticOptions: ExplainedOption[];
  dynamicOptions: ExplainedOption[];
  /** Wrappers: the features that bring the family's library in, at the version. */
  nativeFeatures: string[];
  alternatives: { id: string; name: string; crates: string[]; pureRust: boolean; brings: string[]; note: string | null }[];
  checkedAgainst: string[];
  note: string | null;
  /** Where the crate is in the project's artifact graphs (absent outside a project). */
  graph?: ExplainedGraph[];
  /** What its build script shows, for a crate the knowledge base has no entry for. */
  buildScript?: { target: string; verdict: string; libraries: string[]; switches: string[]; evidence: string[]; reason: string | null };
}

export interface ExplainedGraph {
  target: string;
  inGraph: boolean;
  /** Every path from a member (as `why --format json` gives them), names only. */
  paths: { from: string; to: string; dependency: string; optional: boolean; activatedBy: string[] }[][];
  /** Why the locked package is left out, when it is. */
  absent: string[];
}

/** The crate's index lines, where a source can give them (null when none can: offline and uncached, not in the index). */
async function indexLines(sources: Sources, source: string | null, name: string): Promise<CrateLookup | null> {
  const src = sources.sourceFor(source ?? CRATES_IO);
  if (!src) return null;
  try {
    return await src.getCrate(name);
  } catch {
    return null;
  }
}

/** The first release that declares a feature option (in its recorded range, before a removal), from index lines. */
function firstWith(o: StaticOption, lines: CrateLookup | null): string | null {
  if (o.kind === 'env') {
    const r = parseVersionRange(o.versions);
    const min = r && minVersion(r);
    return min && min.version !== '0.0.0' ? min.version : null;
  }
  // A vendor folder holds only the vendored versions: no first release can be read there.
  if (!lines || lines.origin === 'vendor') return null;
  let best: string | null = null;
  for (const v of lines.versions) {
    if (v.yanked || !valid(v.vers)) continue;
    const declared = featureMap(
      v.features,
      v.deps.filter((d) => d.kind !== 'dev'),
    );
    if (!optionAt(o, v.vers, declared)) continue;
    if (o.until && gte(v.vers, o.until)) continue;
    if (!best || lt(v.vers, best)) best = v.vers;
  }
  return best;
}

function optionMeaning(o: StaticOption, spec: CrateSpec): string {
  const parts: string[] = [];
  if (o.note) parts.push(o.note.replace(/\s+/g, ' ').trim());
  if (o.kind === 'feature' && o.enables.length) parts.push(`Turns on ${o.enables.map((e) => `\`${e}\``).join(', ')}.`);
  if (!parts.length) {
    parts.push(spec.role === 'sys' ? 'Builds the bundled source and links it statically.' : 'Turns on the static option of the crate it wraps.');
  }
  return parts.join(' ');
}

function explainOption(o: StaticOption, spec: CrateSpec, version: string | null, declared: FeatureNames | undefined, lines: CrateLookup | null): ExplainedOption {
  const base = {
    meaning: optionMeaning(o, spec),
    requires: requirementText([...spec.buildRequires, ...o.requires]),
    versions: o.versions ?? null,
    since: firstWith(o, lines),
    checkedUpTo: newestChecked(spec) ?? null,
  };
  if (o.kind === 'env') return { env: o.env, value: o.value, ...base, ...(o.with ? { with: o.with.replace(/\s+/g, ' ').trim() } : {}), present: null };
  const present = version && declared ? optionAt(o, version, declared) && !(o.until && valid(version) && gte(version, o.until)) : null;
  return { feature: o.feature, ...base, present };
}

/** What the crate's version declares: the package's read metadata, else its index line. */
function declaredAt(version: string | null, pkg: GraphPackage | undefined, lines: CrateLookup | null): FeatureNames | undefined {
  if (pkg?.declared) return pkg.declared.features;
  const line = version ? lines?.versions.find((v) => v.vers === version) : undefined;
  return line
    ? featureMap(
        line.features,
        line.deps.filter((d) => d.kind !== 'dev'),
      )
    : undefined;
}

/** The version to explain: the one named (a partial one matched against the index lines), the locked one, else the newest release. */
function versionToExplain(spec: PackageSpec, pkg: GraphPackage | undefined, lines: CrateLookup | null): string | null {
  const named = spec.version ? spec.text.slice(spec.text.lastIndexOf('@') + 1) : undefined;
  if (pkg) return pkg.version;
  const releases = (lines?.versions ?? []).filter((v) => valid(v.vers));
  if (named) {
    if (valid(named)) return named;
    // A partial version matches as cargo's package specs do: `0.9` any 0.9.x release.
    const range = `~${named}`;
    const found = releases.filter((v) => satisfies(v.vers, range)).sort((a, b) => rcompare(a.vers, b.vers))[0];
    return found?.vers ?? null;
  }
  const newest = releases.filter((v) => !v.yanked && !prerelease(v.vers)).sort((a, b) => rcompare(a.vers, b.vers))[0];
  return newest?.vers ?? null;
}

function explainMatch(
  m: CrateMatch,
  version: string | null,
  targets: readonly string[],
  features: readonly string[],
  declared: FeatureNames | undefined,
  lines: CrateLookup | null,
  kb: KnowledgeBase,
): ExplainedCrate {
  const { entry, crate } = m;
  // The facts at the version (the newest checked release when none is known) for each target.
  const at = version ?? newestChecked(crate) ?? '0.0.0';
  const perTarget = targets.map((t) => ({ target: t, spec: crateAt(crate, at, t, features) }));
  const spec = crateAt(crate, at);
  return {
    name: crate.name,
    version,
    family: { id: entry.id, name: entry.name, category: entry.category, systemLibrary: entry.systemLibrary ?? null, summary: entry.summary.replace(/\s+/g, ' ').trim() },
    role: crate.role,
    links: spec.links ?? (spec.linksPrefix ? `${spec.linksPrefix}*` : null),
    withoutStatic: crate.role === 'sys' ? perTarget.map((p) => ({ target: p.target, withoutStatic: p.spec.withoutStatic!, note: p.spec.withoutStaticNote?.replace(/\s+/g, ' ').trim() ?? null })) : [],
    buildRequires: crate.role === 'sys' ? perTarget.map((p) => ({ target: p.target, requires: requirementText(p.spec.buildRequires) })) : [],
    staticOptions: crate.staticOptions.map((o) => explainOption(o, crate, version, declared, lines)),
    dynamicOptions: crate.dynamicOptions.map((d) => ({
      feature: d.feature,
      meaning: d.note ?? 'Links the system library instead of the bundled one.',
      requires: [],
      versions: d.versions,
      since: null,
      checkedUpTo: newestChecked(crate) ?? null,
      present: version && declared ? declared.has(d.feature) : null,
    })),
    nativeFeatures: version
      ? kb
          .nativeFeaturesFor(crate.name, version)
          .filter((n) => n.entry.id === entry.id)
          .flatMap((n) => n.features)
      : [],
    alternatives: entry.alternatives.map((a) => ({ id: a.id, name: a.name, crates: a.crates, pureRust: a.pureRust, brings: a.brings, note: a.note?.replace(/\s+/g, ' ').trim() ?? null })),
    checkedAgainst: crate.checkedAgainst,
    note: crate.note?.replace(/\s+/g, ' ').trim() ?? null,
  };
}

/** The crate's place in each target's graph (as `why`), and the package in the first graph that has it. */
function graphFacts(loaded: LoadedProject, results: Awaited<ReturnType<typeof targetResults>>, spec: PackageSpec): { graph: ExplainedGraph[]; pkg?: GraphPackage; graphs: TargetGraph[] } {
  let pkg: GraphPackage | undefined;
  const graph = results.map((result) => {
    const keys = findPackages(result.graph, spec);
    if (keys.length) pkg ??= result.graph.packages.get(keys[0]!);
    const absent: AbsentPackage[] = keys.length ? [] : explainAbsent(loaded.project.lockfile, loaded.project.packages.summaries, result, spec, loaded.includeDev);
    return {
      target: result.graph.target,
      inGraph: keys.length > 0,
      paths: keys.flatMap((k) =>
        allPaths(result.graph, k, 50).map((path) =>
          path.map((e) => ({
            from: result.graph.packages.get(e.from)!.name,
            to: result.graph.packages.get(e.to)!.name,
            dependency: e.depName,
            optional: e.optional,
            activatedBy: e.activatedBy,
          })),
        ),
      ),
      absent: absent.flatMap((a) => [`\`${a.name} v${a.version}\` is in Cargo.lock`, ...describeAbsent(a)]),
    };
  });
  return { graph, graphs: results.map((r) => r.graph), ...(pkg ? { pkg } : {}) };
}

/** The folder holding the project's Cargo.toml, looking upwards from `dir`; null outside a project. */
function projectRoot(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'Cargo.toml'))) return d;
    if (dirname(d) === d) return null;
  }
}

function readingText(r: BuildScriptReading, target: string): ExplainedCrate['buildScript'] {
  if (r.kind !== 'classified') return { target, verdict: 'unreadable', libraries: [], switches: [], evidence: [], reason: r.reason };
  const v = r.verdict;
  return {
    target,
    verdict: v.kind,
    libraries: v.kind === 'system' ? v.libraries : [],
    switches: v.kind === 'system' ? v.switches.map((s) => (s.kind === 'feature' ? `feature \`${s.name}\`` : s.name)) : [],
    evidence: v.evidence.map(evidenceLine),
    reason: v.kind === 'unknown' ? v.reason : null,
  };
}

async function explain(args: Invocation<Options<typeof OPTIONS>>, ctx: CommandContext): Promise<number> {
  const o = args.options;
  const format = o.format;
  const given = args.positionals[0];
  if (o.all && given) throw new UserError('`explain` takes a crate or `--all`, not both', undefined, 'run `cargo-preflight explain --all` for the list, `cargo-preflight explain CRATE` for one crate');
  if (!o.all && !given) throw new UserError('`explain` needs a crate to explain, or `--all`', undefined, 'run `cargo-preflight explain openssl-sys` or `cargo-preflight explain --all`');

  if (o.all) {
    const kb = loadKnowledgeBase();
    // `--target`, else cargo's `build.target` where it runs, else the default (the workspace's settings are not read).
    const targets = runTargets(o.target, undefined, loadCargoConfig(args, projectStart(args, ctx.cwd).dir, ctx.env), ctx.env, ctx.cwd);
    const crates = kb.entries.flatMap((entry) => entry.crates.map((crate) => explainMatch({ entry, crate }, null, targets, [], undefined, null, kb)));
    if (format === 'json') {
      ctx.stdout.write(JSON.stringify({ knowledgeBase: { version: knowledgeBaseVersion() }, crates }, null, 2) + '\n');
      return 0;
    }
    for (const entry of kb.entries) {
      ctx.stdout.write(`${entry.name} (${entry.id}, ${entry.category})\n`);
      for (const c of entry.crates) {
        const opts = c.staticOptions.map((s) => (s.kind === 'feature' ? `\`${s.feature}\`` : `${s.env}=${s.value}`));
        const how = c.role === 'sys' ? `sys, without a static option: ${c.withoutStatic}` : c.role;
        ctx.stdout.write(`  ${c.name}: ${how}${opts.length ? `; static options ${opts.join(', ')}` : ''}\n`);
      }
    }
    ctx.stdout.write(`\n${kb.entries.length} families, ${kb.entries.reduce((n, e) => n + e.crates.length, 0)} crates; knowledge base ${knowledgeBaseVersion()}\n`);
    return 0;
  }

  const spec = parsePackageSpec(given!);
  const { dir, manifestPath } = projectStart(args, ctx.cwd);
  const inProject = !!manifestPath || projectRoot(dir) !== null;
  let loaded: LoadedProject | undefined;
  let sources: Sources;
  let kb: KnowledgeBase;
  // Outside a project, the targets a run there checks: `--target`, else cargo's `build.target`, else the default.
  let targets: string[];
  if (inProject) {
    // The targets the workspace's settings name, as `check` reads them, when `--target` is not given.
    const withSettings = await loadWithSettings(args, ctx, undefined);
    loaded = withSettings.loaded;
    sources = loaded.sources;
    kb = configuredKnowledgeBase(withSettings.settings.knowledgeBase);
    targets = loaded.targets;
  } else {
    const config = loadCargoConfig(args, dir, ctx.env);
    targets = runTargets(o.target, undefined, config, ctx.env, ctx.cwd);
    sources = openSources({ cwd: dir, config, env: ctx.env, index: o.index, offline: !!o.offline || !!o.frozen || config.offline, cacheDir: o['cache-dir'], jobs: o.jobs, quiet: !!o.quiet });
    kb = loadKnowledgeBase();
  }
  try {
    const inGraph = loaded ? graphFacts(loaded, await targetResults(loaded), spec) : undefined;
    const pkg = inGraph?.pkg;
    const lines = await indexLines(sources, pkg?.source ?? null, spec.name);
    const version = versionToExplain(spec, pkg, lines);
    const declared = declaredAt(version, pkg, lines);
    const features = pkg?.features ?? [];
    const matches = kb.byCrate(spec.name);
    const crates: ExplainedCrate[] = matches.map((m) => ({ ...explainMatch(m, version, targets, features, declared, lines, kb), ...(inGraph ? { graph: inGraph.graph } : {}) }));
    if (!crates.length) {
      const unknown: ExplainedCrate = {
        name: spec.name,
        version,
        family: null,
        role: null,
        links: (version && lines?.versions.find((v) => v.vers === version)?.links) ?? pkg?.links ?? null,
        withoutStatic: [],
        buildRequires: [],
        staticOptions: [],
        dynamicOptions: [],
        nativeFeatures: [],
        alternatives: [],
        checkedAgainst: [],
        note: null,
        ...(inGraph ? { graph: inGraph.graph } : {}),
      };
      // What its build script shows, read as `check` reads it for a crate the knowledge base does not know.
      if (loaded && pkg && inGraph) {
        const g = inGraph.graphs.find((x) => x.packages.has(pkg.key))!;
        const evidence = await buildScriptEvidence({
          graphs: [{ ...g, packages: new Map([[pkg.key, pkg]]) }],
          kb,
          lockfile: loaded.project.lockfile,
          config: loaded.config,
          workspaceRoot: loaded.project.workspace.rootDir,
          sourceFor: (s) => loaded!.sources.sourceFor(s),
        });
        const reading = evidence.byTarget.get(g.target)?.get(pkg.key);
        if (reading) unknown.buildScript = readingText(reading, g.target);
      }
      crates.push(unknown);
    }
    const known = crates.some((c) => c.family || c.buildScript);
    if (format === 'json') {
      ctx.stdout.write(JSON.stringify({ knowledgeBase: { version: knowledgeBaseVersion() }, crates }, null, 2) + '\n');
      return known ? 0 : 1;
    }
    if (loaded) for (const w of loaded.project.packages.warnings) ctx.warn(w);
    ctx.stdout.write(crates.map((c) => humanText(c, loaded && inGraph ? (t: string) => renderTree(inGraph.graphs, t, spec, ctx.cwd) : undefined)).join('\n'));
    return known ? 0 : 1;
  } finally {
    await sources.close();
  }
}

function renderTree(graphs: TargetGraph[], target: string, spec: PackageSpec, cwd: string): string {
  const g = graphs.find((x) => x.target === target)!;
  return findPackages(g, spec)
    .map((k) => renderInverted(g, k, cwd))
    .join('\n');
}

const indent = (text: string, by: string) =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n') + '\n';

function optionLine(x: ExplainedOption): string {
  const what = x.feature !== undefined ? `feature \`${x.feature}\`` : `${x.env}=${x.value}`;
  const facts = [
    x.present === true ? 'the version has it' : x.present === false ? 'the version lacks it' : null,
    x.since ? `${x.env ? 'read' : 'declared'} from ${x.since}` : null,
    x.versions ? `this meaning in ${x.versions}` : null,
    x.checkedUpTo ? `checked up to ${x.checkedUpTo}` : null,
  ].filter(Boolean);
  return `${what}${facts.length ? ` (${facts.join('; ')})` : ''}: ${x.meaning}${x.with ? ` Set it together with ${x.with}.` : ''}${x.requires.length ? ` Needs ${x.requires.join(', ')}.` : ''}`;
}

export function humanText(c: ExplainedCrate, tree?: (target: string) => string): string {
  const out: string[] = [];
  const title = `${c.name}${c.version ? ` v${c.version}` : ''}`;
  if (!c.family) {
    out.push(`${title}: the knowledge base has no entry for it`);
    if (c.links) out.push(`  links: ${c.links}`);
    if (c.buildScript) {
      const b = c.buildScript;
      out.push(
        `  its build script (${b.target}): ${b.verdict}${b.libraries.length ? `, links ${b.libraries.join(', ')}` : ''}${b.switches.length ? `; reads ${b.switches.join(', ')}` : ''}${b.reason ? ` (${b.reason})` : ''}`,
      );
      for (const e of b.evidence) out.push(`    ${e}`);
    } else {
      out.push('  = help: describe it in `knowledge-base` of the cargo-preflight configuration (knowledge-base/README.md)');
    }
  } else {
    const f = c.family;
    out.push(`${title}: ${f.name} (${f.id}, ${f.category}), ${c.role === 'sys' ? 'the crate that links it' : c.role === 'wrapper' ? 'a wrapper that reaches it' : 'a links key only'}`);
    out.push(indent(f.summary, '  ').trimEnd());
    if (f.systemLibrary) out.push(`  system library: ${f.systemLibrary}`);
    if (c.links) out.push(`  links: ${c.links}`);
    for (const w of c.withoutStatic) {
      out.push(`  without a static option (${w.target}): ${withoutStaticText(w.withoutStatic)}${w.note ? `. ${w.note}` : ''}`);
    }
    for (const b of c.buildRequires) if (b.requires.length) out.push(`  its bundled build needs (${b.target}): ${b.requires.join(', ')}`);
    if (c.staticOptions.length) {
      out.push('  static options:');
      for (const x of c.staticOptions) out.push(`    ${optionLine(x)}`);
    } else if (c.role === 'sys') {
      out.push('  static options: none known');
    }
    if (c.dynamicOptions.length) {
      out.push('  options that link the system library:');
      for (const x of c.dynamicOptions) out.push(`    ${optionLine(x)}`);
    }
    if (c.nativeFeatures.length) out.push(`  features that bring ${f.name} in: ${c.nativeFeatures.map((x) => `\`${x}\``).join(', ')}`);
    if (c.note) out.push(`  note: ${c.note}`);
    for (const a of c.alternatives) out.push(`  alternative: ${a.name}${a.pureRust ? ' (pure Rust)' : a.brings.length ? ` (brings ${a.brings.join(', ')})` : ''}${a.note ? `: ${a.note}` : ''}`);
    if (c.checkedAgainst.length) out.push(`  checked against: ${c.checkedAgainst.join(', ')}`);
  }
  for (const g of c.graph ?? []) {
    if (g.inGraph) {
      out.push(`  in the artifact graph for ${g.target}:`);
      if (tree) out.push(indent(tree(g.target), '    ').trimEnd());
    } else {
      out.push(`  not in the artifact graph for ${g.target}${g.absent.length ? '' : ' (Cargo.lock holds no such package)'}`);
      for (const a of g.absent) out.push(`    = note: ${a}`);
    }
  }
  return out.join('\n') + '\n';
}
