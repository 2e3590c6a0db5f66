/**
 * What a build script links, read from its text (and the modules it pulls
 * in), never run: a pure function of the crate's manifest facts and the
 * sources. It answers one of
 *
 * - `system`: the script links a library of the build machine: it probes
 *   pkg-config (`pkg_config::probe_library`, `Config::probe`,
 *   `find_library`), system-deps or vcpkg, prints `cargo:rustc-link-lib=`
 *   (or `cargo::`) with kind `dylib` or none for a library it does not build
 *   (a name read from a local `let` of literals counts), or runs a `*-config`
 *   tool (`llvm-config`) through `Command`; or, when it builds nothing of its
 *   own, reads its own `*_DIR`, `*_LIB_DIR`, `*_INCLUDE_DIR` variables (beside
 *   a build of its own, such a variable points at a prebuilt library instead
 *   of it); or, in a file of the crate's own sources given with it
 *   (`crateSource`), it puts `#[link(name = "..")]` with kind `dylib` or none
 *   on an extern block. The switches it reads that may make it static (a
 *   declared feature named like `static`, `bundled` or `vendored`, read as
 *   `cfg!(feature = ..)` or `CARGO_FEATURE_*`; a `*_STATIC` variable) are
 *   listed, except one whose `if` only panics, and a feature under whose
 *   positive `if` the script links a library of the build machine
 *   dynamically (sdl2-sys's `bundled`);
 * - `bundled`: it compiles only sources it ships (`cc::Build`, `cmake` or
 *   `autotools` on a path inside the crate, `make` or `./configure` run
 *   through `Command`, whose static libraries it then links; a library named
 *   like a folder it builds with cmake or autotools, linked with a kind it
 *   computes at run time, `rustc-link-lib={}=opus` after
 *   `cmake::build("opus")`, is its own), C++ when `.cpp(true)`, a C++ runtime
 *   library or `cxx_build` says so;
 * - `runtime`: it links only the C library's own parts (`c`, `m`, `dl`,
 *   `pthread`, `rt`, `util`), Windows system libraries or Apple frameworks:
 *   nothing to report;
 * - `unknown`: anything else, or what the text does not tell.
 *
 * A `#[link(..)]` attribute is read only in the crate's own sources: there it
 * links the crate, as `rustc-link-lib` does (kind `static` as `static=`;
 * `framework` and `raw-dylib` are no finding); in the build script's files
 * it links only the build script's own executable, which runs on the build
 * machine, and is not read. The crate's sources are read for nothing else.
 *
 * Comments are no evidence; string literals are read for what cargo reads
 * from the script's output and for the variables it reads (not those it
 * sets for a child process or defines for cmake: `.env("X", ..)`,
 * `.define("X", ..)`, nor a feature's name formatted into `CARGO_FEATURE_{}`).
 */
import { lexRust, positionOf, stringAt, type LexedSource } from '../crate/rust-source.js';
import { callEnd, ifAround, linkAttributes, localLiterals, nextArgument, onlyPanics, positiveTest, statementStart } from './script-text.js';

export interface ScriptFacts {
  /** The folder evidence is named under: `<name>-<version>`, or the vendored crate's path relative to the workspace. */
  root: string;
  /** `root` is a path relative to the workspace root (a vendored crate), not a crate's own name. */
  inWorkspace?: boolean;
  links: string | null;
  /** Features the manifest declares. */
  features: readonly string[];
  /** Libraries `[package.metadata.system-deps]` names (for a script that calls system-deps). */
  systemDeps?: readonly string[];
}

export interface ScriptSource {
  /** Relative to the crate's root, `/`-separated; the first is the build script. */
  path: string;
  text: string;
  /**
   * A file of the crate's own sources (its library's, not the build script's): read only for the
   * `#[link(..)]` attributes on its extern blocks, which link the crate as `rustc-link-lib` does.
   */
  crateSource?: boolean;
}

/** A place in the script's sources: `root/path:line:column` and the text matched there. */
export interface Evidence {
  file: string;
  line: number;
  column: number;
  text: string;
  /** `file` is relative to the workspace root (vendored); else it is `<name>-<version>/…`, the crate's published files. */
  inWorkspace?: boolean;
}

