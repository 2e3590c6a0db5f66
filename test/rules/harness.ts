/**
 * ESLint-style rule tables: each rule test lists graphs the rule must accept
 * (`valid`) and graphs with the findings it must produce (`invalid`). Graphs
 * are either written out here (`graphOf`, for exact edge cases) or resolved
 * from real workspaces with vendored crates (`resolveWorkspace`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CargoConfig, cargoHome } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget, type Selection } from '../../src/resolve/index.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import type { DeclaredMetadata, FeatureCause, GraphEdge, GraphPackage, PackageKey, TargetGraph, UnresolvedCause } from '../../src/resolve/types.js';

import { featureNames, recorded } from '../knowledge-base/helpers.js';
import { featureMap, unresolvedText } from '../../src/resolve/packages.js';
import { lint } from '../../src/rules/engine.js';
import { loadKnowledgeBase } from '../../src/knowledge/load.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';
import { placeholders } from '../../src/rules/messages.js';
import type { BuildScriptReading, EnvironmentSnapshot, Finding, ReleaseFeatures, Rule, Severity } from '../../src/rules/types.js';

export const kb = loadKnowledgeBase();
const README = readFileSync(fileURLToPath(new URL('../../src/rules/README.md', import.meta.url)), 'utf8');
const REG = 'registry+https://github.com/rust-lang/crates.io-index';

export interface PkgSpec {
  name: string;
  version: string;
  features?: string[];
  links?: string;
  /**
   * The features the version declares. Default: read from its index line when
   * test/fixtures/crates-index records one for this version; else unknown.
   */
  declares?: string[] | Record<string, string[]>;
}

/** What a package declares: the `declares` given, else its recorded index line's feature map and dependencies. */
function declaredOf(p: PkgSpec): DeclaredMetadata | undefined {
  if (Array.isArray(p.declares)) return { features: new Map(p.declares.map((f) => [f, []])), deps: [] };
  if (p.declares) return { features: new Map(Object.entries(p.declares)), deps: [] };
  const line = recorded(p.name)?.find((v) => v.vers === p.version);
  return line
    ? {
        features: featureMap(
          line.features,
          line.deps.filter((d) => d.kind !== 'dev'),
        ),
        deps: line.deps,
      }
    : undefined;
}

/** A crate's releases for `RuleContext.releases`: given, or `recorded` (every line test/fixtures/crates-index holds). */
export type ReleasesSpec = Record<string, { version: string; features: string[]; yanked?: boolean }[] | 'recorded'>;

function releasesOf(graph: TargetGraph, spec: ReleasesSpec): Map<PackageKey, ReleaseFeatures[]> {
  const out = new Map<PackageKey, ReleaseFeatures[]>();
  for (const [name, list] of Object.entries(spec)) {
    const pkg = [...graph.packages.values()].find((p) => p.name === name);
    if (!pkg) throw new Error(`releases: no package ${name}`);
    const lines =
      list === 'recorded'
        ? (recorded(name) ?? []).map((v) => ({ version: v.vers, yanked: v.yanked, features: featureNames(v) }))
        : list.map((r) => ({ version: r.version, yanked: !!r.yanked, features: new Set(r.features) }));
    out.set(pkg.key, lines);
  }
  return out;
}

export interface EdgeSpec {
  from: string;
  to: string;
  /** Features of `from` that turned this optional dependency on (makes the edge optional). */
  via?: string[];
  as?: string;
}

/**
 * A target graph written out: `root` is the member; packages are named by
 * crate name (one version each); `causes` maps `crate/feature` to the feature
 * (`crate/feature`), the declaration (`dep:crate`, `dep:crate/feature` when a feature of it
 * forwards to the dependency) or `default` that activated it.
 */
