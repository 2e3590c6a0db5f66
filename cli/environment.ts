/** What the machine offers for building a target: rustup targets, linkers, C compilers (for `cross-environment`). */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cargoTriple, derivedHostTriple, platformMatches, targetInfo } from '../src/cfg/index.js';
import type { CargoConfig } from '../src/config/cargo-config.js';
import { environmentToolNames } from '../src/rules/environment-checks.js';
import type { EnvironmentSnapshot } from '../src/rules/types.js';

export function which(name: string, env: NodeJS.ProcessEnv): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = join(dir, name + ext);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/** Executables the environment checks look for, for a target triple built on `host` (the target family's compilers and cross tools). */
export function toolNames(target: string, host: string): string[] {
  return environmentToolNames(target, host);
}

/** What the toolchain says about itself: the host triple, rustup's installed targets, the sysroot. */
export interface Toolchain {
  host: string;
  /** The targets rustup has installed (null when rustup is absent or the sysroot cannot be read). */
  installedTargets: string[] | null;
  /** `rustc --print sysroot` (null when rustc is absent or fails). */
  sysroot: string | null;
}

/** What a run printed on stdout, or null when it failed; `stderr` either way. */
function run(file: string, args: string[]): Promise<{ stdout: string | null; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { encoding: 'utf8', timeout: 10_000, windowsHide: true }, (err, stdout, stderr) => done({ stdout: err ? null : stdout, stderr: String(stderr ?? '') }));
  });
}

/**
 * Asks rustc once, without blocking, for its sysroot and host
 * (`--print sysroot --print host-tuple`; a rustc older than 1.84, which
 * lacks `host-tuple` and says so, is asked again with `-vV`; a rustc that
 * fails for another reason, such as rustup with no toolchain to choose, is
 * not asked again: it would fail the same way, and the run would wait for
 * it): each start of rustc through rustup costs tens of milliseconds of
 * CPU, so `check` starts this before it reads the project and the index,
 * and the answer is in by the time the rules need it. Where rustup manages
 * the toolchain, its installed targets are the sysroot's
 * `lib/rustlib/<triple>/lib` folders, where rustup installs each target's
 * standard library: what `rustup target list --installed` prints, without
 * running rustup.
 */
export async function probeToolchain(env: NodeJS.ProcessEnv): Promise<Toolchain> {
  const rustc = env.RUSTC || 'rustc';
  const printed = await run(rustc, ['--print', 'sysroot', '--print', 'host-tuple']);
  let [sysroot, host]: (string | undefined)[] = printed.stdout?.split('\n').map((l) => l.trim()) ?? [];
  if (!host && (printed.stdout !== null || printed.stderr.includes('host-tuple'))) {
    const [version, root] = await Promise.all([run(rustc, ['-vV']), printed.stdout === null ? run(rustc, ['--print', 'sysroot']) : Promise.resolve(printed)]);
    host = version.stdout ? /^host: (\S+)$/m.exec(version.stdout)?.[1] : undefined;
    sysroot = root.stdout?.trim();
  }
  return {
    host: host || derivedHostTriple(process.platform, process.arch),
    installedTargets: sysroot && which('rustup', env) ? installedStd(sysroot) : null,
    sysroot: sysroot || null,
  };
}

/** The targets whose standard library the sysroot holds (null when it cannot be read). */
function installedStd(sysroot: string): string[] | null {
  const rustlib = join(sysroot, 'lib', 'rustlib');
  try {
    return readdirSync(rustlib, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(rustlib, e.name, 'lib')))
      .map((e) => e.name)
      .sort();
  } catch {
    return null;
  }
}

export function inspectEnvironment(target: string, toolchain: Toolchain, config: CargoConfig, env: NodeJS.ProcessEnv): EnvironmentSnapshot {
  const onPath: Record<string, string | null> = {};
  for (const n of toolNames(target, toolchain.host)) onPath[n] = which(n, env);
  // The active toolchain's sysroot holds the standard library of every installed target (rustup or not).
  const { host, installedTargets, sysroot } = toolchain;
  // cargo-zigbuild's `…-gnu.2.17` is `…-gnu` to cargo and rustup.
  const triple = cargoTriple(target);
  const stdInstalled = sysroot ? existsSync(join(sysroot, 'lib', 'rustlib', triple, 'lib')) : null;
  // `--config` first, then CARGO_TARGET_<TRIPLE>_LINKER, then the files, as cargo ranks them.
  const linker = config.getWithEnv(['target', triple, 'linker'], `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, '_')}_LINKER`, env);
  const configuredLinker = linker && typeof linker.value === 'string' && linker.value ? { value: linker.value, definedIn: linker.definedIn } : null;
  const ccVariables: Record<string, string> = {};
  for (const name of [`CC_${target}`, `CC_${target.replace(/-/g, '_')}`, 'TARGET_CC', 'CC']) {
    if (env[name]) ccVariables[name] = env[name]!;
  }
  return { host, target, installedTargets, stdInstalled, sysroot, configuredLinker, onPath, ccVariables };
}

