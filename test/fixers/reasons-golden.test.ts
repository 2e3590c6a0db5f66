/**
 * Golden reasons, by id and data, for the problems of issue 15 that a plan
 * must not repeat:
 *  4. `check`'s first help was a switch that alone does not remove the crate,
 *     and nothing said which help is proven or to run `fix`;
 *  5. false or repeated reasons: "has no feature that turns on the static
 *     option" for candidates that work through feature unification, or for a
 *     crate that has one through an optional dependency Cargo.lock lacks
 *     (sqlx-cli's `openssl-vendored`); no reason for the disable row; one
 *     reason listed several times;
 *  6. auto mode silent about why an earlier strategy was not taken;
 *  8. `check --fix --format json`, `check --dry-run` without `--fix`, the
 *     count of inclusion paths, and diff headers `git apply` takes from
 *     where the command ran.
 */
import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFixes, reasonText, type FixPlan, type ProposedFix } from '../../src/fixers/index.js';
import { fixReasons, strategyOptions } from '../../cli/ui/model.js';
import type { Finding } from '../../src/rules/types.js';
import { VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cli, contextFor, exampleCopy, lockEntry, lockfile, OPENSSL_SRC, read, TLS_CRATES } from './helpers.js';

const MUSL = 'x86_64-unknown-linux-musl';

/** A plan's entries as ids and data: strategy, status, and each reason's id, data and causes. */
const shape = (fixes: ProposedFix[]) =>
  fixes.map((f) => ({ strategy: f.strategy, status: f.status, title: f.title, reasons: (f.reasons ?? []).map((r) => ({ id: r.id, data: r.data, ...(r.cause ? { cause: r.cause } : {}) })) }));

async function plan(dir: string, extra: string[] = []): Promise<FixPlan> {
  const { ctx, close } = await contextFor(dir, extra);
  try {
    return await planFixes(ctx);
  } finally {
    await close();
  }
}

const app = (deps: string) => `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`;

const OPENSSL = vendoredCrate('openssl', '0.10.66', '[dependencies.openssl-sys]\nversion = "0.9.103"\n\n[features]\nvendored = ["openssl-sys/vendored"]\n');

/** reqwest with its default TLS, and the openssl crate used directly. */
function reqwestAndOpenssl(): string {
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': app('reqwest = "0.12"\nopenssl = "0.10"\n'),
    'src/main.rs': 'fn main() {}\n',
    'Cargo.lock': lockfile([
      lockEntry('app', '0.1.0', ['openssl', 'reqwest'], true),
      lockEntry('native-tls', '0.2.12', ['openssl-sys']),
      lockEntry('openssl', '0.10.66', ['openssl-sys']),
      lockEntry('openssl-sys', '0.9.103'),
      lockEntry('reqwest', '0.12.5', ['native-tls']),
    ]),
    ...TLS_CRATES,
    ...OPENSSL,
  });
}

describe('problem 4: which help is proven, and the command that applies it', () => {
  it('the switch the knowledge base suggests first is refused with its true reason; the applied fix is said', async () => {
    const dir = reqwestAndOpenssl();
    const p = await plan(dir);
    expect(shape(p.fixes)).toEqual([
      {
        strategy: 'switch',
        status: 'refused',
        title: 'no backend switch for `openssl-sys v0.9.103`',
        reasons: [{ id: 'noSwitch', data: { dependency: 'openssl', version: '0.10.66', crate: 'openssl-sys', family: 'OpenSSL' } }],
      },
      { strategy: 'static', status: 'applied', title: 'reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`)', reasons: [] },
      { strategy: 'static', status: 'proven', title: 'openssl: enable `vendored` (static OpenSSL through `openssl-sys`)', reasons: [] },
      { strategy: 'pin', status: 'proven', title: 'add `openssl-sys = { version = "0.9.103", features = ["vendored"] }`', reasons: [] },
    ]);
    const human = await cli(['check', dir], dir);
    const helps = human.stdout.split('\n').filter((l) => /= (help|note): /.test(l) && !l.includes('for more information') && !l.includes('why:'));
    expect(helps.filter((l) => l.includes('openssl-sys') || l.includes('reqwest:') || l.includes('openssl:'))).toEqual(
      expect.arrayContaining([
        '  = note: no backend switch for `openssl-sys v0.9.103`: `openssl` v0.10.66 (which brings `openssl-sys` in) has no switch away from OpenSSL in the knowledge base',
        '  = help: reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`) (proven; `cargo-preflight fix` applies it; needs a C compiler for the target, perl, make)',
        '  = help: openssl: enable `vendored` (static OpenSSL through `openssl-sys`) (proven; needs a C compiler for the target, perl, make)',
      ]),
    );
    // No help line offers the switch as if it would do.
    expect(human.stdout).not.toMatch(/help: .*rustls/);
  });

  it("a switch the member's own feature defeats is refused, naming that feature", async () => {
    // The member's own feature turns reqwest's native TLS on: no switch of the declaration alone removes it.
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': `${app('reqwest = "0.12"\n')}\n[features]\ndefault = ["tls"]\ntls = ["reqwest/native-tls"]\n`,
      'src/main.rs': 'fn main() {}\n',
      'Cargo.lock': lockfile([
        lockEntry('app', '0.1.0', ['reqwest'], true),
        lockEntry('native-tls', '0.2.12', ['openssl-sys']),
        lockEntry('openssl-sys', '0.9.103'),
        lockEntry('reqwest', '0.12.5', ['native-tls']),
      ]),
      ...TLS_CRATES,
    });
    const p = await plan(dir);
    expect(shape(p.fixes)[0]).toEqual({
      strategy: 'switch',
      status: 'refused',
      title: 'no backend switch for `openssl-sys v0.9.103`',
      reasons: [{ id: 'memberFeatureTurnsOn', data: { feature: 'tls', member: 'app', dependencyFeature: 'reqwest/native-tls' } }],
    });
    expect(p.applied.map((f) => f.strategy)).toEqual(['static']);
  });
});

