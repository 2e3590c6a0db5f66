/**
 * Build-script evidence for a check: which crates of the artifact graphs
 * have their build script read (no knowledge-base entry, or only a
 * links-only one), the reading (`src/registry/build-scripts.ts` for
 * registry, vendored and git crates; path packages, members and path
 * dependencies, read in place from their folders), the classification
 * (`src/evidence`), and cargo's `[target.<triple>.<links>]` overrides, which
 * replace a script for their target.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { CargoConfig } from '../../src/config/cargo-config.js';
import { classifyBuildScript, classifyOverride, type BuildScriptReading, type Evidence } from '../../src/evidence/build-script.js';
import { positionOf } from '../../src/crate/rust-source.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';
import { isTable } from '../../src/manifest/toml.js';
import { hasNativeSign, readBuildScripts, type ScriptReadResult, type ScriptRequest } from '../../src/registry/build-scripts.js';
import { manifestDoc, readScriptsFromDir } from '../../src/registry/crate-files.js';
import type { CrateSource } from '../../src/registry/types.js';
import type { Lockfile } from '../../src/lockfile/index.js';
import type { GraphPackage, PackageKey, TargetGraph } from '../../src/resolve/types.js';

export interface BuildScriptEvidence {
  /** Readings by target, then package. */
  byTarget: Map<string, Map<PackageKey, BuildScriptReading>>;
  /** Archives downloaded for their build scripts. */
  downloads: number;
  /** Crates whose build script was read and classified. */
  classified: number;
}

export async function buildScriptEvidence(opts: {
  graphs: TargetGraph[];
  kb: KnowledgeBase;
  lockfile: Lockfile;
  config: CargoConfig;
  workspaceRoot: string;
  sourceFor: (lockSource: string) => CrateSource | null;
}): Promise<BuildScriptEvidence> {
  const { graphs, kb } = opts;
  const requests = new Map<PackageKey, ScriptRequest>();
  /** Path packages (members and path dependencies): their files are on disk, read in place. */
  const paths = new Map<PackageKey, GraphPackage>();
  const overrides = new Map<string, Map<PackageKey, BuildScriptReading>>();
  for (const g of graphs) {
    const byKey = new Map<PackageKey, BuildScriptReading>();
    overrides.set(g.target, byKey);
    for (const pkg of g.packages.values()) {
      if (pkg.procMacro) continue;
      if (pkg.source === null && !pkg.manifestPath) continue;
      if (kb.byCrate(pkg.name).some((m) => m.crate.role !== 'links-only')) continue;
      const override = pkg.links ? overrideOf(opts.config, g.target, pkg.links, opts.workspaceRoot) : null;
      if (override) {
        byKey.set(pkg.key, override);
        continue;
      }
      if (pkg.source === null) {
        if (!paths.has(pkg.key)) paths.set(pkg.key, pkg);
        continue;
      }
      if (!requests.has(pkg.key)) {
        const d = pkg.declared;
        requests.set(pkg.key, {
          key: pkg.key,
          name: pkg.name,
          version: pkg.version,
          source: pkg.source,
          lockChecksum: opts.lockfile.packages.get(pkg.key)?.checksum ?? null,
          // Read from the index already (a checksum says so): not looked up again.
          ...(d?.cksum ? { entry: { links: pkg.links, deps: d.deps, cksum: d.cksum } } : {}),
        });
      }
    }
  }
  const reads = await readBuildScripts([...requests.values()], { sourceFor: opts.sourceFor, workspaceRoot: opts.workspaceRoot });
  const readings = new Map<PackageKey, BuildScriptReading>();
  let classified = 0;
  for (const [key, r] of reads.results) {
    if (r.kind === 'unreadable') readings.set(key, { kind: 'unreadable', reason: r.reason });
    if (r.kind !== 'read' || !r.scripts.length) continue;
    readings.set(key, classifyRead(r));
    classified++;
  }
  for (const [key, pkg] of paths) {
    const r = readPathPackage(pkg, opts.workspaceRoot);
    if (r.kind === 'unreadable') readings.set(key, r);
    if (r.kind !== 'read' || !r.scripts.length) continue;
    readings.set(key, classifyRead(r));
    classified++;
  }
  const byTarget = new Map<string, Map<PackageKey, BuildScriptReading>>();
  for (const g of graphs) {
    const m = new Map(overrides.get(g.target));
    for (const pkg of g.packages.values()) {
      const r = readings.get(pkg.key);
      if (r && !m.has(pkg.key)) m.set(pkg.key, r);
    }
    byTarget.set(g.target, m);
  }
  return { byTarget, downloads: reads.downloads, classified };
}

