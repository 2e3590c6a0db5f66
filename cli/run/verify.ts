/**
 * The `verify` pipeline: which binaries to read (the paths given, or the
 * selected packages' bin and cdylib targets under cargo's target
 * directory), their facts (`src/binary`), the expectations they fail, and
 * the crates of the target's artifact graph that explain each library they
 * need, with the finding and fix `check` gives for that crate.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { checkMaxGlibc, distributionsFor, expectStatic, inspectBinary, isRuntimeLibrary, type BinaryFacts, type Problem } from '../../src/binary/index.js';
import { hostTriple, knownTargets } from '../../src/cfg/index.js';
import type { CargoConfig } from '../../src/config/cargo-config.js';
import { UserError } from '../../src/errors.js';
import { RegistryError } from '../../src/registry/types.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';
import type { PackageManifest } from '../../src/manifest/workspace.js';
import type { BuildScriptReading, Evidence } from '../../src/evidence/build-script.js';
import type { GraphPackage, PackageKey, TargetGraph } from '../../src/resolve/types.js';
import type { Finding, Severity } from '../../src/rules/types.js';
import { loadCargoConfig, projectStart } from '../common.js';
import { configuredTargets } from '../targets.js';
import type { CommandContext } from '../context.js';
import { runCheck, type CheckRun } from './check.js';
import type { VerifyArgs } from './options.js';
import type { Attribution, AttributedFinding, AttributionVia, VerifiedArtifact, VerifyProblem, VerifyReport } from '../output/verify.js';

export type { VerifyReport } from '../output/verify.js';

/** What an attribution source may read: the target's graph, the knowledge base, and what the build scripts of the graph's crates show. */
export interface AttributionContext {
  graph: TargetGraph;
  kb: KnowledgeBase;
  /** The build-script readings of this target (`buildScriptEvidence`, as `check` computes them), by package. */
  buildScripts?: ReadonlyMap<PackageKey, BuildScriptReading>;
}

/** A crate that links a library, by one source of evidence, with the places in its build script that say so (build-script evidence only). */
export interface Explained {
  pkg: GraphPackage;
  evidence?: Evidence[];
}

/** One source of evidence that a crate links a library. */
export interface AttributionSource {
  /** How the report says the crate was found (`links`, `knowledge-base`, `build-script`). */
  id: AttributionVia;
  /** The packages of the graph that link `library` (a file name as the binary names it), by this evidence. */
  explain(library: string, ctx: AttributionContext): Explained[];
}

/** The name a library is linked by (`-l NAME`): `libz.so.1` → `z`, `libssl-3-x64.dll` → `ssl`, `/usr/lib/libiconv.2.dylib` → `iconv`. */
export function linkName(library: string): string {
  const file = basename(library);
  if (/\.dll$/i.test(file)) {
    // Windows builds put the version and the architecture in the name: libssl-3-x64.dll, libcrypto-3.dll.
    return file
      .replace(/\.dll$/i, '')
      .replace(/^lib/, '')
      .replace(/(?:-\d+)*(?:-x64|-x86|-arm64)?$/i, '');
  }
  return file
    .replace(/\.so(?:\.\d+)*$/, '')
    .replace(/(?:\.\d+)*\.dylib$/, '')
    .replace(/^lib/, '');
}

/** A package whose `links` key is the library's link name (`links = "z"` for `libz.so.1`). */
export const LINKS_SOURCE: AttributionSource = {
  id: 'links',
  explain(library, { graph }) {
    const name = linkName(library);
    return [...graph.packages.values()].filter((p) => p.links === name).map((pkg) => ({ pkg }));
  },
};

/**
 * The knowledge base's system-library names: an entry whose system library
 * names `libssl, libcrypto` explains `libssl.so.3` by its `-sys` crate
 * (openssl-sys). Entries whose library is never a system one (built from
 * source) are left out.
 */
export const KNOWLEDGE_BASE_SOURCE: AttributionSource = {
  id: 'knowledge-base',
  explain(library, { graph, kb }) {
    const name = linkName(library);
    const crates = new Set<string>();
    for (const entry of kb.entries) {
      const text = entry.systemLibrary ?? '';
      if (/\bnever\b|^none\b/.test(text)) continue;
      const names = [...text.matchAll(/\blib([\w+]+(?:[-.][\w+]+)*)/g)].map((m) => m[1]!);
      if (!names.includes(name)) continue;
      for (const c of entry.crates) if (c.role === 'sys') crates.add(c.name);
    }
    return [...graph.packages.values()].filter((p) => crates.has(p.name)).map((pkg) => ({ pkg }));
  },
};

