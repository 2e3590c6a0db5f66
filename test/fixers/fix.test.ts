/**
 * End to end: `fix` and `check --fix` on fixture workspaces with vendored
 * crates, then real cargo on the result (`cargo update --workspace`, the
 * command the report gives, and `cargo tree`).
 */
import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFixes, readText, reasonText, renderChanges } from '../../src/fixers/index.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { vendoredCrate } from '../helpers/project.js';
import { toolLines } from '../resolve/compare.js';
import { cargo, cli, contextFor, exampleCopy, inheritedTlsWorkspace, mailerManifest, OPENSSL_SRC, QUINN, read, recipesProject, WEBPKI_ROOTS, zlibProject } from './helpers.js';

const TARGET = 'x86_64-unknown-linux-musl';
const withCargo = cargoAvailable() ? it : it.skip;
if (!cargoAvailable()) console.warn('cargo not found: the cargo tree confirmations are skipped');

function tree(dir: string): Map<string, string[]> {
  cargo(dir, ['update', '--workspace']);
  const out = new Map<string, string[]>();
  for (const l of cargoTreeLines(dir, TARGET)) {
    const [pkg, features] = l.split('|');
    out.set(pkg!.split(' ')[0]!, features ? features.split(',') : []);
  }
  return out;
}