/** A switch the script reads that may make it link statically. */
export interface StaticSwitch {
  /** `feature \`static\``, or the variable, e.g. `FOO_STATIC`. */
  kind: 'feature' | 'env';
  name: string;
  evidence: Evidence;
}

export type BuildScriptVerdict =
  | { kind: 'system'; libraries: string[]; switches: StaticSwitch[]; evidence: Evidence[] }
  | { kind: 'bundled'; cxx: boolean; evidence: Evidence[] }
  | { kind: 'runtime'; evidence: Evidence[] }
  | { kind: 'unknown'; reason: string; evidence: Evidence[] };

/**
 * What the rules get for a crate whose build script was looked at: the
 * verdict (from its script, or from a `[target.<triple>.<links>]` override
 * of cargo's configuration, which replaces the script), or why a script that
 * mattered could not be read.
 */
export type BuildScriptReading =
  | {
      kind: 'classified';
      verdict: BuildScriptVerdict;
      /** A `links` key or a build dependency that builds or finds native code. */
      nativeSign: boolean;
      /** Set when cargo's configuration overrides the script: where. */
      override?: string;
    }
  | { kind: 'unreadable'; reason: string };

/** Parts of the C library itself, always there: linking them is no finding. */
const LIBC_PARTS = new Set(['c', 'm', 'dl', 'pthread', 'rt', 'util', 'resolv']);
/** The C++ runtime: a script links it for C++ it compiles. */
const CXX_RUNTIME = new Set(['stdc++', 'c++', 'c++abi', 'supc++', 'c++_shared', 'c++_static']);
/** Windows system libraries (import libraries of the OS, not found on other targets). */
const WINDOWS_LIBS = new Set(
  'kernel32 user32 gdi32 advapi32 shell32 ole32 oleaut32 uuid ws2_32 wsock32 crypt32 bcrypt ncrypt secur32 userenv ntdll iphlpapi dbghelp winmm winhttp wininet shlwapi comctl32 comdlg32 version setupapi cfgmgr32 psapi powrprof rpcrt4 mswsock dnsapi netapi32 normaliz imm32 opengl32 d3d11 d3d12 dxgi dwmapi hid winspool credui mpr wtsapi32 synchronization propsys runtimeobject msvcrt msvcrtd ucrt vcruntime legacy_stdio_definitions'.split(
    ' ',
  ),
);

/** Feature names that read as "build the bundled library": static, bundled, vendored, from-source. */
const STATIC_FEATURE = /(^|[-_])(static|bundled?|vendored?|from[-_]source|build[-_]from[-_]source)([-_]|$)/i;