/**
 * pkg-config modules whose libraries are named otherwise (`zlib` links
 * `-lz`): the modules probed by the build scripts of common `-sys` crates.
 * Any other module is taken to link its own name, less a `lib` prefix
 * (`libpq` → `pq`, `libzstd` → `zstd`, `dbus-1` → `dbus-1`).
 */
const PKG_CONFIG_LIBRARIES: Record<string, string[]> = {
  zlib: ['z'],
  openssl: ['ssl', 'crypto'],
  bzip2: ['bz2'],
  sqlite3: ['sqlite3'],
  liblzma: ['lzma'],
  'libpcre2-8': ['pcre2-8'],
  libcurl: ['curl'],
  x11: ['X11'],
  xext: ['Xext'],
  xrandr: ['Xrandr'],
  xi: ['Xi'],
  xcursor: ['Xcursor'],
  'gtk+-3.0': ['gtk-3', 'gdk-3'],
  'glib-2.0': ['glib-2.0'],
  'gobject-2.0': ['gobject-2.0', 'glib-2.0'],
  'gio-2.0': ['gio-2.0', 'gobject-2.0', 'glib-2.0'],
  alsa: ['asound'],
  libudev: ['udev'],
  'libusb-1.0': ['usb-1.0'],
  libpcap: ['pcap'],
  fontconfig: ['fontconfig'],
  freetype2: ['freetype'],
  libsystemd: ['systemd'],
  libseccomp: ['seccomp'],
};

/** The link names a build script's library stands for: a `rustc-link-lib` name as it is, a pkg-config module by the table above or its own name less `lib`. */
export function scriptLinkNames(name: string): string[] {
  const known = PKG_CONFIG_LIBRARIES[name.toLowerCase()];
  return known ?? [...new Set([name, name.replace(/^lib(?=.)/, '')])];
}

/**
 * What the build scripts of the graph's crates link, as `check` read them
 * (`buildScriptEvidence`): a `system` verdict's libraries (`rustc-link-lib=NAME`,
 * pkg-config, system-deps and vcpkg probes, or a `[target.<triple>.<links>]`
 * override), and the C++ runtime (`libstdc++`, `libc++`) for a script that
 * compiles C++. The evidence is the script's lines.
 */
export const BUILD_SCRIPT_SOURCE: AttributionSource = {
  id: 'build-script',
  explain(library, { graph, buildScripts }) {
    if (!buildScripts?.size) return [];
    const name = linkName(library);
    const cxxRuntime = /^(?:stdc\+\+|c\+\+|c\+\+abi|c\+\+_shared)$/.test(name);
    const out: Explained[] = [];
    for (const pkg of graph.packages.values()) {
      const r = buildScripts.get(pkg.key);
      if (r?.kind !== 'classified') continue;
      const v = r.verdict;
      if (v.kind === 'system' && v.libraries.some((l) => scriptLinkNames(l).includes(name))) out.push({ pkg, evidence: v.evidence });
      else if (v.kind === 'bundled' && v.cxx && cxxRuntime) out.push({ pkg, evidence: v.evidence });
    }
    return out;
  },
};

/** The evidence `verify` uses, in order. */
export const ATTRIBUTION_SOURCES: readonly AttributionSource[] = [LINKS_SOURCE, KNOWLEDGE_BASE_SOURCE, BUILD_SCRIPT_SOURCE];

export interface VerifyRun {
  report: VerifyReport;
  failOn: Severity | 'never';
  close(): Promise<void>;
}

/** A binary to read: where it is, the target it was built for (null when unknown), and its facts once read. */
interface Wanted {
  path: string;
  target: string | null;
  facts?: BinaryFacts[];
}

/** cargo-zigbuild's `x86_64-unknown-linux-gnu.2.17` (a glibc version after the triple) builds into the plain triple's folder. */
export function plainTriple(triple: string): string {
  return triple.replace(/\.\d+(?:\.\d+)*$/, '');
}