describe('problem 5: true reasons only, each once', () => {
  it('no "has no feature that turns on the static option" where another dependency turns it on for all (features unify)', async () => {
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': app('reqwest = "0.12"\nmailer-lite = "1"\n'),
      'src/main.rs': 'fn main() {}\n',
      'Cargo.lock': lockfile([
        lockEntry('app', '0.1.0', ['mailer-lite', 'reqwest'], true),
        lockEntry('mailer-lite', '1.0.0', ['native-tls']),
        lockEntry('native-tls', '0.2.12', ['openssl-sys']),
        lockEntry('openssl-sys', '0.9.103'),
        lockEntry('reqwest', '0.12.5', ['native-tls']),
      ]),
      ...TLS_CRATES,
      ...vendoredCrate('mailer-lite', '1.0.0', '[dependencies.native-tls]\nversion = "0.2"\n'),
    });
    const p = await plan(dir);
    const ids = p.fixes.flatMap((f) => (f.reasons ?? []).map((r) => r.id));
    expect(ids).not.toContain('noFeatureTurnsOnStatic');
    expect(p.fixes.find((f) => f.status === 'applied')).toMatchObject({ strategy: 'static', title: 'reqwest: enable `native-tls-vendored` (static OpenSSL through `openssl-sys`)' });
    // The switch's refusal is true: mailer-lite has no switch, and it brings OpenSSL in too.
    expect(shape(p.fixes)[0]!.reasons).toEqual([{ id: 'noSwitch', data: { dependency: 'mailer-lite', version: '1.0.0', crate: 'openssl-sys', family: 'OpenSSL' } }]);
  });

  it('a feature that reaches the static option through an optional dependency Cargo.lock lacks is a candidate (sqlx-cli `openssl-vendored`)', async () => {
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': app('dbtool = "0.8"\n'),
      'src/main.rs': 'fn main() {}\n',
      'Cargo.lock': lockfile([
        lockEntry('app', '0.1.0', ['dbtool'], true),
        lockEntry('dbtool', '0.8.0', ['native-tls']),
        lockEntry('native-tls', '0.2.12', ['openssl-sys']),
        lockEntry('openssl-sys', '0.9.103'),
      ]),
      ...TLS_CRATES,
      ...OPENSSL,
      ...vendoredCrate(
        'dbtool',
        '0.8.0',
        '[dependencies.native-tls]\nversion = "0.2"\n\n[dependencies.openssl]\nversion = "0.10"\noptional = true\n\n[features]\nopenssl-vendored = ["openssl/vendored"]\n',
      ),
    });
    const p = await plan(dir);
    const stat = p.fixes.filter((f) => f.strategy === 'static');
    expect(shape(stat)).toEqual([{ strategy: 'static', status: 'applied', title: 'dbtool: enable `openssl-vendored` (static OpenSSL through `openssl-sys`)', reasons: [] }]);
    expect(stat[0]!.newCrates).toEqual(expect.arrayContaining(['openssl 0.10.66', 'openssl-src 300.3.1+3.3.1']));
  });

  it('the disable row says why it has nothing, and a reason the targets share is given once', async () => {
    // The member depends on openssl-sys itself, and the vendor set has no openssl-src: nothing proves out.
    const dir = writeProject({
      ...VENDOR_CONFIG,
      'Cargo.toml': app('openssl-sys = "0.9"\n'),
      'src/main.rs': 'fn main() {}\n',
      'Cargo.lock': lockfile([lockEntry('app', '0.1.0', ['openssl-sys'], true), lockEntry('openssl-sys', '0.9.103')]),
      ...TLS_CRATES,
    });
    rmSync(join(dir, 'vendor/openssl-src'), { recursive: true });
    const p = await plan(dir, ['--target', MUSL, '--target', 'aarch64-unknown-linux-musl', '--target', 'x86_64-unknown-linux-gnu']);
    expect(shape(p.fixes).map((f) => [f.strategy, f.status, f.reasons.map((r) => r.id)])).toEqual([
      ['switch', 'refused', ['noBackendToSwitch']],
      ['static', 'not-proven', ['vendorLacksOffline']],
      ['pin', 'not-proven', ['vendorLacksOffline']],
      ['disable', 'refused', ['dependsDirectly']],
    ]);
    const [{ why }] = p.notFixed;
    const texts = why.map(reasonText);
    expect(new Set(texts).size).toBe(texts.length);
    // The screen lists the disable row with that reason, not "the fix engine does not say why".
    const f = { id: p.crates[0]!.findingIds[0]! } as Finding;
    const row = strategyOptions(p.fixes, f, 'auto', 'done').find((o) => o.strategy === 'disable')!;
    expect(row.fixes.map(fixReasons)).toEqual([['`app` depends on `openssl-sys` directly: remove that dependency by hand if it can go']]);
    expect(row.note).toBeUndefined();
  });
});

