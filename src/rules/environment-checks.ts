/**
 * What building for a target needs from the machine, checked against an
 * environment snapshot: the target's standard library, a linker, a C compiler
 * for crates that compile C, `cross` or `cargo-zigbuild` on a non-Linux host,
 * and the tools bundled builds need. Shared by the `cross-environment` rule
 * and `cargo-preflight doctor`. Pure: the snapshot is gathered by the CLI.
 */
import { cargoTriple, zigbuildTarget } from '../cfg/index.js';
import { devPackageLibrary, type CrossTarget } from '../config/cross-config.js';
import type { Requirement } from '../knowledge/types.js';
import type { EnvironmentSnapshot } from './types.js';

export interface EnvironmentCheck {
  id: 'std' | 'linker' | 'c-compiler' | 'cross-tool' | 'crt-static' | 'cross-config' | 'container-engine' | Exclude<Requirement, 'c-compiler'>;
  /** False when a build for the target would fail for want of it. */
  ok: boolean;
  /** What was checked, e.g. "standard library for aarch64-unknown-linux-musl". */
  title: string;
  /** What was found (or not). */
  found: string;
  /** Commands or settings that fix it (empty when ok). */
  fix: string[];
  /** True when the check applies to this build (a C compiler only when C is built, ...). */
  needed: boolean;
  /** What the finding means beyond what was found (shown under it). */
  note?: string;
}

export interface Needs {
  /** Crates of the graph that compile C (empty: unknown or none). */
  cCode: string[];
  /** Tools the bundled builds need, by crate. */
  tools: Partial<Record<Requirement, string[]>>;
}

interface Triple {
  arch: string;
  os: string;
  env: string;
}

function parseTriple(t: string): Triple {
  t = cargoTriple(t);
  const parts = t.split('-');
  const arch = parts[0] ?? '';
  const os = t.includes('-linux') ? 'linux' : t.includes('-darwin') ? 'macos' : t.includes('-windows') ? 'windows' : (parts[2] ?? '');
  const env = t.endsWith('-musl') || /musl/.test(parts[3] ?? '') ? 'musl' : t.includes('-gnu') ? 'gnu' : t.includes('-msvc') ? 'msvc' : '';
  return { arch, os, env };
}

/** The `<arch>-linux-musl-gcc` style name of a Linux target's GNU cross compiler. */
export function gccFor(target: string): string {
  return `${target.replace('-unknown-', '-')}-gcc`;
}

/** A cross tool that provides a linker and a C compiler for some targets. */
export type CrossTool = 'cargo-zigbuild' | 'cross' | 'cargo-xwin';

/**
 * How a target is built from another machine: its toolchain family, the
 * compilers the `cc` crate would use (in its order), the linker rustc uses
 * by default when it is on PATH (windows-gnu: the MinGW-w64 gcc), how to get
 * them, and which cross tools support the target at all (cross has no
 * images for msvc or Apple targets; cargo-zigbuild does not build for msvc;
 * cargo-xwin only for msvc).
 */
export interface TargetToolchain {
  family: 'gnu' | 'mingw' | 'msvc' | 'apple' | 'wasm' | 'other';
  /** C compilers for the target, in the `cc` crate's order. */
  compilers: string[];
  /** The linker rustc runs by default for the target when nothing is configured (when it is not the host's `cc`). */
  defaultLinker: string | null;
  /** What provides the compilers, one line. */
  install: string;
  crossTools: CrossTool[];
}