/** The folder a profile's output goes to: `dev` and `test` build into `debug`, `bench` into `release`. */
export function profileDir(profile: string | undefined, debug: boolean): string {
  if (debug) return 'debug';
  if (profile === undefined || profile === 'release' || profile === 'bench') return 'release';
  if (profile === 'dev' || profile === 'test') return 'debug';
  return profile;
}

/**
 * cargo's target directory: `--target-dir`, else `CARGO_TARGET_DIR` (or
 * `CARGO_BUILD_TARGET_DIR`), else `build.target-dir` (relative to the folder
 * holding the `.cargo` folder of its file), else `target` in the workspace root.
 */
export function targetDir(option: string | undefined, config: CargoConfig, env: NodeJS.ProcessEnv, cwd: string, workspaceRoot: string): string {
  if (option !== undefined) return resolvePath(cwd, option);
  if (env.CARGO_TARGET_DIR) return resolvePath(cwd, env.CARGO_TARGET_DIR);
  const found = config.getWithEnv<string>(['build', 'target-dir'], 'CARGO_BUILD_TARGET_DIR', env, cwd);
  if (found && typeof found.value === 'string') return resolvePath(found.baseDir, found.value);
  return join(workspaceRoot, 'target');
}

/** The file names cargo gives a package's binaries and cdylib on a target. */
export function artifactNames(pkg: PackageManifest, target: string): { bins: string[]; cdylib: string | null } {
  const data = pkg.data;
  const windows = target.includes('windows');
  const apple = target.includes('apple');
  const section = (data.package ?? {}) as Record<string, unknown>;
  const bins = new Set<string>();
  const declared = Array.isArray(data.bin) ? (data.bin as Record<string, unknown>[]) : [];
  for (const b of declared) if (typeof b.name === 'string') bins.add(b.name);
  if (section.autobins !== false) {
    if (existsSync(join(pkg.dir, 'src', 'main.rs'))) bins.add(pkg.name);
    const binDir = join(pkg.dir, 'src', 'bin');
    if (existsSync(binDir)) {
      for (const e of readdirSync(binDir, { withFileTypes: true })) {
        if (e.isFile() && e.name.endsWith('.rs')) bins.add(e.name.slice(0, -3));
        else if (e.isDirectory() && existsSync(join(binDir, e.name, 'main.rs'))) bins.add(e.name);
      }
    }
  }
  const lib = (data.lib ?? {}) as Record<string, unknown>;
  const types = Array.isArray(lib['crate-type']) ? lib['crate-type'] : Array.isArray(lib.crate_type) ? lib.crate_type : [];
  const libName = (typeof lib.name === 'string' ? lib.name : pkg.name).replace(/-/g, '_');
  const cdylib = types.includes('cdylib') ? (windows ? `${libName}.dll` : apple ? `lib${libName}.dylib` : `lib${libName}.so`) : null;
  return { bins: [...bins].sort().map((b) => (windows ? `${b}.exe` : b)), cdylib };
}

/** The target a binary given by path was built for: `--target` when one is given, else a triple in its path (`target/<triple>/release/app`), else the host. */
function targetOfPath(path: string, given: string[] | undefined): string | null {
  if (given?.length === 1) return plainTriple(given[0]!);
  const known = new Set(knownTargets());
  const parts = path.split(sep);
  for (let i = parts.length - 2; i >= 0; i--) if (known.has(parts[i]!)) return parts[i]!;
  return hostTriple();
}

