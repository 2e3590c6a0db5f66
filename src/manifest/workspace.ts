/**
 * Workspace discovery as cargo does it: find the package's manifest, walk up
 * to the workspace root, expand `members` globs minus `exclude`, add path
 * dependencies that live under the root, apply `[workspace.package]` and
 * `[workspace.dependencies]` inheritance, and pick the resolver.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { readTextFile } from '../io/text-file.js';
import { isValidCrateName, isValidVersion } from '../crate/index.js';
import type { DeclarationSite } from './site.js';
import { isProcMacro, ManifestShapeError, readAllDeps, readFeatures, type DepDecl } from './deps.js';
import { globMatcher } from './glob.js';
import { isTable } from './toml.js';
import { parseTomlWithPositions, type PositionIndex } from './positions.js';

export interface MemberDep extends DepDecl {
  /** Absolute directory of a path dependency. */
  pathDir?: string;
  site: DeclarationSite;
}

export interface PackageManifest {
  path: string;
  dir: string;
  name: string;
  version: string;
  edition: string;
  links: string | null;
  procMacro: boolean;
  deps: MemberDep[];
  features: Record<string, string[]>;
  /** The manifest text as read, for edits. */
  text: string;
  data: Record<string, unknown>;
  positions: PositionIndex;
}

export interface Workspace {
  rootManifestPath: string;
  rootDir: string;
  /** The root manifest's data (also for virtual workspaces). */
  rootData: Record<string, unknown>;
  rootPositions: PositionIndex;
  resolver: 1 | 2 | 3;
  /** Every member, root package first, then in discovery order. */
  members: PackageManifest[];
  defaultMembers: PackageManifest[];
  /** The member whose directory the command ran in, if any (cargo's "current package"). */
  current: PackageManifest | null;
  /** Path packages that are not members (loaded on demand). */
  loadPathPackage(dir: string): PackageManifest;
  /**
   * The exact text a manifest was parsed from in this load (members, the root,
   * path packages), undefined for one it did not read. Edits are rendered
   * from it and written only while the file still holds it.
   */
  sourceText(path: string): string | undefined;
}

interface WorkspaceSection {
  members: string[];
  exclude: string[];
  defaultMembers?: string[];
  resolver?: string;
  package: Record<string, unknown>;
  dependencies: Record<string, unknown>;
}

function readText(path: string, overlay?: ReadonlyMap<string, string>): string {
  const o = overlay?.get(path);
  if (o !== undefined) return o;
  try {
    return readTextFile(path, { what: 'manifest' });
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError('manifest not found', { path });
    throw new UserError(`could not read manifest: ${err.message}`, { path });
  }
}