export function graphOf(spec: {
  target?: string;
  root?: string;
  packages: PkgSpec[];
  edges: EdgeSpec[];
  causes?: Record<string, string>;
  /** Packages (by name) whose metadata could not be read, with the resolver's cause. */
  unresolved?: Record<string, UnresolvedCause>;
}): TargetGraph {
  const root = spec.root ?? 'app';
  const packages = new Map<PackageKey, GraphPackage>();
  const keyOf = new Map<string, PackageKey>();
  const add = (p: PkgSpec, isRoot: boolean) => {
    const key = isRoot ? `${p.name} ${p.version}` : `${p.name} ${p.version} (${REG})`;
    keyOf.set(p.name, key);
    packages.set(key, {
      key,
      name: p.name,
      version: p.version,
      source: isRoot ? null : REG,
      features: [...(p.features ?? [])].sort(),
      links: p.links ?? null,
      isRoot,
      isMember: isRoot,
      procMacro: false,
      ...(isRoot ? { manifestPath: `/work/${root}/Cargo.toml` } : {}),
      ...(isRoot ? {} : { declared: declaredOf(p) }),
    });
  };
  add({ name: root, version: '0.1.0' }, true);
  for (const p of spec.packages) add(p, false);
  const k = (n: string) => {
    const key = keyOf.get(n);
    if (!key) throw new Error(`graphOf: no package ${n}`);
    return key;
  };
  const edges = new Map<PackageKey, GraphEdge[]>();
  let line = 7;
  for (const e of spec.edges) {
    const from = k(e.from);
    const list = edges.get(from) ?? [];
    edges.set(from, list);
    list.push({
      from,
      to: k(e.to),
      depName: e.as ?? e.to,
      kind: 'normal',
      optional: !!e.via,
      target: null,
      activatedBy: e.via ?? [],
      features: [],
      defaultFeatures: true,
      ...(e.from === root ? { declaration: { manifestPath: `/work/${root}/Cargo.toml`, line: line++, column: 1, table: 'dependencies', tablePath: ['dependencies'] } } : {}),
    });
  }
  const featureCauses = new Map<PackageKey, Map<string, FeatureCause>>();
  for (const [what, by] of Object.entries(spec.causes ?? {})) {
    const [crate, feature] = what.split('/');
    const m = featureCauses.get(k(crate)) ?? new Map<string, FeatureCause>();
    featureCauses.set(k(crate), m);
    if (by === 'default') m.set(feature, { kind: 'default' });
    else if (by.startsWith('dep:')) {
      // `dep:X` X's declaration asked for it; `dep:X/f` X's feature `f` did (`crate/feature` in X's features).
      const [from, via] = by.slice(4).split('/');
      m.set(feature, { kind: 'dependency', from: k(from), depName: crate, ...(via ? { viaFeature: via } : {}) });
    } else {
      const [c, f] = by.split('/');
      m.set(feature, { kind: 'feature', from: k(c), feature: f });
    }
  }
  const unresolved = Object.entries(spec.unresolved ?? {}).map(([name, cause]) => {
    const p = packages.get(k(name))!;
    return { name, version: p.version, source: p.source, reason: unresolvedText(cause), cause };
  });
  return { target: spec.target ?? 'x86_64-unknown-linux-musl', resolver: 2, roots: [k(root)], packages, edges, featureCauses, unresolved };
}

const loaded = new Map<string, Promise<unknown>>();

/** Resolves a real workspace (vendored crates, offline) for a target. */
export async function resolveWorkspace(dir: string, target = 'x86_64-unknown-linux-musl', sel: Selection = {}, includeDev = false): Promise<TargetGraph> {
  const key = `${dir}\0${JSON.stringify(sel)}`;
  let p = loaded.get(key) as Promise<Awaited<ReturnType<typeof loadProject>>> | undefined;
  if (!p) {
    const config = CargoConfig.load(dir, process.env);
    const sources = openSources({ cwd: dir, config, env: process.env, offline: true, quiet: true });
    p = loadProject(dir, undefined, sources.sourceFor, sel, { procMacroHints: builtInProcMacroHints(), cargoHome: cargoHome(process.env) });
    loaded.set(key, p);
  }
  return resolveTarget(await p, target, includeDev).graph;
}