describe('the bundled example (reqwest with native-tls, rusqlite)', () => {
  it('switches reqwest to rustls with its other defaults listed again, and bundles SQLite', async () => {
    const dir = exampleCopy({ ...WEBPKI_ROOTS, ...QUINN });
    const before = read(dir);
    const lock = read(dir, 'Cargo.lock');
    const r = await cli(['fix', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    const after = read(dir);
    expect(after).toBe(
      before
        .replace(
          'reqwest = { version = "0.12", features = ["json", "stream"] }',
          'reqwest = { version = "0.12", features = ["json", "stream", "rustls-tls", "charset", "http2", "macos-system-configuration"], default-features = false }',
        )
        .replace('rusqlite = "0.34"', 'rusqlite = { version = "0.34", features = ["bundled"] }'),
    );
    expect(r.stderr).toMatch(/Fixing .*Cargo\.toml \(2 fixes\)/);
    expect(r.stderr).toMatch(
      /note: Cargo\.lock will change \(new: webpki-roots 0\.26\.8, quinn 0\.11\.6; new dependencies: [^)]*libsqlite3-sys -> cc[^)]*\); run `cargo update --workspace` to update it\n/,
    );
    // Cargo.lock is never touched.
    expect(read(dir, 'Cargo.lock')).toBe(lock);

    const again = await cli(['fix', dir], dir);
    expect(again.code).toBe(0);
    expect(read(dir)).toBe(after);
    const check = await cli(['check', dir], dir);
    expect(check.code).toBe(0);

    if (!cargoAvailable()) return;
    const t = tree(dir);
    expect(t.has('openssl-sys')).toBe(false);
    expect(t.has('native-tls')).toBe(false);
    expect(t.get('reqwest')).toEqual(expect.arrayContaining(['charset', 'http2', 'json', 'stream', 'rustls-tls', 'macos-system-configuration']));
    expect(t.get('reqwest')).not.toContain('default-tls');
    expect(t.get('libsqlite3-sys')).toContain('bundled');
    expect(t.has('webpki-roots')).toBe(true);
    // The new dependency the report named is in the Cargo.lock cargo wrote.
    expect(read(dir, 'Cargo.lock')).toMatch(/name = "libsqlite3-sys"\nversion = "0\.32\.0"\n[^[]*dependencies = \[\n "cc",/);
  });

  it('a crate cargo would lock but the vendor set lacks keeps the switch unproven', async () => {
    const dir = exampleCopy(WEBPKI_ROOTS);
    const r = await cli(['fix', dir, '--strategy', 'switch', '--dry-run'], dir);
    // Offline, the registry the vendor directory replaces is not asked.
    expect(r.stderr).toContain(
      'the fix needs `quinn 0.11.1`, which Cargo.lock and the vendor directory `vendor` lack; offline, the registry it replaces was not asked (cargo locks optional dependencies that a `dep?/feature` names, built or not)',
    );
    if (!cargoAvailable()) return;
    // cargo agrees: with the switch written by hand, it cannot lock the project offline.
    const text = read(dir).replace('features = ["json", "stream"] }', 'features = ["json", "stream", "rustls-tls"], default-features = false }');
    writeFileSync(join(dir, 'Cargo.toml'), text);
    expect(() => cargo(dir, ['update', '--workspace'])).toThrow(/no matching package found\nsearched package name: `quinn`/);
  });

  it('without the crates a fix needs, applies what is proven, says why the rest is not, and stays idempotent', async () => {
    const dir = exampleCopy();
    const r = await cli(['fix', dir], dir);
    expect(r.code).toBe(1);
    expect(read(dir)).toContain('rusqlite = { version = "0.34", features = ["bundled"] }');
    expect(read(dir)).toContain('reqwest = { version = "0.12", features = ["json", "stream"] }');
    expect(r.stderr).toMatch(
      /warning: not fixed: `openssl-sys v0\.9\.107`\n {2}= reason: switch: reqwest: use rustls instead of OpenSSL: the fix needs `webpki-roots`, which Cargo.lock and the vendor directory `vendor` lack; offline, the registry it replaces was not asked/,
    );
    expect(r.stderr).toMatch(/\n {2}= reason: static: reqwest: enable `native-tls-vendored` .*: the fix needs `openssl-src`/);
    expect(r.stderr).toMatch(/\n {2}= reason: pin: add `openssl-sys = \{ version = "0\.9\.107", features = \["vendored"\] \}`: the fix needs `openssl-src`/);
    expect(r.stderr).toContain('`openssl-src`');
    expect(r.stderr).toMatch(/help: .*reqwest: turn off `default-tls`\n {2}= lost: .*reqwest\/default-tls/);
    expect(r.stderr).toContain('error: remains: `openssl-sys v0.9.107`');
    const text = read(dir);
    const again = await cli(['fix', dir], dir);
    expect(again.code).toBe(1);
    expect(read(dir)).toBe(text);
    expect(again.stderr).not.toContain('Fixing');
    const check = await cli(['check', dir, '--format', 'json'], dir);
    expect(check.code).toBe(1);
    const ids = (JSON.parse(check.stdout) as { findings: { package: { name: string }; severity: string }[] }).findings.filter((f) => f.severity === 'error').map((f) => f.package.name);
    expect(ids).toEqual(['openssl-sys']);
  });

  it('--strategy static vendors OpenSSL through reqwest', async () => {
    const dir = exampleCopy(OPENSSL_SRC);
    const { ctx, close } = await contextFor(dir);
    try {
      const { fixes } = await planFixes(ctx, { strategy: 'static' });
      const openssl = fixes.find((f) => f.title.startsWith('reqwest'))!;
      expect(openssl).toMatchObject({ strategy: 'static', proven: true, newCrates: ['openssl-src 300.4.2+3.4.1'], lockfileCommand: 'cargo update --workspace' });
      expect(openssl.edits).toEqual([{ path: join(dir, 'Cargo.toml'), ops: [{ op: 'add-features', table: { kind: 'dependencies' }, key: 'reqwest', features: ['native-tls-vendored'] }] }]);
    } finally {
      await close();
    }
  });

  withCargo('--strategy pin adds openssl-sys at the locked version with `vendored`; cargo builds it vendored', async () => {
    const dir = exampleCopy(OPENSSL_SRC);
    const r = await cli(['fix', dir, '--strategy', 'pin'], dir);
    expect(r.code, r.stderr).toBe(0);
    const text = read(dir);
    expect(text).toContain('openssl-sys = { version = "0.9.107", features = ["vendored"] }\n');
    expect(text).toContain('libsqlite3-sys = { version = "0.32.0", features = ["bundled"] }\n');
    expect(r.stderr).toContain('Cargo.lock will change (new: openssl-src 300.4.2+3.4.1; new dependencies: libsqlite3-sys -> cc, weather-report -> libsqlite3-sys, weather-report -> openssl-sys)');
    const t = tree(dir);
    expect(t.get('openssl-sys')).toContain('vendored');
    expect(t.get('libsqlite3-sys')).toContain('bundled');
    expect(readFileSync(join(dir, 'Cargo.lock'), 'utf8')).toContain('name = "openssl-src"\nversion = "300.4.2+3.4.1"');
  });

  withCargo("after a pin whose feature needs a crate Cargo.lock lacks, check resolves it as cargo's next build does, says so, and equals cargo after the update", async () => {
    const dir = exampleCopy(OPENSSL_SRC);
    expect((await cli(['fix', dir, '--strategy', 'pin'], dir)).code).toBe(0);
    // The pin adds libsqlite3-sys with `bundled` (which needs cc) and openssl-sys with `vendored` (openssl-src): the lock holds neither.
    const r = await cli(['check', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: Cargo\.lock is out of date: .*`openssl-src` \(an optional dependency of `openssl-sys v0\.9\.107`\).*resolved with .*`openssl-src v300\.4\.2\+3\.4\.1`/);
    const before = (await toolLines(dir, {}, [TARGET])).get(TARGET);
    cargo(dir, ['update', '--workspace']);
    expect(before).toEqual(cargoTreeLines(dir, TARGET));
    expect((await toolLines(dir, {}, [TARGET])).get(TARGET)).toEqual(cargoTreeLines(dir, TARGET));
    // Where what the lock lacks cannot be had (the vendor set has no openssl-src), check stops at the new declaration.
    const bare = exampleCopy();
    const text = read(bare).replace('rusqlite = "0.34"\n', 'rusqlite = "0.34"\nopenssl-sys = { version = "0.9.107", features = ["vendored"] }\n');
    writeFileSync(join(bare, 'Cargo.toml'), text);
    const line = text.split('\n').findIndex((l) => l.startsWith('openssl-sys = ')) + 1;
    const stopped = await cli(['check', bare], bare);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(
      new RegExp(
        `^${join(bare, 'Cargo.toml')}:${line}:1: error: dependency \`openssl-sys\` of \`weather-report\` is not in Cargo.lock, and the features it turns on need \`openssl-src\` \\(of \`openssl-sys v0\\.9\\.107\`\\), which Cargo.lock does not hold either \\(.*openssl-src.*\\)\n  help: .*cargo update --workspace`,
      ),
    );
  });

  it('--pin-scope target puts the pin under the musl cfg table, narrowed by the way the crate comes in', async () => {
    const dir = exampleCopy(OPENSSL_SRC);
    const r = await cli(['fix', dir, '--strategy', 'pin', '--pin-scope', 'target', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '+',
        `+[target.'cfg(target_env = "musl")'.dependencies]`,
        '+libsqlite3-sys = { version = "0.32.0", features = ["bundled"] }',
        '+',
        // reqwest takes native-tls only off wasm, and wasm32-wali-linux-musl is a musl target.
        `+[target.'cfg(all(not(target_arch = "wasm32"), target_env = "musl"))'.dependencies]`,
        '+openssl-sys = { version = "0.9.107", features = ["vendored"] }',
      ].join('\n'),
    );
    // A dry run writes nothing.
    expect(read(dir)).not.toContain('openssl-sys');
  });

  it('check --fix --dry-run prints the same diff as fix --dry-run; colours only on a terminal', async () => {
    const dir = exampleCopy({ ...WEBPKI_ROOTS, ...QUINN });
    const fix = await cli(['fix', dir, '--dry-run'], dir);
    const check = await cli(['check', dir, '--fix', '--dry-run'], dir);
    expect(check.stdout).toBe(fix.stdout);
    expect(fix.stdout).toMatch(/^--- a\/Cargo.toml\n\+\+\+ b\/Cargo.toml\n@@ /);
    expect(fix.stdout).not.toContain('\x1b[');
    const tty = await cli(['fix', dir, '--dry-run'], dir, true);
    expect(tty.stdout).toContain('\x1b[32m+reqwest');
    expect(read(dir)).not.toContain('rustls');
  });

  it('bad input exits 2 with a cargo-style message', async () => {
    const dir = exampleCopy();
    const r = await cli(['fix', dir, '--strategy', 'magic'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid value 'magic' for '--strategy <STRATEGY>' [possible values: switch, static, pin, auto]\n");
    const s = await cli(['fix', dir, '--pin-scope', 'some'], dir);
    expect(s.code).toBe(2);
  });
});

describe('a workspace inheriting reqwest from [workspace.dependencies]', () => {
  it('sets default-features = false in the root and gives every inheriting member the features back', async () => {
    const dir = inheritedTlsWorkspace();
    const r = await cli(['fix', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain('reqwest = { version = "0.12", features = ["json"], default-features = false }   # keep json\n');
    expect(read(dir, 'api/Cargo.toml')).toBe(
      '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nreqwest.workspace = true\nreqwest.features = ["rustls-tls", "charset", "http2", "macos-system-configuration"]\n',
    );
    expect(read(dir, 'worker/Cargo.toml')).toContain(
      'reqwest = { workspace = true, features = [\n    "gzip", # compressed feeds\n    "rustls-tls",\n    "charset",\n    "http2",\n    "macos-system-configuration",\n] }\n',
    );
    expect(r.stderr).toContain('Cargo.lock will change (new: rustls 0.23.12)');
    const again = await cli(['fix', dir], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to fix');
    if (!cargoAvailable()) return;
    const t = tree(dir);
    expect(t.has('openssl-sys')).toBe(false);
    expect(t.get('reqwest')).toEqual(['__rustls', '__tls', 'charset', 'gzip', 'http2', 'json', 'macos-system-configuration', 'rustls-tls', 'rustls-tls-webpki-roots']);
  });

  it("proving only one member would lose the other member's TLS: the fix edits both", async () => {
    const dir = inheritedTlsWorkspace();
    const { ctx, close } = await contextFor(dir, ['-p', 'api']);
    try {
      const [fix] = (await planFixes(ctx)).applied;
      expect(fix!.proven).toBe(true);
      expect(fix!.edits.map((e) => e.path.slice(dir.length + 1)).sort()).toEqual(['Cargo.toml', 'api/Cargo.toml', 'worker/Cargo.toml']);
      expect(renderChanges([fix!], readText).length).toBe(3);
    } finally {
      await close();
    }
  });
});

describe('a root [workspace.dependencies] change is proven for every inheriting member', () => {
  it('refuses a fix for the selected member that leaves another member with the native backend', async () => {
    const dir = inheritedTlsWorkspace();
    writeFileSync(join(dir, 'worker/Cargo.toml'), `${read(dir, 'worker/Cargo.toml')}\n[features]\ndefault = ["system-tls"]\nsystem-tls = ["reqwest/default-tls"]\n`);
    const { ctx, close } = await contextFor(dir, ['-p', 'api']);
    try {
      const plan = await planFixes(ctx, { strategy: 'switch' });
      expect(plan.fixes).toHaveLength(1);
      expect(plan.fixes[0]!.proven).toBe(false);
      expect(plan.fixes[0]!.reason).toBe(
        "for the whole workspace (the root's [workspace.dependencies] changes): openssl-sys (native-library, x86_64-unknown-linux-musl) still reported after the change",
      );
      expect(plan.notFixed[0]!.why.map(reasonText)).toEqual([
        "switch: reqwest: use rustls instead of OpenSSL: for the whole workspace (the root's [workspace.dependencies] changes): openssl-sys (native-library, x86_64-unknown-linux-musl) still reported after the change",
      ]);
      expect(plan.notFixed[0]!.why).toEqual([
        {
          strategy: 'switch',
          candidate: 'reqwest: use rustls instead of OpenSSL',
          id: 'wholeWorkspace',
          data: {},
          cause: [{ id: 'stillReported', data: { findings: 'openssl-sys (native-library, x86_64-unknown-linux-musl)' } }],
        },
      ]);
    } finally {
      await close();
    }
  });
});

describe('libz-sys through a wrapper the knowledge base does not know', () => {
  withCargo('turns on the wrapper feature that reaches libz-sys/static, found in its feature map', async () => {
    const dir = zlibProject();
    const r = await cli(['fix', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain('# archive support\ncompress-lite = { version = "0.3", features = ["static"] }\n');
    expect(r.stderr).not.toContain('Cargo.lock will change');
    expect(tree(dir).get('libz-sys')).toEqual(['default', 'libc', 'static', 'stock-zlib']);
  });

  withCargo('with --locked, applies only the fixes that leave Cargo.lock as it is (as cargo add --locked)', async () => {
    const dir = zlibProject();
    const before = read(dir);
    const pin = await cli(['fix', dir, '--strategy', 'pin', '--locked'], dir);
    expect(pin.code).toBe(1);
    expect(read(dir)).toBe(before);
    expect(pin.stderr).toContain('warning: not applied: ');
    expect(pin.stderr).toContain('reason: it changes Cargo.lock, and --locked was passed to prevent that');
    const asJson = JSON.parse((await cli(['fix', dir, '--strategy', 'pin', '--locked', '--message-format', 'json', '--dry-run'], dir)).stdout);
    expect(validateFix(asJson), JSON.stringify(validateFix.errors)).toBe(true);
    expect(asJson.applied).toEqual([]);
    expect(asJson.notApplied).toEqual([
      expect.objectContaining({ strategy: 'pin', reason: 'it changes Cargo.lock, and --locked was passed to prevent that', why: { id: 'changesLockfile', data: { flag: '--locked' } } }),
    ]);
    const feature = await cli(['fix', dir, '--locked'], dir);
    expect(feature.code, feature.stderr).toBe(0);
    expect(read(dir)).toContain('compress-lite = { version = "0.3", features = ["static"] }\n');
  });

  withCargo('--strategy pin adds libz-sys with `static`', async () => {
    const dir = zlibProject();
    const r = await cli(['fix', dir, '--strategy', 'pin'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain('compress-lite = "0.3"\nlibz-sys = { version = "1.1.20", features = ["static"] }\n');
    expect(r.stderr).toContain('run `cargo update --workspace`');
    expect(tree(dir).get('libz-sys')).toContain('static');
  });

  withCargo('after the pin, check resolves the new edge against the locked libz-sys as cargo will, and warns that Cargo.lock is out of date', async () => {
    const dir = zlibProject();
    // A newer libz-sys is at hand too: cargo still keeps the locked one for the new declaration.
    for (const [rel, text] of Object.entries(
      vendoredCrate('libz-sys', '1.1.22', 'links = "z"\n\n[features]\ndefault = ["libc", "stock-zlib"]\nlibc = []\nstock-zlib = []\nstatic = []\n', 'libz-sys-1.1.22'),
    )) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    expect((await cli(['fix', dir, '--strategy', 'pin'], dir)).code).toBe(0);
    const line =
      read(dir)
        .split('\n')
        .findIndex((l) => l.startsWith('libz-sys = ')) + 1;
    const check = await cli(['check', dir, '--format', 'json'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain(
      `warning: Cargo.lock is out of date: it does not list dependency \`libz-sys\` of \`packer\` (Cargo.toml:${line}:1); resolved with the locked \`libz-sys v1.1.20\`, as cargo will; run \`cargo update --workspace\` to record it (it moves nothing else)\n`,
    );
    const before = await toolLines(dir, {}, [TARGET]);
    const lock = read(dir, 'Cargo.lock');
    cargo(dir, ['update', '--workspace']);
    // The command adds the edge and moves nothing; cargo's tree is then what the tool resolved before it.
    expect(read(dir, 'Cargo.lock')).toBe(
      lock.replace('name = "packer"\nversion = "0.2.0"\ndependencies = [\n "compress-lite",\n', 'name = "packer"\nversion = "0.2.0"\ndependencies = [\n "compress-lite",\n "libz-sys",\n'),
    );
    expect(before.get(TARGET)).toEqual(cargoTreeLines(dir, TARGET));
    expect(before.get(TARGET)).toContain('libz-sys v1.1.20|default,libc,static,stock-zlib');
    const after = await cli(['check', dir], dir);
    expect(after.stderr).not.toContain('out of date');
  });

  withCargo('with --locked or --frozen, a Cargo.lock that lacks a declaration is an error, as for cargo', async () => {
    const dir = zlibProject();
    expect((await cli(['fix', dir, '--strategy', 'pin'], dir)).code).toBe(0);
    const line =
      read(dir)
        .split('\n')
        .findIndex((l) => l.startsWith('libz-sys = ')) + 1;
    for (const flag of ['--locked', '--frozen']) {
      const r = await cli(['check', dir, flag], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `${join(dir, 'Cargo.toml')}:${line}:1: error: cannot update the lock file ${join(dir, 'Cargo.lock')} because ${flag} was passed to prevent this: it does not list dependency \`libz-sys\` of \`packer\`\n` +
          `  help: run \`cargo update --workspace\` to record it (it moves nothing else), or remove the ${flag} flag\n`,
      );
      // Cargo refuses the same lockfile with the same words.
      const theirs = spawnSync('cargo', ['tree', '--offline', flag], { cwd: dir, encoding: 'utf8', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });
      expect(theirs.status).not.toBe(0);
      expect(theirs.stderr).toContain(`cannot update the lock file ${join(dir, 'Cargo.lock')} because ${flag} was passed to prevent this`);
    }
    cargo(dir, ['update', '--workspace']);
    expect((await cli(['check', dir, '--locked'], dir)).code).toBe(0);
  });

  withCargo('with --locked, a Cargo.lock that lists a dependency the manifest dropped is an error, as for cargo', async () => {
    const dir = exampleCopy();
    const manifest = read(dir);
    expect(manifest).toContain('serde_json = "1"\n');
    writeFileSync(join(dir, 'Cargo.toml'), manifest.replace('serde_json = "1"\n', ''));
    // Without --locked the graph is the manifests' (cargo rewrites the lock silently).
    expect((await cli(['tree', dir, '--offline', '--quiet'], dir)).code).toBe(0);
    const r = await cli(['tree', dir, '--offline', '--quiet', '--locked'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${join(dir, 'Cargo.toml')}: error: cannot update the lock file ${join(dir, 'Cargo.lock')} because --locked was passed to prevent this: it lists \`serde_json\` as a dependency of \`weather-report\`, which its manifest no longer declares\n` +
        '  help: run `cargo update --workspace` to drop it (it moves nothing else), or remove the --locked flag\n',
    );
    const theirs = spawnSync('cargo', ['tree', '--offline', '--locked'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });
    expect(theirs.stderr).toContain(`cannot update the lock file ${join(dir, 'Cargo.lock')} because --locked was passed to prevent this`);
    cargo(dir, ['update', '--workspace']);
    expect((await cli(['tree', dir, '--offline', '--quiet', '--locked'], dir)).code).toBe(0);
  });

  it('a new dependency no locked package satisfies is still an error at its line, naming the command', async () => {
    const dir = zlibProject();
    writeFileSync(join(dir, 'Cargo.toml'), `${read(dir)}libz-sys = "2"\n`);
    const r = await cli(['check', dir], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${join(dir, 'Cargo.toml')}:9:1: error: dependency \`libz-sys\` of \`packer\` is not in Cargo.lock\n  help: the lockfile does not match the manifests; run \`cargo update --workspace\` to add it (it moves nothing else), then try again\n`,
    );
  });

  it('--strategy switch has nothing to switch and says so', async () => {
    const dir = zlibProject();
    const r = await cli(['fix', dir, '--strategy', 'switch'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`compress-lite` v0.3.1 (which brings `libz-sys` in) has no switch away from zlib in the knowledge base');
  });
});

describe('switch recipes: replace, already-default features, defaults off with the rest restored', () => {
  it('moves sqlx, ureq 2 and lettre to rustls in one fix', async () => {
    const dir = recipesProject();
    const r = await cli(['fix', dir], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toBe(
      mailerManifest([
        'sqlx = { version = "0.8", features = ["postgres", "tls-rustls-ring", "runtime-tokio-rustls"] }',
        'ureq = { version = "2", features = [] }',
        'lettre = { version = "0.11", features = ["tokio1", "rustls-tls", "tokio1-rustls-tls", "smtp-transport", "pool", "hostname", "builder"], default-features = false }',
      ]),
    );
    expect(r.stderr).not.toContain('Cargo.lock will change (new:');
    if (!cargoAvailable()) return;
    const t = tree(dir);
    expect(t.has('openssl-sys')).toBe(false);
    expect(t.get('sqlx')).toEqual(['any', 'default', 'json', 'macros', 'migrate', 'postgres', 'runtime-tokio', 'runtime-tokio-rustls', 'tls-rustls-ring']);
    expect(t.get('ureq')).toEqual(['default', 'gzip', 'tls']);
    expect(t.get('lettre')).toEqual(['builder', 'hostname', 'pool', 'rustls-tls', 'smtp-transport', 'tokio1', 'tokio1-rustls-tls']);
  });
});

/** schema/fix.schema.json, committed beside the report's. */
const validateFix = new Ajv2020.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(__dirname, '../../schema/fix.schema.json'), 'utf8')));

describe('fix --message-format json', () => {
  it('gives what was applied, what not and why, the lockfile change and what remains, on stdout alone', async () => {
    const dir = exampleCopy();
    const before = read(dir);
    const human = await cli(['fix', dir, '--dry-run'], dir);
    const r = await cli(['fix', dir, '--dry-run', '--message-format', 'json'], dir);
    expect(r.code).toBe(human.code);
    expect(r.stderr).not.toMatch(/^(note|warning): (would apply|not fixed|not applied)/m);
    const out = JSON.parse(r.stdout);
    expect(validateFix(out), JSON.stringify(validateFix.errors)).toBe(true);
    expect(out.dryRun).toBe(true);
    expect(out.diff).toBe(human.stdout);
    expect(read(dir)).toBe(before);
    expect(out.applied.map((a: { title: string }) => a.title)).toEqual(
      human.stderr
        .split('\n')
        .filter((l) => l.startsWith('note: would apply: '))
        .map((l) => l.slice('note: would apply: '.length)),
    );
    expect(out.applied.every((a: { files: string[] }) => a.files.length === 1 && a.files[0] === 'Cargo.toml')).toBe(true);
    // The same lockfile note and the same unfixed crates as the human report gives.
    if (human.stderr.includes('Cargo.lock will change')) expect(out.lockfile).toMatchObject({ command: 'cargo update --workspace' });
    else expect(out.lockfile).toBeNull();
    expect(out.notFixed.map((n: { package: string }) => `\`${n.package}\``)).toEqual(
      human.stderr
        .split('\n')
        .filter((l) => l.startsWith('warning: not fixed: '))
        .map((l) => l.slice('warning: not fixed: '.length)),
    );
    expect(out.applied.length + out.notFixed.length).toBeGreaterThan(0);
    for (const f of out.remaining) {
      expect(f).toEqual({
        id: expect.any(String),
        rule: expect.any(String),
        severity: expect.any(String),
        target: expect.any(String),
        package: expect.any(String),
        message: expect.any(String),
        messageId: expect.any(String),
        data: expect.any(Object),
      });
    }
    // Each reason's text is its id and data rendered.
    for (const n of out.notFixed) expect(n.why.map(reasonText)).toEqual(n.reasons);

    // Applied for real: the same fixes written, no diff in the document.
    const applied = JSON.parse((await cli(['fix', dir, '--message-format', 'json'], dir)).stdout);
    expect(validateFix(applied), JSON.stringify(validateFix.errors)).toBe(true);
    expect(applied.dryRun).toBe(false);
    expect(applied.diff).toBeUndefined();
    expect(applied.applied.map((a: { title: string }) => a.title)).toEqual(out.applied.map((a: { title: string }) => a.title));
    expect(read(dir)).not.toBe(before);
    const bad = await cli(['fix', dir, '--message-format', 'yaml'], dir);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("invalid value 'yaml' for '--message-format <FMT>'") });
  });
});
