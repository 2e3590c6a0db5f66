import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { builtInEntries, loadKnowledgeBase } from '../../src/knowledge/load.js';
import { bringsRead, checkedUpTo, crateAt, cratesTurnedOn, fitRecipe, KnowledgeBase, linkage, staticOptionActive, staticOptionsAt } from '../../src/knowledge/lookup.js';
import { featureMap } from '../../src/resolve/packages.js';
import { featureNames, recorded } from './helpers.js';
import { validateEntries } from '../../src/knowledge/validate.js';
import { parseVersionRange, versionIn } from '../../src/knowledge/versions.js';

const kb = loadKnowledgeBase();
/** The features a recorded release declares (test/fixtures/crates-index). */
const declares = (name: string, version: string) => {
  const line = recorded(name)?.find((v) => v.vers === version);
  if (!line) throw new Error(`${name} ${version} is not recorded`);
  return featureNames(line);
};
const sys = (name: string) => {
  const m = kb.sysCrate(name);
  if (!m) throw new Error(`no sys entry for ${name}`);
  return m;
};

describe('version ranges', () => {
  it('accepts commas and spaces, and needs operators and full versions', () => {
    expect(parseVersionRange('>=0.12.4, <0.13.0-0')).not.toBeNull();
    expect(parseVersionRange('>=0.12.4 <0.13.0-0')).not.toBeNull();
    expect(parseVersionRange('>=1.0.0, <2.0.0-0 || >=3.0.0')).not.toBeNull();
    expect(parseVersionRange('0.12')).toBeNull();
    expect(parseVersionRange('1.2.3')).toBeNull();
    expect(parseVersionRange('>=0.12')).toBeNull();
    expect(parseVersionRange('')).toBeNull();
  });

  it('orders pre-releases and ignores build metadata', () => {
    expect(versionIn('0.9.0-alpha.1', '>=0.8.6, <0.9.0-0')).toBe(false);
    expect(versionIn('0.9.0-alpha.1', '>=0.9.0-alpha.1, <0.10.0-0')).toBe(true);
    expect(versionIn('0.1.11+1.0.8', '>=0.1.11, <0.2.0-0')).toBe(true);
    expect(versionIn('0.4.81+curl-8.14.1', '>=0.4.80, <0.5.0-0')).toBe(true);
    expect(versionIn('not-a-version', '>=0.1.0')).toBe(false);
  });
});

describe('lookups', () => {
  it('byCrate lists every entry that names the crate', () => {
    const ids = kb.byCrate('reqwest').map((m) => m.entry.id);
    expect(ids).toContain('openssl');
    expect(ids).toContain('zstd');
    expect(kb.byCrate('serde')).toEqual([]);
  });

  it('sysCrate finds the crate that links the library', () => {
    expect(sys('openssl-sys').entry.id).toBe('openssl');
    expect(sys('libsqlite3-sys').entry.id).toBe('sqlite');
    expect(kb.sysCrate('reqwest')).toBeUndefined();
  });

  it('byLinks matches exact values and versioned prefixes', () => {
    expect(kb.byLinks('openssl').map((m) => m.crate.name)).toEqual(['openssl-sys']);
    expect(kb.byLinks('ring_core_0_17_8').map((m) => m.crate.name)).toEqual(['ring']);
    expect(kb.byLinks('aws_lc_0_16_0').map((m) => m.crate.name)).toEqual(['aws-lc-sys']);
    expect(kb.byLinks('aws_lc_rs_1_12_3_sys').map((m) => m.crate.name)).toEqual(['aws-lc-rs']);
    expect(
      kb
        .byLinks('fontconfig')
        .map((m) => m.crate.name)
        .sort(),
    ).toEqual(['servo-fontconfig-sys', 'yeslogic-fontconfig-sys']);
    expect(kb.byLinks('nothing-links-this')).toEqual([]);
  });

  it('isLinksOnly for crates whose links key guards against duplicates', () => {
    expect(kb.isLinksOnly('rayon-core')).toBe(true);
    expect(kb.isLinksOnly('rayon-core', 'rayon-core')).toBe(true);
    expect(kb.isLinksOnly('rayon-core', 'something-else')).toBe(false);
    expect(kb.isLinksOnly('wasm-bindgen-shared', 'wasm_bindgen')).toBe(true);
    expect(kb.isLinksOnly('openssl-sys', 'openssl')).toBe(false);
    expect(kb.isLinksOnly('serde')).toBe(false);
  });

  it('covers the families the tool promises', () => {
    for (const c of [
      'openssl-sys',
      'libsqlite3-sys',
      'libz-sys',
      'curl-sys',
      'libgit2-sys',
      'libssh2-sys',
      'bzip2-sys',
      'lzma-sys',
      'zstd-sys',
      'pq-sys',
      'mysqlclient-sys',
      'libdbus-sys',
      'librocksdb-sys',
      'rdkafka-sys',
      'aws-lc-sys',
      'ring',
      'brotli-sys',
      'libpulse-sys',
      'alsa-sys',
      'libudev-sys',
      'freetype-sys',
      'yeslogic-fontconfig-sys',
      'servo-fontconfig-sys',
      'libmimalloc-sys',
      'tikv-jemalloc-sys',
      'pcre2-sys',
      'onig_sys',
      'libusb1-sys',
      'hidapi',
    ]) {
      expect(kb.sysCrate(c), c).toBeDefined();
    }
    for (const w of [
      'openssl',
      'native-tls',
      'reqwest',
      'ureq',
      'hyper-tls',
      'hyper-rustls',
      'tokio-native-tls',
      'tokio-rustls',
      'sqlx',
      'rusqlite',
      'diesel',
      'git2',
      'curl',
      'flate2',
      'lettre',
      'redis',
      'tungstenite',
      'tokio-tungstenite',
      'kube',
      'postgres-native-tls',
      'rustls',
    ]) {
      expect(
        kb.byCrate(w).some((m) => m.crate.role === 'wrapper'),
        w,
      ).toBe(true);
    }
  });
});

