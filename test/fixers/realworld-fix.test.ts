/**
 * `fix` on copies of the real-world corpus (../shared/realworld). Their
 * vendor sets hold only what their Cargo.lock needs, so every OpenSSL fix
 * (which needs openssl-src) is, offline, not proven with that reason and
 * nothing is written. With the network allowed and a test registry on
 * 127.0.0.1 in the replacement chain (the registry the vendor directory
 * replaces) serving openssl-src (its real name, a published version matching
 * openssl-sys's requirement, its features), the fix is proven there and
 * applied, and the report says to run `cargo vendor`. Once the vendor
 * directory holds the crate, a second run changes nothing, and cargo locks
 * exactly the crate the report names and builds openssl-sys `vendored`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { main } from '../../cli/main.js';
import { IndexServer } from '../../testkit/index-server.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoAvailable, cargoTreeLines, REALWORLD_SKIP_REASON, realworldAvailable, realworldProject } from '../helpers/realworld.js';
import { cargo, cli, testContext } from './helpers.js';

const TARGET = 'x86_64-unknown-linux-musl';

interface Case {
  name: string;
  /** openssl-src version the stand-in gets (newest published one matching openssl-sys's requirement). */
  opensslSrc: string;
  /** The line the fix changes or adds in the root Cargo.toml. */
  before: string | null;
  after: string;
  /** For a new line: the table it goes in (the condition under which the crate comes in). */
  table?: string;
  title: string;
}

const CASES: Case[] = [
  {
    name: 'notesreminder',
    opensslSrc: '111.28.2+1.1.1w',
    before: null,
    after: 'openssl-sys = { version = "0.9.87", features = ["vendored"] }',
    // native-tls 0.2.11 takes openssl-sys under this cfg: the pin brings it to no other platform.
    table: `[target.'cfg(not(any(target_os = "windows", target_os = "macos", target_os = "ios")))'.dependencies]`,
    title: 'add `openssl-sys = { version = "0.9.87", features = ["vendored"] }`',
  },
  {
    name: 'cloud-image-download',
    opensslSrc: '300.4.2+3.4.1',
    before: 'reqwest = { version = "0.12.9", features = ["stream"] }',
    after: 'reqwest = { version = "0.12.9", features = ["stream", "native-tls-vendored"] }',
    title: 'reqwest: enable `native-tls-vendored`',
  },
  {
    name: 'nlb-operator',
    opensslSrc: '111.28.2+1.1.1w',
    before: 'openssl = "0.10"',
    after: 'openssl = { version = "0.10", features = ["vendored"] }',
    title: 'openssl: enable `vendored`',
  },
];

/** The openssl-sys packages of a cargo tree listing (features aside: a static option may turn one on where it is). */
const sysPackages = (lines: string[]) => lines.filter((l) => l.startsWith('openssl-sys ')).map((l) => l.split('|')[0]);

function standIn(dir: string, version: string): void {
  const d = join(dir, 'vendor', 'openssl-src');
  mkdirSync(join(d, 'src'), { recursive: true });
  writeFileSync(
    join(d, 'Cargo.toml'),
    `[package]\nname = "openssl-src"\nversion = "${version}"\nedition = "2018"\n\n[features]\ndefault = []\nlegacy = []\nforce-engine = []\nweak-crypto = []\nseeded = []\n`,
  );
  writeFileSync(join(d, 'src', 'lib.rs'), '');
  writeFileSync(join(d, '.cargo-checksum.json'), JSON.stringify({ files: {}, package: '1'.padStart(64, '0') }));
}

