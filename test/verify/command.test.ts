/**
 * `cargo-preflight verify` end to end, in-process, on binaries cargo built
 * here: the binaries found under the target directory, `--expect static`
 * and `--max-glibc` with their exit codes, attribution of libz to the path
 * dependency with `links = "z"`, of libbz2 to a path dependency without
 * `links` through its build script alone, and of libssl/libcrypto to
 * openssl-sys (each with check's finding, fix and Cargo.toml line), the JSON schema, SARIF, and the
 * refusals (nothing built yet, a text file, a directory).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { hostTriple } from '../../src/cfg/index.js';
import { cli } from '../check/cli.js';
import { cargoAvailable } from '../helpers/realworld.js';
import { machoPrograms, peProgram } from '../binary/samples.js';
import { readelf, hasReadelf } from '../binary/oracle.js';
import { bin, HELLO, helloDynamic, helloLinkArg, helloStatic, helloTargeted, linked, missingDevLibraries, scripted } from './fixtures.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const validateJson = new Ajv2020.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(here('../../schema/verify.schema.json'), 'utf8')));
const sarifAjv = new AjvDraft04.default({ allErrors: true, strict: false });
addFormats.default(sarifAjv);
const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(here('../fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')));

const ENV = { CARGO_TARGET_DIR: undefined, CARGO_BUILD_TARGET_DIR: undefined, CARGO_BUILD_TARGET: undefined, GITHUB_ACTIONS: undefined };
const verify = (argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => cli(['verify', '--offline', '--quiet', ...argv], { cwd, env: { ...ENV, ...env } });

async function verifyJson(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = await verify(['--format', 'json', ...argv], cwd, env);
  if (!r.stdout.trim()) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  expect(validateJson(doc), JSON.stringify(validateJson.errors, null, 2)).toBe(true);
  return { code: r.code, doc, stderr: r.stderr };
}

/** A copy of a built project (tests that write or move things work on their own copy). */
function copyOf(dir: string): string {
  const to = mkdtempSync(join(tmpdir(), 'cargo-preflight-verify-'));
  cpSync(dir, to, { recursive: true });
  return to;
}

const absent = cargoAvailable() ? missingDevLibraries() : 'cargo';

