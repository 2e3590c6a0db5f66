/**
 * What building for a target needs from the machine, checked against an
 * environment snapshot: the target's standard library, a linker, a C compiler
 * for crates that compile C, `cross` or `cargo-zigbuild` on a non-Linux host,
 * and the tools bundled builds need. Shared by the `cross-environment` rule
 * and `cargo-preflight doctor`. Pure: the snapshot is gathered by the CLI.
 */
import type { Requirement } from './knowledge-base.js';
import type { EnvironmentSnapshot } from './types.js';

export interface EnvironmentCheck {
  id: 'std' | 'linker' | 'c-compiler' | 'cross-tool' | Exclude<Requirement, 'c-compiler'>;
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
  const parts = t.split('-');
  const arch = parts[0] ?? '';
  const os = t.includes('-linux') ? 'linux' : t.includes('-darwin') ? 'macos' : t.includes('-windows') ? 'windows' : parts[2] ?? '';
  const env = t.endsWith('-musl') || /musl/.test(parts[3] ?? '') ? 'musl' : t.includes('-gnu') ? 'gnu' : t.includes('-msvc') ? 'msvc' : '';
  return { arch, os, env };
}

/** The `<arch>-linux-musl-gcc` style name of a target's GNU cross compiler. */
export function gccFor(target: string): string {
  return `${target.replace('-unknown-', '-')}-gcc`;
}

/** The compilers the `cc` crate would use for the target, in its order. */
export function cCompilerCandidates(target: string, host: string): string[] {
  const out = [gccFor(target), `${target}-gcc`];
  const t = parseTriple(target);
  const h = parseTriple(host);
  if (t.env === 'musl' && t.os === 'linux' && h.os === 'linux' && t.arch === h.arch) out.unshift('musl-gcc');
  return [...new Set(out)];
}

/** True when the host's own `cc` links for the target (same architecture, both Linux; or the host itself). */
export function hostLinkerWorks(target: string, host: string): boolean {
  if (target === host) return true;
  const t = parseTriple(target);
  const h = parseTriple(host);
  return t.arch === h.arch && t.os === 'linux' && h.os === 'linux';
}

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

