/**
 * The tool's configuration end to end: `[workspace.metadata.cargo-preflight]`,
 * `[package.metadata.cargo-preflight]` and `cargo-preflight.toml` (which wins),
 * with targets, severities, allowances (reason required and shown), extra
 * knowledge-base entries, and unknown keys reported with key, file and line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crateChecksum, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { checkJson, cli } from './cli.js';
import { ACME_ENTRY, projectCopy } from './fixtures.js';

const REG = 'registry+https://github.com/rust-lang/crates.io-index';
const stable = <T extends { rule: string }>(fs: T[]) => fs.filter((f) => f.rule !== 'cross-environment');

/** A member depending on a private -sys crate the built-in knowledge base does not know. */
function privateSys(config = ''): string {
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nacme-codec-sys = "0.3"\n`,
    'src/main.rs': '',
    'Cargo.lock': `version = 3\n\n[[package]]\nname = "acme-codec-sys"\nversion = "0.3.1"\nsource = "${REG}"\nchecksum = "${crateChecksum('acme-codec-sys', '0.3.1')}"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "acme-codec-sys",\n]\n`,
    ...vendoredCrate('acme-codec-sys', '0.3.1', 'links = "acme_codec"\n\n[features]\nstatic = []\n'),
    ...(config ? { 'cargo-preflight.toml': config } : {}),
  });
}

describe('configuration', () => {
  it('targets from cargo-preflight.toml; --target overrides them', async () => {
    const dir = projectCopy('zlib-system', { 'cargo-preflight.toml': 'targets = ["aarch64-unknown-linux-musl", "x86_64-unknown-linux-musl"]\n' });
    expect((await checkJson([dir])).report.targets).toEqual(['aarch64-unknown-linux-musl', 'x86_64-unknown-linux-musl']);
    expect((await checkJson([dir, '--target', 'x86_64-unknown-linux-gnu'])).report.targets).toEqual(['x86_64-unknown-linux-gnu']);
  });

  it('severity per rule, and `off`', async () => {
    const warn = projectCopy('zlib-system', { 'cargo-preflight.toml': '[severity]\nnative-library = "warning"\n' });
    const w = await checkJson([warn]);
    expect(stable(w.report.findings).map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning native-library']);
    expect(w.code).toBe(0);
    expect((await checkJson([warn, '--fail-on', 'warning'])).code).toBe(1);
    const off = projectCopy('zlib-system', { 'cargo-preflight.toml': '[severity]\nnative-library = "off"\n' });
    expect(stable((await checkJson([off])).report.findings)).toEqual([]);
  });

  it('allow: the finding stays, with its reason, and does not fail the run', async () => {
    const dir = projectCopy('zlib-system', {
      'cargo-preflight.toml': '[[allow]]\ncrate = "libz-sys"\nreason = "the image ships zlib.a; LIBZ_SYS_STATIC=1 is set in CI"\n',
    });
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(0);
    const f = report.findings.find((x) => x.rule === 'native-library')!;
    expect(f.allowed).toEqual({ reason: 'the image ships zlib.a; LIBZ_SYS_STATIC=1 is set in CI' });
    expect(report.summary.error).toBe(0);
    const human = await cli(['check', dir, '--offline', '--quiet', '--color', 'never']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('= note: allowed by the cargo-preflight configuration: the image ships zlib.a; LIBZ_SYS_STATIC=1 is set in CI');
  });

  it('an allow entry without a reason is an error at its line', async () => {
    const dir = projectCopy('zlib-system', { 'cargo-preflight.toml': '\n[[allow]]\ncrate = "libz-sys"\n' });
    const r = await cli(['check', dir, '--offline', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${join(dir, 'cargo-preflight.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:3: error: \`allow\` entry for \`libz-sys\` needs a \`reason\``));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('unknown keys name the key and the file, with line and column', async () => {
    const dir = projectCopy('zlib-system', { 'cargo-preflight.toml': 'fail-on = "error"\ntragets = ["x86_64-unknown-linux-musl"]\n' });
    const r = await cli(['check', dir, '--offline', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'cargo-preflight.toml')}:2:1: error: unknown cargo-preflight setting \`tragets\``);
    const rule = projectCopy('zlib-system', { 'cargo-preflight.toml': '[severity]\nnative-libary = "warning"\n' });
    const r2 = await cli(['check', rule, '--offline', '--quiet']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${join(rule, 'cargo-preflight.toml')}:2:1: error: unknown rule \`native-libary\` in \`severity\``);
  });

  it('[workspace.metadata.cargo-preflight] and [package.metadata.cargo-preflight] in Cargo.toml; cargo-preflight.toml wins', async () => {
    const dir = projectCopy('zlib-system');
    const manifest = join(dir, 'Cargo.toml');
    writeFileSync(manifest, `${readFileSync(manifest, 'utf8')}\n[package.metadata.cargo-preflight]\nfail-on = "never"\n\n[package.metadata.cargo-preflight.severity]\nnative-library = "info"\n`);
    const a = await checkJson([dir, '--fail-on', 'info']);
    expect(stable(a.report.findings).map((f) => f.severity)).toEqual(['info']);
    expect((await checkJson([dir])).code).toBe(0);
    writeFileSync(join(dir, 'cargo-preflight.toml'), '[severity]\nnative-library = "error"\n');
    expect(stable((await checkJson([dir])).report.findings).map((f) => f.severity)).toEqual(['error']);

    const bad = projectCopy('zlib-system');
    writeFileSync(join(bad, 'Cargo.toml'), `${readFileSync(join(bad, 'Cargo.toml'), 'utf8')}\n[package.metadata.cargo-preflight]\nseverity = { native-library = "loud" }\n`);
    const r = await cli(['check', bad, '--offline', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cargo\.toml:\d+:\d+: error: severity of `native-library` must be "error", "warning", "info" or "off"/);
  });

  it('extra knowledge-base entries describe private -sys crates', async () => {
    const plain = privateSys('[severity]\ncross-environment = "off"\n');
    const unknown = await checkJson([plain]);
    expect(stable(unknown.report.findings).map((f) => `${f.severity} ${f.rule} ${f.package.name}`)).toEqual(['warning unknown-native acme-codec-sys']);
    // A warning fails the run only from --fail-on warning down.
    expect(unknown.code).toBe(0);
    expect((await checkJson([plain, '--fail-on', 'warning'])).code).toBe(1);
    expect((await checkJson([plain, '--fail-on', 'error'])).code).toBe(0);
    const known = await checkJson([privateSys(ACME_ENTRY)]);
    expect(known.code).toBe(1);
    const f = stable(known.report.findings)[0];
    expect(`${f.severity} ${f.rule} ${f.package.name}`).toBe('error native-library acme-codec-sys');
    expect(f).toMatchObject({ messageId: 'noStaticOptionOn', data: { crate: 'acme-codec-sys', library: 'libacme' } });
    expect(f.fixes.map((x) => x.title)).toEqual(['enable feature `static` of `acme-codec-sys`']);
  });

  it('an invalid extra entry is an error at the offending key', async () => {
    const dir = privateSys(ACME_ENTRY.replace('role = "sys"', 'role = "system"'));
    const r = await cli(['check', dir, '--offline', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'cargo-preflight.toml')}:10:1: error: invalid knowledge-base entry:`);
    expect(r.stderr).toContain('knowledge-base[0].crates[0].role: must be one of "sys", "wrapper", "links-only"');
  });
});
