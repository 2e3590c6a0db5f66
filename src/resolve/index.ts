/**
 * From a workspace on disk to one artifact graph per target: read Cargo.lock
 * and the manifests, fetch metadata of the locked versions, resolve features
 * and platforms as cargo does.
 */
import { join } from 'node:path';
import { targetInfo } from '../cfg/index.js';
import { derivedHostTriple } from '../cfg/host.js';
import { UserError } from '../errors.js';
import { readLockfile, type Lockfile } from '../lockfile/index.js';
import { findManifest, loadWorkspace, type PackageManifest, type Workspace } from '../manifest/workspace.js';
import { buildTargetGraph, type GraphResult } from './graph.js';
import { resolveWithNewCrates, type AugmentedResult } from './augment.js';
import { loadPackages, type PackageSet, type SourceLookup } from './packages.js';
import type { RootRequest } from './features.js';
import type { PackageKey } from './types.js';

export interface Selection {
  /** `-p NAME[@VERSION]`, repeatable. */
  packages?: string[];
  /** `--workspace`. */
  workspace?: boolean;
  /** `--exclude NAME` with `--workspace`. */
  exclude?: string[];
  /** `--features`, each entry may hold several separated by commas or spaces. */
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  /** Count dev-dependencies of the selected members (`--include-dev`). */
  includeDev?: boolean;
}

export interface Project {
  /** The manifest the run started from (a member's, or the root's). */
  startManifest: string;
  selection: Selection;
  workspace: Workspace;
  lockfile: Lockfile;
  packages: PackageSet;
  /** Selected members with their requested features. */
  roots: RootRequest[];
}

/** Reads the workspace and lockfile and loads metadata for every locked package. */
export async function loadProject(cwd: string, manifestPath: string | undefined, sourceFor: SourceLookup, sel: Selection = {}): Promise<Project> {
  const startManifest = findManifest(cwd, manifestPath);
  const workspace = loadWorkspace(startManifest);
  const lockfile = readLockfile(join(workspace.rootDir, 'Cargo.lock'));
  const packages = await loadPackages(workspace, lockfile, sourceFor);
  return { startManifest, selection: sel, workspace, lockfile, packages, roots: selectRoots(workspace, packages, sel) };
}

export function selectRoots(ws: Workspace, set: PackageSet, sel: Selection): RootRequest[] {
  let selected: PackageManifest[];
  if (sel.packages && sel.packages.length) {
    selected = [];
    for (const spec of sel.packages) {
      const [name, version] = spec.split('@');
      const found = ws.members.filter((m) => m.name === name && (!version || m.version === version));
      if (!found.length) {
        throw new UserError(`package ID specification \`${spec}\` did not match any packages of the workspace`);
      }
      for (const m of found) if (!selected.includes(m)) selected.push(m);
    }
  } else if (sel.workspace) {
    const exclude = new Set(sel.exclude ?? []);
    selected = ws.members.filter((m) => !exclude.has(m.name));
  } else if (ws.current && ws.current.path !== ws.rootManifestPath) {
    selected = [ws.current];
  } else {
    selected = ws.defaultMembers;
  }

  const requested = (sel.features ?? []).flatMap((f) => f.split(/[\s,]+/)).filter(Boolean);
  const keyOf = new Map<PackageManifest, PackageKey>();
  for (const [k, m] of set.members) keyOf.set(m, k);
  return selected.map((m) => {
    const features: string[] = [];
    for (const f of requested) {
      const slash = f.indexOf('/');
      if (slash > 0 && ws.members.some((o) => o.name === f.slice(0, slash))) {
        if (f.slice(0, slash) === m.name) features.push(f.slice(slash + 1));
        continue;
      }
      features.push(f);
    }
    const summary = set.summaries.get(keyOf.get(m)!)!;
    for (const f of features) {
      const plain = !f.includes('/') && !f.startsWith('dep:');
      if (plain && !summary.features.has(f) && !sel.allFeatures) {
        throw new UserError(`the package '${m.name}' does not contain this feature: ${f}`, { path: m.path });
      }
    }
    return { key: keyOf.get(m)!, features, defaultFeatures: !sel.noDefaultFeatures, allFeatures: !!sel.allFeatures };
  });
}

// The host only decides platform-specific dependencies of host units, which
// never reach the artifact graph: Node's idea of the host spares a rustc call.
const host = () => targetInfo(derivedHostTriple(process.platform, process.arch));

/** The artifact graph of the project for one target triple. */
export function resolveTarget(project: Project, triple: string, includeDev = false): GraphResult {
  return buildTargetGraph(project.packages.summaries, project.roots, {
    resolver: project.workspace.resolver,
    target: targetInfo(triple),
    host,
    includeDev,
  });
}

export interface PatchedResolution extends AugmentedResult {
  project: Project;
}

/**
 * Resolves the project again with some manifests replaced by new texts (a
 * fix's proof). Dependencies Cargo.lock lacks are taken from the index.
 */
export async function resolvePatched(
  project: Project,
  overlay: ReadonlyMap<string, string>,
  sourceFor: SourceLookup,
  triples: string[],
  includeDev = false,
): Promise<PatchedResolution> {
  const workspace = loadWorkspace(project.startManifest, overlay);
  const packages = await loadPackages(workspace, project.lockfile, sourceFor, { allowNew: true });
  const patched: Project = { ...project, workspace, packages, roots: selectRoots(workspace, packages, project.selection) };
  const result = await resolveWithNewCrates(packages.summaries, patched.roots, project.lockfile, sourceFor, triples.map(targetInfo), {
    resolver: workspace.resolver,
    host,
    includeDev,
  });
  return { ...result, project: patched };
}

export type { SourceLookup } from './packages.js';