const rel = (cwd: string, p: string) => {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

/** Runs `verify`: finds and reads the binaries, then attributes and judges them. */
export async function runVerify(args: VerifyArgs, ctx: CommandContext): Promise<VerifyRun> {
  const o = args.options;
  const warnings: string[] = [];
  let wanted: Wanted[];
  let run: CheckRun | undefined;
  const checkArgs = (targets: string[]) => ({ ...args, positionals: [], options: { ...o, target: targets } });

  if (args.positionals.length) {
    wanted = args.positionals.map((p) => ({ path: resolvePath(ctx.cwd, p), target: targetOfPath(resolvePath(ctx.cwd, p), o.target) }));
    // Read every binary first: a bad one is refused before the project is loaded.
    for (const w of wanted) w.facts = inspectBinary(w.path, rel(ctx.cwd, w.path));
    const targets = [...new Set(wanted.flatMap((w) => (w.target ? [w.target] : [])))];
    try {
      run = await runCheck(checkArgs(targets), ctx);
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof RegistryError)) throw e;
      warnings.push(`no crate is named for the libraries: the project could not be read (${e instanceof UserError ? e.format() : e.message})`);
    }
  } else {
    const { dir } = projectStart(args, ctx.cwd);
    const config = loadCargoConfig(args, dir, ctx.env);
    const configured = o.target ? undefined : configuredTargets(config, ctx.env, ctx.cwd);
    // Without --target and build.target, cargo builds for the host into target/<profile>.
    const triples = (o.target ?? configured)?.map(plainTriple);
    const host = hostTriple();
    run = await runCheck(checkArgs(triples ?? [host]), ctx);
    const root = run.loaded.project.workspace.rootDir;
    const base = targetDir(o['target-dir'], config, ctx.env, ctx.cwd, root);
    const profile = profileDir(o.profile, !!o.debug);
    wanted = [];
    const missing: string[] = [];
    const members = run.loaded.project.workspace.members.filter((m) => run!.graphs[0]?.roots.some((k) => run!.graphs[0]!.packages.get(k)?.manifestPath === m.path));
    for (const triple of triples ?? [null]) {
      const target = triple ?? host;
      const folder = triple ? join(base, triple, profile) : join(base, profile);
      for (const m of members) {
        const names = artifactNames(m, target);
        for (const file of [...names.bins, ...(names.cdylib ? [names.cdylib] : [])]) {
          const path = join(folder, file);
          if (existsSync(path) && statSync(path).isFile()) wanted.push({ path, target });
          else if (file === names.cdylib && target.includes('musl')) {
            warnings.push(`${rel(ctx.cwd, path)} is not there: rustc builds no cdylib for ${target} with \`crt-static\` (musl's default), so ${m.name}'s cdylib is dropped`);
          } else missing.push(rel(ctx.cwd, path));
        }
      }
    }
    if (!wanted.length) {
      await run.loaded.sources.close();
      const build = `cargo build${profile === 'release' ? ' --release' : profile === 'debug' ? '' : ` --profile ${o.profile}`}${triples ? triples.map((t) => ` --target ${t}`).join('') : ''}`;
      if (!missing.length) throw new UserError('the selected packages have no bin or cdylib target to verify', undefined, 'name the binaries to verify: `cargo-preflight verify PATH...`');
      throw new UserError(`nothing built yet: no binary at ${missing.join(', ')}`, undefined, `build first (\`${build}\`), or name the binaries: \`cargo-preflight verify PATH...\``);
    }
    for (const m of missing) warnings.push(`${m} is not built; it is not verified`);
  }

  const artifacts: VerifiedArtifact[] = [];
  try {
    for (const w of wanted) {
      const display = rel(ctx.cwd, w.path);
      for (const facts of w.facts ?? inspectBinary(w.path, display)) {
        const graph = run?.graphs.find((g) => g.target === w.target);
        // The facts name the binary as shown; the report keeps its absolute path too (CI formats give it relative to the repository).
        artifacts.push(judge({ ...facts, path: w.path }, w.target, display, graph, run, args));
      }
    }
  } catch (e) {
    // A binary refused after the project was loaded: nothing of the run may outlive it.
    await run?.loaded.sources.close();
    throw e;
  }
  const failOn: Severity | 'never' = o['fail-on'] ?? run?.failOn ?? 'error';
  return {
    report: { artifacts, warnings: [...warnings, ...(run?.report.warnings ?? [])], ...(o.expect ? { expect: o.expect } : {}), ...(o['max-glibc'] ? { maxGlibc: o['max-glibc'] } : {}) },
    failOn,
    close: async () => run?.loaded.sources.close(),
  };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The finding `check` gives for a crate on a target (the most severe), in the words the report uses. */
function findingFor(run: CheckRun, target: string | null, name: string, version: string): AttributedFinding | undefined {
  const f = run.report.findings
    .filter((x: Finding) => x.target === target && x.package.name === name && x.package.version === version)
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])[0];
  if (!f) return undefined;
  return { id: f.id, rule: f.rule, severity: f.severity, message: f.message, manifest: f.direct?.manifest ?? f.lockfile, fixes: f.fixes.map((x) => x.title) };
}