function workspaceSection(data: Record<string, unknown>, path: string, positions: PositionIndex): WorkspaceSection | null {
  const ws = data.workspace;
  if (ws === undefined) return null;
  const at = (k: string[]) => ({ path, ...positions.find(k) });
  if (!isTable(ws)) throw new UserError('`workspace` must be a table', at(['workspace']));
  const arr = (k: string): string[] | undefined => {
    const v = ws[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UserError(`\`workspace.${k}\` must be an array of strings`, at(['workspace', k]));
    return v as string[];
  };
  const tbl = (k: string): Record<string, unknown> => {
    const v = ws[k];
    if (v === undefined) return {};
    if (!isTable(v)) throw new UserError(`\`workspace.${k}\` must be a table`, at(['workspace', k]));
    return v;
  };
  return {
    members: arr('members') ?? [],
    exclude: arr('exclude') ?? [],
    defaultMembers: arr('default-members'),
    resolver: typeof ws.resolver === 'string' ? ws.resolver : undefined,
    package: tbl('package'),
    dependencies: tbl('dependencies'),
  };
}

/** Expands one `members` entry (globs `*`, `?`, `[...]` per path segment) to directories with a Cargo.toml. */
function expandGlob(rootDir: string, pattern: string): string[] {
  const segments = pattern.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  let dirs = [rootDir];
  for (const seg of segments) {
    const next: string[] = [];
    if (!/[*?[]/.test(seg)) {
      for (const d of dirs) next.push(join(d, seg));
    } else {
      let matches: (name: string) => boolean;
      try {
        matches = globMatcher(seg);
      } catch (e) {
        throw e instanceof UserError ? new UserError(`cannot build glob pattern from \`${pattern}\``) : e;
      }
      for (const d of dirs) {
        let entries: string[] = [];
        try {
          entries = readdirSync(d).sort();
        } catch {
          continue;
        }
        for (const e of entries) if (matches(e) && !e.startsWith('.')) next.push(join(d, e));
      }
    }
    dirs = next;
  }
  return dirs.filter((d) => {
    try {
      return statSync(d).isDirectory() && existsSync(join(d, 'Cargo.toml'));
    } catch {
      return false;
    }
  });
}

function isUnder(dir: string, parent: string): boolean {
  const rel = relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

function resolverFrom(value: string, path: string, positions: PositionIndex, keyPath: string[]): 1 | 2 | 3 {
  if (value === '1' || value === '2' || value === '3') return Number(value) as 1 | 2 | 3;
  throw new UserError(`\`resolver\` setting \`${value}\` is not valid, valid options are "1", "2" or "3"`, { path, ...positions.find(keyPath) });
}

function editionResolver(edition: string): 1 | 2 | 3 {
  if (edition === '2024') return 3;
  if (edition === '2021') return 2;
  return 1;
}

/** Finds the manifest to start from: `--manifest-path`, or the nearest Cargo.toml from `cwd` upwards. */
export function findManifest(cwd: string, manifestPath?: string): string {
  if (manifestPath) {
    const p = resolve(cwd, manifestPath);
    if (!p.endsWith('Cargo.toml')) throw new UserError('the manifest-path must be a path to a Cargo.toml file', { path: p });
    if (!existsSync(p)) throw new UserError('manifest path does not exist', { path: p });
    return p;
  }
  const found = nearestManifest(cwd);
  if (found) return found;
  throw new UserError(`could not find \`Cargo.toml\` in \`${resolve(cwd)}\` or any parent directory`);
}

/** The `Cargo.toml` in `cwd` or the nearest parent directory, or null. */
export function nearestManifest(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const p = join(dir, 'Cargo.toml');
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Loads the workspace that `startManifest` belongs to. `overlay` maps manifest
 * paths to texts read instead of the files (fix proofs resolve patched copies).
 */
/** A parsed manifest and the exact text it was parsed from. */
type ParsedFile = ReturnType<typeof parseTomlWithPositions> & { text: string };

/** Where `workspace = true` values come from: a workspace root's `[workspace.package]` and `[workspace.dependencies]`. */
interface Inheritance {
  rootPath: string;
  root: ParsedFile;
  section: WorkspaceSection;
}

/**
 * Loads the workspace a manifest belongs to, as cargo does, in named steps:
 * find the root, load the members (globs, exclusions, path dependencies under
 * the root), then the resolver, the default members and the current package.
 * Path packages outside the members are loaded when first asked for.
 */
export function loadWorkspace(startManifest: string, overlay?: ReadonlyMap<string, string>): Workspace {
  return new WorkspaceLoader(resolve(startManifest), overlay).load();
}

class WorkspaceLoader {
  private readonly parsed = new Map<string, ParsedFile>();
  private readonly members: PackageManifest[] = [];
  private readonly memberByDir = new Map<string, PackageManifest>();
  private readonly pathPackages = new Map<string, PackageManifest>();
  // Set by `load` before anything else reads them.
  private rootPath = '';
  private rootDir = '';
  private root!: ParsedFile;
  private section: WorkspaceSection | null = null;
  private ours: Inheritance | null = null;

  constructor(
    private readonly startPath: string,
    private readonly overlay: ReadonlyMap<string, string> | undefined,
  ) {}

  load(): Workspace {
    const found = this.findRoot(this.startPath);
    this.rootPath = found.rootPath;
    this.section = found.section;
    this.root = this.parseFile(this.rootPath);
    this.rootDir = dirname(this.rootPath);
    this.ours = this.section ? { rootPath: this.rootPath, root: this.root, section: this.section } : null;

    const rootPkg = this.loadMembers();
    const resolver = this.resolver(rootPkg);
    const defaultMembers = this.defaultMembers(rootPkg);
    const current = this.startPath === this.rootPath ? rootPkg : (this.memberByDir.get(dirname(this.startPath)) ?? null);
    return {
      rootManifestPath: this.rootPath,
      rootDir: this.rootDir,
      rootData: this.root.data,
      rootPositions: this.root.positions,
      resolver,
      members: this.members,
      defaultMembers,
      current,
      loadPathPackage: (dir) => this.loadPathPackage(dir),
      sourceText: (path) => this.parsed.get(resolve(path))?.text,
    };
  }

  private parseFile(path: string): ParsedFile {
    let p = this.parsed.get(path);
    if (!p) {
      const text = readText(path, this.overlay);
      p = { ...parseTomlWithPositions(text, path), text };
      this.parsed.set(path, p);
    }
    return p;
  }

  /**
   * The workspace a manifest belongs to, as cargo finds it: its own
   * `[workspace]`, the root `package.workspace` names, or the nearest parent
   * manifest with a `[workspace]` that does not exclude it.
   */
  private findRoot(manifestPath: string): { rootPath: string; section: WorkspaceSection | null } {
    const m = this.parseFile(manifestPath);
    const own = workspaceSection(m.data, manifestPath, m.positions);
    if (own) return { rootPath: manifestPath, section: own };
    const explicit = isTable(m.data.package) ? m.data.package.workspace : undefined;
    if (typeof explicit === 'string') {
      const rootPath = join(resolve(dirname(manifestPath), explicit), 'Cargo.toml');
      const r = this.parseFile(rootPath);
      const section = workspaceSection(r.data, rootPath, r.positions);
      if (!section) throw new UserError('`package.workspace` points to a manifest without `[workspace]`', { path: manifestPath });
      return { rootPath, section };
    }
    for (let dir = dirname(dirname(manifestPath)); ; dir = dirname(dir)) {
      const candidate = join(dir, 'Cargo.toml');
      if (existsSync(candidate)) {
        const r = this.parseFile(candidate);
        const s = workspaceSection(r.data, candidate, r.positions);
        if (s) {
          const excluded = s.exclude.some((e) => isUnder(dirname(manifestPath), resolve(dirname(candidate), e)));
          return excluded ? { rootPath: manifestPath, section: null } : { rootPath: candidate, section: s };
        }
      }
      if (dirname(dir) === dir) return { rootPath: manifestPath, section: null };
    }
  }

  /** A package manifest, its `workspace = true` values taken from `inheritance` (found only when one is needed, as for cargo). */
  private loadPackage(path: string, inheritance: () => Inheritance | null): PackageManifest {
    let found: Inheritance | null | undefined;
    const inh = () => (found === undefined ? (found = inheritance()) : found);
    const { data, positions, text } = this.parseFile(path);
    const dir = dirname(path);
    const at = (k: string[]) => ({ path, ...positions.find(k) });
    const pkg = data.package ?? data.project;
    if (!isTable(pkg)) throw new UserError('manifest has no `[package]` section', { path });
    const inherit = (field: string): unknown => {
      const v = pkg[field];
      if (isTable(v) && v.workspace === true) {
        const from = inh();
        if (!from || !(field in from.section.package)) {
          throw new UserError(`\`${field}.workspace = true\` but \`workspace.package.${field}\` is not defined`, at(['package', field]));
        }
        return from.section.package[field];
      }
      return v;
    };
    const name = pkg.name;
    if (typeof name !== 'string') throw new UserError('`package.name` must be a string', at(['package', 'name']));
    if (!isValidCrateName(name)) {
      throw new UserError(`invalid package name \`${name}\`: only ASCII letters, digits, \`-\` and \`_\` are allowed, starting with a letter`, at(['package', 'name']));
    }
    const version = inherit('version') ?? '0.0.0';
    if (typeof version !== 'string') throw new UserError('`package.version` must be a string', at(['package', 'version']));
    if (!isValidVersion(version)) {
      throw new UserError(`invalid \`package.version\` \`${version}\`: not a semantic version (MAJOR.MINOR.PATCH, as \`0.1.0\`)`, at(['package', 'version']));
    }
    const edition = inherit('edition') ?? '2015';
    if (typeof edition !== 'string') throw new UserError('`package.edition` must be a string', at(['package', 'edition']));
    let decls: DepDecl[];
    let features: Record<string, string[]>;
    try {
      decls = readAllDeps(data);
      features = readFeatures(data);
    } catch (e) {
      if (e instanceof ManifestShapeError) throw new UserError(e.message, at(e.keyPath));
      throw e;
    }
    const deps = decls.map((d) => {
      const p = positions.find([...d.tablePath, d.name]) ?? { line: 1, column: 1 };
      const site: DeclarationSite = { manifestPath: path, line: p.line, column: p.column, table: d.tablePath.join('.'), tablePath: d.tablePath };
      let out: MemberDep = { ...d, site };
      if (d.workspace) out = inheritDep(out, inh(), at);
      else if (d.path !== undefined) out.pathDir = resolve(dir, d.path);
      return out;
    });
    return {
      path,
      dir,
      name,
      version,
      edition,
      links: typeof pkg.links === 'string' ? pkg.links : null,
      procMacro: isProcMacro(data),
      deps,
      features,
      text,
      data,
      positions,
    };
  }

  private excluded(dir: string): boolean {
    return (this.section?.exclude ?? []).some((e) => isUnder(dir, resolve(this.rootDir, e)));
  }

  private addMember(dir: string): void {
    if (this.memberByDir.has(dir)) return;
    const path = join(dir, 'Cargo.toml');
    if (!existsSync(path)) throw new UserError(`failed to load manifest for workspace member \`${dir}\``, { path: this.rootPath });
    const m = this.loadPackage(path, () => this.ours);
    this.memberByDir.set(dir, m);
    this.members.push(m);
  }

  /** The root package (if any), then `workspace.members` by their globs, then path dependencies under the root; the root package returned. */
  private loadMembers(): PackageManifest | null {
    const { root, rootDir, rootPath, section } = this;
    const rootHasPackage = isTable(root.data.package) || isTable(root.data.project);
    if (rootHasPackage) this.addMember(rootDir);
    if (section) {
      for (const pattern of section.members) {
        const dirs = expandGlob(rootDir, pattern);
        if (dirs.length === 0 && !/[*?[]/.test(pattern)) {
          throw new UserError(`failed to load manifest for workspace member \`${resolve(rootDir, pattern)}\``, {
            path: rootPath,
            ...root.positions.find(['workspace', 'members']),
          });
        }
        for (const d of dirs) if (!this.excluded(d)) this.addMember(d);
      }
      // Path dependencies under the root become members too.
      for (let i = 0; i < this.members.length; i++) {
        for (const d of this.members[i].deps) {
          if (d.pathDir && isUnder(d.pathDir, rootDir) && !this.excluded(d.pathDir)) this.addMember(d.pathDir);
        }
      }
    }
    if (this.startPath !== rootPath && !this.memberByDir.has(dirname(this.startPath))) {
      throw new UserError(
        `current package believes it's in a workspace when it's not: ${rootPath} does not list it in \`workspace.members\``,
        { path: this.startPath },
        `add it to \`workspace.members\` or \`workspace.exclude\` in ${rootPath}`,
      );
    }
    return rootHasPackage ? this.memberByDir.get(rootDir)! : null;
  }

  /** `workspace.resolver`, else the root package's `resolver`, else its edition's default (1 for a virtual workspace). */
  private resolver(rootPkg: PackageManifest | null): 1 | 2 | 3 {
    const { root, rootPath, section } = this;
    if (section?.resolver !== undefined) return resolverFrom(section.resolver, rootPath, root.positions, ['workspace', 'resolver']);
    if (rootPkg && isTable(root.data.package) && typeof root.data.package.resolver === 'string') {
      return resolverFrom(root.data.package.resolver, rootPath, root.positions, ['package', 'resolver']);
    }
    return rootPkg ? editionResolver(rootPkg.edition) : 1;
  }

  /** `workspace.default-members`, else the root package, else every member. */
  private defaultMembers(rootPkg: PackageManifest | null): PackageManifest[] {
    const { root, rootDir, rootPath, section } = this;
    if (!section?.defaultMembers) return rootPkg ? [rootPkg] : [...this.members];
    const out: PackageManifest[] = [];
    for (const pattern of section.defaultMembers) {
      for (const d of expandGlob(rootDir, pattern)) {
        const m = this.memberByDir.get(d);
        if (!m) throw new UserError(`package \`${d}\` is listed in \`default-members\` but is not a member`, { path: rootPath, ...root.positions.find(['workspace', 'default-members']) });
        if (!out.includes(m)) out.push(m);
      }
    }
    return out;
  }

  /** A path package that is not a member; outside this workspace it inherits from its own workspace, if it is in one. */
  private loadPathPackage(dir: string): PackageManifest {
    const m = this.memberByDir.get(dir) ?? this.pathPackages.get(dir);
    if (m) return m;
    const manifestPath = join(dir, 'Cargo.toml');
    const p = this.loadPackage(manifestPath, () => {
      const own = this.findRoot(manifestPath);
      if (!own.section) return null;
      return own.rootPath === this.rootPath ? this.ours : { rootPath: own.rootPath, root: this.parseFile(own.rootPath), section: own.section };
    });
    this.pathPackages.set(dir, p);
    return p;
  }
}

/** A `workspace = true` dependency with what `[workspace.dependencies]` gives it (cargo's rules for features, optional and default-features). */
function inheritDep(d: MemberDep, inh: Inheritance | null, at: (k: string[]) => { path: string }): MemberDep {
  const raw = inh ? inh.section.dependencies[d.name] : undefined;
  if (raw === undefined) {
    throw new UserError(`dependency \`${d.name}\` is \`workspace = true\` but \`workspace.dependencies.${d.name}\` is not defined`, at([...d.tablePath, d.name]));
  }
  let base: DepDecl;
  try {
    base = readAllDeps({ dependencies: { [d.name]: raw } })[0];
  } catch (e) {
    if (e instanceof ManifestShapeError) throw new UserError(e.message, { path: inh!.rootPath, ...inh!.root.positions.find(['workspace', ...e.keyPath]) });
    throw e;
  }
  const wp = inh!.root.positions.find(['workspace', 'dependencies', d.name]) ?? { line: 1, column: 1 };
  // A member may add features and make the dependency optional; `default-features = true`
  // in the member turns defaults back on where the root turned them off (cargo's rule).
  const defaultFeatures = d.defaultFeaturesSet && d.default_features && !base.default_features ? true : base.default_features;
  return {
    ...base,
    name: d.name,
    kind: d.kind,
    target: d.target,
    tablePath: d.tablePath,
    optional: d.optional,
    features: [...base.features, ...d.features.filter((f) => !base.features.includes(f))],
    default_features: defaultFeatures,
    defaultFeaturesSet: base.defaultFeaturesSet,
    workspace: true,
    pathDir: base.path !== undefined ? resolve(dirname(inh!.rootPath), base.path) : undefined,
    site: {
      ...d.site,
      inheritedFrom: { manifestPath: inh!.rootPath, line: wp.line, column: wp.column, table: 'workspace.dependencies', tablePath: ['workspace', 'dependencies'] },
    },
  };
}
