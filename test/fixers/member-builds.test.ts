/**
 * Fixes that hold for every build the user runs: on workspaces whose members
 * share `[workspace.dependencies]`, with different features, and with a
 * member that does not use the crate, a fix is proven for the selection and
 * for each member built on its own (`cargo build -p M`), and real cargo
 * agrees: after `fix` and `cargo update --offline -w`, `cargo tree -p M -e
 * features -i openssl-sys --target T` shows the static feature for every
 * member that links OpenSSL, and no member gains it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFixes, proveEdits, reasonText } from '../../src/fixers/index.js';
import { cargoAvailable } from '../helpers/realworld.js';
import { VENDOR_CONFIG, writeProject } from '../helpers/project.js';
import { cargo, cli, contextFor, lockEntry, lockfile, read, TLS_CRATES } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';
const ARM = 'aarch64-unknown-linux-musl';
const withCargo = cargoAvailable() ? it : it.skip;

const member = (name: string, deps: string, edition = '2021') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "${edition}"\n\n[dependencies]\n${deps}`;

/**
 * svc-a and svc-b inherit reqwest (svc-b with `gzip`), svc-c does not use it;
 * `extraRoot` goes in the root manifest's [workspace.dependencies].
 */
function sharedWorkspace(opts: { edition?: string; extraRoot?: string; svcB?: string } = {}): string {
  const edition = opts.edition ?? '2021';
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': `[workspace]\nmembers = ["svc-a", "svc-b", "svc-c"]\nresolver = "${edition === '2024' ? '3' : '2'}"\n\n[workspace.dependencies]\nreqwest = { version = "0.12", features = ["json"] }\n${opts.extraRoot ?? ''}`,
    'svc-a/Cargo.toml': member('svc-a', 'reqwest.workspace = true\n', edition),
    'svc-b/Cargo.toml': member('svc-b', opts.svcB ?? 'reqwest = { workspace = true, features = ["gzip"] }\n', edition),
    'svc-c/Cargo.toml': member('svc-c', '', edition),
    ...Object.fromEntries(['svc-a', 'svc-b', 'svc-c'].map((m) => [`${m}/src/main.rs`, 'fn main() {}\n'])),
    'Cargo.lock': lockfile([
      lockEntry('native-tls', '0.2.12', ['openssl-sys']),
      lockEntry('openssl-sys', '0.9.103'),
      lockEntry('reqwest', '0.12.5', ['native-tls', ...(opts.svcB?.includes('rustls') ? ['rustls'] : [])]),
      ...(opts.svcB?.includes('rustls') ? [lockEntry('rustls', '0.23.12')] : []),
      lockEntry('svc-a', '0.1.0', ['reqwest'], true),
      lockEntry('svc-b', '0.1.0', ['reqwest'], true),
      lockEntry('svc-c', '0.1.0', [], true),
    ]),
    ...TLS_CRATES,
  });
}