export function targetToolchain(target: string, host: string): TargetToolchain {
  const t = parseTriple(target);
  const h = parseTriple(host);
  if (isWasm(target)) {
    // rust-lld, shipped with the toolchain, links wasm; C is compiled by clang's WebAssembly backend (gcc has none).
    const wasi = /-wasi/.test(target);
    return {
      family: 'wasm',
      compilers: ['clang'],
      defaultLinker: 'rust-lld',
      install: `install clang, whose WebAssembly backend compiles C for ${target} (\`sudo apt-get install clang\`)${wasi ? ', with a WASI sysroot for the C library (wasi-sdk, or `sudo apt-get install wasi-libc`)' : ''}`,
      crossTools: [],
    };
  }
  if (t.os === 'windows' && t.env === 'gnu') {
    const mingw = `${t.arch === 'i686' || t.arch === 'i586' ? 'i686' : t.arch}-w64-mingw32`;
    const pkg = mingw.startsWith('i686') ? 'gcc-mingw-w64-i686' : mingw.startsWith('x86_64') ? 'gcc-mingw-w64-x86-64' : 'mingw-w64';
    return {
      family: 'mingw',
      compilers: [`${mingw}-gcc`],
      defaultLinker: `${mingw}-gcc`,
      install: `install MinGW-w64, which gives \`${mingw}-gcc\` (\`sudo apt-get install ${pkg}\`)`,
      crossTools: ['cargo-zigbuild', 'cross'],
    };
  }
  if (t.os === 'windows' && t.env === 'msvc') {
    return {
      family: 'msvc',
      compilers: h.os === 'windows' ? ['cl', 'clang-cl'] : ['clang-cl'],
      defaultLinker: null,
      install:
        h.os === 'windows'
          ? 'install the Visual Studio Build Tools ("Desktop development with C++": link.exe, cl.exe and the Windows SDK)'
          : '`cargo install cargo-xwin`, then build with `cargo xwin build --target ' + target + '` (it fetches the MSVC CRT and Windows SDK and uses lld-link and clang-cl)',
      crossTools: ['cargo-xwin'],
    };
  }
  if (t.os === 'macos' || target.includes('-apple-')) {
    const o = t.arch === 'aarch64' || t.arch === 'arm64' ? 'oa64' : 'o64';
    return {
      family: 'apple',
      compilers: h.os === 'macos' ? ['cc', 'clang'] : [`${o}-clang`],
      defaultLinker: null,
      install:
        h.os === 'macos'
          ? 'install the Xcode command line tools (`xcode-select --install`)'
          : `build osxcross with a macOS SDK, which gives \`${o}-clang\` (the SDK is needed for the system frameworks)`,
      crossTools: ['cargo-zigbuild'],
    };
  }
  const gnu = t.os === 'linux';
  const out = [gccFor(target), `${target}-gcc`];
  if (t.env === 'musl' && gnu && h.os === 'linux' && t.arch === h.arch) out.unshift('musl-gcc');
  return {
    family: gnu ? 'gnu' : 'other',
    compilers: [...new Set(out)],
    defaultLinker: null,
    install: `install a cross toolchain providing \`${gccFor(target)}\``,
    crossTools: ['cargo-zigbuild', 'cross'],
  };
}

/** The compilers the `cc` crate would use for the target, in its order. */
export function cCompilerCandidates(target: string, host: string): string[] {
  return targetToolchain(target, host).compilers;
}

/** Every executable the checks may look up for a target built on `host` (the CLI looks them up on PATH). */
export function environmentToolNames(target: string, host: string): string[] {
  const triple = cargoTriple(target);
  const tc = targetToolchain(triple, host);
  return [...new Set(['rustup', 'cross', 'cargo-zigbuild', 'zig', 'cargo-xwin', ...tc.compilers, `${triple}-gcc`, gccFor(triple), 'musl-gcc', 'cc', 'c++', 'perl', 'make', 'cmake'])];
}

/** A WebAssembly target (`wasm32-unknown-unknown`, `wasm32-wasip1`, ...). */
export function isWasm(target: string): boolean {
  return /^wasm(32|64)/.test(target);
}

/**
 * True when no linker needs configuring: the host's own links for the target
 * (the host itself; same architecture on Linux; Apple targets on macOS; msvc
 * on Windows msvc), or the toolchain's rust-lld does (wasm).
 */
export function hostLinkerWorks(target: string, host: string): boolean {
  target = cargoTriple(target);
  if (target === host || isWasm(target)) return true;
  const t = parseTriple(target);
  const h = parseTriple(host);
  if (t.os === 'macos' && h.os === 'macos') return true;
  if (t.os === 'windows' && t.env === 'msvc' && h.os === 'windows' && h.env === 'msvc') return true;
  return t.arch === h.arch && t.os === 'linux' && h.os === 'linux';
}

const CROSS_TOOL_FIX: Record<CrossTool, (target: string) => string> = {
  'cargo-zigbuild': (target) => `\`cargo install cargo-zigbuild\` (with zig) and build with \`cargo zigbuild --target ${target}\``,
  cross: (target) => `\`cargo install cross\` and build with \`cross build --target ${target}\``,
  'cargo-xwin': (target) => `\`cargo install cargo-xwin\` and build with \`cargo xwin build --target ${target}\``,
};

const TOOL_PACKAGES: Partial<Record<Requirement, string>> = {
  perl: 'perl',
  make: 'make',
  cmake: 'cmake',
  'cxx-compiler': 'g++',
  libclang: 'libclang-dev',
  nasm: 'nasm',
  go: 'golang',
  autotools: 'autoconf automake libtool',
};