/** The classifier's verdict on a crate whose script was read. */
function classifyRead(r: Extract<ScriptReadResult, { kind: 'read' }>): BuildScriptReading {
  const doc = manifestDoc(r.manifest) ?? {};
  const pkg = isTable(doc.package) ? doc.package : {};
  const features = isTable(doc.features) ? Object.keys(doc.features) : [];
  const meta = isTable(pkg.metadata) && isTable(pkg.metadata['system-deps']) ? pkg.metadata['system-deps'] : {};
  const systemDeps = Object.entries(meta).map(([k, v]) => (isTable(v) && typeof v.name === 'string' ? v.name : k));
  const verdict = classifyBuildScript({ root: r.root, inWorkspace: r.inWorkspace, links: typeof pkg.links === 'string' ? pkg.links : null, features, systemDeps }, r.scripts);
  return { kind: 'classified', verdict, nativeSign: r.nativeSign };
}

/**
 * A path package's build script, read where it is (its folder, named
 * relative to the workspace root in evidence: `zapp/build.rs`,
 * `../deps/zsys/build.rs`). Its native sign comes from what the graph read
 * of its manifest: `links`, or a build dependency that builds or finds C.
 */
function readPathPackage(pkg: GraphPackage, workspaceRoot: string): ScriptReadResult {
  const dir = dirname(pkg.manifestPath!);
  const nativeSign = hasNativeSign({ links: pkg.links, deps: pkg.declared?.deps ?? [] });
  let manifest: string;
  try {
    manifest = readFileSync(pkg.manifestPath!, 'utf8');
  } catch (e) {
    return nativeSign ? { kind: 'unreadable', reason: `${pkg.manifestPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } : { kind: 'skipped' };
  }
  const root = relative(workspaceRoot, dir).split(sep).join('/');
  return { kind: 'read', root: root === '' ? '.' : root, inWorkspace: true, manifest, scripts: readScriptsFromDir(dir, manifest), nativeSign };
}

/** The verdict of a `[target.<triple>.<links>]` table of cargo's configuration, or null when there is none. */
function overrideOf(config: CargoConfig, target: string, links: string, root: string): BuildScriptReading | null {
  const found = config.get<unknown>(['target', target, links]);
  if (!found || !isTable(found.value)) return null;
  const libs = found.value['rustc-link-lib'];
  const list = Array.isArray(libs) ? libs.filter((l): l is string => typeof l === 'string') : typeof libs === 'string' ? [libs] : [];
  const name = `target.${target}.${links}`;
  return { kind: 'classified', verdict: classifyOverride(list, overrideEvidence(found.definedIn, target, links, root)), nativeSign: true, override: name };
}

/** Where the override is: its `rustc-link-lib` line in the configuration file (else the file), the path relative to the workspace. */
function overrideEvidence(file: string, target: string, links: string, root: string): Evidence {
  const rel = relative(root, file).split(sep).join('/');
  const inWorkspace = !rel.startsWith('..') && !/^[A-Za-z]:|^\//.test(rel);
  const shown = inWorkspace ? rel : file;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file: shown, line: 1, column: 1, text: `[target.${target}.${links}]`, ...(inWorkspace ? { inWorkspace } : {}) };
  }
  const header = text.search(new RegExp(`^\\s*\\[\\s*target\\s*\\.\\s*(?:"${esc(target)}"|${esc(target)})\\s*\\.\\s*(?:"${esc(links)}"|${esc(links)})\\s*\\]`, 'm'));
  const at = header >= 0 ? text.indexOf('rustc-link-lib', header) : text.indexOf('rustc-link-lib');
  const offset = at >= 0 ? at : Math.max(header, 0);
  const { line, column } = positionOf(text, offset);
  const lineText = text.slice(offset, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset)).trim();
  return { file: shown, line, column, text: lineText || `[target.${target}.${links}]`, ...(inWorkspace ? { inWorkspace } : {}) };
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