describe('problem 6: auto mode says why an earlier strategy was not taken', () => {
  it('in human and JSON output, by id', async () => {
    // The example's vendor set lacks webpki-roots: the rustls switch cannot be proven; with openssl-src, the static option is applied.
    const dir = exampleCopy(OPENSSL_SRC);
    const json = JSON.parse((await cli(['fix', dir, '--dry-run', '--message-format', 'json'], dir)).stdout);
    const ssl = json.applied.find((a: { title: string }) => a.title.startsWith('reqwest'));
    expect(ssl.strategy).toBe('static');
    expect(ssl.passedOver.map((x: { why: { id: string; strategy: string; candidate: string } }) => [x.why.strategy, x.why.candidate, x.why.id])).toEqual([
      ['switch', 'reqwest: use rustls instead of OpenSSL', 'vendorLacksOffline'],
    ]);
    expect(ssl.passedOver[0].why.data.crates).toBe('`webpki-roots`');
    const sqlite = json.applied.find((a: { title: string }) => a.title.startsWith('rusqlite'));
    expect(sqlite.passedOver.map((x: { why: { id: string } }) => x.why.id)).toEqual(['noSwitch']);
    const human = await cli(['fix', dir, '--dry-run'], dir);
    expect(human.stderr).toContain(`  = not taken: ${ssl.passedOver[0].reason}\n`);
    expect(ssl.passedOver[0].reason).toMatch(/^switch: reqwest: use rustls instead of OpenSSL: the fix needs `webpki-roots`, which Cargo\.lock and the vendor directory `vendor` lack; offline/);
  });
});

const validateFix = new Ajv2020.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(__dirname, '../../schema/fix.schema.json'), 'utf8')));

describe('problem 8', () => {
  it('check --fix --format json prints the fix document, as fix --message-format json does', async () => {
    const dir = exampleCopy();
    const viaCheck = await cli(['check', dir, '--fix', '--dry-run', '--format', 'json'], dir);
    const viaFix = await cli(['fix', dir, '--dry-run', '--message-format', 'json'], dir);
    expect(viaCheck.stdout.length).toBeGreaterThan(0);
    const doc = JSON.parse(viaCheck.stdout);
    expect(validateFix(doc), JSON.stringify(validateFix.errors)).toBe(true);
    expect(doc).toEqual(JSON.parse(viaFix.stdout));
    expect(viaCheck.code).toBe(viaFix.code);
  });

  it('check --dry-run without --fix is a usage error', async () => {
    const dir = exampleCopy();
    const before = read(dir);
    const r = await cli(['check', dir, '--dry-run'], dir);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('error: --dry-run can only be used together with --fix\n');
    expect(read(dir)).toBe(before);
  });

  it('JSON gives every path with pathCount; human shows three and says how many more, with the command', async () => {
    const dir = exampleCopy();
    const json = JSON.parse((await cli(['check', dir, '--format', 'json'], dir)).stdout);
    const ssl = json.findings.find((f: { package: { name: string }; rule: string }) => f.package.name === 'openssl-sys' && f.rule === 'native-library');
    expect(ssl.pathCount).toBe(8);
    expect(ssl.paths).toHaveLength(8);
    const human = (await cli(['check', dir], dir)).stdout;
    expect(human).toContain('\n               … and 5 more (`cargo-preflight why openssl-sys@0.9.107`)\n');
  });

  it('diff headers are relative to the directory the command ran in: git apply takes the diff from there', async () => {
    const dir = exampleCopy();
    const parent = dirname(dir);
    const r = await cli(['fix', basename(dir), '--dry-run'], parent);
    expect(r.stdout).toMatch(new RegExp(`^--- a/${basename(dir)}/Cargo\\.toml\\n\\+\\+\\+ b/${basename(dir)}/Cargo\\.toml\\n`));
    const patch = join(dir, 'fix.diff');
    writeFileSync(patch, r.stdout);
    const apply = spawnSync('git', ['apply', '--check', '-v', patch], { cwd: parent, encoding: 'utf8' });
    expect(apply.status, apply.stderr).toBe(0);
  });
});