/** What every check of a target reads: the snapshot, the triple cargo knows, the toolchain and the cross tools at hand. */
interface Situation {
  env: EnvironmentSnapshot;
  target: string;
  host: string;
  /** cargo-zigbuild's glibc version suffix, when the target has one. */
  zig: ReturnType<typeof zigbuildTarget>;
  /** The target as cargo and rustup know it (without that suffix). */
  triple: string;
  tc: TargetToolchain;
  path: (name: string) => string | null;
  available: Record<CrossTool, boolean>;
  /** The cross tool at hand that supports the target (it provides linker and C compiler), or null. */
  crossTool: CrossTool | null;
  /** `or <use that tool>` lines for fixes, for every tool that supports the target. */
  crossFixes: string[];
}

export function environmentChecks(env: EnvironmentSnapshot, needs: Needs = { cCode: [], tools: {} }): EnvironmentCheck[] {
  const s = situation(env);
  return [stdLibraryCheck(s), linkerCheck(s), cCompilerCheck(s, needs), crossToolCheck(s), ...buildToolChecks(s, needs)];
}

function situation(env: EnvironmentSnapshot): Situation {
  const { target, host } = env;
  // cargo-zigbuild's `…-gnu.2.17`: cargo (and rustup) know the triple without the glibc version.
  const zig = zigbuildTarget(target);
  const triple = zig?.base ?? target;
  const path = (n: string) => env.onPath[n] ?? null;
  const tc = targetToolchain(triple, host);
  const available: Record<CrossTool, boolean> = { 'cargo-zigbuild': !!(path('cargo-zigbuild') && path('zig')), cross: !!path('cross'), 'cargo-xwin': !!path('cargo-xwin') };
  // Only a tool that supports the target provides its linker and compiler.
  const crossTool = (zig ? (available['cargo-zigbuild'] ? 'cargo-zigbuild' : null) : tc.crossTools.find((t) => available[t])) ?? null;
  const crossFixes = (zig ? (['cargo-zigbuild'] as CrossTool[]) : tc.crossTools).map((t) => `or ${CROSS_TOOL_FIX[t](target)}`);
  return { env, target, host, zig, triple, tc, path, available, crossTool, crossFixes };
}

/** The standard library for the target: installed through rustup or in the sysroot. */
function stdLibraryCheck(s: Situation): EnvironmentCheck {
  const { env, triple, host, crossTool } = s;
  const viaRustup = env.installedTargets?.includes(triple);
  const ok = viaRustup === true || env.stdInstalled === true || triple === host;
  const found = viaRustup
    ? `installed (rustup target list --installed)`
    : env.stdInstalled
      ? `installed in ${env.sysroot}`
      : env.installedTargets
        ? `not installed (rustup has ${env.installedTargets.join(', ') || 'no targets'})`
        : env.stdInstalled === false
          ? `not in ${env.sysroot}/lib/rustlib, and rustup is not on PATH`
          : 'unknown: neither rustup nor rustc could be asked';
  const fix = ok ? [] : crossTool === 'cross' ? [`rustup target add ${triple}`, `or build with \`cross build --target ${triple}\` (its images have it)`] : [`rustup target add ${triple}`];
  return { id: 'std', ok, title: `standard library for ${triple}`, found, fix, needed: true };
}

