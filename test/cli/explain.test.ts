/**
 * `cargo-preflight explain`: what the knowledge base knows of a crate, in a
 * project and outside one (index lines from a local index folder), and
 * `--all`; the JSON validated against schema/explain.schema.json.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { workspaceCopy } from '../output/helpers.js';
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';
import { builtInEntries } from '../../src/knowledge/load.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const INDEX = here('../fixtures/crates-index');
const schema = JSON.parse(readFileSync(here('../../schema/explain.schema.json'), 'utf8'));
const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(schema);
const outside = () => mkdtempSync(join(tmpdir(), 'cargo-preflight-explain-'));

function valid(doc: unknown): void {
  expect(validate(doc), JSON.stringify(validate.errors, null, 1)).toBe(true);
}

describe('explain outside a project', () => {
  it("reads the crate's index lines: the first release with an option, and whether the newest release has it", async () => {
    const r = await cli(['explain', 'openssl-sys', '--index', INDEX, '--format', 'json'], { cwd: outside() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    expect(doc.knowledgeBase).toEqual({ version: knowledgeBaseVersion() });
    const [c] = doc.crates;
    expect(c).toMatchObject({ name: 'openssl-sys', version: '0.9.102', role: 'sys', links: 'openssl', family: { id: 'openssl', category: 'tls' } });
    expect(c.staticOptions[0]).toMatchObject({ feature: 'vendored', since: '0.9.35', checkedUpTo: '0.9.102', present: true });
    // A variable is read by the build script: the index cannot say whether a release reads it.
    expect(c.staticOptions[1]).toMatchObject({ env: 'OPENSSL_STATIC', value: '1', present: null });
    expect(c.withoutStatic).toEqual([expect.objectContaining({ target: 'x86_64-unknown-linux-musl', withoutStatic: 'system' })]);
    expect(c.graph).toBeUndefined();
  });

  it('a named version older than the feature lacks it', async () => {
    const r = await cli(['explain', 'openssl-sys@0.9.33', '--index', INDEX, '--format', 'json'], { cwd: outside() });
    const c = JSON.parse(r.stdout).crates[0];
    expect(c.version).toBe('0.9.33');
    expect(c.staticOptions[0]).toMatchObject({ feature: 'vendored', present: false, since: '0.9.35' });
  });

  it('how a crate links and what its build needs, per target', async () => {
    const r = await cli(['explain', 'pcre2-sys', '--index', INDEX, '--target', 'x86_64-unknown-linux-musl', '--target', 'x86_64-unknown-linux-gnu', '--format', 'json'], { cwd: outside() });
    const c = JSON.parse(r.stdout).crates[0];
    valid(JSON.parse(r.stdout));
    expect(c.withoutStatic.map((w: { withoutStatic: string }) => w.withoutStatic)).toEqual(['static', 'bundled-fallback']);
    const aws = JSON.parse(
      (await cli(['explain', 'aws-lc-sys', '--index', INDEX, '--target', 'x86_64-unknown-linux-musl', '--target', 'riscv64gc-unknown-linux-gnu', '--format', 'json'], { cwd: outside() })).stdout,
    ).crates[0];
    expect(aws.buildRequires).toEqual([
      { target: 'x86_64-unknown-linux-musl', requires: ['a C compiler for the target'] },
      { target: 'riscv64gc-unknown-linux-gnu', requires: ['a C compiler for the target', 'cmake', 'libclang'] },
    ]);
  });

  it('a wrapper: what each option turns on, and the features that bring the library in', async () => {
    const r = await cli(['explain', 'reqwest@0.12.4', '--index', INDEX, '--format', 'json'], { cwd: outside() });
    const doc = JSON.parse(r.stdout);
    valid(doc);
    const openssl = doc.crates.find((c: { family: { id: string } }) => c.family.id === 'openssl');
    expect(openssl.role).toBe('wrapper');
    expect(openssl.nativeFeatures).toContain('default-tls');
    const vendored = openssl.staticOptions.find((o: { feature?: string }) => o.feature === 'native-tls-vendored');
    expect(vendored).toMatchObject({ present: true });
    expect(vendored.meaning).toContain('`native-tls/vendored`');
    expect(openssl.staticOptions.find((o: { feature?: string }) => o.feature === 'default-tls-vendored')).toMatchObject({ present: false });
  });

  it('human text names the options and what they need', async () => {
    const r = await cli(['explain', 'libssh2-sys@0.2.7', '--index', INDEX], { cwd: outside() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('libssh2-sys v0.2.7: libssh2 (libssh2, ssh), the crate that links it');
    expect(r.stdout).toContain('without a static option (x86_64-unknown-linux-musl): links a system library pkg-config finds, else builds its bundled source');
    expect(r.stdout).toContain('its bundled build needs (x86_64-unknown-linux-musl): a C compiler for the target, cmake');
  });

  it('a variable option names what must be set together with it, in JSON and in human text', async () => {
    const r = await cli(['explain', 'pq-sys@0.4.8', '--index', INDEX, '--format', 'json'], { cwd: outside() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    const env = doc.crates[0].staticOptions.find((o: { env?: string }) => o.env === 'PQ_LIB_STATIC');
    expect(env).toMatchObject({ value: '1', with: 'PQ_LIB_DIR pointing at a static libpq (libpq.a) built for the target' });
    // A feature option has no `with`; the schema allows it only beside `env`.
    for (const o of doc.crates[0].staticOptions.filter((x: { feature?: string }) => x.feature)) expect(o.with).toBeUndefined();
    const wrong = structuredClone(doc);
    const feature = wrong.crates[0].staticOptions.find((x: { feature?: string }) => x.feature === 'bundled');
    feature.with = 'PQ_LIB_DIR';
    expect(validate(wrong)).toBe(false);
    const human = await cli(['explain', 'pq-sys@0.4.8', '--index', INDEX], { cwd: outside() });
    expect(human.stdout).toMatch(/^ {4}PQ_LIB_STATIC=1 \(.*\): .* Set it together with PQ_LIB_DIR pointing at a static libpq \(libpq\.a\) built for the target\.$/m);
  });

  it("takes cargo's `build.target` (or CARGO_BUILD_TARGET) for the targets, as the other commands do; `--target` first", async () => {
    const dir = outside();
    mkdirSync(join(dir, '.cargo'));
    writeFileSync(join(dir, '.cargo', 'config.toml'), '[build]\ntarget = ["aarch64-unknown-linux-musl", "x86_64-unknown-linux-gnu"]\n');
    const env = { CARGO_HOME: join(dir, 'home') };
    const targetsOf = (stdout: string) => JSON.parse(stdout).crates[0].withoutStatic.map((w: { target: string }) => w.target);
    const r = await cli(['explain', 'pcre2-sys', '--index', INDEX, '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    valid(JSON.parse(r.stdout));
    expect(targetsOf(r.stdout)).toEqual(['aarch64-unknown-linux-musl', 'x86_64-unknown-linux-gnu']);
    const human = await cli(['explain', 'pcre2-sys', '--index', INDEX], { cwd: dir, env });
    expect(human.stdout).toContain('without a static option (aarch64-unknown-linux-musl):');
    expect(human.stdout).not.toContain('(x86_64-unknown-linux-musl)');
    const given = await cli(['explain', 'pcre2-sys', '--index', INDEX, '--target', 'x86_64-unknown-linux-musl', '--format', 'json'], { cwd: dir, env });
    expect(targetsOf(given.stdout)).toEqual(['x86_64-unknown-linux-musl']);
    const variable = await cli(['explain', 'pcre2-sys', '--index', INDEX, '--format', 'json'], { cwd: outside(), env: { ...env, CARGO_BUILD_TARGET: 'riscv64gc-unknown-linux-musl' } });
    expect(targetsOf(variable.stdout)).toEqual(['riscv64gc-unknown-linux-musl']);
    const all = await cli(['explain', '--all', '--format', 'json'], { cwd: dir, env });
    const pcre2 = JSON.parse(all.stdout).crates.find((c: { name: string }) => c.name === 'pcre2-sys');
    expect(pcre2.withoutStatic.map((w: { target: string }) => w.target)).toEqual(['aarch64-unknown-linux-musl', 'x86_64-unknown-linux-gnu']);
    writeFileSync(join(dir, '.cargo', 'config.toml'), '[build]\ntarget = "all"\n');
    const refused = await cli(['explain', 'pcre2-sys', '--index', INDEX], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is `all`, which names no target');
  });

  it('a crate the knowledge base does not know: exit code 1', async () => {
    const r = await cli(['explain', 'serde', '--index', INDEX, '--format', 'json'], { cwd: outside() });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    expect(doc.crates).toEqual([expect.objectContaining({ name: 'serde', family: null, role: null })]);
    const human = await cli(['explain', 'serde', '--index', INDEX], { cwd: outside() });
    expect(human.stdout).toContain('serde: the knowledge base has no entry for it');
  });

  it('refuses neither a crate nor --all, and both', async () => {
    const none = await cli(['explain'], { cwd: outside() });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: `explain` needs a crate to explain, or `--all`/);
    const both = await cli(['explain', 'ring', '--all'], { cwd: outside() });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: `explain` takes a crate or `--all`, not both/);
  });
});

describe('explain --all', () => {
  it('lists every crate of every family, schema-valid', async () => {
    const r = await cli(['explain', '--all', '--format', 'json'], { cwd: outside() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    const expected = builtInEntries().reduce((n, e) => n + e.crates.length, 0);
    expect(doc.crates.length).toBe(expected);
    expect(doc.crates.every((c: { version: unknown }) => c.version === null)).toBe(true);
    const human = await cli(['explain', '--all'], { cwd: outside() });
    expect(human.stdout).toContain('OpenSSL (openssl, tls)');
    expect(human.stdout).toMatch(/\d+ families, \d+ crates; knowledge base [0-9a-f]{12}\n$/);
  });
});

describe('explain in a project', () => {
  it("says where the locked version is in each target's artifact graph, as `why`", async () => {
    const root = workspaceCopy('workspace');
    const r = await cli(['explain', 'openssl-sys', '--offline', '-q', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    const [c] = doc.crates;
    expect(c.version).toBe('0.9.107');
    expect(c.graph.map((g: { target: string; inGraph: boolean }) => [g.target, g.inGraph])).toEqual([
      ['x86_64-unknown-linux-musl', true],
      ['aarch64-unknown-linux-musl', true],
    ]);
    expect(c.graph[0].paths.length).toBeGreaterThan(0);
    expect(c.graph[0].paths[0][0]).toMatchObject({ from: 'app', to: 'reqwest', dependency: 'http' });
    // The vendored folder holds the locked version only: whether it has the feature is read, not since when.
    expect(c.staticOptions[0]).toMatchObject({ feature: 'vendored', present: true, since: null });
    const human = await cli(['explain', 'openssl-sys', '--offline', '-q'], { cwd: root });
    expect(human.stdout).toContain('in the artifact graph for x86_64-unknown-linux-musl:');
    expect(human.stdout).toContain('openssl-sys v0.9.107');
  });
});

describe('explain for a crate the knowledge base does not know, in a project', () => {
  /** A workspace whose path dependency `pqlink` (no `links`, no entry) probes a system library in its build script. */
  function project(script: string): string {
    const root = mkdtempSync(join(tmpdir(), 'cargo-preflight-explain-script-'));
    const files: Record<string, string> = {
      'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\npqlink = { path = "pqlink" }\n',
      'src/main.rs': 'fn main() {}\n',
      'Cargo.lock':
        '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "pqlink",\n]\n\n[[package]]\nname = "pqlink"\nversion = "0.2.0"\n',
      'pqlink/Cargo.toml': '[package]\nname = "pqlink"\nversion = "0.2.0"\nedition = "2021"\nbuild = "build.rs"\n\n[features]\nstatic = []\n',
      'pqlink/build.rs': script,
      'pqlink/src/lib.rs': '',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    return root;
  }

  it('says what its build script links, with the evidence, and exits 0', async () => {
    const root = project('fn main() {\n    if !cfg!(feature = "static") {\n        println!("cargo:rustc-link-lib=pq");\n    }\n}\n');
    const r = await cli(['explain', 'pqlink', '--offline', '-q', '--format', 'json'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    valid(doc);
    const [c] = doc.crates;
    expect(c).toMatchObject({ name: 'pqlink', version: '0.2.0', family: null, role: null });
    expect(c.buildScript).toEqual({
      target: 'x86_64-unknown-linux-musl',
      verdict: 'system',
      libraries: ['pq'],
      switches: ['feature `static`'],
      evidence: ['pqlink/build.rs:3:9: println!("cargo:rustc-link-lib=pq")'],
      reason: null,
    });
    const human = await cli(['explain', 'pqlink', '--offline', '-q'], { cwd: root });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('pqlink v0.2.0: the knowledge base has no entry for it');
    expect(human.stdout).toContain('its build script (x86_64-unknown-linux-musl): system, links pq; reads feature `static`');
    expect(human.stdout).toContain('    pqlink/build.rs:3:9: println!("cargo:rustc-link-lib=pq")');
    expect(human.stdout).not.toContain('= help: describe it');
  });

  it('a script that compiles only what it ships is `bundled`; one that shows nothing is `unknown`, with the reason', async () => {
    const bundled = project('fn main() {\n    cc::Build::new().file("c/pq.c").compile("pq");\n}\n');
    const b = JSON.parse((await cli(['explain', 'pqlink', '--offline', '-q', '--format', 'json'], { cwd: bundled })).stdout).crates[0];
    expect(b.buildScript).toMatchObject({ verdict: 'bundled', libraries: [], switches: [], reason: null });
    expect(b.buildScript.evidence).toEqual(['pqlink/build.rs:2:5: cc::Build']);
    const silent = project('fn main() {\n    println!("cargo:rustc-cfg=has_pq");\n}\n');
    const u = await cli(['explain', 'pqlink', '--offline', '-q', '--format', 'json'], { cwd: silent });
    const doc = JSON.parse(u.stdout);
    valid(doc);
    expect(doc.crates[0].buildScript).toMatchObject({ verdict: 'unknown', evidence: [], reason: 'nothing in its build script shows what it links' });
  });
});