describe('static options', () => {
  const { entry: openssl } = sys('openssl-sys');

  it('exist where the version declares the feature, and where the knowledge base records the variable', () => {
    const names = (v: string) => staticOptionsAt(openssl, 'openssl-sys', v, declares('openssl-sys', v)).map((o) => (o.kind === 'feature' ? o.feature : o.env));
    expect(names('0.9.33')).toEqual([]);
    expect(names('0.9.35')).toEqual(['vendored', 'OPENSSL_STATIC']);
    expect(names('0.9.102')).toEqual(['vendored', 'OPENSSL_STATIC']);
    // pq-sys 0.4.8 declares no `bundled`, but its build script reads PQ_LIB_STATIC (every release from 0.2.3).
    const pq = (v: string) => kb.staticOptionsFor('pq-sys', v, declares('pq-sys', v)).map((m) => (m.option.kind === 'feature' ? m.option.feature : m.option.env));
    expect(pq('0.4.8')).toEqual(['PQ_LIB_STATIC']);
    expect(pq('0.5.0')).toEqual(['bundled', 'PQ_LIB_STATIC']);
    expect(kb.staticOptionsFor('pq-sys', '0.2.2', new Map())).toEqual([]);
    // Releases older or newer than any checked that declare the feature have it; the variable only where recorded.
    const vendored = new Map([['vendored', ['openssl-src']]]);
    expect(staticOptionsAt(openssl, 'openssl-sys', '0.9.20', vendored).map((o) => o.kind)).toEqual(['feature']);
    expect(staticOptionsAt(openssl, 'openssl-sys', '0.10.0', vendored).map((o) => o.kind)).toEqual(['feature']);
    expect(staticOptionsAt(openssl, 'openssl-sys', '0.10.0', new Map())).toEqual([]);
    // A meaning recorded by release: pq-sys `bundled` needs perl and make before 0.6, not from 0.6 on (newer ones included).
    const bundled = new Map([['bundled', ['dep:pq-src']]]);
    const bundledRequires = (v: string) =>
      kb
        .staticOptionsFor('pq-sys', v, bundled)
        .filter((m) => m.option.kind === 'feature')
        .map((m) => m.option.requires);
    expect(bundledRequires('0.5.1')).toEqual([['c-compiler', 'perl', 'make']]);
    expect(bundledRequires('0.7.0')).toEqual([['c-compiler']]);
  });

  it('a renamed feature is two facts: tungstenite `tls-vendored` (0.11.1, 0.12), `native-tls-vendored` (0.13 on)', () => {
    const names = (v: string) => kb.staticOptionsFor('tungstenite', v, declares('tungstenite', v)).map((m) => m.option.kind === 'feature' && m.option.feature);
    expect(names('0.12.0')).toEqual(['tls-vendored']);
    expect(names('0.13.0')).toEqual(['native-tls-vendored']);
    expect(names('0.21.0')).toEqual(['native-tls-vendored']);
  });

  it('says how far the meaning was checked', () => {
    const spec = sys('curl-sys').crate;
    expect(checkedUpTo(spec, '0.4.81+curl-8.14.1')).toBeUndefined();
    expect(checkedUpTo(spec, '0.4.59+curl-7.86.0')).toBeUndefined();
    expect(checkedUpTo(spec, '0.4.90+curl-8.20.0')).toBe('0.4.81+curl-8.14.1');
  });

  it('staticOptionActive reads the activated features', () => {
    expect(staticOptionActive(openssl, 'openssl-sys', '0.9.102', ['vendored'])).toMatchObject({ feature: 'vendored' });
    expect(staticOptionActive(openssl, 'openssl-sys', '0.9.102', [])).toBeNull();
    expect(staticOptionActive(openssl, 'openssl-sys', '0.9.102', [], { OPENSSL_STATIC: '1' })).toMatchObject({ env: 'OPENSSL_STATIC' });
    expect(staticOptionActive(openssl, 'no-such-crate', '1.0.0', ['vendored'])).toBeNull();
  });

  it('picks the option recorded for the version in use', () => {
    const { entry } = sys('pq-sys');
    expect(staticOptionActive(entry, 'pq-sys', '0.5.0', ['bundled'])!.requires).toEqual(['c-compiler', 'perl', 'make']);
    expect(staticOptionActive(entry, 'pq-sys', '0.6.0', ['bundled'])!.requires).toEqual(['c-compiler']);
  });

  it('a removed feature does not count after its removal', () => {
    const { entry } = sys('onig_sys');
    expect(staticOptionActive(entry, 'onig_sys', '65.0.1', ['static_onig'])).toMatchObject({ feature: 'static_onig' });
    expect(staticOptionActive(entry, 'onig_sys', '66.1.0', ['static_onig'])).toBeNull();
  });

  it('a dynamic option wins over the bundled build', () => {
    const { entry } = sys('zstd-sys');
    expect(linkage(entry, 'zstd-sys', '2.0.10+zstd.1.5.6', ['legacy', 'zdict_builder'])).toMatchObject({ kind: 'static', requires: ['c-compiler'] });
    expect(linkage(entry, 'zstd-sys', '2.0.10+zstd.1.5.6', ['pkg-config'])).toMatchObject({ kind: 'system', forcedBy: { feature: 'pkg-config' } });
  });

  it('linkage follows without-static', () => {
    const l = (name: string, version: string, features: string[]) => linkage(sys(name).entry, name, version, features);
    expect(l('openssl-sys', '0.9.102', [])).toMatchObject({ kind: 'system', requires: [] });
    expect(l('openssl-sys', '0.9.102', ['vendored'])).toMatchObject({ kind: 'static', requires: ['c-compiler', 'perl', 'make'] });
    expect(l('libz-sys', '1.1.16', ['libc', 'stock-zlib'])).toMatchObject({ kind: 'static-unless-found' });
    expect(l('libz-sys', '1.1.16', ['static'])).toMatchObject({ kind: 'static' });
    expect(l('ring', '0.17.8', ['alloc'])).toMatchObject({ kind: 'static', requires: ['c-compiler'] });
    expect(l('libpulse-sys', '1.23.0', ['pa_v8'])).toMatchObject({ kind: 'system' });
    expect(linkage(sys('openssl-sys').entry, 'reqwest', '0.12.4', [])).toBeNull();
  });

  it('linkage and requirements follow the version and the target (`when` variants)', () => {
    const l = (name: string, version: string, target?: string) => linkage(sys(name).entry, name, version, [], {}, target);
    // libssh2-sys builds its bundled libssh2 unless LIBSSH2_SYS_USE_PKG_CONFIG is set (0.2.8 on); before, a system one first.
    expect(l('libssh2-sys', '0.3.0', 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static', requires: ['c-compiler'] });
    expect(l('libssh2-sys', '0.2.7', 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static-unless-found', requires: ['c-compiler', 'cmake'] });
    expect(l('libssh2-sys', '0.2.9', 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static', requires: ['c-compiler', 'cmake'] });
    expect(l('libssh2-sys', '0.3.0', 'x86_64-pc-windows-msvc')).toMatchObject({ kind: 'static-unless-found' });
    // bzip2-sys 0.1.7 and 0.1.8 have no pkg-config in their build script.
    expect(l('bzip2-sys', '0.1.8+1.0.8')).toMatchObject({ kind: 'static' });
    expect(l('bzip2-sys', '0.1.10+1.0.8')).toMatchObject({ kind: 'static-unless-found' });
    // pcre2-sys builds its bundled PCRE2 on musl targets; a target-dependent fact needs the target.
    expect(l('pcre2-sys', '0.2.9', 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static' });
    expect(l('pcre2-sys', '0.2.9', 'aarch64-unknown-linux-musl')).toMatchObject({ kind: 'static' });
    expect(l('pcre2-sys', '0.2.9', 'x86_64-unknown-linux-gnu')).toMatchObject({ kind: 'static-unless-found' });
    expect(l('pcre2-sys', '0.2.9')).toMatchObject({ kind: 'static-unless-found' });
    expect(l('pcre2-sys', '0.2.9', 'all')).toMatchObject({ kind: 'static-unless-found' });
  });

  it('aws-lc-sys needs only a C compiler on Linux x86_64 and aarch64 from 0.15, cmake and libclang elsewhere', () => {
    const l = (version: string, target: string) => linkage(sys('aws-lc-sys').entry, 'aws-lc-sys', version, [], {}, target)!.requires;
    expect(l('0.16.0', 'x86_64-unknown-linux-musl')).toEqual(['c-compiler']);
    expect(l('0.16.0', 'aarch64-unknown-linux-gnu')).toEqual(['c-compiler']);
    expect(l('0.16.0', 'i686-unknown-linux-gnu')).toEqual(['c-compiler']);
    expect(l('0.14.1', 'x86_64-unknown-linux-musl')).toEqual(['c-compiler', 'cmake']);
    expect(l('0.16.0', 'x86_64-apple-darwin')).toEqual(['c-compiler', 'cmake']);
    expect(l('0.16.0', 'riscv64gc-unknown-linux-gnu')).toEqual(['c-compiler', 'cmake', 'libclang']);
    expect(l('0.16.0', 'x86_64-pc-windows-msvc')).toEqual(['c-compiler', 'cmake', 'libclang']);
  });

  it('aws-lc-sys keeps cmake and libclang off the pregenerated targets at releases no recorded line dates (FreeBSD at 0.28.0)', () => {
    const l = (version: string, target: string) => linkage(sys('aws-lc-sys').entry, 'aws-lc-sys', version, [], {}, target)!.requires;
    expect(l('0.28.0', 'x86_64-unknown-freebsd')).toEqual(['c-compiler', 'cmake', 'libclang']);
    expect(l('0.28.0', 'x86_64-unknown-linux-musl')).toEqual(['c-compiler']);
  });

  it('harfbuzz-sys: system from 0.6 unless `bundled`; pkg-config first, else bundled, in 0.3 to 0.5 (cmake in 0.3.1)', () => {
    const { entry } = sys('harfbuzz-sys');
    const l = (version: string, features: string[], env: Record<string, string> = {}) => linkage(entry, 'harfbuzz-sys', version, features, env, 'x86_64-unknown-linux-musl');
    expect(l('0.6.1', ['default', 'freetype'])).toMatchObject({ kind: 'system' });
    expect(l('0.6.1', ['bundled'])).toMatchObject({ kind: 'static', requires: ['cxx-compiler'] });
    expect(l('0.5.0', ['default', 'build-native-harfbuzz'])).toMatchObject({ kind: 'static-unless-found', requires: ['cxx-compiler'] });
    expect(l('0.5.0', [], { HARFBUZZ_SYS_NO_PKG_CONFIG: '1' })).toMatchObject({ kind: 'static' });
    // The variable is read by the 0.3 to 0.5 build scripts only: 0.6 asks pkg-config whatever it says.
    expect(l('0.6.1', [], { HARFBUZZ_SYS_NO_PKG_CONFIG: '1' })).toMatchObject({ kind: 'system' });
    expect(l('0.3.1', [])!.requires).toEqual(['cxx-compiler', 'cmake']);
  });

  it('ort-sys: static with `download-binaries` only where a prebuilt exists, nothing linked with `load-dynamic`', () => {
    const { entry } = sys('ort-sys');
    const l = (features: string[], target: string) => linkage(entry, 'ort-sys', '2.0.0-rc.2', features, {}, target);
    expect(l(['download-binaries'], 'x86_64-unknown-linux-gnu')).toMatchObject({ kind: 'static' });
    expect(l(['download-binaries'], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'system' });
    expect(l([], 'x86_64-unknown-linux-gnu')).toMatchObject({ kind: 'system' });
    expect(l(['download-binaries', 'load-dynamic'], 'x86_64-unknown-linux-musl')).toBeNull();
  });

  it("audiopus_sys: its default is the build machine's, so no target links it statically without an option", () => {
    const { entry } = sys('audiopus_sys');
    const l = (version: string, features: string[], target: string, env: Record<string, string> = {}) => linkage(entry, 'audiopus_sys', version, features, env, target);
    // A musl target built on a glibc machine takes the dynamic default: pkg-config first, else the bundled Opus.
    expect(l('0.2.2', [], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static-unless-found', requires: ['c-compiler', 'cmake'] });
    expect(l('0.2.2', [], 'x86_64-unknown-linux-gnu')).toMatchObject({ kind: 'static-unless-found' });
    expect(l('0.2.2', ['static'], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static', via: { feature: 'static' } });
    expect(l('0.2.2', [], 'x86_64-unknown-linux-musl', { OPUS_STATIC: '1' })).toMatchObject({ kind: 'static', via: { env: 'OPUS_STATIC' } });
    expect(l('0.2.2', [], 'x86_64-unknown-linux-musl', { LIBOPUS_STATIC: '1' })).toMatchObject({ kind: 'static', via: { env: 'LIBOPUS_STATIC' } });
    // Both features on: the build machine's default again, not `static`.
    expect(l('0.2.2', ['dynamic', 'static'], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'system', forcedBy: { feature: 'dynamic' } });
    // 0.1 builds its Opus with autotools, as a shared library by default on a glibc machine.
    expect(l('0.1.8', [], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'system' });
    expect(l('0.1.8', ['static'], 'x86_64-unknown-linux-musl')).toMatchObject({ kind: 'static', requires: ['c-compiler', 'autotools', 'make'] });
  });

  it('proj-sys: the source build links the system SQLite, so neither the fallback nor `bundled_proj` is static', () => {
    const { entry, crate } = sys('proj-sys');
    expect(crate.staticOptions).toEqual([]);
    const l = (features: string[]) => linkage(entry, 'proj-sys', '0.23.2', features, {}, 'x86_64-unknown-linux-musl');
    expect(l([])).toMatchObject({ kind: 'system' });
    expect(l(['bundled_proj'])).toMatchObject({ kind: 'system' });
    expect(crateAt(crate, '0.23.2', 'x86_64-unknown-linux-musl', ['bundled_proj']).withoutStaticNote).toContain('dylib=sqlite3');
  });

  it('environment options that link a prebuilt library say what they need set with them', () => {
    const env = (crate: string, version: string) =>
      kb
        .staticOptionsFor(crate, version)
        .map((m) => m.option)
        .filter((o) => o.kind === 'env');
    expect(env('gdal-sys', '0.9.1').map((o) => o.kind === 'env' && [o.env, o.with])).toEqual([
      ['GDAL_STATIC', 'GDAL_LIB_DIR (or GDAL_HOME) pointing at a static libgdal built for the target, and GDAL_VERSION naming its version'],
    ]);
    // gdal-sys reads GDAL_LIB_DIR, GDAL_HOME, GDAL_INCLUDE_DIR and GDAL_VERSION, never GDAL_DIR.
    expect(env('gdal-sys', '0.2.0').map((o) => o.kind === 'env' && o.with)).toEqual(['GDAL_LIB_DIR (or GDAL_HOME) pointing at a static libgdal built for the target']);
    expect(env('gdal-sys', '0.1.0')).toEqual([]);
    expect(env('sasl2-sys', '0.1.22+2.1.28').map((o) => o.kind === 'env' && [o.env, o.value, o.with])).toEqual([
      ['SASL2_STATIC', '1', 'SASL2_DIR pointing at Cyrus SASL built for the target as a static library (lib/libsasl2.a)'],
    ]);
    expect(env('mlua-sys', '0.6.0').map((o) => o.kind === 'env' && [o.env, o.value])).toEqual([['LUA_LINK', 'static']]);
    expect(env('mlua-sys', '0.2.1').map((o) => o.kind === 'env' && o.with)).toEqual(['LUA_INC, LUA_LIB and LUA_LIB_NAME (headers, directory and name of a static Lua built for the target)']);
    expect(staticOptionActive(sys('mlua-sys').entry, 'mlua-sys', '0.6.0', ['lua54'], { LUA_LINK: 'static' })).toMatchObject({ env: 'LUA_LINK' });
    expect(staticOptionActive(sys('mlua-sys').entry, 'mlua-sys', '0.6.0', ['lua54'], { LUA_LINK: 'dylib' })).toBeNull();
  });

  it('opencv and libvips link installed libraries and have no static option', () => {
    for (const name of ['opencv', 'libvips']) {
      const { entry, crate } = sys(name);
      expect(crate.staticOptions, name).toEqual([]);
      expect(linkage(entry, name, '0.91.3', [], {}, 'x86_64-unknown-linux-musl'), name).toMatchObject({ kind: 'system' });
    }
  });

  it('onig_sys needs cmake up to 68.0.1 and libclang from 69.2.0 (from 69.5.0 with `generate`, a default)', () => {
    const l = (version: string, features: string[]) => linkage(sys('onig_sys').entry, 'onig_sys', version, features, {}, 'x86_64-unknown-linux-musl')!.requires;
    expect(l('68.0.1', [])).toEqual(['c-compiler', 'cmake']);
    expect(l('68.0.2', ['posix-api'])).toEqual(['c-compiler']);
    expect(l('69.2.0', [])).toEqual(['c-compiler', 'libclang']);
    expect(l('69.8.1', ['default', 'generate'])).toEqual(['c-compiler', 'libclang']);
    expect(l('69.8.1', [])).toEqual(['c-compiler']);
  });

  it('grpcio-sys needs libclang off x86_64 and aarch64 Linux and macOS', () => {
    const l = (target: string) => linkage(sys('grpcio-sys').entry, 'grpcio-sys', '0.13.0+1.56.2-patched', [], {}, target)!.requires;
    expect(l('x86_64-unknown-linux-musl')).toEqual(['c-compiler', 'cxx-compiler', 'cmake']);
    expect(l('armv7-unknown-linux-gnueabihf')).toEqual(['c-compiler', 'cxx-compiler', 'cmake', 'libclang']);
    // The index line says it: bindgen is a build dependency for the other targets only.
    const line = recorded('grpcio-sys')!.find((v) => v.vers === '0.13.0+1.56.2-patched')!;
    expect(line.deps.find((d) => d.name === 'bindgen' && !d.optional)?.target).toBe(
      'cfg(not(all(any(target_os = "linux", target_os = "macos"), any(target_arch = "x86_64", target_arch = "aarch64"))))',
    );
  });

  it('crateAt applies the variants in order and leaves the spec alone where none applies', () => {
    const ring = sys('ring').crate;
    expect(crateAt(ring, '0.16.20')).toMatchObject({ links: 'ring-asm' });
    expect(crateAt(ring, '0.16.20').linksPrefix).toBeUndefined();
    expect(crateAt(ring, '0.17.8')).toBe(ring);
    expect(kb.byLinks('ring-asm').map((m) => m.crate.name)).toEqual(['ring']);
  });
});

describe('wrappers', () => {
  it('switch recipes at a version', () => {
    const [m, ...rest] = kb.switchesFor('reqwest', '0.12.4');
    expect(rest).toEqual([]);
    expect(m!.entry.id).toBe('openssl');
    expect(m!.alternative?.id).toBe('rustls');
    expect(m!.recipe).toMatchObject({
      enable: ['rustls-tls'],
      defaultFeatures: false,
      restore: ['charset', 'http2', 'macos-system-configuration'],
      brings: ['ring'],
    });
    // Older release lines have their own recipe: no default besides the TLS one to list again.
    for (const v of ['0.9.24', '0.10.0', '0.10.2', '0.11.17']) {
      const [old, ...more] = kb.switchesFor('reqwest', v);
      expect(more).toEqual([]);
      expect(old!.recipe).toMatchObject({ enable: ['rustls-tls'], defaultFeatures: false, restore: [] });
      expect(old!.recipe.disable).toContain('default-tls');
    }
    // Nothing is claimed below the oldest release checked in a line.
    expect(kb.switchesFor('reqwest', '0.9.23')).toEqual([]);
    expect(kb.switchesFor('reqwest', '0.8.8')).toEqual([]);
  });

  it('covers the release lines the real-world projects lock', () => {
    expect(kb.staticOptionsFor('rusqlite', '0.34.0').map((m) => m.option.kind === 'feature' && m.option.feature)).toEqual(['bundled']);
    // sqlx 0.6 always bundles SQLite (sqlx-core asks for libsqlite3-sys/bundled): no option to offer.
    expect(kb.staticOptionsFor('sqlx', '0.6.3', declares('sqlx', '0.6.3'))).toEqual([]);
    expect(
      kb
        .nativeFeaturesFor('sqlx', '0.6.3')
        .map((m) => m.entry.id)
        .sort(),
    ).toEqual(['openssl', 'sqlite']);
    const sqlx = kb.switchesFor('sqlx', '0.6.3').find((m) => m.entry.id === 'openssl')!;
    expect(sqlx.recipe.replace).toMatchObject({ 'runtime-tokio-native-tls': 'runtime-tokio-rustls' });
    expect(kb.switchesFor('kube', '0.25.0').map((m) => m.recipe.enable)).toEqual([['rustls-tls']]);
    expect(kb.staticOptionsFor('hyper-tls', '0.4.1').length).toBe(1);
    expect(kb.defaultsFor('sqlx', '0.6.3')).toEqual(['macros', 'migrate']);
  });

  it('picks the recipe of the major version in use', () => {
    expect(kb.switchesFor('ureq', '2.9.7').map((m) => m.recipe.enable)).toEqual([['tls']]);
    expect(kb.switchesFor('ureq', '3.0.6').map((m) => m.recipe.enable)).toEqual([['rustls']]);
    expect(
      kb
        .switchesFor('sqlx', '0.8.6')
        .map((m) => m.entry.id)
        .sort(),
    ).toEqual(['aws-lc', 'openssl', 'sqlite']);
    expect(kb.switchesFor('sqlx', '0.9.0-alpha.1').find((m) => m.entry.id === 'openssl')!.recipe.replace).toEqual({
      'tls-native-tls': 'tls-rustls-ring',
    });
  });

  it('rustls from 0.23.22 is moved to ring with `prefer-post-quantum` off too (a default from 0.23.27)', () => {
    const r = (v: string) => kb.switchesFor('rustls', v).map((s) => s.recipe);
    expect(r('0.23.7')[0]!.disable).toEqual(['aws_lc_rs', 'aws-lc-rs', 'fips']);
    expect(r('0.23.22')[0]!.disable).toContain('prefer-post-quantum');
    expect(r('0.23.27')[0]).toMatchObject({ disable: ['aws_lc_rs', 'aws-lc-rs', 'fips', 'prefer-post-quantum'], restore: ['logging', 'std', 'tls12'] });
    expect(kb.defaultsFor('rustls', '0.23.26')).not.toContain('prefer-post-quantum');
    expect(kb.defaultsFor('rustls', '0.23.27')).toContain('prefer-post-quantum');
    expect(kb.nativeFeaturesFor('rustls', '0.23.27')[0]!.features).toContain('prefer-post-quantum');
  });

  it('kube 0.91 switched to rustls brings ring (kube-client pins hyper-rustls with `ring`)', () => {
    const [s] = kb.switchesFor('kube', '0.91.0');
    expect(s!.recipe.brings).toEqual(['ring']);
    // Not readable from kube's own dependencies: `rustls-tls` asks a feature of kube-client, which is no entry's crate.
    const line = recorded('kube')!.find((v) => v.vers === '0.91.0')!;
    expect(bringsRead(kb, cratesTurnedOn(featureMap(line.features, line.deps), line.deps, ['rustls-tls']))).toBeNull();
  });

  it('moving to rustls 0.23 has a way back to ring', () => {
    const m = kb.switchesFor('rustls', '0.23.7');
    expect(m.map((x) => x.recipe)).toEqual([expect.objectContaining({ enable: ['ring'], defaultFeatures: false, restore: ['logging', 'std', 'tls12'] })]);
  });

  it('defaults and native features at a version', () => {
    expect(kb.defaultsFor('git2', '0.19.0')).toEqual(['ssh', 'https', 'ssh_key_from_memory']);
    expect(kb.defaultsFor('git2', '0.20.3')).toEqual(['ssh', 'https']);
    expect(kb.defaultsFor('serde', '1.0.0')).toBeUndefined();
    const native = kb.nativeFeaturesFor('reqwest', '0.12.4');
    expect(native.find((n) => n.entry.id === 'openssl')!.features).toContain('default-tls');
    expect(native.find((n) => n.entry.id === 'zstd')!.features).toEqual(['zstd']);
  });

  it('alternatives of a crate', () => {
    expect(kb.alternativesFor('libdbus-sys').map((a) => a.alternative.id)).toEqual(['zbus']);
  });
});

describe('extra entries from the configuration', () => {
  const privateSys = {
    id: 'acme',
    name: 'libacme',
    category: 'database',
    'system-library': 'libacme',
    summary: 'Our private database client.',
    crates: [
      {
        name: 'acme-sys',
        role: 'sys',
        links: 'acme',
        'without-static': 'system',
        'static-options': [{ feature: 'bundled', versions: '>=2.0.0, <3.0.0-0', requires: ['c-compiler'] }],
      },
    ],
  };

  it('are validated and merged', () => {
    const withAcme = loadKnowledgeBase([privateSys]);
    expect(withAcme.sysCrate('acme-sys')?.entry.source).toBe('config');
    expect(withAcme.byLinks('acme').map((m) => m.crate.name)).toEqual(['acme-sys']);
    expect(withAcme.staticOptionsFor('acme-sys', '2.1.0')).toHaveLength(1);
    expect(withAcme.entries.length).toBe(builtInEntries().length + 1);
  });

  it('replace a built-in entry with the same id', () => {
    const override = { ...privateSys, id: 'openssl', crates: [{ ...privateSys.crates[0], name: 'openssl-sys', links: 'openssl' }] };
    const k = loadKnowledgeBase([override]);
    expect(k.get('openssl')!.source).toBe('config');
    expect(k.entries.length).toBe(builtInEntries().length);
  });

  it('report every problem with its key path', () => {
    const bad = structuredClone(privateSys) as any;
    bad.crates[0].role = 'sys-crate';
    bad.crates[0]['static-options'][0].versions = '2.0';
    bad.extra = true;
    const { issues } = validateEntries([privateSys, bad]);
    expect(issues.map((i) => i.path)).toEqual(['knowledge-base[1].extra', 'knowledge-base[1].crates[0].role', 'knowledge-base[1].crates[0].static-options[0].versions']);
    expect(() => loadKnowledgeBase([bad])).toThrow(UserError);
    try {
      loadKnowledgeBase([bad]);
    } catch (e) {
      expect((e as UserError).message).toContain('knowledge-base[0].crates[0].static-options[0].versions');
    }
  });

  it('reject two entries with one id', () => {
    const { issues } = validateEntries([privateSys, privateSys]);
    expect(issues).toEqual([{ path: 'knowledge-base[1].id', message: '`acme` is also the id of knowledge-base[0]' }]);
  });

  it('reject non-tables', () => {
    expect(validateEntries(['acme']).issues).toEqual([{ path: 'knowledge-base[0]', message: 'must be a table' }]);
  });
});

describe('loading', () => {
  it('builds a knowledge base in a few milliseconds', () => {
    const entries = builtInEntries();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) new KnowledgeBase(entries);
    const perBuild = (performance.now() - t0) / 20;
    expect(perBuild).toBeLessThan(5);
  });
});

describe('switches read from the features a version declares', () => {
  // reqwest 0.12.15 as recorded (test/fixtures/crates-index): the declared feature map, implicit features included.
  const recordedReqwest = (version: string) => {
    const line = recorded('reqwest')!.find((v) => v.vers === version)!;
    return {
      features: featureMap(
        line.features,
        line.deps.filter((d) => d.kind !== 'dev'),
      ),
      deps: line.deps,
    };
  };

  it("a release outside every recorded range gets the nearest line's recipe, fitted to what it declares", () => {
    const declared = new Map<string, string[]>([
      ['default', ['default-tls', 'charset']],
      ['charset', []],
      ['default-tls', ['dep:native-tls']],
      ['native-tls', ['default-tls']],
      ['rustls-tls', ['dep:rustls']],
    ]);
    const [m] = kb.switchesFor('reqwest', '0.13.0', declared).filter((x) => x.entry.id === 'openssl');
    expect(m).toMatchObject({ fitted: true, checkedUpTo: '0.12.15' });
    expect(m!.recipe).toMatchObject({ enable: ['rustls-tls'], defaultFeatures: false, restore: ['charset'] });
    expect(m!.recipe.disable.every((f) => declared.has(f))).toBe(true);
    expect(m!.recipe.note).toBeUndefined();
    // Without the feature the recipe turns on, nothing is offered; without what it declares, only recorded ranges count.
    expect(kb.switchesFor('reqwest', '0.13.0', new Map([['default-tls', []]])).filter((x) => x.entry.id === 'openssl')).toEqual([]);
    expect(kb.switchesFor('reqwest', '0.13.0').filter((x) => x.entry.id === 'openssl')).toEqual([]);
    // Inside a recorded range the recipe is the recorded one.
    expect(kb.switchesFor('reqwest', '0.12.15', recordedReqwest('0.12.15').features).find((x) => x.entry.id === 'openssl')!.fitted).toBeUndefined();
  });

  it('what a switch brings is read from the optional dependencies its features turn on', () => {
    const { features, deps } = recordedReqwest('0.12.15');
    const on = cratesTurnedOn(features, deps, ['rustls-tls']);
    expect([...on!.keys()].sort()).toEqual(expect.arrayContaining(['hyper-rustls', 'rustls', 'tokio-rustls']));
    // reqwest 0.12.15's `__rustls-ring` asks `rustls?/ring` (weak): the weak ask alone reads nothing, the recipe's record stands.
    const strong = new Map<string, string[]>([['rustls-tls', ['rustls/ring']]]);
    const turned = cratesTurnedOn(strong, [{ name: 'rustls', optional: true, kind: 'normal', features: [] }], ['rustls-tls']);
    expect(turned).toEqual(new Map([['rustls', new Set(['ring'])]]));
    expect(bringsRead(kb, turned)).toEqual(['ring']);
    expect(bringsRead(kb, new Map([['rustls', new Set(['aws_lc_rs'])]]))).toEqual(['aws-lc']);
    expect(bringsRead(kb, new Map([['ring', new Set<string>()]]))).toEqual(['ring']);
    expect(bringsRead(kb, new Map([['webpki-roots', new Set<string>()]]))).toBeNull();
    expect(cratesTurnedOn(new Map([['x', []]]), [], ['x'])).toBeNull();
    // A feature asked of a dependency that is always on (kube's `rustls-tls` asks `kube-client/rustls-tls`) is read too; naming a plain feature of it turns nothing on.
    const always = [{ name: 'kube-client', optional: false, kind: 'normal', features: ['config'] }];
    expect(cratesTurnedOn(new Map([['rustls-tls', ['kube-client/rustls-tls']]]), always, ['rustls-tls'])).toEqual(new Map([['kube-client', new Set(['config', 'rustls-tls'])]]));
    expect(cratesTurnedOn(new Map([['rustls-tls', ['dep:kube-client']]]), always, ['rustls-tls'])).toBeNull();
  });

  it("fitRecipe keeps only declared features and lists the version's own defaults again", () => {
    const recipe = { versions: '>=1.0.0', to: 'x', disable: ['a', 'gone'], replace: { b: 'c', missing: 'd' }, enable: ['e'], defaultFeatures: false, restore: ['old'], brings: [], note: 'of 1.x' };
    const declared = new Map<string, string[]>([
      ['default', ['a', 'b', 'keep']],
      ['a', []],
      ['b', []],
      ['c', []],
      ['e', []],
      ['keep', []],
    ]);
    expect(fitRecipe(recipe, declared)).toEqual({ versions: '>=1.0.0', to: 'x', disable: ['a'], replace: { b: 'c' }, enable: ['e'], defaultFeatures: false, restore: ['keep'], brings: [] });
    expect(fitRecipe(recipe, new Map([['a', []]]))).toBeNull();
  });
});