/** The linker: none needed where the host links the target; else configured, used by default, or provided by a cross tool. */
function linkerCheck(s: Situation): EnvironmentCheck {
  const { env, target, host, triple, tc, path, crossTool, crossFixes } = s;
  const needed = !hostLinkerWorks(target, host);
  const candidates = tc.family === 'gnu' || tc.family === 'other' ? [gccFor(triple), `${triple}-gcc`] : tc.defaultLinker ? [tc.defaultLinker] : [];
  const onPath = candidates.find((c) => path(c));
  const usedByDefault = !!onPath && onPath === tc.defaultLinker;
  const missing =
    tc.family === 'msvc'
      ? 'none configured (it needs link.exe, or lld-link with the MSVC CRT and the Windows SDK)'
      : tc.family === 'apple'
        ? `none configured (it needs a linker with the macOS SDK, e.g. osxcross's \`${tc.compilers[0]}\`)`
        : `none configured, no \`${candidates[0]}\` on PATH`;
  const found = env.configuredLinker
    ? `\`${env.configuredLinker.value}\` (${env.configuredLinker.definedIn})`
    : !needed
      ? tc.family === 'wasm'
        ? `rust-lld, which comes with the Rust toolchain, links ${target}`
        : triple === host
          ? "the host's linker (the host's own target)"
          : `none needed: the host's linker links ${target}`
      : usedByDefault
        ? `\`${onPath}\` on PATH, which rustc uses for ${target} by default`
        : onPath
          ? `none configured; \`${onPath}\` is on PATH but cargo does not use it unless configured`
          : missing;
  const ok = !needed || !!env.configuredLinker || usedByDefault || !!crossTool;
  // cargo's settings name the triple without cargo-zigbuild's glibc suffix.
  const envVar = `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, '_')}_LINKER`;
  let fix: string[] = [];
  if (!ok) {
    if (tc.family === 'msvc') {
      fix = [
        `\`cargo install cargo-xwin\` and build with \`cargo xwin build --target ${target}\` (it fetches the MSVC CRT and Windows SDK, and links with lld-link)`,
        'or, on Windows, install the Visual Studio Build Tools ("Desktop development with C++"), which give link.exe and the Windows SDK',
      ];
    } else if (tc.family === 'apple') {
      fix = [
        `${tc.install}, and set \`linker = "${tc.compilers[0]}"\` under \`[target.${triple}]\` in .cargo/config.toml`,
        `or ${CROSS_TOOL_FIX['cargo-zigbuild'](target)} (set SDKROOT to a macOS SDK for the system frameworks)`,
      ];
    } else if (onPath) {
      fix = [`set \`linker = "${onPath}"\` under \`[target.${triple}]\` in .cargo/config.toml (or ${envVar}=${onPath})`, ...crossFixes];
    } else if (tc.family === 'mingw') {
      fix = [`${tc.install}: rustc uses it as the linker for ${target}`, ...crossFixes];
    } else {
      fix = [`${tc.install} and set \`linker = "${gccFor(triple)}"\` under \`[target.${triple}]\` in .cargo/config.toml`, ...crossFixes];
    }
  }
  return { id: 'linker', ok, title: `linker for ${target}`, found: crossTool && needed && !env.configuredLinker && !usedByDefault ? `${found}; ${crossTool} provides one` : found, fix, needed };
}

/** A C compiler for the target, needed by crates that compile C. */
function cCompilerCheck(s: Situation, needs: Needs): EnvironmentCheck {
  const { env, target, triple, host, tc, path, crossTool, crossFixes } = s;
  const vars = [`CC_${triple}`, `CC_${triple.replace(/-/g, '_')}`, 'TARGET_CC'];
  const setVar = vars.find((v) => env.ccVariables[v]);
  const candidates = tc.compilers;
  const onPath = candidates.find((c) => path(c));
  const ok = !!setVar || !!onPath || !!crossTool || triple === host;
  const found = setVar
    ? `${setVar}=${env.ccVariables[setVar]}`
    : onPath
      ? `\`${onPath}\` on PATH (${path(onPath)})`
      : crossTool
        ? `none on PATH; ${crossTool} provides one`
        : triple === host
          ? 'the host compiler'
          : `none found (no ${vars.join(', ')} set; no ${candidates.map((c) => `\`${c}\``).join(', ')} on PATH)`;
  const fix: string[] = [];
  if (!ok) {
    if (candidates.includes('musl-gcc')) fix.push('install musl-tools, which gives musl-gcc (`sudo apt-get install musl-tools`)');
    const cc = candidates.find((c) => c !== 'musl-gcc') ?? candidates[0];
    if (tc.family === 'msvc') fix.push(tc.install);
    else fix.push(`${tc.install} and export CC_${triple.replace(/-/g, '_')}=${cc}`);
    fix.push(...crossFixes.filter((f) => tc.family !== 'msvc' || !f.includes('cargo-xwin')));
  }
  const who = needs.cCode.length ? `, for ${needs.cCode.join(', ')}` : '';
  return { id: 'c-compiler', ok, title: `C compiler for ${target}${who}`, found, fix, needed: needs.cCode.length > 0 };
}

/** cross or cargo-zigbuild on a non-Linux host building for Linux; cargo-zigbuild (with zig) for a glibc version. */
function crossToolCheck(s: Situation): EnvironmentCheck {
  const { target, host, zig, triple, path, available, crossTool } = s;
  const t = parseTriple(target);
  const h = parseTriple(host);
  const zigMissing = !!path('cargo-zigbuild') && !path('zig');
  if (zig) {
    const ok = available['cargo-zigbuild'];
    return {
      id: 'cross-tool',
      ok,
      title: `cargo-zigbuild with zig (the \`.${zig.glibc}\` glibc version of ${target})`,
      found: ok ? `cargo-zigbuild and zig on PATH` : zigMissing ? 'cargo-zigbuild on PATH, zig not' : 'cargo-zigbuild not on PATH',
      fix: ok
        ? []
        : [
            `${zigMissing ? 'install zig (`pip install ziglang`, or a release from ziglang.org)' : '`cargo install cargo-zigbuild` and install zig (`pip install ziglang`)'}, then build with \`cargo zigbuild --target ${target}\``,
          ],
      needed: true,
      note: `only cargo-zigbuild understands the version suffix: it links against glibc ${zig.glibc}'s symbols, so the binary runs on that glibc and newer; cargo and rustup see ${triple}`,
    };
  } else {
    const needed = t.os === 'linux' && h.os !== 'linux';
    const ok = !needed || !!crossTool;
    const found = crossTool
      ? `${crossTool} on PATH`
      : zigMissing
        ? 'cargo-zigbuild on PATH, but not zig, which it links with'
        : needed
          ? `neither cross nor cargo-zigbuild on PATH (host ${host})`
          : `not needed on a Linux host`;
    return {
      id: 'cross-tool',
      ok,
      title: needed ? `cross or cargo-zigbuild (building for Linux on ${host})` : 'cross or cargo-zigbuild',
      found,
      fix: ok ? [] : ['`cargo install cargo-zigbuild` (and install zig), then build with `cargo zigbuild`', 'or `cargo install cross` (needs docker or podman), then build with `cross build`'],
      needed,
    };
  }
}

