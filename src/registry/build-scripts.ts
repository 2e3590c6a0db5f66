/**
 * The build scripts of registry and vendored crates, read as text for the
 * classifier of `src/evidence`: the script (`package.build`, else
 * `build.rs`) and the files it pulls in. A vendored crate, or one cargo has
 * unpacked or the tool has cached, is read whatever it is: its files are on
 * disk. An archive is downloaded only for a crate that shows a native sign:
 * a `links` key, or a build dependency on a crate that builds or finds C
 * libraries (`NATIVE_BUILD_DEPS`). Downloads run under a small bound and are
 * counted; one that fails is reported with its reason, never dropped.
 */
import { relative, sep } from 'node:path';
import { DirectorySource } from './vendor.js';
import type { LimitFunction } from 'p-limit';
import { readScriptsFromDir } from './crate-files.js';
import { NotCachedError, RegistryError, type CrateSource, type IndexVersion } from './types.js';

/** Build dependencies that mean the script builds or finds native code (rustc probes such as autocfg or version_check do not). */
export const NATIVE_BUILD_DEPS = new Set(['pkg-config', 'cc', 'gcc', 'cmake', 'vcpkg', 'bindgen', 'system-deps', 'autotools', 'cxx-build', 'metadeps']);

/** Whether an index entry shows a native sign: `links`, or a build dependency of `NATIVE_BUILD_DEPS`. */
export function hasNativeSign(v: { links: string | null; deps: readonly IndexVersion['deps'][number][] }): boolean {
  return v.links !== null || v.deps.some((d) => d.kind === 'build' && NATIVE_BUILD_DEPS.has(d.package ?? d.name));
}

export interface ScriptRequest {
  key: string;
  name: string;
  version: string;
  /** Cargo.lock's source string. */
  source: string;
  lockChecksum: string | null;
  /**
   * What the resolver already read of the version's index entry (its links,
   * dependencies and archive checksum): the entry is then not looked up again.
   */
  entry?: { links: string | null; deps: readonly IndexVersion['deps'][number][]; cksum?: string };
}

export type ScriptReadResult =
  | {
      kind: 'read';
      /** Where evidence is named: `<name>-<version>`, or the vendored folder relative to the workspace root. */
      root: string;
      /** `root` is relative to the workspace root (a vendored crate). */
      inWorkspace: boolean;
      manifest: string;
      /** The build script first, then what it pulls in; empty when the crate has none. */
      scripts: { path: string; text: string }[];
      nativeSign: boolean;
    }
  /** The crate shows a native sign and its script could not be had. */
  | { kind: 'unreadable'; reason: string }
  /** Not read: no native sign and no local copy, or no source gives files (a git dependency). */
  | { kind: 'skipped' };

export interface ScriptReadOptions {
  sourceFor: (lockSource: string) => CrateSource | null;
  /** The workspace root, for vendored paths. */
  workspaceRoot: string;
  /** Downloads at once. */
  concurrency?: number;
}

export interface ScriptReads {
  results: Map<string, ScriptReadResult>;
  /** Archives downloaded for their build scripts. */
  downloads: number;
}

export async function readBuildScripts(requests: readonly ScriptRequest[], opts: ScriptReadOptions): Promise<ScriptReads> {
  const results = new Map<string, ScriptReadResult>();
  let downloads = 0;
  const vendorRoots = new Map<DirectorySource, string | null>();
  const remote: { r: ScriptRequest; source: CrateSource }[] = [];
  // Vendored crates first, synchronously: their files are on disk, hundreds a run.
  for (const r of requests) {
    let source: CrateSource | null;
    try {
      source = opts.sourceFor(r.source);
    } catch {
      source = null;
    }
    if (!source) results.set(r.key, { kind: 'skipped' });
    else if (source instanceof DirectorySource) {
      let root = vendorRoots.get(source);
      if (root === undefined) vendorRoots.set(source, (root = vendorRootOf(source, opts.workspaceRoot)));
      results.set(r.key, vendored(source, r, root));
    } else remote.push({ r, source });
  }
  // p-limit is loaded at the first download (most runs, offline or with every crate at hand, make none).
  let limiter: Promise<LimitFunction> | undefined;
  const limit = <T>(f: () => Promise<T>): Promise<T> => {
    limiter ??= import('p-limit').then(({ default: pLimit }) => pLimit(opts.concurrency ?? 8));
    return limiter.then((l) => l(f));
  };
  await Promise.all(
    remote.map(async ({ r, source }) => {
      let v: IndexVersion | ScriptRequest['entry'] | undefined = r.entry;
      try {
        v ??= (await source.getCrate(r.name, new Set([r.version])))?.versions.find((x) => x.vers === r.version);
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
      }
      // No index entry: the crate is unresolved, and reported as such.
      if (!v || !source.files) return results.set(r.key, { kind: 'skipped' });
      const nativeSign = hasNativeSign(v);
      const id = { name: r.name, version: r.version, checksums: [v.cksum, r.lockChecksum].filter((c): c is string => typeof c === 'string' && c !== '') };
      const files = source.files;
      let set = files.localCopy(id);
      if (!set && nativeSign) {
        if (!files.canDownload) return results.set(r.key, { kind: 'unreadable', reason: 'no local copy of the crate, and archive downloads are off or the run is offline' });
        try {
          set = await limit(() => files.read(id));
          if (set?.from === 'download') downloads++;
        } catch (e) {
          if (!(e instanceof RegistryError) || e instanceof NotCachedError) throw e;
          return results.set(r.key, { kind: 'unreadable', reason: e.message });
        }
        if (!set) return results.set(r.key, { kind: 'unreadable', reason: 'the registry did not give its archive' });
      }
      if (!set) return results.set(r.key, { kind: 'skipped' });
      return results.set(r.key, { kind: 'read', root: `${r.name}-${r.version}`, inWorkspace: false, manifest: set.manifest, scripts: set.scripts, nativeSign });
    }),
  );
  return { results, downloads };
}

function vendored(source: DirectorySource, r: ScriptRequest, vendorRoot: string | null): ScriptReadResult {
  // The folder's manifest says what the version declares: no second search of the directory.
  const folder = source.crateFolder(r.name, r.version);
  if (!folder) return { kind: 'skipped' };
  const { dir, manifest, entry: v } = folder;
  const scripts = readScriptsFromDir(dir, manifest);
  const root = vendorRoot === null ? `${r.name}-${r.version}` : `${vendorRoot}${dir.slice(source.dir.length + 1)}`;
  return { kind: 'read', root, inWorkspace: vendorRoot !== null, manifest, scripts, nativeSign: hasNativeSign(v) };
}

/** `vendor/` for a vendor directory inside the workspace; null for one outside it. */
function vendorRootOf(source: DirectorySource, workspaceRoot: string): string | null {
  const rel = relative(workspaceRoot, source.dir).split(sep).join('/');
  if (rel.startsWith('..') || /^[A-Za-z]:|^\//.test(rel)) return null;
  return rel === '' ? '' : `${rel}/`;
}