/** The rustflags cargo would pass for a target, and where they come from (cargo's order: the first source that sets any wins). */
export interface Rustflags {
  flags: string[];
  /** `RUSTFLAGS`, `build.rustflags in …`, …; null when nothing sets them. */
  source: string | null;
}

/**
 * cargo's rustflags for `target`: `CARGO_ENCODED_RUSTFLAGS`, else
 * `RUSTFLAGS`, else `target.<triple>.rustflags` (or
 * `CARGO_TARGET_<TRIPLE>_RUSTFLAGS`) joined with the `rustflags` of every
 * `[target.'cfg(…)']` table whose cfg the target matches (in key order, as
 * cargo joins them), else `build.rustflags` (or `CARGO_BUILD_RUSTFLAGS`).
 */
export function rustflagsFor(config: CargoConfig, env: NodeJS.ProcessEnv, target: string): Rustflags {
  const triple = cargoTriple(target);
  if (env.CARGO_ENCODED_RUSTFLAGS) return { flags: env.CARGO_ENCODED_RUSTFLAGS.split('\x1f'), source: 'CARGO_ENCODED_RUSTFLAGS' };
  if (env.RUSTFLAGS?.trim()) return { flags: env.RUSTFLAGS.trim().split(/\s+/), source: 'RUSTFLAGS' };
  const flagsOf = (v: unknown) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : []);
  const read = (keys: string[], variable: string | null, name: string): Rustflags | null => {
    const found = variable ? config.getWithEnv<unknown>(keys, variable, env) : config.get<unknown>(keys);
    if (!found) return null;
    const flags = flagsOf(found.value);
    return flags.length ? { flags, source: `${name} (${found.definedIn})` } : null;
  };
  const parts: Rustflags[] = [];
  const own = read(['target', triple, 'rustflags'], `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, '_')}_RUSTFLAGS`, `target.${triple}.rustflags`);
  if (own) parts.push(own);
  const cfgKeys = config
    .tableKeys(['target'])
    .filter((k) => k.startsWith('cfg('))
    .sort();
  if (cfgKeys.length) {
    let info: ReturnType<typeof targetInfo> | null = null;
    try {
      info = targetInfo(triple);
    } catch {
      // A target rustc does not know: no cfg can be evaluated for it.
    }
    for (const key of cfgKeys) {
      if (!info || !platformMatches(key, info)) continue;
      const r = read(['target', key, 'rustflags'], null, `target.'${key}'.rustflags`);
      if (r) parts.push(r);
    }
  }
  if (parts.length) return { flags: parts.flatMap((p) => p.flags), source: parts.map((p) => p.source).join(' and ') };
  return read(['build', 'rustflags'], 'CARGO_BUILD_RUSTFLAGS', 'build.rustflags') ?? { flags: [], source: null };
}

/**
 * The container engine `cross` would use (`CROSS_CONTAINER_ENGINE`, else
 * docker, else podman) and whether it answers `info` within 5 s; null when
 * none is on PATH.
 */
export async function probeContainerEngine(env: NodeJS.ProcessEnv): Promise<import('../src/rules/environment-checks.js').ContainerEngine | null> {
  const names = env.CROSS_CONTAINER_ENGINE ? [env.CROSS_CONTAINER_ENGINE] : ['docker', 'podman'];
  for (const name of names) {
    const path = name.includes('/') ? (existsSync(name) ? name : null) : which(name, env);
    if (!path) continue;
    const answer = await new Promise<{ ok: boolean; text: string }>((done) => {
      execFile(
        path,
        ['info', '--format', name.endsWith('podman') ? '{{.Version.Version}}' : '{{.ServerVersion}}'],
        { encoding: 'utf8', timeout: 5_000, windowsHide: true, env },
        (err, stdout, stderr) => {
          const text =
            (err ? stderr || (err.killed ? 'no answer within 5 s' : err.message) : stdout)
              .trim()
              .split('\n')
              .find((l) => l.trim()) ?? '';
          done({ ok: !err, text: text.trim() });
        },
      );
    });
    return { name: name.replace(/^.*\//, ''), path, answers: answer.ok, detail: answer.ok ? `version ${answer.text || 'unknown'}` : answer.text || 'no answer' };
  }
  return null;
}