/** Attribution and the problems of one binary. */
function judge(facts: BinaryFacts, target: string | null, display: string, graph: TargetGraph | undefined, run: CheckRun | undefined, args: VerifyArgs): VerifiedArtifact {
  const o = args.options;
  const attribution: Attribution[] = [];
  const problems: VerifyProblem[] = [];
  for (const library of facts.needed) {
    // Without the project's graph (binaries named outside a cargo project) nothing is attributed.
    if (!graph || !run || isRuntimeLibrary(facts.format, library)) continue;
    const crates = new Map<string, Attribution['crates'][number]>();
    const ctx: AttributionContext = { graph, kb: run.kb, ...(run.buildScripts?.get(graph.target) ? { buildScripts: run.buildScripts.get(graph.target)! } : {}) };
    for (const source of ATTRIBUTION_SOURCES) {
      for (const { pkg: p, evidence } of source.explain(library, ctx)) {
        const key = `${p.name} ${p.version}`;
        const had = crates.get(key) ?? { name: p.name, version: p.version, via: [] };
        crates.set(key, had);
        had.via.push(source.id);
        if (evidence?.length) had.evidence = [...(had.evidence ?? []), ...evidence];
      }
    }
    const list = [...crates.values()];
    const finding = list.map((c) => findingFor(run, target, c.name, c.version)).find(Boolean);
    attribution.push({ library, crates: list, ...(finding ? { finding } : {}) });
    if (!list.length) {
      problems.push({
        id: 'unexplained-library',
        severity: 'info',
        library,
        message: `no crate of the artifact graph for ${target} links ${library}: it may come from rustflags (\`-l\`), a link argument in \`.cargo/config.toml\`, or a C dependency's own dependency`,
      });
    }
  }
  const located = (library: string | undefined) => {
    const a = library ? attribution.find((x) => x.library === library) : attribution.find((x) => x.finding);
    return a?.finding ? { location: a.finding.manifest ?? undefined, fixes: a.finding.fixes } : {};
  };
  if (o.expect === 'static') {
    for (const p of expectStatic(facts)) problems.push({ id: p.id, severity: 'error', message: problemText(p, facts), library: p.library, ...located(p.library) });
  }
  if (o['max-glibc']) {
    for (const p of checkMaxGlibc(facts, o['max-glibc'])) problems.push({ id: p.id, severity: 'error', message: problemText(p, facts) });
  }
  if (facts.glibcPrivate) {
    problems.push({ id: 'glibc-private', severity: 'warning', message: "it needs GLIBC_PRIVATE, glibc's internal interface: it runs only with the very glibc release it was linked against" });
  }
  return {
    ...facts,
    target,
    display,
    attribution,
    problems,
    ...(facts.glibcFloor ? { distributions: distributionsFor(facts.glibcFloor) } : {}),
  };
}

/** The text of an expectation's failure. */
export function problemText(p: Problem, f: BinaryFacts): string {
  switch (p.id) {
    case 'not-static':
      return `it is ${f.linkage === 'dynamic' ? 'dynamically linked' : f.linkage}${f.interpreter ? ` (interpreter ${f.interpreter})` : ''}${f.needed.length ? `, needing ${f.needed.join(', ')}` : ''}; --expect static wants static or static-pie`;
    case 'library-needed':
      return `the shared library needs ${p.data.library}, which is not the C runtime (--expect static)`;
    case 'crt-dll':
      return `it imports the C runtime DLL ${p.data.library}: build with \`-C target-feature=+crt-static\` to link the C runtime statically (--expect static)`;
    case 'non-system-dll':
      return `it imports ${p.data.library}, which is not a Windows system DLL (--expect static)`;
    case 'non-system-dylib':
      return `it loads ${p.data.library}, which is neither libSystem nor a system library or framework (--expect static)`;
    case 'glibc-too-new':
      return `it needs glibc ${p.data.floor}, newer than --max-glibc ${p.data.max}`;
    case 'glibc-private':
      return 'it needs GLIBC_PRIVATE';
  }
}