export interface Expected {
  crate: string;
  version?: string;
  severity?: Severity;
  /** The key of the rule's `meta.messages` the finding reports (required, as in ESLint's RuleTester). */
  messageId: string;
  /** The placeholders' values, exactly. */
  data?: Record<string, string>;
  /** The key of the rule's `meta.messages` the finding's detail (its `= note:`) is, and its data. */
  detailId?: string;
  detailData?: Record<string, string>;
  /** Substrings the message must contain (for what is not a placeholder of its own). */
  message?: (string | RegExp)[];
  /** Fix titles that must be offered, as substrings, in this order (others may come between). */
  fixes?: (string | RegExp)[];
  /** Fix strategies in order, exactly. */
  strategies?: string[];
  /** Fix crates that must not be offered. */
  notFixing?: string[];
  /** Inclusion paths, exactly, as `a > b [feat] > c`. */
  paths?: string[];
  /** `dependency@line` of the direct declaration. */
  direct?: string;
  /** The build-script evidence, exactly, as `file:line:col: text`. */
  evidence?: string[];
}

export interface Case {
  name: string;
  graph: TargetGraph | (() => Promise<TargetGraph>);
  kb?: KnowledgeBase;
  environment?: EnvironmentSnapshot;
  /** Releases of crates as their index lines give them (`RuleContext.releases`). */
  releases?: ReleasesSpec;
  /** What the CLI read in build scripts, by crate name (see `RuleContext.buildScripts`). */
  buildScripts?: Record<string, BuildScriptReading>;
}

export interface InvalidCase extends Case {
  findings: Expected[];
}

function pathString(p: Finding['paths'][number]): string {
  return p.map((s, i) => (i === 0 ? s.name : `${s.name}${s.via.length ? ` [${s.via.join(',')}]` : ''}`)).join(' > ');
}

/**
 * A template's placeholder names and the text it gives with `data`, written
 * here apart from the engine's `placeholders` and `formatMessage` (which fill
 * every finding's message): checking a finding's text with the function that
 * made it could never fail.
 */
function namesIn(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{ *([A-Za-z0-9]+) *\}\}/g)].map((m) => m[1]!))].sort();
}

function filled(template: string, data: Record<string, string>): string {
  return template
    .split(/(\{\{ *[A-Za-z0-9]+ *\}\})/)
    .map((part) => {
      const name = /^\{\{ *([A-Za-z0-9]+) *\}\}$/.exec(part)?.[1];
      return name === undefined ? part : (data[name] ?? `<no data for ${name}>`);
    })
    .join('');
}

function matches(text: string, m: string | RegExp): boolean {
  return typeof m === 'string' ? text.includes(m) : m.test(text);
}

export async function run(rule: Rule, c: Case): Promise<Finding[]> {
  const graph = typeof c.graph === 'function' ? await c.graph() : c.graph;
  const environments = c.environment ? new Map([[graph.target, c.environment]]) : undefined;
  const byName = new Map([...graph.packages.values()].map((p) => [p.name, p.key]));
  const readings = c.buildScripts ? new Map([[graph.target, new Map(Object.entries(c.buildScripts).map(([name, r]) => [byName.get(name) ?? name, r]))]]) : undefined;
  return lint({ graphs: [graph], kb: c.kb ?? kb, rules: [rule], environments, ...(c.releases ? { releases: releasesOf(graph, c.releases) } : {}), ...(readings ? { buildScripts: readings } : {}) });
}

