/** What the machine offers for building a target: rustup targets, linkers, C compilers (for `cross-environment`). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CargoConfig } from '../src/config/cargo-config.js';
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

/** Executables the environment checks look for, for a target triple. */
export function toolNames(target: string): string[] {
  const gccTriple = target.replace('-unknown-', '-');
  return ['rustup', 'cross', 'cargo-zigbuild', 'zig', `${target}-gcc`, `${gccTriple}-gcc`, 'musl-gcc', 'cc', 'c++', 'perl', 'make', 'cmake'];
}

export function inspectEnvironment(target: string, host: string, config: CargoConfig, env: NodeJS.ProcessEnv): EnvironmentSnapshot {
  const onPath: Record<string, string | null> = {};
  for (const n of toolNames(target)) onPath[n] = which(n, env);
  let installedTargets: string[] | null = null;
  if (onPath.rustup) {
    try {
      installedTargets = execFileSync(onPath.rustup, ['target', 'list', '--installed'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 })
        .split('\n')
        .filter(Boolean);
    } catch {
      installedTargets = null;
    }
  }
  // The active toolchain's sysroot holds the standard library of every installed target (rustup or not).
  let sysroot: string | null = null;
  try {
    sysroot = execFileSync(env.RUSTC || 'rustc', ['--print', 'sysroot'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim() || null;
  } catch {
    sysroot = null;
  }
  const stdInstalled = sysroot ? existsSync(join(sysroot, 'lib', 'rustlib', target, 'lib')) : null;
  const envLinker = env[`CARGO_TARGET_${target.toUpperCase().replace(/[-.]/g, '_')}_LINKER`];
  const cfgLinker = config.getString(['target', target, 'linker']);
  const configuredLinker = envLinker
    ? { value: envLinker, definedIn: `environment variable CARGO_TARGET_${target.toUpperCase().replace(/[-.]/g, '_')}_LINKER` }
    : cfgLinker
      ? { value: cfgLinker.value, definedIn: cfgLinker.definedIn }
      : null;
  const ccVariables: Record<string, string> = {};
  for (const name of [`CC_${target}`, `CC_${target.replace(/-/g, '_')}`, 'TARGET_CC', 'CC']) {
    if (env[name]) ccVariables[name] = env[name]!;
  }
  return { host, target, installedTargets, stdInstalled, sysroot, configuredLinker, onPath, ccVariables };
}