export function environmentChecks(env: EnvironmentSnapshot, needs: Needs = { cCode: [], tools: {} }): EnvironmentCheck[] {
  const { target, host } = env;
  const checks: EnvironmentCheck[] = [];
  const path = (n: string) => env.onPath[n] ?? null;
  const zig = path('cargo-zigbuild') && path('zig');
  const cross = path('cross');
  const crossTool = zig ? 'cargo-zigbuild' : cross ? 'cross' : null;

  // The standard library.
  {
    const viaRustup = env.installedTargets?.includes(target);
    const ok = viaRustup === true || env.stdInstalled === true || target === host;
    const found = viaRustup
      ? `installed (rustup target list --installed)`
      : env.stdInstalled
        ? `installed in ${env.sysroot}`
        : env.installedTargets
          ? `not installed (rustup has ${env.installedTargets.join(', ') || 'no targets'})`
          : env.stdInstalled === false
            ? `not in ${env.sysroot}/lib/rustlib, and rustup is not on PATH`
            : 'unknown: neither rustup nor rustc could be asked';
    const fix = ok ? [] : crossTool === 'cross' ? [`rustup target add ${target}`, `or build with \`cross build --target ${target}\` (its images have it)`] : [`rustup target add ${target}`];
    checks.push({ id: 'std', ok, title: `standard library for ${target}`, found, fix, needed: true });
  }

  // The linker.
  {
    const needed = !hostLinkerWorks(target, host);
    const candidates = [gccFor(target), `${target}-gcc`];
    const onPath = candidates.find((c) => path(c));
    const found = env.configuredLinker
      ? `\`${env.configuredLinker.value}\` (${env.configuredLinker.definedIn})`
      : onPath
        ? `none configured; \`${onPath}\` is on PATH but cargo does not use it unless configured`
        : needed
          ? `none configured, no \`${gccFor(target)}\` on PATH`
          : `none needed: the host's \`cc\` links ${target}`;
    const ok = !needed || !!env.configuredLinker || !!crossTool;
    const fix = ok
      ? []
      : [
          onPath
            ? `set \`linker = "${onPath}"\` under \`[target.${target}]\` in .cargo/config.toml (or CARGO_TARGET_${target.toUpperCase().replace(/[-.]/g, '_')}_LINKER=${onPath})`
            : `install a cross toolchain providing \`${gccFor(target)}\` and set \`linker = "${gccFor(target)}"\` under \`[target.${target}]\` in .cargo/config.toml`,
          `or \`cargo install cargo-zigbuild\` (with zig) and build with \`cargo zigbuild --target ${target}\``,
          `or \`cargo install cross\` and build with \`cross build --target ${target}\``,
        ];
    checks.push({ id: 'linker', ok, title: `linker for ${target}`, found: crossTool && needed && !env.configuredLinker ? `${found}; ${crossTool} provides one` : found, fix, needed });
  }

  // A C compiler, for crates that compile C.
  {
    const vars = [`CC_${target}`, `CC_${target.replace(/-/g, '_')}`, 'TARGET_CC'];
    const setVar = vars.find((v) => env.ccVariables[v]);
    const candidates = cCompilerCandidates(target, host);
    const onPath = candidates.find((c) => path(c));
    const ok = !!setVar || !!onPath || !!crossTool || target === host;
    const found = setVar
      ? `${setVar}=${env.ccVariables[setVar]}`
      : onPath
        ? `\`${onPath}\` on PATH (${path(onPath)})`
        : crossTool
          ? `none on PATH; ${crossTool} provides one`
          : target === host
            ? 'the host compiler'
            : `none found (no ${vars.join(', ')} set; no ${candidates.map((c) => `\`${c}\``).join(', ')} on PATH)`;
    const fix: string[] = [];
    if (!ok) {
      if (candidates.includes('musl-gcc')) fix.push('install musl-tools, which gives musl-gcc (`sudo apt-get install musl-tools`)');
      fix.push(
        `install a cross toolchain providing \`${gccFor(target)}\` and export CC_${target.replace(/-/g, '_')}=${gccFor(target)}`,
        `or \`cargo install cargo-zigbuild\` (with zig) and build with \`cargo zigbuild --target ${target}\``,
        `or \`cargo install cross\` and build with \`cross build --target ${target}\``,
      );
    }
    const who = needs.cCode.length ? `, for ${needs.cCode.join(', ')}` : '';
    checks.push({ id: 'c-compiler', ok, title: `C compiler for ${target}${who}`, found, fix, needed: needs.cCode.length > 0 });
  }

  // cross or cargo-zigbuild on a non-Linux host building for Linux.
  {
    const t = parseTriple(target);
    const h = parseTriple(host);
    const needed = t.os === 'linux' && h.os !== 'linux';
    const ok = !needed || !!crossTool;
    const found = crossTool ? `${crossTool} on PATH` : needed ? `neither cross nor cargo-zigbuild on PATH (host ${host})` : `not needed on a Linux host`;
    checks.push({
      id: 'cross-tool',
      ok,
      title: needed ? `cross or cargo-zigbuild (building for Linux on ${host})` : 'cross or cargo-zigbuild',
      found,
      fix: ok ? [] : ['`cargo install cargo-zigbuild` (and install zig), then build with `cargo zigbuild`', 'or `cargo install cross` (needs docker or podman), then build with `cross build`'],
      needed,
    });
  }

  // Tools of bundled builds.
  for (const [req, crates] of Object.entries(needs.tools) as [Requirement, string[]][]) {
    if (req === 'c-compiler' || !crates?.length) continue;
    const exe = req === 'cxx-compiler' ? 'c++' : req === 'libclang' ? null : req === 'autotools' ? 'autoconf' : req;
    const where = exe ? path(exe) : null;
    const known = exe !== null && exe in env.onPath;
    const ok = !known || !!where || !!crossTool;
    const pkg = TOOL_PACKAGES[req] ?? req;
    checks.push({
      id: req as EnvironmentCheck['id'],
      ok,
      title: `${req}, for ${crates.join(', ')}`,
      found: !known ? 'not checked' : where ? `on PATH (${where})` : crossTool ? `not on PATH; ${crossTool} provides a build environment` : 'not on PATH',
      fix: ok ? [] : [`install ${req} (e.g. \`sudo apt-get install ${pkg}\`)`],
      needed: true,
    });
  }
  return checks;
}