/** Runs the table: valid cases yield no finding; invalid ones exactly the expected findings, in order. */
export function ruleTester(rule: Rule, table: { valid: Case[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it('has complete metadata', () => {
      expect(rule.meta.id).toMatch(/^[a-z-]+$/);
      expect(['error', 'warning', 'info']).toContain(rule.meta.defaultSeverity);
      expect(rule.meta.description.length).toBeGreaterThan(10);
      expect(rule.meta.details.length).toBeGreaterThan(rule.meta.description.length);
      expect(rule.meta.docs).toMatch(/^https:\/\//);
      expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
      for (const [id, template] of Object.entries(rule.meta.messages)) {
        expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
        for (const name of placeholders(template)) expect(name, `placeholder of ${id}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      }
    });
    it('is documented in src/rules/README.md, with its messages', () => {
      const section = README.split(/^## /m).find((x) => x.startsWith(`${rule.meta.id}\n`));
      expect(section, `## ${rule.meta.id}`).toBeDefined();
      for (const id of Object.keys(rule.meta.messages)) expect(section, `message ${id}`).toContain(`\`${id}\``);
    });
    it('names every declared message in an invalid case', () => {
      const named = new Set(table.invalid.flatMap((c) => c.findings.flatMap((e) => [e.messageId, ...(e.detailId ? [e.detailId] : [])])));
      expect(
        Object.keys(rule.meta.messages).filter((id) => !named.has(id)),
        'messages no invalid case reports',
      ).toEqual([]);
      expect(
        [...named].filter((id) => !Object.hasOwn(rule.meta.messages, id)),
        'messageIds the rule does not declare',
      ).toEqual([]);
    });
    describe('valid', () => {
      for (const c of table.valid) {
        it(c.name, async () => {
          const found = await run(rule, c);
          expect(found.map((f) => `${f.package.name}: ${f.message}`)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const c of table.invalid) {
        it(c.name, async () => {
          const found = await run(rule, c);
          expect(found.map((f) => `${f.package.name} v${f.package.version}`)).toEqual(
            c.findings.map((e) => `${e.crate} v${e.version ?? found.find((f) => f.package.name === e.crate)?.package.version}`),
          );
          c.findings.forEach((e, i) => {
            const f = found[i];
            expect(f.rule).toBe(rule.meta.id);
            expect(f.severity).toBe(e.severity ?? rule.meta.defaultSeverity);
            // As ESLint's RuleTester: a declared messageId, data for every placeholder (and no other), the text its template gives.
            expect(e.messageId, `messageId expected of ${e.crate}`).toBeTypeOf('string');
            expect(f.messageId, `messageId of ${e.crate}`).toBe(e.messageId);
            const template = rule.meta.messages[f.messageId];
            expect(template, `template of ${f.messageId}`).toBeTypeOf('string');
            expect(Object.keys(f.data).sort(), `data of ${e.crate}`).toEqual(namesIn(template!));
            expect(f.message).toBe(filled(template!, f.data));
            expect(f.message, `message of ${e.crate}`).not.toMatch(/\{\{|\}\}/);
            if (e.data) expect(f.data, `data of ${e.crate}`).toEqual(e.data);
            // A detail is a declared message too.
            if (f.detail !== undefined) {
              const t = rule.meta.messages[f.detailId!];
              expect(t, `template of detail ${f.detailId}`).toBeTypeOf('string');
              expect(Object.keys(f.detailData ?? {}).sort(), `detail data of ${e.crate}`).toEqual(namesIn(t!));
              expect(f.detail).toBe(filled(t!, f.detailData ?? {}));
            }
            if (e.detailId) expect(f.detailId, `detail of ${e.crate}`).toBe(e.detailId);
            if (e.evidence)
              expect(
                (f.evidence ?? []).map((x) => `${x.file}:${x.line}:${x.column}: ${x.text}`),
                `evidence of ${e.crate}`,
              ).toEqual(e.evidence);
            if (e.detailData) expect(f.detailData, `detail data of ${e.crate}`).toEqual(e.detailData);
            for (const m of e.message ?? []) expect(f.message, `message of ${e.crate}`).toSatisfy((t: string) => matches(t, m));
            if (e.fixes) {
              let at = 0;
              for (const want of e.fixes) {
                const j = f.fixes.findIndex((x, n) => n >= at && matches(x.title, want));
                expect(j, `fix ${String(want)} of ${e.crate} after #${at} in:\n${f.fixes.map((x) => x.title).join('\n')}`).toBeGreaterThanOrEqual(0);
                at = j + 1;
              }
            }
            if (e.strategies) expect(f.fixes.map((x) => x.strategy)).toEqual(e.strategies);
            for (const n of e.notFixing ?? []) expect(f.fixes.map((x) => x.crate)).not.toContain(n);
            if (e.paths) expect(f.paths.map(pathString)).toEqual(e.paths);
            if (e.direct) expect(f.direct ? `${f.direct.dependency}@${f.direct.manifest.line}` : null).toBe(e.direct);
          });
        });
      }
    });
  });
}
