import { fileURLToPath } from 'node:url';
import { nativeLibrary } from '../../src/rules/native-library.js';
import type { EnvironmentSnapshot } from '../../src/rules/types.js';
import { graphOf, resolveWorkspace, ruleTester } from './harness.js';
import { overrideReading, PROBE_CRYPTO, scriptReading, single, WITH_SWITCHES } from './scripts.js';

const EXAMPLE = fileURLToPath(new URL('../../example', import.meta.url));

/** reqwest 0.12.4 with its default features: default-tls -> native-tls -> openssl -> openssl-sys. */
/** The machine a check runs on, as far as this rule cares: only the host triple. */
const machine = (host: string, target: string): EnvironmentSnapshot => ({
  host,
  target,
  installedTargets: [host, target],
  configuredLinker: null,
  onPath: {},
  ccVariables: {},
});

function reqwestGraph(opts: { sysFeatures?: string[]; reqwestFeatures?: string[]; target?: string } = {}) {
  const reqwestFeatures = opts.reqwestFeatures ?? ['default', 'default-tls', 'charset', 'http2', 'macos-system-configuration'];
  return graphOf({
    ...(opts.target ? { target: opts.target } : {}),
    packages: [
      { name: 'reqwest', version: '0.12.4', features: reqwestFeatures },
      { name: 'native-tls', version: '0.2.16', features: reqwestFeatures.includes('native-tls-vendored') ? ['vendored'] : [] },
      { name: 'openssl', version: '0.10.64', features: opts.sysFeatures ?? [] },
      { name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: opts.sysFeatures ?? [] },
    ],
    edges: [
      { from: 'app', to: 'reqwest' },
      { from: 'reqwest', to: 'native-tls', via: ['default-tls'], as: 'native-tls-crate' },
      { from: 'native-tls', to: 'openssl' },
      { from: 'native-tls', to: 'openssl-sys' },
      { from: 'openssl', to: 'openssl-sys', as: 'ffi' },
    ],
    causes: { 'reqwest/default': 'dep:app', 'reqwest/default-tls': 'reqwest/default' },
  });
}

/** The feature map of reqwest 0.11.4 as the crates.io index lists it (re/qw/reqwest; implicit features of optional dependencies left out). */
const REQWEST_0_11_4: Record<string, string[]> = {
  __internal_proxy_sys_no_cache: [],
  __rustls: ['hyper-rustls', 'tokio-rustls', 'rustls', '__tls'],
  __tls: [],
  blocking: ['futures-util/io', 'tokio/rt-multi-thread', 'tokio/sync'],
  brotli: ['async-compression', 'async-compression/brotli', 'tokio-util'],
  cookies: ['cookie_crate', 'cookie_store', 'time'],
  default: ['default-tls'],
  'default-tls': ['hyper-tls', 'native-tls-crate', '__tls', 'tokio-native-tls'],
  deflate: ['async-compression', 'async-compression/zlib', 'tokio-util'],
  gzip: ['async-compression', 'async-compression/gzip', 'tokio-util'],
  json: ['serde_json'],
  multipart: ['mime_guess'],
  'native-tls': ['default-tls'],
  'native-tls-alpn': ['native-tls', 'native-tls-crate/alpn'],
  'native-tls-vendored': ['native-tls', 'native-tls-crate/vendored'],
  'rustls-tls': ['rustls-tls-webpki-roots'],
  'rustls-tls-manual-roots': ['__rustls'],
  'rustls-tls-native-roots': ['rustls-native-certs', '__rustls'],
  'rustls-tls-webpki-roots': ['webpki-roots', '__rustls'],
  socks: ['tokio-socks'],
  stream: [],
  'trust-dns': ['trust-dns-resolver'],
};

