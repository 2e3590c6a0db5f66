/** Writes a small project (a map of relative path to contents) into a fresh temporary folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeProject(files: Record<string, string>, prefix = 'cargo-preflight-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** A vendored crate: its normalized Cargo.toml plus what cargo's directory source needs. */
export function vendoredCrate(name: string, version: string, body = '', dirName = name): Record<string, string> {
  // Cargo wants a build script beside `links`.
  const build = /^links\s*=/m.test(body);
  return {
    [`vendor/${dirName}/Cargo.toml`]: `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\n${build ? 'build = "build.rs"\n' : ''}${body}`,
    [`vendor/${dirName}/src/lib.rs`]: '',
    ...(build ? { [`vendor/${dirName}/build.rs`]: 'fn main() {}\n' } : {}),
    [`vendor/${dirName}/.cargo-checksum.json`]: JSON.stringify({ files: {}, package: crateChecksum(name, version) }),
  };
}

export const VENDOR_CONFIG = {
  '.cargo/config.toml': '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n',
};

/** The made-up package checksum a vendored test crate carries (and its Cargo.lock entry must repeat). */
export function crateChecksum(name: string, version: string): string {
  const s = `${name}-${version}`;
  let h = 0n;
  for (const c of s) h = (h * 131n + BigInt(c.codePointAt(0)!)) % (1n << 256n);
  return h.toString(16).padStart(64, '0').slice(-64);
}

/** A Cargo.lock `[[package]]` entry: a crates.io package with its checksum, or a path package (`path`). */
export function lockEntry(name: string, version: string, deps: string[] = [], path = false): string {
  const source = path ? '' : `source = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${crateChecksum(name, version)}"\n`;
  const list = deps.length
    ? `dependencies = [\n${[...deps]
        .sort()
        .map((d) => ` "${d}",`)
        .join('\n')}\n]\n`
    : '';
  return `[[package]]\nname = "${name}"\nversion = "${version}"\n${source}${list}`;
}