/** Runs the classifier over a build script and the files it pulls in. */
export function classifyBuildScript(facts: ScriptFacts, files: readonly ScriptSource[]): BuildScriptVerdict {
  const lexedAll = files.map((f) => lexRust(f.text));
  // The build script's files: what the script does is read there only.
  const lexed = lexedAll.filter((_, i) => !files[i]!.crateSource);
  const scan: Scan = {
    facts,
    declared: new Set(facts.features),
    built: new Set<string>(),
    trees: new Set<string>(),
    usesPkgConfig: lexed.some((l) => /\bpkg_config\b/.test(l.code)),
    usesCc: lexed.some((l) => /\b(?:cc|gcc)\s*::|\bextern\s+crate\s+(?:cc|gcc)\b|\buse\s+(?:cc|gcc)\b/.test(l.code)),
    usesCommand: lexed.some((l) => /\bCommand\b/.test(l.code)),
    formatsFeatures: lexed.some((l) => l.strings.some((s) => s.value.startsWith('CARGO_FEATURE_{'))),
    runsMake: false,
    system: [],
    weakSystem: [],
    libraries: [],
    switches: [],
    dynamicWhenOn: new Set<string>(),
    bundled: [],
    runtime: [],
    unclear: [],
    unnamed: [],
    staticLinks: [],
    cxx: false,
  };
  const { built, trees } = scan;

  // The libraries the script builds itself (`.compile("foo")`, cmake's `build_target`), from every file first.
  for (const l of lexed) {
    const re = /\.\s*(?:compile|build_target)\s*\(/g;
    for (let m = re.exec(l.code); m; m = re.exec(l.code)) {
      const lit = stringAt(l, m.index + m[0].length);
      if (lit) built.add(libName(lit.value));
    }
    // The source folders it builds with cmake or autotools: `cmake::build("opus")`, or a local `let` of such a path.
    const tree = /\b(?:cmake|autotools)\s*::\s*(?:Config\s*::\s*new|build)\s*\(/g;
    for (let m = tree.exec(l.code); m; m = tree.exec(l.code)) for (const name of folderNames(l, m.index + m[0].length)) trees.add(name);
  }
  for (const [i, f] of files.entries()) (f.crateSource ? scanCrateSource : scanFile)(f, lexedAll[i]!, scan);
  const { system, weakSystem, libraries, dynamicWhenOn, bundled, runtime, unclear, unnamed, staticLinks, cxx } = scan;
  // A static library linked by name is the crate's own when it builds one of that name, or runs a make of its own.
  for (const s of staticLinks) (built.has(s.name) || scan.runsMake ? bundled : unclear).push(s.ev);
  const switches = uniqueBy(
    scan.switches.filter((s) => s.kind !== 'feature' || !dynamicWhenOn.has(s.name)),
    (s) => `${s.kind} ${s.name}`,
  );

  if (system.length) {
    return { kind: 'system', libraries: unique(libraries), switches, evidence: byPlace([...system, ...weakSystem, ...unnamed]) };
  }
  if (bundled.length) return { kind: 'bundled', cxx, evidence: byPlace(bundled) };
  // A variable naming where the library is, in a script that builds nothing of its own.
  if (weakSystem.length) return { kind: 'system', libraries: unique(libraries), switches, evidence: byPlace([...weakSystem, ...unnamed]) };
  // A name given only at run time may be a system library, a part of the C library or the crate's own: say what is seen, not more.
  if (unnamed.length) return { kind: 'unknown', reason: 'it links a library whose name its build script computes', evidence: byPlace(unnamed) };
  if (unclear.length) return { kind: 'unknown', reason: 'it links a static library it does not build, or builds sources outside the crate', evidence: byPlace(unclear) };
  if (runtime.length) return { kind: 'runtime', evidence: byPlace(runtime) };
  return { kind: 'unknown', reason: 'nothing in its build script shows what it links', evidence: [] };
}

/** What the classifier gathers over a script's files. */
interface Scan {
  facts: ScriptFacts;
  /** Features the manifest declares. */
  declared: ReadonlySet<string>;
  /** The libraries the script builds itself (`.compile("foo")`, cmake's `build_target`). */
  built: Set<string>;
  /**
   * The names of the source folders it builds with cmake or autotools (`opus` of `cmake::build("opus")`):
   * a library of that name linked with a kind computed at run time (`rustc-link-lib={}=opus`) is the
   * one it builds, whichever kind the script picks.
   */
  trees: Set<string>;
  usesPkgConfig: boolean;
  usesCc: boolean;
  /** It runs programs (`std::process::Command`). */
  usesCommand: boolean;
  /** It formats feature names into `CARGO_FEATURE_{}`. */
  formatsFeatures: boolean;
  /** It runs `make` or a `configure` script through `Command`: a build of sources it ships. */
  runsMake: boolean;
  system: Evidence[];
  /** Its own `*_DIR` variables read: a system library only when the script builds nothing of its own. */
  weakSystem: Evidence[];
  libraries: string[];
  switches: StaticSwitch[];
  /** Features under whose positive `if` the script links a library of the build machine dynamically. */
  dynamicWhenOn: Set<string>;
  bundled: Evidence[];
  runtime: Evidence[];
  unclear: Evidence[];
  /** Libraries linked by a name only known when the script runs (`rustc-link-lib={}`). */
  unnamed: Evidence[];
  staticLinks: { name: string; ev: Evidence }[];
  cxx: boolean;
}

/** Programs that build a source tree the script ships when it runs them: make and autotools' scripts. */
const MAKE_PROGRAMS = new Set(['make', 'gmake', 'nmake', 'mingw32-make', 'configure', './configure', 'autoreconf', 'autogen.sh', './autogen.sh']);
/** A `*-config` tool that tells how to link an installed library (`llvm-config`, `pcap-config`, `mysql_config`); pkg-config aside, read as such. */
const CONFIG_TOOL = /^[A-Za-z][A-Za-z0-9.+_-]*[-_]config(?:-?[0-9][0-9.]*)?(?:\.exe)?$/;

/** The links a `rustc-link-lib=` or `rustc-flags=-l` literal prints (the text after `=` or `-l`). */
function linkSpecs(v: string): string[] {
  const specs: string[] = [];
  const linkRe = /cargo::?rustc-link-lib=([^\n"]*)/g;
  for (let m = linkRe.exec(v); m; m = linkRe.exec(v)) specs.push(m[1]!);
  // `rustc-flags=-l NAME` (cargo's older way, `-l static=NAME` too) links as `rustc-link-lib=NAME` does; `-L` is a search path.
  const flagsRe = /cargo::?rustc-flags=([^\n"]*)/g;
  for (let m = flagsRe.exec(v); m; m = flagsRe.exec(v)) for (const l of m[1]!.matchAll(/(?:^|\s)-l\s*([^\s]+)/g)) specs.push(l[1]!);
  return specs;
}

/** A link of a library of the build machine, by its literal name: not a framework, the C library, a Windows or C++ runtime library, nor static. */
function linksSystem(spec: { kind: string; name: string | null }): boolean {
  if (spec.name === null || spec.kind === 'framework' || spec.kind === 'static') return false;
  return !LIBC_PARTS.has(spec.name) && !CXX_RUNTIME.has(spec.name) && !WINDOWS_LIBS.has(spec.name.toLowerCase());
}

/** Reads one file of the script: probes, bundled builds, features and variables read, what it prints for cargo. */
function scanFile(f: ScriptSource, lexed: LexedSource, scan: Scan): void {
  const { facts, declared, usesPkgConfig, usesCc, system, weakSystem, libraries, switches, bundled } = scan;
  const { code } = lexed;
  const ev = (start: number, end: number): Evidence => evidenceAt(facts, f, start, end);
  const at = (s: { start: number; end: number }) => ev(statementStart(code, s.start), Math.max(s.end, callEnd(code, s.end)));
  const library = (pos: number) => {
    const lit = stringAt(lexed, pos);
    if (lit?.value) libraries.push(lit.value);
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => void) => {
    for (let m = re.exec(code); m; m = re.exec(code)) fn(m);
  };

  // pkg-config: `pkg_config::probe_library("x")`, `pkg_config::find_library("x")`, `Config::new()...probe("x")`.
  each(/\bpkg_config\s*::\s*(?:probe_library|find_library|probe)\s*\(/g, (m) => {
    system.push(ev(m.index, callEnd(code, m.index + m[0].length)));
    library(m.index + m[0].length);
  });
  if (usesPkgConfig) {
    each(/(?:\.\s*probe|(?<![:\w])(?:probe_library|find_library))\s*\(/g, (m) => {
      if (/pkg_config\s*::\s*$/.test(code.slice(Math.max(0, m.index - 16), m.index))) return;
      const start = statementStart(code, m.index);
      system.push(ev(start, callEnd(code, m.index + m[0].length)));
      library(m.index + m[0].length);
    });
    // pkg-config's first releases named the probe `find`: only on a `Config::new()` chain (`.find` is everywhere else).
    each(/\.\s*find\s*\(/g, (m) => {
      const from = Math.max(0, m.index - 240);
      const chain = /(?:\bpkg_config\s*::\s*)?\bConfig\s*::\s*new\s*\(\s*\)[^;{}]*$/.exec(code.slice(from, m.index));
      const lit = chain && stringAt(lexed, m.index + m[0].length);
      if (!chain || !lit) return;
      system.push(ev(from + chain.index, callEnd(code, m.index + m[0].length)));
      library(m.index + m[0].length);
    });
  }
  // system-deps reads its libraries from the manifest's metadata.
  each(/\bsystem_deps\s*::\s*Config\s*::\s*new\s*\(\s*\)/g, (m) => {
    system.push(ev(m.index, m.index + m[0].length));
    libraries.push(...(facts.systemDeps ?? []));
  });
  // vcpkg: `vcpkg::find_package("x")`, `vcpkg::Config::new()...find_package("x")`.
  each(/\bvcpkg\s*::\s*(?:find_package|Config\s*::\s*new)\s*\(/g, (m) => {
    system.push(ev(m.index, callEnd(code, m.index + m[0].length)));
    if (/find_package/.test(m[0])) library(m.index + m[0].length);
  });

  // Bundled sources: cc, cmake, autotools, cxx_build on paths inside the crate.
  each(/\b(?:cc|gcc)\s*::\s*(?:Build|Config)\b/g, (m) => bundled.push(ev(m.index, m.index + m[0].length)));
  // A `-src` crate's builder (openssl_src, lua_src, zeromq_src, ...) compiles the C sources that crate ships.
  each(/\b[a-z][a-z0-9_]*_src\s*::\s*Build\s*::\s*new\s*\(\s*\)/g, (m) => bundled.push(ev(m.index, m.index + m[0].length)));
  if (usesCc) each(/(?<![:\w])Build\s*::\s*new\s*\(\s*\)/g, (m) => bundled.push(ev(m.index, m.index + m[0].length)));
  each(/\b(?:cmake|autotools)\s*::\s*(?:Config\s*::\s*new|build)\s*\(/g, (m) => {
    const lit = stringAt(lexed, m.index + m[0].length);
    const e = ev(m.index, callEnd(code, m.index + m[0].length));
    // A literal path inside the crate is its own source; an absolute or outside one is not.
    if (lit && (lit.value.startsWith('/') || lit.value.startsWith('..'))) scan.unclear.push(e);
    else bundled.push(e);
  });
  each(/\bcxx_build\s*::\s*bridges?\s*\(/g, (m) => {
    bundled.push(ev(m.index, callEnd(code, m.index + m[0].length)));
    scan.cxx = true;
  });
  if (/\.\s*cpp\s*\(\s*true\s*\)/.test(code)) scan.cxx = true;

  // Features read in the script: `cfg!(feature = "x")`, `#[cfg(feature = "x")]`.
  each(/\bfeature\s*=\s*/g, (m) => {
    const lit = stringAt(lexed, m.index + m[0].length);
    if (!lit || !declared.has(lit.value) || !STATIC_FEATURE.test(lit.value)) return;
    switches.push({ kind: 'feature', name: lit.value, evidence: ev(statementStart(code, m.index), Math.max(lit.end, callEnd(code, lit.end))) });
    const test = ifAround(code, m.index);
    if (test && positiveTest(test.test) && linksSystemIn(lexed, test.block)) scan.dynamicWhenOn.add(lit.value);
  });

  for (const s of lexed.strings) {
    const v = s.value;
    // What the script prints for cargo: every `rustc-link-lib` in the literal.
    for (const text of linkSpecs(v)) noteLink(scan, resolvedLink(lexed, s, text), at(s));
    // A program it runs: make or a configure script builds sources it ships; a `*-config` tool tells how to link an installed library.
    // Its evidence: the call that takes it first (`Command::new("make")`), else the literal alone.
    const program = () => (statementStart(code, s.start) < s.start ? at(s) : ev(s.start, s.end));
    if (scan.usesCommand && MAKE_PROGRAMS.has(v)) {
      scan.runsMake = true;
      bundled.push(program());
    } else if (scan.usesCommand && CONFIG_TOOL.test(v) && !/pkg[-_]?conf/i.test(v) && !/\bfeature\s*=\s*$/.test(code.slice(Math.max(0, s.start - 16), s.start))) {
      system.push(program());
    }

    // Variables read: the crate's own *_DIR (not cargo's), and *_STATIC or CARGO_FEATURE_* switches.
    const name = /^(?:cargo::?rerun-if-env-changed=)?([A-Z][A-Z0-9_]*)$/.exec(v)?.[1];
    if (!name) continue;
    // Set for a program it runs, or defined for cmake (`.env("X", ..)`, `.define("X", ..)`): not read.
    if (/\.\s*(?:env|define)\s*\(\s*$/.test(code.slice(Math.max(0, s.start - 24), s.start)) && /^\s*,/.test(code.slice(s.end, s.end + 8))) continue;
    // A feature's name, formatted into `CARGO_FEATURE_{}` (hidapi's "LINUX_STATIC_HIDRAW"): no variable of its own.
    if (scan.formatsFeatures && facts.features.some((x) => featureVariable(x) === `CARGO_FEATURE_${name}`)) continue;
    if (/_(?:LIB_DIR|INCLUDE_DIR|DIR|LIBDIR|INCDIR|LIB_PATH)$/.test(name) && !/^(?:OUT_DIR|CARGO_|DEP_|RUSTC_|RUSTDOC_)/.test(name)) {
      weakSystem.push(at(s));
    } else if (/(^|_)STATIC($|_)/.test(name) && name !== 'STATIC' && !/^CARGO_/.test(name)) {
      // A bare `STATIC` is a feature's name built into `CARGO_FEATURE_…` with format!, not a variable of its own.
      // A variable whose `if` only panics (a removed switch, named to say so) switches nothing.
      const test = ifAround(code, s.start);
      if (test && positiveTest(test.test) && onlyPanics(code, test.block)) continue;
      switches.push({ kind: 'env', name, evidence: at(s) });
    } else if (name.startsWith('CARGO_FEATURE_')) {
      const feature = facts.features.find((x) => featureVariable(x) === name);
      if (feature !== undefined && STATIC_FEATURE.test(feature)) {
        switches.push({ kind: 'feature', name: feature, evidence: at(s) });
      }
    }
  }
}

/**
 * A link the crate asks for (a printed `rustc-link-lib`, or a `#[link]` of its sources), sorted:
 * a framework, the C library's parts and Windows system libraries are the runtime; the C++ runtime
 * says C++ was compiled; a static library is looked at once every file is read; one the script
 * builds is its own; a name known only at run time is unnamed; anything else is a system library.
 */
function noteLink(scan: Scan, spec: ReturnType<typeof parseLinkLib> & { names?: string[] }, e: Evidence): void {
  if (spec.kind === 'framework') scan.runtime.push(e);
  else if (spec.name !== null && CXX_RUNTIME.has(spec.name)) {
    scan.cxx = true;
    scan.bundled.push(e);
  } else if (spec.name !== null && (LIBC_PARTS.has(spec.name) || WINDOWS_LIBS.has(spec.name.toLowerCase()))) scan.runtime.push(e);
  else if (spec.kind === 'static') scan.staticLinks.push({ name: spec.name ?? '', ev: e });
  else if (spec.name !== null && scan.built.has(spec.name)) scan.bundled.push(e);
  else if (spec.kind === 'unknown' && spec.name !== null && scan.trees.has(spec.name)) scan.bundled.push(e);
  else if (spec.name === null) scan.unnamed.push(e);
  else {
    scan.system.push(e);
    scan.libraries.push(...(spec.names ?? [spec.name]));
  }
}

/**
 * Reads a file of the crate's own sources for the `#[link(..)]` attributes on its extern blocks,
 * each taken as the `rustc-link-lib=[KIND=]NAME` it stands for (`kind = "static"` as `static=`, no
 * kind as none). `raw-dylib` names a Windows DLL that needs no library at link time, and an
 * attribute with no name (`wasm_import_module` alone) links nothing.
 */
function scanCrateSource(f: ScriptSource, lexed: LexedSource, scan: Scan): void {
  const { facts } = scan;
  for (const a of linkAttributes(lexed)) {
    if (a.name === null || a.name === '') continue;
    const e = evidenceAt(facts, f, a.start, a.end);
    if (a.kind === 'raw-dylib') {
      scan.runtime.push(e);
      continue;
    }
    const kind = a.kind === null ? 'default' : a.kind === 'static' || a.kind === 'dylib' || a.kind === 'framework' ? a.kind : 'unknown';
    noteLink(scan, { kind, name: a.name }, e);
  }
}

/** The string literal given as the argument right after the literal that ends at `end` (`("…{}", "ffi")`), if any. */
function literalArgument(lexed: LexedSource, end: number): string | null {
  const comma = /^\s*,/.exec(lexed.code.slice(end, end + 16));
  if (!comma) return null;
  const lit = stringAt(lexed, end + comma[0].length);
  return lit && /^\s*[,)]/.test(lexed.code.slice(lit.end, lit.end + 16)) ? lit.value : null;
}

/** `CARGO_FEATURE_<NAME>`, the variable cargo sets for a feature that is on. */
function featureVariable(feature: string): string {
  return `CARGO_FEATURE_${feature.toUpperCase().replace(/-/g, '_')}`;
}

/** Whether a block prints a link of a library of the build machine by a literal name (`rustc-link-lib=foo`, `rustc-flags=-l foo`). */
function linksSystemIn(lexed: LexedSource, block: { start: number; end: number }): boolean {
  return lexed.strings.some((s) => s.start > block.start && s.end < block.end && linkSpecs(s.value).some((t) => linksSystem(parseLinkLib(t))));
}

/**
 * A printed link, its name read from a local binding of literals when the literal names it only by
 * a placeholder: `rustc-link-lib={lib}` or `rustc-link-lib={}` with `lib` after it, where
 * `let lib = match .. { "windows" => "vulkan-1", _ => "vulkan" }` (ash). `names` lists every value.
 */
function resolvedLink(lexed: LexedSource, s: { start: number; end: number }, text: string): ReturnType<typeof parseLinkLib> & { names?: string[] } {
  const spec = parseLinkLib(text);
  if (spec.name !== null || spec.kind === 'unknown') return spec;
  const placeholder = /^(?:[a-z]+(?::[^=]*)?=)?\{([A-Za-z_][A-Za-z0-9_]*)?\}$/.exec(text.trim());
  if (!placeholder) return spec;
  // `("…={}", "ffi")`: the literal given; `("…={}", lib)` or `"…={lib}"`: the binding's literals.
  const given = placeholder[1] === undefined ? literalArgument(lexed, s.end) : null;
  const binding = placeholder[1] ?? nextArgument(lexed.code, s.end);
  const values = given !== null ? [given] : binding ? localLiterals(lexed, binding, s.start) : null;
  if (!values?.length || values.some((x) => !/^[A-Za-z0-9_.+-]+$/.test(x))) return spec;
  // The kinds and names the values give: one kind for all of them, else it stays unknown.
  const parsed = values.map((x) => parseLinkLib(text.trim().replace(/\{[A-Za-z0-9_]*\}$/, x)));
  if (parsed.some((p) => p.kind !== parsed[0]!.kind || p.name === null)) return spec;
  const names = parsed.map((p) => p.name!);
  const system = names.filter((n) => linksSystem({ kind: parsed[0]!.kind, name: n }));
  return { kind: parsed[0]!.kind, name: system[0] ?? names[0]!, names: system.length ? system : names };
}

/**
 * `[KIND[:MODIFIERS]=]NAME[:RENAME]` of `rustc-link-lib`; a `{}` placeholder is an unknown kind or name. A
 * placeholder right before a literal name (`{}elf`, where the script puts `static=` or nothing) is an unknown kind.
 */
export function parseLinkLib(spec: string): { kind: 'static' | 'dylib' | 'framework' | 'unknown' | 'default'; name: string | null } {
  const eq = spec.indexOf('=');
  let kind: 'static' | 'dylib' | 'framework' | 'unknown' | 'default' = 'default';
  let rest = spec;
  const prefixed = eq < 0 ? /^\{\}([A-Za-z0-9_.+-]+)$/.exec(spec.trim()) : null;
  if (prefixed) return { kind: 'unknown', name: prefixed[1]! };
  if (eq >= 0) {
    const k = spec.slice(0, eq).split(':')[0]!.trim();
    rest = spec.slice(eq + 1);
    kind = k === 'static' ? 'static' : k === 'dylib' ? 'dylib' : k === 'framework' ? 'framework' : /\{/.test(k) ? 'unknown' : 'default';
  }
  const name = rest.split(':')[0]!.trim();
  return { kind, name: name === '' || /[{}]/.test(name) ? null : name };
}

/**
 * The library names of the source folder a cmake or autotools call whose argument list opens at
 * `open` builds: the last part of a literal path inside the crate (`"vendor/opus"` gives `opus`,
 * `"libgit2"` gives `git2`), given as a literal, in `Path::new("opus")` or through a local `let` of either.
 */
function folderNames(lexed: LexedSource, open: number): string[] {
  const path = /^\s*&?\s*(?:(?:std\s*::\s*)?path\s*::\s*)?(?:Path\s*::\s*new|PathBuf\s*::\s*from)\s*\(/.exec(lexed.code.slice(open, open + 80));
  const lit = stringAt(lexed, path ? open + path[0].length : open);
  const binding = lit ? null : /^\s*&?\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,)]/.exec(lexed.code.slice(open, open + 80))?.[1];
  const paths = lit ? [lit.value] : binding ? (localLiterals(lexed, binding, open, true) ?? []) : [];
  return paths
    .filter((p) => p !== '' && !p.startsWith('/') && !p.startsWith('..'))
    .map((p) =>
      libName(
        p
          .replace(/[\\/]+$/, '')
          .split(/[\\/]/)
          .pop() ?? '',
      ),
    )
    .filter((n) => /^[A-Za-z0-9_.+-]+$/.test(n) && !/^\.+$/.test(n));
}

/** `libfoo.a` given to `compile` names the library `foo`. */
function libName(v: string): string {
  return v.replace(/^lib/, '').replace(/\.(a|lib)$/, '');
}

function evidenceAt({ root, inWorkspace }: ScriptFacts, f: ScriptSource, start: number, end: number): Evidence {
  const { line, column } = positionOf(f.text, start);
  let text = f.text.slice(start, Math.max(end, start + 1));
  const nl = text.indexOf('\n');
  if (nl >= 0) text = text.slice(0, nl);
  text = text.trim();
  if (text.length > 120) text = `${text.slice(0, 117)}...`;
  return { file: `${root}/${f.path}`, line, column, text, ...(inWorkspace ? { inWorkspace: true } : {}) };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(key(x)) && (seen.add(key(x)), true));
}

/** Evidence once per place, in file order (line, then column). */
export function byPlace(xs: readonly Evidence[]): Evidence[] {
  return uniqueBy([...xs], (e) => `${e.file}:${e.line}:${e.column}`).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** `file:line:col: text`, as the outputs show a piece of evidence. */
export function evidenceLine(e: Evidence): string {
  return `${e.file}:${e.line}:${e.column}: ${e.text}`;
}

export type { LexedSource };

/**
 * A `[target.<triple>.<links>]` override of cargo's configuration: the
 * script does not run, and the `rustc-link-lib` entries say what is linked.
 * A library linked by default or as `dylib` (other than the C library's
 * parts, Windows system libraries and frameworks) is a system library;
 * static ones are the user's prebuilt archives: nothing to report.
 */
export function classifyOverride(linkLibs: readonly string[], evidence: Evidence): BuildScriptVerdict {
  const system: string[] = [];
  for (const l of linkLibs) {
    const spec = parseLinkLib(l);
    if (spec.kind === 'static' || spec.kind === 'framework') continue;
    if (spec.name !== null && (LIBC_PARTS.has(spec.name) || WINDOWS_LIBS.has(spec.name.toLowerCase()) || CXX_RUNTIME.has(spec.name))) continue;
    system.push(spec.name ?? l);
  }
  return system.length ? { kind: 'system', libraries: unique(system), switches: [], evidence: [evidence] } : { kind: 'runtime', evidence: [evidence] };
}
