/** Where `verify` looks for the binaries cargo built: the target directory, the profile's folder, the triple's, and the artifacts' file names. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import type { PackageManifest } from '../../src/manifest/workspace.js';
import { artifactNames, plainTriple, profileDir, targetDir } from '../../cli/run/verify.js';

function pkg(name: string, data: Record<string, unknown>, files: string[]): PackageManifest {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-discovery-'));
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'fn main() {}\n');
  }
  return { name, dir, data } as unknown as PackageManifest;
}

describe('artifact names', () => {
  it('src/main.rs, src/bin/*.rs, src/bin/*/main.rs and [[bin]]; .exe on Windows', () => {
    const p = pkg('app', { package: { name: 'app' }, bin: [{ name: 'extra-tool', path: 'tools/x.rs' }] }, ['src/main.rs', 'src/bin/helper.rs', 'src/bin/multi/main.rs', 'src/bin/multi/util.rs']);
    expect(artifactNames(p, 'x86_64-unknown-linux-musl')).toEqual({ bins: ['app', 'extra-tool', 'helper', 'multi'], cdylib: null });
    expect(artifactNames(p, 'x86_64-pc-windows-msvc').bins).toEqual(['app.exe', 'extra-tool.exe', 'helper.exe', 'multi.exe']);
  });

  it('autobins = false keeps only [[bin]]; a cdylib is lib<name>.so, <name>.dll, lib<name>.dylib with dashes as underscores', () => {
    const p = pkg('my-lib', { package: { name: 'my-lib', autobins: false }, lib: { 'crate-type': ['cdylib', 'rlib'] } }, ['src/main.rs', 'src/lib.rs']);
    expect(artifactNames(p, 'x86_64-unknown-linux-gnu')).toEqual({ bins: [], cdylib: 'libmy_lib.so' });
    expect(artifactNames(p, 'x86_64-pc-windows-gnu').cdylib).toBe('my_lib.dll');
    expect(artifactNames(p, 'aarch64-apple-darwin').cdylib).toBe('libmy_lib.dylib');
    const named = pkg('my-lib', { package: { name: 'my-lib' }, lib: { name: 'ffi', 'crate-type': ['cdylib'] } }, []);
    expect(artifactNames(named, 'x86_64-unknown-linux-gnu').cdylib).toBe('libffi.so');
  });
});

describe('folders', () => {
  it('profiles: release by default, dev and test in debug, bench in release, a custom profile its own', () => {
    expect(profileDir(undefined, false)).toBe('release');
    expect(profileDir(undefined, true)).toBe('debug');
    expect(profileDir('dev', false)).toBe('debug');
    expect(profileDir('test', false)).toBe('debug');
    expect(profileDir('bench', false)).toBe('release');
    expect(profileDir('dist', false)).toBe('dist');
  });

  it("cargo-zigbuild's glibc suffix is not part of the folder", () => {
    expect(plainTriple('x86_64-unknown-linux-gnu.2.17')).toBe('x86_64-unknown-linux-gnu');
    expect(plainTriple('aarch64-unknown-linux-gnu.2.28')).toBe('aarch64-unknown-linux-gnu');
    expect(plainTriple('x86_64-unknown-linux-musl')).toBe('x86_64-unknown-linux-musl');
  });

  it('the target directory: --target-dir, CARGO_TARGET_DIR, build.target-dir (from its .cargo folder), else <root>/target', () => {
    const root = mkdtempSync(join(tmpdir(), 'cargo-preflight-targetdir-'));
    const member = join(root, 'crates', 'app');
    mkdirSync(member, { recursive: true });
    const none = CargoConfig.load(member, {});
    expect(targetDir(undefined, none, {}, member, root)).toBe(join(root, 'target'));
    expect(targetDir('out', none, { CARGO_TARGET_DIR: '/elsewhere' }, member, root)).toBe(join(member, 'out'));
    expect(targetDir(undefined, none, { CARGO_TARGET_DIR: 'rel' }, member, root)).toBe(join(member, 'rel'));
    mkdirSync(join(root, '.cargo'));
    writeFileSync(join(root, '.cargo', 'config.toml'), '[build]\ntarget-dir = "build-out"\n');
    const configured = CargoConfig.load(member, {});
    // Relative to the folder holding .cargo/, not to where cargo runs.
    expect(targetDir(undefined, configured, {}, member, root)).toBe(join(root, 'build-out'));
    expect(targetDir(undefined, configured, { CARGO_BUILD_TARGET_DIR: '/abs' }, member, root)).toBe('/abs');
  });
});
