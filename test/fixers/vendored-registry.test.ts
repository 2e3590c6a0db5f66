/**
 * Vendored projects whose vendor directory lacks a crate a fix needs (the
 * example's holds exactly what Cargo.lock locks: no openssl-src). With the
 * network allowed, the crate is looked up in the registry the vendor
 * directory replaces (a 127.0.0.1 registry in the replacement chain, or
 * `--index`), the fix is proven there and applied, and the report says to
 * run `cargo vendor`; cargo agrees once the vendor directory is completed.
 * Offline, the candidate is shown not proven, with its diff and the reason,
 * and applied only with `--allow-unproven`.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { IndexServer } from '../../testkit/index-server.js';
import { indexFromVendor } from '../../testkit/registry-gen.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { VENDOR_CONFIG } from '../helpers/project.js';
import { cargo, cli, exampleCopy, OPENSSL_SRC, read, testContext } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';
const withCargo = cargoAvailable() ? it : it.skip;

let server: IndexServer;
beforeAll(async () => {
  // The registry serves openssl-src, which the vendor directory lacks.
  const work = mkdtempSync(join(tmpdir(), 'preflight-upstream-'));
  for (const [rel, text] of Object.entries(OPENSSL_SRC)) {
    mkdirSync(join(work, rel, '..'), { recursive: true });
    writeFileSync(join(work, rel), text);
  }
  indexFromVendor(join(work, 'vendor'), join(work, 'index'));
  server = await IndexServer.start({ root: join(work, 'index') });
});
afterAll(() => server?.close());

/** cargo's configuration: crates.io replaced by the registry, which the vendor directory replaces. */
const chain = (url: string) =>
  `[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\nregistry = "sparse+${url}"\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n`;

/** The command line in this process, with the network allowed. */
async function online(argv: string[], cwd: string) {
  const t = testContext(cwd);
  const code = await main([...argv, '--cache-dir', join(cwd, '.preflight-cache')], t.ctx);
  return { code, stdout: t.out(), stderr: t.err() };
}

const FIXED = 'reqwest = { version = "0.12", features = ["json", "stream", "native-tls-vendored"] }';

describe('a fix needing a crate the vendor directory lacks', () => {
  withCargo('is proven through the registry the vendor directory replaces, applied, and says to run cargo vendor; cargo agrees once vendored', async () => {
    const dir = exampleCopy({ '.cargo/config.toml': chain(server.url) });
    const r = await online(['fix', dir, '--strategy', 'static'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain(`${FIXED}\n`);
    expect(r.stderr).toContain('note: then run `cargo vendor` to add openssl-src 300.4.2+3.4.1 to the vendor directory `vendor` (it also records it in Cargo.lock)\n');
    expect(server.log.some((x) => x.path.endsWith('/openssl-src') && x.status === 200)).toBe(true);

    // What `cargo vendor` would do: the crate in the vendor directory; then cargo resolves and builds it vendored.
    for (const [rel, text] of Object.entries(OPENSSL_SRC)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    cargo(dir, ['update', '-w']);
    const sys = cargoTreeLines(dir, MUSL).filter((l) => l.startsWith('openssl-sys '));
    expect(sys.length).toBeGreaterThan(0);
    for (const l of sys) expect(l.split('|')[1]!.split(',')).toContain('vendored');
    expect((await cli(['check', dir], dir)).stdout).not.toContain('openssl-sys v0.9.107` links the system');
  });

  it('with --index: the same registry is asked, and the vendor directory is still said to lack the crate', async () => {
    // --index replaces crates.io for the run: it must serve what the lock holds too.
    const work = mkdtempSync(join(tmpdir(), 'preflight-index-'));
    const dir = exampleCopy({ ...VENDOR_CONFIG });
    cpSync(join(dir, 'vendor'), join(work, 'vendor'), { recursive: true });
    for (const [rel, text] of Object.entries(OPENSSL_SRC)) {
      mkdirSync(join(work, rel, '..'), { recursive: true });
      writeFileSync(join(work, rel), text);
    }
    indexFromVendor(join(work, 'vendor'), join(work, 'index'));
    const r = await online(['fix', dir, '--strategy', 'static', '--dry-run', '--index', join(work, 'index'), '--no-crate-downloads'], dir);
    expect(r.stdout).toContain(`+${FIXED}`);
    expect(r.stderr).toContain('note: then run `cargo vendor` to add openssl-src 300.4.2+3.4.1 to the vendor directory `vendor`');
  });

  it('offline: not proven, with its diff, the reason, and applied only with --allow-unproven', async () => {
    const dir = exampleCopy({ '.cargo/config.toml': chain(server.url) });
    const before = read(dir);
    const r = await cli(['fix', dir, '--strategy', 'static'], dir);
    expect(r.code).toBe(1);
    expect(read(dir).includes('native-tls-vendored')).toBe(false);
    expect(r.stderr).toContain(
      'reason: static: reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`): the fix needs `openssl-src`, which Cargo.lock and the vendor directory `vendor` lack; offline, the registry it replaces was not asked',
    );
    expect(r.stderr).toContain('help: not proven for want of crate metadata: reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`); `--allow-unproven` applies it:');
    expect(r.stderr).toContain(`    +${FIXED}\n`);
    // The JSON of check says the same, by id.
    const json = JSON.parse((await cli(['check', dir, '--format', 'json', '--strategy', 'static'], dir)).stdout);
    const ssl = json.findings.find((f: { package: { name: string } }) => f.package.name === 'openssl-sys');
    expect(ssl.proposedFixes.map((x: { status: string; why?: { id: string }[] }) => [x.status, x.why?.map((w) => w.id)])).toEqual([['not-proven', ['vendorLacksOffline']]]);
    // The proven SQLite fix was written; the OpenSSL one was not.
    expect(read(dir)).toBe(before.replace('rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }'));

    const forced = await cli(['fix', dir, '--strategy', 'static', '--allow-unproven'], dir);
    expect(forced.stderr).toContain('warning: applied without proof (--allow-unproven): reqwest: enable `native-tls-vendored`');
    expect(read(dir)).toContain(`${FIXED}\n`);
  });
});