describe.skipIf(!realworldAvailable())('fix on the real-world corpus', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), `preflight-fix-rw-${c.name}-`));
      cpSync(realworldProject(c.name), dir, { recursive: true });
      const manifest = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
      const lock = readFileSync(join(dir, 'Cargo.lock'), 'utf8');
      if (c.before) expect(manifest).toContain(c.before);

      const elsewhere = new Map(cargoAvailable() ? ['x86_64-pc-windows-msvc', 'aarch64-apple-darwin'].map((t) => [t, sysPackages(cargoTreeLines(dir, t))]) : []);
      // Offline, the vendor set lacks openssl-src: nothing is proven, nothing written.
      const refused = await cli(['fix', dir], dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the fix needs `openssl-src`, which Cargo.lock and the vendor directory `vendor` lack; offline, the registry it replaces was not asked');
      expect(refused.stderr).toContain('error: remains: `openssl-sys');
      expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);

      // A test registry serving the crate the vendor directory lacks, as the registry the directory replaces.
      const registry = mkdtempSync(join(tmpdir(), `preflight-fix-rw-registry-${c.name}-`));
      standIn(registry, c.opensslSrc);
      indexFromVendor(join(registry, 'vendor'), join(registry, 'index'));
      const server = await IndexServer.start({ root: join(registry, 'index') });
      // The project's configuration file (nlb-operator keeps cargo's older name, `.cargo/config`).
      const configPath = ['.cargo/config.toml', '.cargo/config'].map((f) => join(dir, f)).find((f) => existsSync(f))!;
      const config = readFileSync(configPath, 'utf8');
      let fixed;
      try {
        writeFileSync(
          configPath,
          `[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\nregistry = "sparse+${server.url}"\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n`,
        );
        const t = testContext(dir);
        const code = await main(['fix', dir, '--cache-dir', join(registry, 'cache'), '--no-crate-downloads'], t.ctx);
        fixed = { code, stderr: t.err() };
      } finally {
        await server.close();
        writeFileSync(configPath, config);
      }
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stderr).toContain(c.title);
      expect(fixed.stderr).toContain(
        `Cargo.lock will change (new: openssl-src ${c.opensslSrc}${c.before ? '' : '; new dependencies: notes-reminder -> openssl-sys'}); run \`cargo update --workspace\` to update it`,
      );
      expect(fixed.stderr).toContain(`note: then run \`cargo vendor\` to add openssl-src ${c.opensslSrc} to the vendor directory \`vendor\``);
      // What `cargo vendor` adds.
      standIn(dir, c.opensslSrc);
      const after = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
      const expected = c.before ? manifest.replace(c.before, c.after) : null;
      if (expected) expect(after).toBe(expected);
      else {
        // A new table with the new line, every other byte as it was.
        const added = after.split('\n').filter((l) => !manifest.split('\n').includes(l));
        expect(added).toEqual([c.table, c.after]);
        expect(after.replace(`\n${c.table}\n${c.after}\n`, '')).toBe(manifest);
      }
      expect(readFileSync(join(dir, 'Cargo.lock'), 'utf8')).toBe(lock);

      if (!cargoAvailable()) {
        console.warn('cargo not found; skipping the cargo confirmation');
        return;
      }
      cargo(dir, ['update', '--workspace']);
      const newLock = readFileSync(join(dir, 'Cargo.lock'), 'utf8');
      // cargo locks exactly the one crate the report named.
      const count = (t: string) => (t.match(/^name = ".*"$/gm) ?? []).length;
      expect(count(newLock) - count(lock)).toBe(1);
      expect(newLock).toContain(`name = "openssl-src"\nversion = "${c.opensslSrc}"`);

      // With Cargo.lock up to date, a second run changes nothing and no error remains.
      const again = await cli(['fix', dir], dir);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toContain('Fixing');
      expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(after);
      const check = await cli(['check', dir], dir);
      expect(check.code).toBe(0);

      // Where openssl-sys was not (Windows, macOS), it still is not.
      for (const t of ['x86_64-pc-windows-msvc', 'aarch64-apple-darwin']) {
        expect(sysPackages(cargoTreeLines(dir, t)), t).toEqual(elsewhere.get(t));
      }
      const tree = cargoTreeLines(dir, TARGET);
      const sys = tree.filter((l) => l.startsWith('openssl-sys '));
      expect(sys.length).toBeGreaterThan(0);
      for (const l of sys) expect(l.split('|')[1]!.split(',')).toContain('vendored');
    });
  }
});

if (!realworldAvailable()) console.warn(REALWORLD_SKIP_REASON);