describe.skipIf(!!absent)(`verify${absent ? ` (skipped: ${absent} not installed)` : ''}`, () => {
  it('finds the bins and the cdylib of every member under target/release, and attributes libz and libssl/libcrypto', async () => {
    const dir = linked();
    const { code, doc } = await verifyJson(['--workspace'], dir);
    expect(code).toBe(0);
    const byPath = Object.fromEntries(doc.artifacts.map((a: { path: string }) => [a.path, a]));
    expect(Object.keys(byPath).sort()).toEqual(['target/release/libclib.so', 'target/release/sslapp', 'target/release/zapp']);
    expect(byPath['target/release/libclib.so'].linkage).toBe('shared-library');
    const zapp = byPath['target/release/zapp'];
    expect(zapp).toMatchObject({ format: 'elf', machine: 'x86_64', linkage: 'dynamic', libc: 'glibc', target: hostTriple() });
    expect(zapp.attribution).toHaveLength(1);
    // By its `links` key, and by its build script (a path dependency outside the workspace, read in place).
    expect(zapp.attribution[0]).toMatchObject({
      library: 'libz.so.1',
      crates: [
        {
          name: 'zsys',
          version: '0.1.0',
          via: ['links', 'build-script'],
          evidence: [{ file: '../deps/zsys/build.rs', line: 2, column: 5, text: 'println!("cargo:rustc-link-lib=z")', inWorkspace: true }],
        },
      ],
    });
    // check's finding for zsys: its build script links a system library and reads no static switch, at zapp's declaration of it.
    expect(zapp.attribution[0].finding).toMatchObject({ rule: 'no-static-option', manifest: { path: 'zapp/Cargo.toml', line: 7, column: 1 } });
    const ssl = byPath['target/release/sslapp'];
    const libs = ssl.attribution.map((a: { library: string }) => a.library).sort();
    expect(libs).toEqual(['libcrypto.so.3', 'libssl.so.3']);
    for (const a of ssl.attribution) {
      expect(a.crates).toEqual([{ name: 'openssl-sys', version: '0.9.104', via: ['knowledge-base'] }]);
    }
  });

  it('--expect static fails a dynamic binary (exit 1) at the Cargo.toml line check gives for the crate, with its fix', async () => {
    const dir = linked();
    const { code, doc } = await verifyJson(['-p', 'sslapp', '--expect', 'static'], dir);
    expect(code).toBe(1);
    expect(doc.artifacts).toHaveLength(1);
    const [a] = doc.artifacts;
    expect(a.problems.map((p: { id: string }) => p.id)).toContain('not-static');
    const check = JSON.parse((await cli(['check', '--format', 'json', '--offline', '--quiet', '-p', 'sslapp', '--target', hostTriple()], { cwd: dir, env: ENV })).stdout);
    const finding = check.findings.find((f: { package: { name: string } }) => f.package.name === 'openssl-sys');
    expect(finding).toBeDefined();
    const attributed = a.attribution.find((x: { library: string }) => x.library === 'libssl.so.3').finding;
    expect(attributed).toMatchObject({ id: finding.id, rule: finding.rule, manifest: finding.manifest });
    expect(attributed.fixes).toEqual(finding.fixes.map((f: { title: string }) => f.title));
    expect(attributed.manifest.path).toBe('sslapp/Cargo.toml');
    // SARIF: valid, and results at the responsible Cargo.toml line.
    const sarif = await verify(['-p', 'sslapp', '--expect', 'static', '--format', 'sarif'], dir);
    const log = JSON.parse(sarif.stdout);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(log.runs[0].results[0].ruleId).toBe('verify/not-static');
    // Human: the problem and the fix.
    const human = await verify(['-p', 'sslapp', '--expect', 'static'], dir);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^error: target\/release\/sslapp: it is dynamically linked/m);
    expect(human.stdout).toContain('libssl.so.3: linked by openssl-sys v0.9.104 (knowledge-base)');
  });

  it("attributes libbz2 to a path dependency with no `links` through its build script alone (`cargo::rustc-link-lib=bz2`), with check's finding, fix and line", async () => {
    const dir = scripted();
    const path = join(dir, 'target', 'release', 'bzapp');
    const { code, doc } = await verifyJson(['--expect', 'static'], dir);
    expect(code).toBe(1);
    expect(doc.artifacts).toHaveLength(1);
    const [a] = doc.artifacts;
    // What the binary needs, as readelf -d reads it; every library but the C runtime attributed.
    if (hasReadelf()) expect(a.needed).toEqual(readelf(path).needed);
    expect(a.needed).toContain('libbz2.so.1.0');
    expect(a.attribution.map((x: { library: string }) => x.library)).toEqual(['libbz2.so.1.0']);
    const [bz] = a.attribution;
    expect(bz.crates).toEqual([
      {
        name: 'bzlink',
        version: '0.2.0',
        via: ['build-script'],
        evidence: [{ file: '../deps/bzlink/build.rs', line: 2, column: 5, text: 'println!("cargo::rustc-link-lib=bz2")', inWorkspace: true }],
      },
    ]);
    // The same finding, fixes and Cargo.toml line as check gives for bzlink on this target.
    const check = JSON.parse((await cli(['check', '--format', 'json', '--offline', '--quiet', '--target', hostTriple()], { cwd: dir, env: ENV })).stdout);
    const finding = check.findings.find((f: { package: { name: string } }) => f.package.name === 'bzlink');
    expect(finding).toMatchObject({ rule: 'no-static-option', manifest: { path: 'bzapp/Cargo.toml', line: 7, column: 1 } });
    expect(bz.finding).toEqual({
      id: finding.id,
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      manifest: finding.manifest,
      fixes: finding.fixes.map((f: { title: string }) => f.title),
    });
    // --expect static fails at that line, with the fix.
    const notStatic = a.problems.find((p: { id: string }) => p.id === 'not-static');
    expect(notStatic).toBeDefined();
    expect(a.problems.some((p: { id: string }) => p.id === 'unexplained-library')).toBe(false);
    const human = await verify(['--expect', 'static'], dir);
    expect(human.stdout).toContain('libbz2.so.1.0: linked by bzlink v0.2.0 (build-script)');
    expect(human.stdout).toContain('    bzlink: ../deps/bzlink/build.rs:2:5: println!("cargo::rustc-link-lib=bz2")');
    const gh = await verify(['--expect', 'static', '--format', 'github'], dir);
    expect(gh.stdout).toMatch(/^::error file=bzapp\/Cargo.toml,line=7,col=1,title=verify\/not-static%3A target\/release\/bzapp::/m);
    expect(gh.stdout).toContain(`Fix: ${finding.fixes[0].title}`);
  });

  it('--expect static passes the +crt-static (static-pie) binary; --max-glibc fails the dynamic one', async () => {
    const staticDir = helloStatic();
    const ok = await verifyJson(['--expect', 'static'], staticDir);
    expect(ok.code).toBe(0);
    expect(ok.doc.artifacts[0]).toMatchObject({ linkage: 'static-pie', interpreter: null, glibcFloor: null, needed: [], problems: [] });
    const dyn = helloDynamic();
    const plain = (await verifyJson([], dyn)).doc.artifacts[0];
    const floor = plain.glibcFloor as string;
    expect(floor).toMatch(/^2\.\d+$/);
    // Each distribution is on the side its glibc puts it.
    const glibcOf = (d: string) => /\((\d+\.\d+)\)$/.exec(d)![1]!;
    const older = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true }) < 0;
    expect(plain.distributions.meet.length + plain.distributions.miss.length).toBe(9);
    for (const d of plain.distributions.meet) expect(older(glibcOf(d), floor)).toBe(false);
    for (const d of plain.distributions.miss) expect(older(glibcOf(d), floor)).toBe(true);
    const tooOld = await verifyJson(['--max-glibc', '2.17'], dyn);
    expect(tooOld.code).toBe(1);
    expect(tooOld.doc.artifacts[0].problems).toEqual([{ id: 'glibc-too-new', severity: 'error', message: `it needs glibc ${floor}, newer than --max-glibc 2.17` }]);
    expect((await verifyJson(['--max-glibc', floor], dyn)).code).toBe(0);
    expect((await verify(['--max-glibc', '2.x'], dyn)).code).toBe(2);
    // --fail-on never: the report, exit 0.
    expect((await verify(['--expect', 'static', '--fail-on', 'never'], dyn)).code).toBe(0);
  });

  it('a library no crate explains (linked through rustflags) is said so, a note that fails only --fail-on info', async () => {
    const dir = helloLinkArg();
    const r = await verifyJson([], dir);
    expect(r.code).toBe(0);
    const [a] = r.doc.artifacts;
    expect(a.needed).toContain('libbz2.so.1.0');
    expect(a.attribution).toEqual([{ library: 'libbz2.so.1.0', crates: [] }]);
    expect(a.problems).toEqual([
      {
        id: 'unexplained-library',
        severity: 'info',
        library: 'libbz2.so.1.0',
        message: `no crate of the artifact graph for ${hostTriple()} links libbz2.so.1.0: it may come from rustflags (\`-l\`), a link argument in \`.cargo/config.toml\`, or a C dependency's own dependency`,
      },
    ]);
    expect((await verify(['--fail-on', 'info'], dir)).code).toBe(1);
  });

  it('explicit paths, and the target directory from --target-dir, CARGO_TARGET_DIR and build.target-dir', async () => {
    const dir = copyOf(helloDynamic());
    try {
      const explicit = await verifyJson([join('target', 'release', 'hello')], dir);
      expect(explicit.doc.artifacts[0].path).toBe('target/release/hello');
      // Moved elsewhere: found through each way of naming the target directory.
      cpSync(join(dir, 'target'), join(dir, 'out'), { recursive: true });
      rmSync(join(dir, 'target'), { recursive: true });
      expect((await verify([], dir)).stderr).toMatch(/error: nothing built yet: no binary at target\/release\/hello/);
      expect((await verifyJson(['--target-dir', 'out'], dir)).doc.artifacts[0].path).toBe('out/release/hello');
      expect((await verifyJson([], dir, { CARGO_TARGET_DIR: join(dir, 'out') })).doc.artifacts[0].path).toBe('out/release/hello');
      mkdirSync(join(dir, '.cargo'));
      writeFileSync(join(dir, '.cargo', 'config.toml'), '[build]\ntarget-dir = "out"\n');
      expect((await verifyJson([], dir)).doc.artifacts[0].path).toBe('out/release/hello');
      // --debug and --profile name other folders.
      expect((await verify(['--debug'], dir)).stderr).toMatch(/no binary at out\/debug\/hello/);
      expect((await verify(['--profile', 'dist'], dir)).stderr).toMatch(/no binary at out\/dist\/hello/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--target looks in target/<triple>/release, and cargo-zigbuild's glibc suffix names the plain triple's folder", async () => {
    const triple = hostTriple();
    const dir = helloTargeted(triple);
    const plain = await verifyJson(['--target', triple], dir);
    expect(plain.doc.artifacts[0].path).toBe(`target/${triple}/release/hello`);
    expect(plain.doc.artifacts[0].target).toBe(triple);
    if (triple === 'x86_64-unknown-linux-gnu') {
      const zig = await verifyJson(['--target', `${triple}.2.17`], dir);
      expect(zig.doc.artifacts[0].path).toBe(`target/${triple}/release/hello`);
    }
  });

  it('refuses, exit 2 with the path: nothing built yet, a text file, a directory, a truncated binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-verify-'));
    try {
      for (const [rel, text] of Object.entries(HELLO)) {
        mkdirSync(join(dir, rel, '..'), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
      writeFileSync(
        join(dir, 'Cargo.lock'),
        '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = "hello"\nversion = "0.1.0"\n',
      );
      const none = await verify([], dir);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('error: nothing built yet: no binary at target/release/hello');
      expect(none.stderr).toContain('help: build first (`cargo build --release`)');
      writeFileSync(join(dir, 'notes.txt'), 'text\n');
      const text = await verify(['notes.txt'], dir);
      expect(text.code).toBe(2);
      expect(text.stderr).toBe('notes.txt: error: not an ELF, PE or Mach-O binary\n');
      const folder = await verify(['src'], dir);
      expect(folder.stderr).toBe('src: error: is a directory, not a binary\n');
      const whole = readFileSync(bin(helloDynamic(), 'release', 'hello'));
      writeFileSync(join(dir, 'cut'), whole.subarray(0, 1000));
      const cut = await verify(['cut'], dir);
      expect(cut.code).toBe(2);
      expect(cut.stderr).toMatch(/^cut: error: malformed ELF file: .* past the end of the file \(1000 bytes\)\n$/);
      // The same where cargo's output would be, found without arguments.
      mkdirSync(join(dir, 'target', 'release'), { recursive: true });
      writeFileSync(join(dir, 'target', 'release', 'hello'), whole.subarray(0, 1000));
      const found = await verify([], dir);
      expect(found.code).toBe(2);
      expect(found.stderr).toMatch(/^target\/release\/hello: error: malformed ELF file: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a musl target: the bins under target/<triple>/release, and the cdylib rustc drops with crt-static said so, not reported missing', async () => {
    const copy = copyOf(join(linked(), '..'));
    const dir = join(copy, 'ws');
    try {
      const folder = join(dir, 'target', 'x86_64-unknown-linux-musl', 'release');
      mkdirSync(folder, { recursive: true });
      // Stand-ins: the static-pie build of hello under the names cargo gives the members' bins.
      for (const name of ['zapp', 'sslapp']) cpSync(bin(helloStatic(), 'release', 'hello'), join(folder, name));
      const r = await verifyJson(['--workspace', '--target', 'x86_64-unknown-linux-musl', '--expect', 'static'], dir);
      expect(r.code).toBe(0);
      expect(r.doc.artifacts.map((a: { path: string }) => a.path).sort()).toEqual(['target/x86_64-unknown-linux-musl/release/sslapp', 'target/x86_64-unknown-linux-musl/release/zapp']);
      expect(r.doc.artifacts.every((a: { target: string }) => a.target === 'x86_64-unknown-linux-musl')).toBe(true);
      expect(r.stderr).toContain(
        "warning: target/x86_64-unknown-linux-musl/release/libclib.so is not there: rustc builds no cdylib for x86_64-unknown-linux-musl with `crt-static` (musl's default), so clib's cdylib is dropped",
      );
      expect(r.doc.warnings.some((w: string) => w.includes('libclib.so is not there'))).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a Windows and a macOS binary by path: their C runtime, and --expect static per format', async () => {
    const pe = peProgram();
    const macho = machoPrograms();
    const outside = mkdtempSync(join(tmpdir(), 'cargo-preflight-verify-'));
    try {
      if (pe) {
        const r = await verify([join(pe, 'out.exe'), '--expect', 'static'], outside);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("C runtime: the system's msvcrt.dll");
        // Outside a cargo project nothing is attributed, and the run says why.
        expect(r.stderr).toMatch(/warning: no crate is named for the libraries: the project could not be read \(could not find `Cargo.toml`/);
      }
      if (macho) {
        const r = await verifyJson([join(macho, 'm-fat'), '--expect', 'static'], outside);
        expect(r.code).toBe(1);
        expect(r.doc.artifacts.map((a: { machine: string }) => a.machine)).toEqual(['x86_64', 'aarch64']);
        for (const a of r.doc.artifacts)
          expect(a.problems).toEqual([
            {
              id: 'non-system-dylib',
              severity: 'error',
              library: '@rpath/libfoo.dylib',
              message: 'it loads @rpath/libfoo.dylib, which is neither libSystem nor a system library or framework (--expect static)',
            },
          ]);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('github and markdown formats', async () => {
    const dir = linked();
    const gh = await verify(['-p', 'zapp', '--expect', 'static', '--format', 'github'], dir);
    // At the Cargo.toml line of the crate that links libz.
    expect(gh.stdout).toMatch(/^::error file=zapp\/Cargo.toml,line=7,col=1,title=verify\/not-static%3A target\/release\/zapp::/m);
    const md = await verify(['-p', 'zapp', '--format', 'markdown'], dir);
    expect(md.stdout).toContain('| `target/release/zapp` | elf x86_64 | dynamic | glibc |');
  });
});