/** The tools of bundled builds (perl, make, cmake, ...), each for the crates that need it. */
function buildToolChecks(s: Situation, needs: Needs): EnvironmentCheck[] {
  const { env, path, crossTool } = s;
  const checks: EnvironmentCheck[] = [];
  for (const [req, crates] of Object.entries(needs.tools) as [Requirement, string[]][]) {
    if (req === 'c-compiler' || !crates?.length) continue;
    const exe = req === 'cxx-compiler' ? 'c++' : req === 'libclang' ? null : req === 'autotools' ? 'autoconf' : req;
    const where = exe ? path(exe) : null;
    const known = exe !== null && exe in env.onPath;
    // cross builds inside an image that has the usual tools; cargo-zigbuild and cargo-xwin run the host's.
    const image = crossTool === 'cross';
    const ok = !known || !!where || image;
    const pkg = TOOL_PACKAGES[req] ?? req;
    checks.push({
      id: req as EnvironmentCheck['id'],
      ok,
      title: `${req}, for ${crates.join(', ')}`,
      found: !known ? 'not checked' : where ? `on PATH (${where})` : image ? 'not on PATH; cross provides a build environment' : 'not on PATH',
      fix: ok ? [] : [`install ${req} (e.g. \`sudo apt-get install ${pkg}\`)`],
      needed: true,
    });
  }
  return checks;
}

/** Whether rustflags turn `crt-static` on (true), off (false), or do not say (null): the last `target-feature` naming it wins. */
export function crtStaticIn(flags: readonly string[]): boolean | null {
  let on: boolean | null = null;
  const features = (value: string) => {
    for (const f of value.split(',')) if (f === '+crt-static' || f === '-crt-static') on = f === '+crt-static';
  };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    const joined = /^(?:-C|--codegen)=?(target-feature=.*)$/.exec(f)?.[1] ?? (f === '-C' || f === '--codegen' ? flags[++i] : undefined);
    const m = joined !== undefined ? /^target-feature=(.*)$/.exec(joined) : null;
    if (m) features(m[1]!);
  }
  return on;
}

/**
 * For a static binary of a glibc (`*-linux-gnu*`) or MSVC (`*-windows-msvc`)
 * target: whether rustflags turn on `+crt-static`, what it gives and what it
 * does not; null for other targets (musl links its C library statically by
 * default; other targets have no such switch worth a check).
 */