/** `cargo tree -p M -e features -i openssl-sys --target T`: the features of openssl-sys in M's own build, null when M does not build it. */
function sysFeatures(dir: string, m: string, target: string): string[] | null {
  const r = spawnSync('cargo', ['tree', '--offline', '--locked', '-p', m, '-e', 'features', '-i', 'openssl-sys', '--target', target, '--prefix', 'none'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, CARGO_HOME: join(dir, '.no-cargo-home'), CARGO_TERM_COLOR: 'never', RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(process.env.HOME ?? '', '.rustup') },
  });
  if (r.status !== 0) {
    // cargo's words when the package is not in the member's graph.
    expect(r.stderr, `cargo tree -p ${m}`).toMatch(/did not match any packages|nothing to print/);
    return null;
  }
  return [...new Set([...r.stdout.matchAll(/^openssl-sys feature "([^"]+)"/gm)].map((x) => x[1]!))].sort();
}

describe('a static option shared through [workspace.dependencies]', () => {
  withCargo('goes into the root entry when every member inheriting it links OpenSSL; cargo builds it vendored for each member alone', async () => {
    const dir = sharedWorkspace();
    const r = await cli(['fix', dir, '--strategy', 'static', '--target', MUSL, '--target', ARM], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain('reqwest = { version = "0.12", features = ["json", "native-tls-vendored"] }\n');
    expect(read(dir, 'svc-a/Cargo.toml')).toBe(member('svc-a', 'reqwest.workspace = true\n'));
    expect(read(dir, 'svc-c/Cargo.toml')).toBe(member('svc-c', ''));
    cargo(dir, ['update', '-w']);
    for (const t of [MUSL, ARM]) {
      expect(sysFeatures(dir, 'svc-a', t), `svc-a ${t}`).toContain('vendored');
      expect(sysFeatures(dir, 'svc-b', t), `svc-b ${t}`).toContain('vendored');
      expect(sysFeatures(dir, 'svc-c', t), `svc-c ${t}`).toBeNull();
    }
    // Each member checked on its own: nothing left.
    for (const m of ['svc-a', 'svc-b', 'svc-c']) expect((await cli(['check', dir, '-p', m, '--target', MUSL], dir)).code, m).toBe(0);
  });

  it('a feature for one member only is refused: the other, built on its own, still links the system OpenSSL', async () => {
    const dir = sharedWorkspace();
    const { ctx, close } = await contextFor(dir);
    try {
      const ids = ctx.findings.filter((f) => f.package.name === 'openssl-sys').map((f) => f.id);
      expect(ids.length).toBeGreaterThan(0);
      // What `fix` wrote before: the feature in svc-a's declaration alone. Features unify across the selection, so
      // the whole workspace is fixed; `cargo build -p svc-b` is not.
      const proof = await proveEdits(
        ctx,
        [{ path: join(dir, 'svc-a/Cargo.toml'), ops: [{ op: 'add-features', table: { kind: 'dependencies' }, key: 'reqwest', features: ['native-tls-vendored'] }] }],
        ids,
      );
      expect(proof.proven).toBe(false);
      expect(proof.reasons).toEqual([{ id: 'memberAlone', data: { member: 'svc-b' }, cause: [{ id: 'stillReported', data: { findings: `openssl-sys (native-library, ${MUSL})` } }] }]);
      expect(reasonText(proof.reasons![0]!)).toBe(`for \`svc-b\` built on its own (\`cargo build -p svc-b\`): openssl-sys (native-library, ${MUSL}) still reported after the change`);
      // The service's candidate reaches both.
      const plan = await planFixes(ctx, { strategy: 'static' });
      expect(plan.applied.map((f) => f.edits.map((e) => e.path.slice(dir.length + 1)))).toEqual([['Cargo.toml']]);
    } finally {
      await close();
    }
  });
});

describe('members with different features', () => {
  withCargo('only the member whose own build links OpenSSL gets the feature; the rustls-only member keeps no OpenSSL', async () => {
    const dir = sharedWorkspace({ svcB: 'reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }\n' });
    const check = await cli(['check', dir, '--format', 'json'], dir);
    expect(check.code).toBe(1);
    const r = await cli(['fix', dir, '--strategy', 'static'], dir);
    expect(r.code, r.stderr).toBe(0);
    // svc-a is the only member inheriting the root entry: the entry takes the feature; svc-b is not touched.
    expect(read(dir)).toContain('reqwest = { version = "0.12", features = ["json", "native-tls-vendored"] }\n');
    expect(read(dir, 'svc-b/Cargo.toml')).toBe(member('svc-b', 'reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }\n'));
    cargo(dir, ['update', '-w']);
    expect(sysFeatures(dir, 'svc-a', MUSL)).toContain('vendored');
    expect(sysFeatures(dir, 'svc-b', MUSL)).toBeNull();
    expect(sysFeatures(dir, 'svc-c', MUSL)).toBeNull();
  });

  withCargo('a pin goes to each member whose own build links OpenSSL, inheriting the workspace entry where there is one', async () => {
    const dir = sharedWorkspace({ extraRoot: 'openssl-sys = "0.9.100"\n' });
    const r = await cli(['fix', dir, '--strategy', 'pin'], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const m of ['svc-a', 'svc-b']) expect(read(dir, `${m}/Cargo.toml`), m).toContain('openssl-sys = { workspace = true, features = ["vendored"] }');
    expect(read(dir, 'svc-c/Cargo.toml')).toBe(member('svc-c', ''));
    cargo(dir, ['update', '-w']);
    for (const m of ['svc-a', 'svc-b']) expect(sysFeatures(dir, m, MUSL), m).toContain('vendored');
    expect(sysFeatures(dir, 'svc-c', MUSL)).toBeNull();
  });
});

describe('edition 2024', () => {
  withCargo('a switch of an inherited dependency sets default-features = false in the root entry, which cargo accepts', async () => {
    const dir = sharedWorkspace({ edition: '2024' });
    const r = await cli(['fix', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain('reqwest = { version = "0.12", features = ["json"], default-features = false }\n');
    // Members never write default-features on an inherited dependency (an error since edition 2024 unless the entry says it).
    for (const m of ['svc-a', 'svc-b']) expect(read(dir, `${m}/Cargo.toml`), m).not.toContain('default-features');
    cargo(dir, ['update', '-w']);
    for (const m of ['svc-a', 'svc-b', 'svc-c']) expect(sysFeatures(dir, m, MUSL), m).toBeNull();
    const tree = cargo(dir, ['tree', '-p', 'svc-b', '-e', 'features', '-i', 'reqwest', '--target', MUSL, '--prefix', 'none']);
    expect(tree).toContain('reqwest feature "rustls-tls"');
    expect(tree).toContain('reqwest feature "gzip"');
  });

  withCargo('cargo refuses default-features = false in a member when the entry lacks it, as the editor does', async () => {
    const dir = sharedWorkspace({ edition: '2024' });
    writeFileSync(join(dir, 'svc-a/Cargo.toml'), member('svc-a', 'reqwest = { workspace = true, default-features = false }\n', '2024'));
    expect(() => cargo(dir, ['tree'])).toThrow(/default-features/);
  });
});

describe('check: a problem only a member built on its own has', () => {
  withCargo('is reported for that member, with cargo agreeing, and fix reaches it', async () => {
    // svc-a turns on native-tls-vendored, svc-b does not: built together, openssl-sys is vendored; svc-b alone is not.
    const dir = sharedWorkspace({ svcB: 'reqwest.workspace = true\n' });
    writeFileSync(join(dir, 'svc-a/Cargo.toml'), member('svc-a', 'reqwest = { workspace = true, features = ["native-tls-vendored"] }\n'));
    const workspace = cargo(dir, ['tree', '--workspace', '-e', 'features', '-i', 'openssl-sys', '--target', MUSL, '--prefix', 'none']);
    expect(workspace).toContain('openssl-sys feature "vendored"');
    expect(sysFeatures(dir, 'svc-b', MUSL)).not.toContain('vendored');

    const check = await cli(['check', dir, '--target', MUSL, '--format', 'json'], dir);
    expect(check.code, check.stderr).toBe(1);
    const report = JSON.parse(check.stdout) as { findings: { rule: string; severity: string; package: { name: string }; builtAlone?: string[] }[] };
    // Built together it is vendored (an `info` that it builds C); svc-b alone links the system OpenSSL.
    const openssl = report.findings.filter((f) => f.package.name === 'openssl-sys' && f.severity !== 'info');
    expect(openssl.map((f) => [f.rule, f.builtAlone])).toEqual([['native-library', ['svc-b']]]);
    const human = await cli(['check', dir, '--target', MUSL], dir);
    expect(human.stdout).toContain('note: only when built on its own (`cargo build -p svc-b`): built with the other selected members, cargo unifies their features and turns on what removes it');
    // svc-a's own build has no problem; svc-b's has it.
    expect((await cli(['check', dir, '-p', 'svc-a', '--target', MUSL], dir)).code).toBe(0);
    expect((await cli(['check', dir, '-p', 'svc-b', '--target', MUSL], dir)).code).toBe(1);

    const r = await cli(['fix', dir, '--strategy', 'static', '--target', MUSL], dir);
    expect(r.code, r.stderr).toBe(0);
    cargo(dir, ['update', '-w']);
    expect(sysFeatures(dir, 'svc-b', MUSL)).toContain('vendored');
    expect((await cli(['check', dir, '--target', MUSL], dir)).code).toBe(0);
  });

  it('is not reported when a single member is selected (that build is the selection)', async () => {
    const dir = sharedWorkspace({ svcB: 'reqwest.workspace = true\n' });
    writeFileSync(join(dir, 'svc-a/Cargo.toml'), member('svc-a', 'reqwest = { workspace = true, features = ["native-tls-vendored"] }\n'));
    const r = await cli(['check', dir, '-p', 'svc-a', '--target', MUSL, '--format', 'json'], dir);
    const report = JSON.parse(r.stdout) as { findings: { package: { name: string }; severity: string; builtAlone?: string[] }[] };
    expect(report.findings.filter((f) => f.package.name === 'openssl-sys' && f.severity !== 'info')).toEqual([]);
  });
});