ruleTester(nativeLibrary, {
  valid: [
    {
      name: 'a build script with no static switch is for no-static-option',
      graph: single('sneaky-crypto', '0.1.0'),
      buildScripts: { 'sneaky-crypto': scriptReading('sneaky-crypto', '0.1.0', PROBE_CRYPTO) },
    },
    {
      name: 'a static switch that is on: builds-c-code reports it',
      graph: single('acme-sys', '1.0.0', 'acme', ['static']),
      buildScripts: { 'acme-sys': scriptReading('acme-sys', '1.0.0', WITH_SWITCHES, { features: ['static'] }) },
    },
    {
      name: 'a build script is not read for a crate the knowledge base knows (openssl-sys is judged by it)',
      graph: single('openssl-sys', '0.9.102', 'openssl', ['vendored']),
      buildScripts: { 'openssl-sys': scriptReading('openssl-sys', '0.9.102', WITH_SWITCHES, { features: ['static'] }) },
    },
    {
      name: 'an override linking a static archive is nothing to report',
      graph: single('acme-sys', '1.0.0', 'acme'),
      buildScripts: { 'acme-sys': overrideReading('x86_64-unknown-linux-musl', 'acme', ['static=acme']) },
    },
    { name: 'openssl-sys with `vendored` on', graph: reqwestGraph({ sysFeatures: ['vendored'] }) },
    {
      name: 'libz-sys with `static`',
      graph: graphOf({ packages: [{ name: 'libz-sys', version: '1.1.16', links: 'z', features: ['libc', 'static'] }], edges: [{ from: 'app', to: 'libz-sys' }] }),
    },
    {
      name: 'a crate that always builds its bundled C (ring)',
      graph: graphOf({ packages: [{ name: 'ring', version: '0.17.8', links: 'ring_core_0_17_8', features: ['alloc', 'default'] }], edges: [{ from: 'app', to: 'ring' }] }),
    },
    {
      name: "a -sys crate without any static option is the other rule's (libpulse-sys)",
      graph: graphOf({ packages: [{ name: 'libpulse-sys', version: '1.23.0', links: 'pulse' }], edges: [{ from: 'app', to: 'libpulse-sys' }] }),
    },
    {
      name: 'libssh2-sys builds its bundled libssh2 unless LIBSSH2_SYS_USE_PKG_CONFIG is set (from 0.2.8)',
      graph: graphOf({ packages: [{ name: 'libssh2-sys', version: '0.3.0', links: 'ssh2', features: [] }], edges: [{ from: 'app', to: 'libssh2-sys' }] }),
    },
    {
      name: 'bzip2-sys 0.1.8 always builds its bundled bzip2 (no pkg-config in its build script)',
      graph: graphOf({ packages: [{ name: 'bzip2-sys', version: '0.1.8+1.0.8', links: 'bzip2', features: [] }], edges: [{ from: 'app', to: 'bzip2-sys' }] }),
    },
    {
      name: 'pcre2-sys builds its bundled PCRE2 on a musl target',
      graph: graphOf({ packages: [{ name: 'pcre2-sys', version: '0.2.9', features: [] }], edges: [{ from: 'app', to: 'pcre2-sys' }] }),
    },
    // Families of issue 13 that always build their bundled C: nothing for this rule (builds-c-code says what they need).
    ...(
      [
        ['lz4-sys', '1.9.5', 'lz4', []],
        ['libnghttp2-sys', '0.1.10+1.61.0', 'nghttp2', []],
        ['libsodium-sys', '0.2.7', 'sodium', []],
        ['zmq-sys', '0.12.0', 'zmq', []],
        ['boring-sys', '5.0.2', 'boringssl', []],
        ['libz-ng-sys', '1.1.15', 'z-ng', []],
        ['snmalloc-sys', '0.3.5', undefined, ['build_cmake', 'default']],
        ['jemalloc-sys', '0.5.4+5.3.0-patched', 'jemalloc', ['background_threads_runtime_support', 'default']],
        ['mlua-sys', '0.6.0', 'lua', ['luau']],
        ['paho-mqtt-sys', '0.9.0', undefined, ['bundled', 'cmake', 'default', 'ssl']],
        ['gmp-mpfr-sys', '1.6.2', 'gmp', ['default', 'mpc', 'mpfr']],
        ['tree-sitter', '0.22.6', 'tree-sitter', []],
        ['grpcio-sys', '0.13.0+1.56.2-patched', undefined, []],
      ] as [string, string, string | undefined, string[]][]
    ).map(([name, version, links, features]) => ({
      name: `${name} always builds its bundled source`,
      graph: graphOf({ packages: [{ name, version, ...(links ? { links } : {}), features }], edges: [{ from: 'app', to: name }] }),
    })),
    {
      name: 'a wrapper alone links nothing (reqwest with rustls)',
      graph: graphOf({ packages: [{ name: 'reqwest', version: '0.12.4', features: ['rustls-tls'] }], edges: [{ from: 'app', to: 'reqwest' }] }),
    },
    {
      name: "a workspace member named like a -sys crate is the user's own code",
      graph: (() => {
        const g = graphOf({ root: 'openssl-sys', packages: [], edges: [] });
        return g;
      })(),
    },
  ],
  invalid: [
    {
      name: 'a crate the knowledge base does not know, whose build script probes pkg-config and reads a static switch that is off',
      graph: single('acme-sys', '1.0.0', 'acme'),
      buildScripts: { 'acme-sys': scriptReading('acme-sys', '1.0.0', WITH_SWITCHES, { features: ['static'] }) },
      findings: [
        {
          crate: 'acme-sys',
          messageId: 'buildScriptSystem',
          data: { crate: 'acme-sys', version: '1.0.0', library: 'the system library `acme`', source: 'its build script shows it', switches: 'feature `static` or `ACME_STATIC`' },
          detailId: 'buildScriptNote',
          strategies: ['static', 'environment', 'disable'],
          evidence: [
            'acme-sys-1.0.0/build.rs:2:23: cfg!(feature = "static")',
            'acme-sys-1.0.0/build.rs:2:51: env::var("ACME_STATIC")',
            'acme-sys-1.0.0/build.rs:3:24: pkg_config::probe_library("acme")',
          ],
        },
      ],
    },
    {
      name: 'reqwest default TLS brings openssl-sys: switch to rustls first, then vendoring',
      graph: reqwestGraph(),
      findings: [
        {
          crate: 'openssl-sys',
          version: '0.9.102',
          messageId: 'noStaticOptionOn',
          data: { crate: 'openssl-sys', version: '0.9.102', library: 'OpenSSL (libssl, libcrypto)' },
          detailId: 'knowledgeBaseNote',
          fixes: [
            'switch `reqwest` to rustls: remove `default-tls`; add `rustls-tls`; default-features = false with `charset`, `http2`, `macos-system-configuration` listed again',
            'enable feature `native-tls-vendored` of `reqwest`',
            /enable feature `vendored` of `openssl-sys` \(declare `openssl-sys = \{ version = "0\.9", features = \["vendored"\] \}`; features unify\)/,
            'set OPENSSL_STATIC=1',
            'turn off feature `default-tls` of `reqwest`',
          ],
          strategies: ['switch', 'static', 'static', 'environment', 'disable'],
          notFixing: ['native-tls', 'openssl'],
          paths: ['app > reqwest > native-tls [default-tls] > openssl-sys', 'app > reqwest > native-tls [default-tls] > openssl > openssl-sys'],
          direct: 'reqwest@7',
        },
      ],
    },
    {
      name: 'cross-compiling (musl on a -gnu host), OPENSSL_STATIC is offered only with an OpenSSL built for the target (OPENSSL_DIR)',
      graph: reqwestGraph(),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        { crate: 'openssl-sys', messageId: 'noStaticOptionOn', fixes: ['set OPENSSL_STATIC=1 together with OPENSSL_DIR pointing at OpenSSL (libssl, libcrypto) built for x86_64-unknown-linux-musl'] },
      ],
    },
    {
      // magick_rust reads IMAGE_MAGICK_STATIC from 0.7.1 to 2.1.1 (build.rs at tag 0.21.0, lines 231-238): a static option, not none.
      name: 'magick_rust: IMAGE_MAGICK_STATIC is its static option',
      graph: graphOf({ packages: [{ name: 'magick_rust', version: '0.21.0', features: [] }], edges: [{ from: 'app', to: 'magick_rust' }] }),
      findings: [{ crate: 'magick_rust', messageId: 'noStaticOptionOn', fixes: [/IMAGE_MAGICK_STATIC=/] }],
    },
    {
      name: "building for the host itself, OPENSSL_STATIC=1 links the host's OpenSSL statically: offered as is",
      graph: reqwestGraph({ target: 'x86_64-unknown-linux-gnu' }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'),
      findings: [{ crate: 'openssl-sys', messageId: 'noStaticOptionOn', fixes: [/^set OPENSSL_STATIC=1 for the build \(`\[env\]` in \.cargo\/config\.toml\)$/] }],
    },
    {
      name: 'an environment option that builds the bundled source (LIBZ_SYS_STATIC) stays as is when cross-compiling',
      graph: graphOf({ packages: [{ name: 'libz-sys', version: '1.1.16', links: 'z', features: ['libc'] }], edges: [{ from: 'app', to: 'libz-sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [{ crate: 'libz-sys', messageId: 'systemWhenFound', fixes: [/^set LIBZ_SYS_STATIC=1 for the build/] }],
    },
    {
      name: 'libz-sys without `static` links the system zlib when pkg-config finds one',
      graph: graphOf({ packages: [{ name: 'libz-sys', version: '1.1.16', links: 'z', features: ['libc'] }], edges: [{ from: 'app', to: 'libz-sys' }] }),
      findings: [
        {
          crate: 'libz-sys',
          messageId: 'systemWhenFound',
          data: { crate: 'libz-sys', version: '1.1.16', library: 'zlib (libz)' },
          fixes: ['enable feature `static` of `libz-sys`', 'set LIBZ_SYS_STATIC=1'],
          strategies: ['static', 'environment'],
        },
      ],
    },
    {
      name: 'pcre2-sys for a -gnu target links the system libpcre2-8 when pkg-config finds one',
      graph: graphOf({ target: 'x86_64-unknown-linux-gnu', packages: [{ name: 'pcre2-sys', version: '0.2.9', features: [] }], edges: [{ from: 'app', to: 'pcre2-sys' }] }),
      findings: [{ crate: 'pcre2-sys', messageId: 'systemWhenFound', data: { crate: 'pcre2-sys', version: '0.2.9', library: 'libpcre2-8' }, fixes: [/^set PCRE2_SYS_STATIC=1/] }],
    },
    {
      name: 'flate2 1.0.17 with `zlib-ng-compat` (it turns `zlib` on): the switch to the Rust backend removes both',
      graph: graphOf({
        packages: [
          { name: 'flate2', version: '1.0.17', features: ['any_zlib', 'zlib', 'zlib-ng-compat'] },
          { name: 'libz-sys', version: '1.1.16', links: 'z', features: ['libc'] },
        ],
        edges: [
          { from: 'app', to: 'flate2' },
          { from: 'flate2', to: 'libz-sys', via: ['zlib'] },
        ],
        causes: { 'flate2/zlib-ng-compat': 'dep:app', 'flate2/zlib': 'flate2/zlib-ng-compat' },
      }),
      findings: [
        {
          crate: 'libz-sys',
          messageId: 'systemWhenFound',
          fixes: ["switch `flate2` to miniz_oxide (flate2's default backend): remove `zlib`, `zlib-ng-compat`; add `rust_backend`"],
        },
      ],
    },
    {
      name: 'mysql_async with its default features brings OpenSSL: switched with `default-rustls` and its defaults off',
      graph: graphOf({
        packages: [
          { name: 'mysql_async', version: '0.34.1', features: ['bigdecimal', 'binlog', 'default', 'derive', 'frunk', 'native-tls-tls', 'rust_decimal', 'time'] },
          { name: 'native-tls', version: '0.2.16', features: [] },
          { name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: [] },
        ],
        edges: [
          { from: 'app', to: 'mysql_async' },
          { from: 'mysql_async', to: 'native-tls', via: ['native-tls-tls'] },
          { from: 'native-tls', to: 'openssl-sys' },
        ],
        causes: { 'mysql_async/default': 'dep:app', 'mysql_async/native-tls-tls': 'mysql_async/default' },
      }),
      findings: [
        {
          crate: 'openssl-sys',
          messageId: 'noStaticOptionOn',
          fixes: [
            'switch `mysql_async` to rustls: remove `native-tls-tls`; add `default-rustls`; default-features = false with `bigdecimal`, `rust_decimal`, `time`, `frunk`, `derive`, `binlog` listed again',
          ],
        },
      ],
    },
    {
      name: 'zmq-sys before 0.12 links the system libzmq unless `vendored` is on',
      graph: graphOf({ packages: [{ name: 'zmq-sys', version: '0.11.0', links: 'zmq', features: [] }], edges: [{ from: 'app', to: 'zmq-sys' }] }),
      findings: [{ crate: 'zmq-sys', messageId: 'noStaticOptionOn', data: { crate: 'zmq-sys', version: '0.11.0', library: 'libzmq' }, fixes: ['enable feature `vendored` of `zmq-sys`'] }],
    },
    {
      // sasl2-sys reads SASL2_STATIC in every release, but the libsasl2 its default `pkg-config` finds is linked as pkg-config
      // says: "set SASL2_STATIC=1" alone does nothing there, even building for the host. SASL2_DIR is asked before pkg-config.
      name: 'sasl2-sys links the system libsasl2 unless `vendored` is on; SASL2_STATIC is offered with SASL2_DIR, on the host too',
      graph: graphOf({
        target: 'x86_64-unknown-linux-gnu',
        packages: [{ name: 'sasl2-sys', version: '0.1.22+2.1.28', links: 'sasl2', features: ['default', 'pkg-config'] }],
        edges: [{ from: 'app', to: 'sasl2-sys' }],
      }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'),
      findings: [
        {
          crate: 'sasl2-sys',
          messageId: 'noStaticOptionOn',
          fixes: [
            'enable feature `vendored` of `sasl2-sys`',
            /enable feature `gssapi-vendored` of `sasl2-sys`/,
            /^set SASL2_STATIC=1 together with SASL2_DIR pointing at Cyrus SASL built for the target as a static library \(lib\/libsasl2\.a\) \(`\[env\]` in \.cargo\/config\.toml\)$/,
          ],
          strategies: ['static', 'static', 'environment'],
        },
      ],
    },
    {
      // gdal-sys reads GDAL_STATIC (0.2.0 to 0.12.0) with GDAL_LIB_DIR or GDAL_HOME, and GDAL_VERSION; it reads no GDAL_DIR.
      name: 'gdal-sys: GDAL_STATIC is its static option, offered with the variables gdal-sys reads',
      graph: graphOf({ packages: [{ name: 'gdal-sys', version: '0.9.1', links: 'gdal', features: [] }], edges: [{ from: 'app', to: 'gdal-sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        {
          crate: 'gdal-sys',
          messageId: 'noStaticOptionOn',
          data: { crate: 'gdal-sys', version: '0.9.1', library: 'libgdal' },
          fixes: [
            /^set GDAL_STATIC=1 together with GDAL_LIB_DIR \(or GDAL_HOME\) pointing at a static libgdal built for the target, and GDAL_VERSION naming its version \(`\[env\]` in \.cargo\/config\.toml\)$/,
          ],
          strategies: ['environment'],
        },
      ],
    },
    {
      // torch-sys reads LIBTORCH_STATIC from 0.13.0 and takes the libtorch of LIBTORCH (LaurentMazare/tch-rs torch-sys/build.rs); it reads no LIBTORCH_DIR.
      name: 'torch-sys: LIBTORCH_STATIC is its static option, offered with LIBTORCH',
      graph: graphOf({ packages: [{ name: 'torch-sys', version: '0.16.0', links: 'tch', features: [] }], edges: [{ from: 'app', to: 'torch-sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        {
          crate: 'torch-sys',
          messageId: 'noStaticOptionOn',
          data: { crate: 'torch-sys', version: '0.16.0', library: 'libtorch' },
          fixes: [
            'set LIBTORCH_STATIC=1 together with LIBTORCH pointing at a libtorch built for the target as static libraries (lib/libtorch_cpu.a, libc10.a and the libraries they were built with) (`[env]` in .cargo/config.toml)',
          ],
          strategies: ['environment'],
        },
      ],
    },
    {
      // mysqlclient-sys 0.3.0 to 0.5.2 read MYSQLCLIENT_LIB_DIR (returning only with MYSQLCLIENT_VERSION), after pkg-config; no MYSQLCLIENT_DIR.
      name: 'mysqlclient-sys: MYSQLCLIENT_STATIC is offered with the variables mysqlclient-sys reads, not a MYSQLCLIENT_DIR',
      graph: graphOf({ packages: [{ name: 'mysqlclient-sys', version: '0.3.0', links: 'mysqlclient', features: ['default'] }], edges: [{ from: 'app', to: 'mysqlclient-sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        {
          crate: 'mysqlclient-sys',
          messageId: 'noStaticOptionOn',
          data: { crate: 'mysqlclient-sys', version: '0.3.0', library: 'libmysqlclient (or MariaDB Connector/C)' },
          fixes: [
            'enable feature `bundled` of `mysqlclient-sys`',
            /^set MYSQLCLIENT_STATIC=1 together with MYSQLCLIENT_LIB_DIR pointing at a static libmysqlclient \(libmysqlclient\.a\) built for the target and MYSQLCLIENT_VERSION naming its version \(and MYSQLCLIENT_NO_PKG_CONFIG set where pkg-config, asked first, finds the system's\) \(`\[env\]` in \.cargo\/config\.toml\)$/,
          ],
          strategies: ['static', 'environment'],
        },
      ],
    },
    {
      // pq-sys reads PQ_LIB_STATIC in every release from 0.2.3: 0.4.8, which has no `bundled`, has it.
      name: 'pq-sys 0.4 (what diesel 2.1 requires): PQ_LIB_STATIC with PQ_LIB_DIR is its static option',
      graph: graphOf({ packages: [{ name: 'pq-sys', version: '0.4.8', links: 'pq', features: [] }], edges: [{ from: 'app', to: 'pq-sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        {
          crate: 'pq-sys',
          messageId: 'noStaticOptionOn',
          data: { crate: 'pq-sys', version: '0.4.8', library: 'libpq' },
          fixes: ['set PQ_LIB_STATIC=1 together with PQ_LIB_DIR pointing at a static libpq (libpq.a) built for the target', 'look for a newer `pq-sys` that declares feature `bundled`'],
          strategies: ['environment', 'pin'],
        },
      ],
    },
    {
      name: 'libsodium-sys with `use-pkg-config` opts into the system libsodium',
      graph: graphOf({ packages: [{ name: 'libsodium-sys', version: '0.2.7', links: 'sodium', features: ['use-pkg-config'] }], edges: [{ from: 'app', to: 'libsodium-sys' }] }),
      findings: [
        {
          crate: 'libsodium-sys',
          messageId: 'optsIntoSystem',
          data: { crate: 'libsodium-sys', version: '0.2.7', library: 'libsodium', feature: 'use-pkg-config' },
          fixes: ['turn off feature `use-pkg-config` of `libsodium-sys`'],
        },
      ],
    },
    {
      name: 'mlua-sys links the system Lua unless `vendored`; libbpf-sys links libelf and zlib unless `vendored` or `static`; libduckdb-sys unless `bundled`',
      graph: graphOf({
        packages: [
          { name: 'mlua-sys', version: '0.6.0', links: 'lua', features: ['lua54'] },
          { name: 'libbpf-sys', version: '1.6.4+v1.6.3', links: 'bpf', features: ['default', 'static-libbpf', 'vendored-libbpf'] },
          { name: 'libduckdb-sys', version: '0.10.2', features: ['default', 'pkg-config', 'vcpkg'] },
        ],
        edges: [
          { from: 'app', to: 'mlua-sys' },
          { from: 'app', to: 'libbpf-sys' },
          { from: 'app', to: 'libduckdb-sys' },
        ],
      }),
      findings: [
        { crate: 'libbpf-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `vendored` of `libbpf-sys`', /enable feature `static` of `libbpf-sys`/] },
        { crate: 'libduckdb-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `bundled` of `libduckdb-sys`'] },
        {
          crate: 'mlua-sys',
          messageId: 'noStaticOptionOn',
          fixes: ['enable feature `vendored` of `mlua-sys`', 'set LUA_LINK=static together with LUA_LIB_NAME naming a static Lua built for the target and LUA_LIB its directory'],
          strategies: ['static', 'environment'],
        },
      ],
    },
    {
      name: 'sdl2-sys with `bundled` alone still links SDL2 dynamically: `static-link` is the static option',
      graph: graphOf({ packages: [{ name: 'sdl2-sys', version: '0.36.0', links: 'SDL2', features: ['bundled', 'cmake'] }], edges: [{ from: 'app', to: 'sdl2-sys' }] }),
      findings: [{ crate: 'sdl2-sys', messageId: 'noStaticOptionOn', data: { crate: 'sdl2-sys', version: '0.36.0', library: 'libSDL2' }, fixes: ['enable feature `static-link` of `sdl2-sys`'] }],
    },
    {
      name: "isahc's default `static-curl` builds libcurl but links the system OpenSSL: `static-ssl` vendors it",
      graph: graphOf({
        packages: [
          { name: 'isahc', version: '1.7.2', features: ['default', 'http2', 'static-curl', 'text-decoding'] },
          { name: 'curl', version: '0.4.46', features: ['default', 'http2', 'ssl', 'static-curl'] },
          { name: 'curl-sys', version: '0.4.81+curl-8.14.1', links: 'curl', features: ['default', 'http2', 'ssl', 'static-curl'] },
          { name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: [] },
        ],
        edges: [
          { from: 'app', to: 'isahc' },
          { from: 'isahc', to: 'curl' },
          { from: 'isahc', to: 'curl-sys' },
          { from: 'curl', to: 'curl-sys' },
          { from: 'curl-sys', to: 'openssl-sys', via: ['ssl'] },
        ],
      }),
      findings: [{ crate: 'openssl-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `static-ssl` of `isahc`'] }],
    },
    {
      name: 'paho-mqtt-sys without `bundled` links the system Paho C library',
      graph: graphOf({ packages: [{ name: 'paho-mqtt-sys', version: '0.9.0', features: ['ssl'] }], edges: [{ from: 'app', to: 'paho-mqtt-sys' }] }),
      findings: [{ crate: 'paho-mqtt-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `bundled` of `paho-mqtt-sys`'] }],
    },
    {
      name: 'netcdf-sys links the system netCDF unless `static`; libheif-sys unless `embedded-libheif`; clang-sys unless `static`',
      graph: graphOf({
        packages: [
          { name: 'netcdf-sys', version: '0.6.2', links: 'netcdf', features: [] },
          { name: 'libheif-sys', version: '4.1.0+1.19.8', links: 'heif', features: ['latest', 'v1_19'] },
          { name: 'clang-sys', version: '1.7.0', links: 'clang', features: ['clang_17_0'] },
        ],
        edges: [
          { from: 'app', to: 'netcdf-sys' },
          { from: 'app', to: 'libheif-sys' },
          { from: 'app', to: 'clang-sys' },
        ],
      }),
      findings: [
        { crate: 'clang-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `static` of `clang-sys`'] },
        { crate: 'libheif-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `embedded-libheif` of `libheif-sys`'] },
        { crate: 'netcdf-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `static` of `netcdf-sys`'] },
      ],
    },
    {
      name: 'ffmpeg-sys-next links the system FFmpeg unless `build` (or `static` with static libraries); hdf5-sys unless `static`',
      graph: graphOf({
        packages: [
          { name: 'ffmpeg-sys-next', version: '7.0.0', links: 'ffmpeg', features: ['avcodec', 'avformat', 'default'] },
          { name: 'hdf5-sys', version: '0.8.1', links: 'hdf5', features: [] },
        ],
        edges: [
          { from: 'app', to: 'ffmpeg-sys-next' },
          { from: 'app', to: 'hdf5-sys' },
        ],
      }),
      findings: [
        { crate: 'ffmpeg-sys-next', messageId: 'noStaticOptionOn', fixes: ['enable feature `build` of `ffmpeg-sys-next`', /enable feature `static` of `ffmpeg-sys-next`/] },
        { crate: 'hdf5-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `static` of `hdf5-sys`'] },
      ],
    },
    {
      name: "rdkafka with `ssl` brings the system OpenSSL: its `ssl-vendored` re-exports rdkafka-sys's",
      graph: graphOf({
        packages: [
          { name: 'rdkafka', version: '0.36.2', features: ['default', 'libz', 'ssl', 'tokio'] },
          { name: 'rdkafka-sys', version: '4.7.0+2.3.0', links: 'rdkafka', features: ['libz', 'ssl'] },
          { name: 'openssl-sys', version: '0.9.102', links: 'openssl', features: [] },
        ],
        edges: [
          { from: 'app', to: 'rdkafka' },
          { from: 'rdkafka', to: 'rdkafka-sys' },
          { from: 'rdkafka-sys', to: 'openssl-sys', via: ['ssl'] },
        ],
      }),
      findings: [{ crate: 'openssl-sys', messageId: 'noStaticOptionOn', fixes: ['enable feature `ssl-vendored` of `rdkafka`'] }],
    },
    {
      name: 'openblas-src links the OpenBLAS it builds dynamically unless `static`; gmp-mpfr-sys with `use-system-libs` links the system GMP',
      graph: graphOf({
        packages: [
          { name: 'openblas-src', version: '0.10.9', links: 'openblas', features: ['cblas', 'default', 'lapacke'] },
          { name: 'gmp-mpfr-sys', version: '1.6.2', links: 'gmp', features: ['mpc', 'mpfr', 'use-system-libs'] },
          { name: 'audiopus_sys', version: '0.2.2', features: [] },
        ],
        edges: [
          { from: 'app', to: 'openblas-src' },
          { from: 'app', to: 'gmp-mpfr-sys' },
          { from: 'app', to: 'audiopus_sys' },
        ],
        target: 'x86_64-unknown-linux-gnu',
      }),
      findings: [
        { crate: 'audiopus_sys', messageId: 'systemWhenFound', fixes: ['enable feature `static` of `audiopus_sys`', /^set OPUS_STATIC=1/, /^set LIBOPUS_STATIC=1/] },
        { crate: 'gmp-mpfr-sys', messageId: 'optsIntoSystem', fixes: ['turn off feature `use-system-libs` of `gmp-mpfr-sys` (it links the system library)'] },
        { crate: 'openblas-src', messageId: 'noStaticOptionOn', fixes: ['enable feature `static` of `openblas-src`'] },
      ],
    },
    {
      // audiopus_sys picks its default with cfg!(target_env = "musl") in its build script, which is the build machine's:
      // built on a glibc machine, a musl target gets pkg-config first, then the bundled Opus, as any other target.
      name: "audiopus_sys for a musl target is not static by default: its default is the build machine's",
      graph: graphOf({ packages: [{ name: 'audiopus_sys', version: '0.2.2', features: [] }], edges: [{ from: 'app', to: 'audiopus_sys' }] }),
      environment: machine('x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl'),
      findings: [
        {
          crate: 'audiopus_sys',
          messageId: 'systemWhenFound',
          data: { crate: 'audiopus_sys', version: '0.2.2', library: 'libopus' },
          // The variables make the bundled Opus static (pkg-config declines a cross build): as they are, no *_DIR.
          fixes: ['enable feature `static` of `audiopus_sys`', /^set OPUS_STATIC=1 for the build/, /^set LIBOPUS_STATIC=1 for the build/],
          strategies: ['static', 'environment', 'environment'],
        },
      ],
    },
    {
      name: "audiopus_sys with `dynamic` and `static` both on takes the build machine's default: `dynamic` must go",
      graph: graphOf({ packages: [{ name: 'audiopus_sys', version: '0.2.2', features: ['dynamic', 'static'] }], edges: [{ from: 'app', to: 'audiopus_sys' }] }),
      findings: [
        {
          crate: 'audiopus_sys',
          messageId: 'optsIntoSystem',
          data: { crate: 'audiopus_sys', version: '0.2.2', library: 'libopus', feature: 'dynamic' },
          fixes: ['turn off feature `dynamic` of `audiopus_sys`'],
        },
      ],
    },
    {
      name: 'a dynamic option wins over the bundled default (zstd-sys `pkg-config`)',
      graph: graphOf({
        packages: [{ name: 'zstd-sys', version: '2.0.10+zstd.1.5.6', links: 'zstd', features: ['legacy', 'pkg-config', 'std', 'zdict_builder'] }],
        edges: [{ from: 'app', to: 'zstd-sys' }],
      }),
      findings: [
        {
          crate: 'zstd-sys',
          messageId: 'optsIntoSystem',
          data: { crate: 'zstd-sys', version: '2.0.10+zstd.1.5.6', library: 'libzstd', feature: 'pkg-config' },
          fixes: ['turn off feature `pkg-config` of `zstd-sys`'],
        },
      ],
    },
    {
      name: "the direct dependency whose feature turns the optional edge on, not the shortest path's (sqlx-cli's default `sqlite` enables `sqlx/sqlite`)",
      graph: graphOf({
        packages: [
          { name: 'sqlx', version: '0.6.3', features: ['postgres', 'sqlite'] },
          { name: 'sqlx-cli', version: '0.6.3', features: ['default', 'postgres', 'sqlite'] },
          { name: 'sqlx-core', version: '0.6.3', features: ['postgres', 'sqlite'] },
          { name: 'libsqlite3-sys', version: '0.24.2', links: 'sqlite3' },
        ],
        edges: [
          { from: 'app', to: 'sqlx' },
          { from: 'app', to: 'sqlx-cli' },
          { from: 'sqlx-cli', to: 'sqlx' },
          { from: 'sqlx', to: 'sqlx-core' },
          { from: 'sqlx-core', to: 'libsqlite3-sys', via: ['sqlite'] },
        ],
        causes: {
          'sqlx/postgres': 'dep:app',
          'sqlx-cli/default': 'dep:app',
          'sqlx-cli/sqlite': 'sqlx-cli/default',
          'sqlx-cli/postgres': 'sqlx-cli/default',
          'sqlx/sqlite': 'dep:sqlx-cli/sqlite',
          'sqlx-core/postgres': 'dep:sqlx/postgres',
          'sqlx-core/sqlite': 'dep:sqlx/sqlite',
        },
      }),
      findings: [
        {
          crate: 'libsqlite3-sys',
          messageId: 'noStaticOptionOn',
          direct: 'sqlx-cli@8',
          paths: ['app > sqlx-cli > sqlx > sqlx-core > libsqlite3-sys [sqlite]', 'app > sqlx > sqlx-core > libsqlite3-sys [sqlite]'],
          fixes: ['enable feature `bundled` of `libsqlite3-sys`', 'turn off feature `sqlite` of `sqlx-cli` (default-features = false'],
        },
      ],
    },
    // Whether a release has a static option is read from what it declares (its index line), not from a range of
    // checked versions. curl-sys 0.4.59 and libgit2-sys 0.14.2: lines recorded in test/fixtures/crates-index, copied
    // from the crates.io index (cu/rl/curl-sys, li/bg/libgit2-sys).
    {
      name: 'curl-sys 0.4.59, older than every release checked, declares `static-curl`: offered',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.59+curl-7.86.0', links: 'curl', features: ['ssl'] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
      findings: [{ crate: 'curl-sys', messageId: 'systemWhenFound', detailId: 'knowledgeBaseNote', fixes: ['enable feature `static-curl` of `curl-sys`'] }],
    },
    {
      // The features of curl-sys 0.4.72+curl-8.6.0 as the crates.io index lists them (cu/rl/curl-sys).
      name: 'curl-sys 0.4.72 declares `static-curl` and `static-ssl`: both offered',
      graph: graphOf({
        packages: [
          {
            name: 'curl-sys',
            version: '0.4.72+curl-8.6.0',
            links: 'curl',
            features: ['ssl'],
            declares: [
              'default',
              'force-system-lib-on-osx',
              'http2',
              'mesalink',
              'ntlm',
              'poll_7_68_0',
              'protocol-ftp',
              'rustls',
              'spnego',
              'ssl',
              'static-curl',
              'static-ssl',
              'upkeep_7_62_0',
              'windows-static-ssl',
              'zlib-ng-compat',
              'libnghttp2-sys',
              'openssl-sys',
              'rustls-ffi',
            ],
          },
        ],
        edges: [{ from: 'app', to: 'curl-sys' }],
      }),
      findings: [{ crate: 'curl-sys', messageId: 'systemWhenFound', fixes: ['enable feature `static-curl` of `curl-sys`', 'enable feature `static-ssl` of `curl-sys`'] }],
    },
    {
      name: 'libgit2-sys 0.14.2 declares `vendored`: offered',
      graph: graphOf({ packages: [{ name: 'libgit2-sys', version: '0.14.2+1.5.1', links: 'git2', features: [] }], edges: [{ from: 'app', to: 'libgit2-sys' }] }),
      findings: [{ crate: 'libgit2-sys', messageId: 'systemWhenFound', fixes: ['enable feature `vendored` of `libgit2-sys`'] }],
    },
    {
      name: 'a libz-sys 2.x, newer than every release checked, that declares `static`: offered, saying how far its meaning was checked',
      graph: graphOf({
        packages: [{ name: 'libz-sys', version: '2.0.0', links: 'z', features: ['libc'], declares: ['default', 'libc', 'static', 'stock-zlib', 'zlib-ng'] }],
        edges: [{ from: 'app', to: 'libz-sys' }],
      }),
      findings: [
        {
          crate: 'libz-sys',
          messageId: 'systemWhenFound',
          detailId: 'knowledgeBaseNoteUnchecked',
          detailData: {
            note: 'Links the system zlib dynamically when it finds one (pkg-config, or a test compile), else builds the bundled zlib.',
            version: '2.0.0',
            checked: '1.1.17',
            options: '`static`',
          },
          // LIBZ_SYS_STATIC is recorded for 1.1 only: a build script's variable cannot be read from the index.
          fixes: ['enable feature `static` of `libz-sys` (what it does was checked up to 1.1.17)'],
          strategies: ['static'],
        },
      ],
    },
    {
      // reqwest 0.11.4 as the crates.io index lists it (re/qw/reqwest): `rustls-tls` -> `rustls-tls-webpki-roots` -> `__rustls`.
      name: 'reqwest 0.11.4, outside every recorded recipe, declares `rustls-tls`: the switch is offered from its own features',
      graph: graphOf({
        packages: [
          { name: 'reqwest', version: '0.11.4', features: ['__tls', 'default', 'default-tls', 'hyper-tls', 'native-tls-crate', 'tokio-native-tls'], declares: REQWEST_0_11_4 },
          { name: 'native-tls', version: '0.2.7' },
          { name: 'openssl-sys', version: '0.9.65', links: 'openssl' },
        ],
        edges: [
          { from: 'app', to: 'reqwest' },
          { from: 'reqwest', to: 'native-tls', via: ['default-tls'], as: 'native-tls-crate' },
          { from: 'native-tls', to: 'openssl-sys' },
        ],
        causes: { 'reqwest/default': 'dep:app', 'reqwest/default-tls': 'reqwest/default', 'reqwest/native-tls-crate': 'reqwest/default-tls' },
      }),
      findings: [
        {
          crate: 'openssl-sys',
          messageId: 'noStaticOptionOn',
          fixes: ['switch `reqwest` to rustls: remove `default-tls`; add `rustls-tls`; default-features = false', 'enable feature `native-tls-vendored` of `reqwest`'],
          strategies: ['switch', 'static', 'static', 'environment', 'disable'],
        },
      ],
    },
    {
      name: 'the example workspace, resolved: reqwest and rusqlite',
      graph: () => resolveWorkspace(EXAMPLE),
      findings: [
        { crate: 'libsqlite3-sys', messageId: 'noStaticOptionOn', message: ['links the system SQLite'], fixes: ['enable feature `bundled` of `libsqlite3-sys`'], direct: 'rusqlite@10' },
        {
          crate: 'openssl-sys',
          messageId: 'noStaticOptionOn',
          message: ['links the system OpenSSL'],
          fixes: ['switch `reqwest` to rustls', 'enable feature `native-tls-vendored` of `reqwest`', 'enable feature `vendored` of `openssl-sys`'],
          paths: [
            'weather-report > reqwest > native-tls [default-tls] > openssl-sys',
            'weather-report > reqwest > hyper-tls [default-tls] > native-tls > openssl-sys',
            'weather-report > reqwest > tokio-native-tls [default-tls] > native-tls > openssl-sys',
            'weather-report > reqwest > native-tls [default-tls] > openssl > openssl-sys',
            'weather-report > reqwest > hyper-tls [default-tls] > tokio-native-tls > native-tls > openssl-sys',
            'weather-report > reqwest > hyper-tls [default-tls] > native-tls > openssl > openssl-sys',
            'weather-report > reqwest > tokio-native-tls [default-tls] > native-tls > openssl > openssl-sys',
            'weather-report > reqwest > hyper-tls [default-tls] > tokio-native-tls > native-tls > openssl > openssl-sys',
          ],
          direct: 'reqwest@9',
        },
      ],
    },
  ],
});