export function crtStaticCheck(target: string, rustflags: { flags: readonly string[]; source: string | null }): EnvironmentCheck | null {
  const t = parseTriple(target);
  const gnu = t.os === 'linux' && t.env === 'gnu';
  const msvc = t.os === 'windows' && t.env === 'msvc';
  if (!gnu && !msvc) return null;
  const triple = cargoTriple(target);
  const on = crtStaticIn(rustflags.flags) === true;
  const where = rustflags.source ?? 'RUSTFLAGS, build.rustflags, target.' + triple + '.rustflags';
  const found = on
    ? `\`-C target-feature=+crt-static\` is set (${rustflags.source})`
    : rustflags.source
      ? `not set in ${where}: the C runtime is linked dynamically`
      : `not set (no RUSTFLAGS, build.rustflags, target.${triple}.rustflags or matching target.'cfg(…)'.rustflags): the C runtime is linked dynamically`;
  const note = gnu
    ? '+crt-static links glibc into the binary, but glibc still reads /etc/nsswitch.conf and loads NSS modules (getaddrinfo, getpwnam) and whatever the program dlopens from the glibc installed where it runs, which must be the same version: for a binary that runs anywhere, a musl target avoids both'
    : '+crt-static links the MSVC C runtime into the binary (no vcruntime DLLs to ship); it still uses the system DLLs (kernel32, ...) that every Windows has';
  return {
    id: 'crt-static',
    ok: on,
    title: `static C runtime for ${target} (+crt-static)`,
    found,
    fix: on
      ? []
      : [
          `add \`rustflags = ["-C", "target-feature=+crt-static"]\` under \`[target.${triple}]\` in .cargo/config.toml`,
          `or build with \`RUSTFLAGS="-C target-feature=+crt-static" cargo build --target ${triple}\``,
          ...(gnu ? [`or build for ${triple.replace(/-gnu\w*$/, '-musl')} (no NSS or dlopen caveat)`] : []),
        ],
    needed: true,
    note,
  };
}

/** A container engine for `cross`: which, and whether it answered `info`. */
export interface ContainerEngine {
  name: string;
  path: string;
  answers: boolean;
  /** Its version when it answered, else the first line of its complaint. */
  detail: string;
}

/**
 * What `cross` needs and what its `Cross.toml` changes, for a target: the
 * image, the packages its `pre-build` installs (a `-dev` package means the
 * build finds and links that system library), the variables passed through;
 * and a container engine that answers (docker or podman), on every host.
 * Nothing when neither a Cross.toml nor `cross` is there.
 */
export function crossChecks(target: string, config: { path: string; target: CrossTarget } | null, engine: ContainerEngine | null, crossOnPath: boolean): EnvironmentCheck[] {
  if (!config && !crossOnPath) return [];
  const checks: EnvironmentCheck[] = [];
  if (config) {
    const t = config.target;
    const libraries = t.packages.flatMap((p) => {
      const lib = devPackageLibrary(p);
      return lib ? [`\`${p}\` (${lib.library})`] : [];
    });
    const parts = [
      t.image ? `image ${t.image}` : 'the default image',
      t.packages.length ? `pre-build installs ${t.packages.join(', ')}` : t.preBuild.length ? `pre-build runs ${t.preBuild.length} command${t.preBuild.length === 1 ? '' : 's'}` : '',
      t.passthrough.length ? `passes ${t.passthrough.join(', ')} into the container` : '',
    ].filter(Boolean);
    checks.push({
      id: 'cross-config',
      ok: true,
      title: `cross for ${target} (${config.path})`,
      found: parts.join('; '),
      fix: [],
      needed: true,
      ...(libraries.length && {
        note: `under \`cross build\`, ${libraries.join(', ')} ${libraries.length === 1 ? 'is' : 'are'} in the image: the crates that look for ${libraries.length === 1 ? 'it' : 'them'} link the image's system library (as their build scripts choose, often dynamically) instead of failing; a static binary still needs their vendored or bundled feature`,
      }),
    });
  }
  const ok = !!engine?.answers;
  checks.push({
    id: 'container-engine',
    ok,
    title: 'a container engine for cross (docker or podman)',
    found: !engine
      ? 'neither docker nor podman on PATH'
      : engine.answers
        ? `${engine.name} answers (${engine.detail})`
        : `${engine.name} is on PATH (${engine.path}) but does not answer: ${engine.detail}`,
    fix: ok
      ? []
      : !engine
        ? ['install docker or podman: cross runs every build in a container (or set CROSS_CONTAINER_ENGINE to the engine you have)']
        : [`start ${engine.name}'s service (\`sudo systemctl start ${engine.name}\`, or Docker Desktop / \`podman machine start\` on macOS and Windows), and make sure your user may use it`],
    needed: true,
  });
  return checks;
}
