import { noStaticOption } from '../../src/rules/no-static-option.js';
import { loadKnowledgeBase } from '../../src/knowledge/load.js';
import { graphOf, ruleTester } from './harness.js';
import { overrideReading, PROBE_CRYPTO, scriptReading, single } from './scripts.js';

/** A private -sys crate described without alternatives (as a configuration's extra entry). */
const privateKb = loadKnowledgeBase([
  {
    id: 'acme-codec',
    name: 'ACME codec',
    category: 'compression',
    'system-library': 'libacme',
    summary: 'Links the in-house codec   from the system.',
    crates: [{ name: 'acme-codec-sys', role: 'sys', links: 'acme_codec', 'without-static': 'system' }],
  },
]);

/** A player crate whose default `pulseaudio` feature pulls libpulse-binding and libpulse-sys in. */
function audioGraph(defaults: boolean) {
  return graphOf({
    packages: [
      { name: 'player', version: '1.2.0', features: defaults ? ['default', 'pulseaudio'] : ['pulseaudio'] },
      { name: 'libpulse-binding', version: '2.28.1', features: [] },
      { name: 'libpulse-sys', version: '1.23.0', links: 'pulse', features: [] },
    ],
    edges: [
      { from: 'app', to: 'player' },
      { from: 'player', to: 'libpulse-binding', via: ['pulseaudio'] },
      { from: 'libpulse-binding', to: 'libpulse-sys' },
    ],
    causes: defaults ? { 'player/default': 'dep:app', 'player/pulseaudio': 'player/default' } : { 'player/pulseaudio': 'dep:app' },
  });
}

/** diesel 2.1 with `mysql`, which requires mysqlclient-sys ^0.2.5 (no `bundled`, no MYSQLCLIENT_STATIC before 0.3.0). */
function dieselMysqlGraph() {
  return graphOf({
    packages: [
      { name: 'diesel', version: '2.1.6', features: ['mysql', 'mysqlclient-sys', 'with-deprecated'] },
      { name: 'mysqlclient-sys', version: '0.2.5', links: 'mysqlclient', features: [] },
    ],
    edges: [
      { from: 'app', to: 'diesel' },
      { from: 'diesel', to: 'mysqlclient-sys', via: ['mysql'] },
    ],
    causes: { 'diesel/mysql': 'dep:app', 'diesel/mysqlclient-sys': 'diesel/mysql' },
  });
}

function dieselGraph(pqVersion: string, pqFeatures: string[] = []) {
  return graphOf({
    packages: [
      { name: 'diesel', version: '2.1.6', features: ['postgres', 'pq-sys', 'with-deprecated'] },
      { name: 'pq-sys', version: pqVersion, links: 'pq', features: pqFeatures },
    ],
    edges: [
      { from: 'app', to: 'diesel' },
      { from: 'diesel', to: 'pq-sys', via: ['postgres'] },
    ],
    causes: { 'diesel/postgres': 'dep:app', 'diesel/pq-sys': 'diesel/postgres' },
  });
}

ruleTester(noStaticOption, {
  valid: [
    {
      name: 'ash with its default `loaded` and wayland-sys with `dlopen` link nothing when the binary is linked',
      graph: graphOf({
        packages: [
          { name: 'ash', version: '0.38.0+1.3.281', features: ['debug', 'default', 'loaded', 'std'] },
          { name: 'wayland-sys', version: '0.31.1', features: ['client', 'dlopen'] },
        ],
        edges: [
          { from: 'app', to: 'ash' },
          { from: 'app', to: 'wayland-sys' },
        ],
      }),
    },
    {
      name: 'a crate whose build script only compiles bundled C',
      graph: single('bundled-c', '0.2.0'),
      buildScripts: { 'bundled-c': scriptReading('bundled-c', '0.2.0', 'fn main() { cc::Build::new().file("c/foo.c").compile("foo"); }\n') },
    },
    {
      name: 'a crate whose build script links only parts of the C library',
      graph: single('uses-libm', '1.0.0'),
      buildScripts: { 'uses-libm': scriptReading('uses-libm', '1.0.0', 'fn main() { println!("cargo:rustc-link-lib=m"); }\n') },
    },
    { name: 'pq-sys 0.5 with `bundled`', graph: dieselGraph('0.5.0', ['bundled']) },
    { name: 'pq-sys 0.5 without `bundled` has a static option (native-library reports it)', graph: dieselGraph('0.5.0') },
    // Every pq-sys release from 0.2.3 reads PQ_LIB_STATIC (sgrif/pq-sys build.rs): 0.4.8 has a static option.
    { name: 'pq-sys 0.4 without `bundled` reads PQ_LIB_STATIC (native-library reports it)', graph: dieselGraph('0.4.8') },
    // gdal-sys reads GDAL_STATIC from 0.2.0 to 0.12.0 (georust/gdal gdal-sys/build.rs).
    {
      name: 'gdal-sys cannot build GDAL, but GDAL_STATIC links a prebuilt one statically (native-library reports it)',
      graph: graphOf({ packages: [{ name: 'gdal-sys', version: '0.9.1', links: 'gdal', features: [] }], edges: [{ from: 'app', to: 'gdal-sys' }] }),
    },
    // torch-sys reads LIBTORCH_STATIC from 0.13.0 (LaurentMazare/tch-rs torch-sys/build.rs): a prebuilt libtorch linked statically.
    {
      name: 'torch-sys cannot build libtorch, but LIBTORCH_STATIC links a prebuilt one statically (native-library reports it)',
      graph: graphOf({ packages: [{ name: 'torch-sys', version: '0.16.0', links: 'tch', features: [] }], edges: [{ from: 'app', to: 'torch-sys' }] }),
    },
    {
      name: 'curl-sys 0.4.59, older than every release checked, declares `static-curl` (native-library reports it)',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.59+curl-7.86.0', links: 'curl', features: ['ssl'] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
    },
    {
      name: 'libgit2-sys 0.14.2 declares `vendored` (native-library reports it)',
      graph: graphOf({ packages: [{ name: 'libgit2-sys', version: '0.14.2+1.5.1', links: 'git2' }], edges: [{ from: 'app', to: 'libgit2-sys' }] }),
    },
    {
      name: 'a libz-sys newer than every release checked that declares `static` (native-library reports it)',
      graph: graphOf({ packages: [{ name: 'libz-sys', version: '2.0.0', links: 'z', declares: ['libc', 'static'] }], edges: [{ from: 'app', to: 'libz-sys' }] }),
    },
    {
      name: 'zstd-sys forced to the system library by `pkg-config` can be fixed by turning it off (native-library)',
      graph: graphOf({ packages: [{ name: 'zstd-sys', version: '2.0.10+zstd.1.5.6', links: 'zstd', features: ['pkg-config'] }], edges: [{ from: 'app', to: 'zstd-sys' }] }),
    },
    { name: 'nothing native', graph: graphOf({ packages: [{ name: 'serde', version: '1.0.200' }], edges: [{ from: 'app', to: 'serde' }] }) },
  ],
  invalid: [
    {
      name: 'ash with `linked` links the system Vulkan loader; wayland-sys without `dlopen` the Wayland libraries',
      graph: graphOf({
        packages: [
          { name: 'ash', version: '0.38.0+1.3.281', features: ['debug', 'linked', 'std'] },
          { name: 'wayland-sys', version: '0.31.1', features: ['client'] },
        ],
        edges: [
          { from: 'app', to: 'ash' },
          { from: 'app', to: 'wayland-sys' },
        ],
      }),
      findings: [
        {
          crate: 'ash',
          messageId: 'systemLibrary',
          data: {
            crate: 'ash',
            version: '0.38.0+1.3.281',
            library: 'libvulkan (the Vulkan loader)',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
        { crate: 'wayland-sys', messageId: 'systemLibrary' },
      ],
    },
    // System-only families of issue 13, recognised by name whether or not they carry `links`.
    ...(
      [
        ['tesseract-sys', '0.6.1', 'tesseract', 'libtesseract and liblept (Leptonica)'],
        ['leptonica-sys', '0.4.7', 'lept', 'libtesseract and liblept (Leptonica)'],
        ['libxml', '0.3.5', undefined, 'libxml2'],
        ['pcap', '2.0.0', undefined, 'libpcap'],
        ['llvm-sys', '140.0.3', 'llvm-14', 'LLVM (libLLVM)'],
        ['x11', '2.21.0', undefined, 'libX11 and the X extension libraries'],
        ['tensorflow-sys', '0.24.0', 'tensorflow', 'libtensorflow'],
        ['compress-tools', '0.14.3', undefined, 'libarchive'],
        ['libsystemd-sys', '0.9.3', undefined, 'libsystemd'],
      ] as [string, string, string | undefined, string][]
    ).map(([name, version, links, library]) => ({
      name: `${name} links ${library} and no release can build it`,
      graph: graphOf({ packages: [{ name, version, ...(links ? { links } : {}), features: [] }], edges: [{ from: 'app', to: name }] }),
      findings: [
        {
          crate: name,
          messageId: 'systemLibrary',
          data: { crate: name, version, library, availability: 'no static option in any version the knowledge base knows', pulledBy: "; brought in by `app`'s own dependency on it" },
        },
      ],
    })),
    {
      name: 'libgssapi-sys links the system GSSAPI and no release can build it',
      graph: graphOf({ packages: [{ name: 'libgssapi-sys', version: '0.3.1', links: 'gssapi_krb5', features: [] }], edges: [{ from: 'app', to: 'libgssapi-sys' }] }),
      findings: [
        {
          crate: 'libgssapi-sys',
          messageId: 'systemLibrary',
          data: {
            crate: 'libgssapi-sys',
            version: '0.3.1',
            library: 'libgssapi_krb5 (MIT Kerberos)',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
      ],
    },
    {
      // proj-sys 0.23.2 (georust/proj 3013d29, proj-sys/build.rs:136): the source build links `dylib=sqlite3`.
      name: 'proj-sys builds PROJ when pkg-config finds none, but links the system SQLite whatever it does: no static option',
      graph: graphOf({ packages: [{ name: 'proj-sys', version: '0.23.2', links: 'proj', features: [] }], edges: [{ from: 'app', to: 'proj-sys' }] }),
      findings: [
        {
          crate: 'proj-sys',
          messageId: 'systemLibrary',
          data: {
            crate: 'proj-sys',
            version: '0.23.2',
            library: 'libsqlite3 (and libproj, unless it builds PROJ)',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
          detailId: 'knowledgeBaseNote',
        },
      ],
    },
    {
      name: 'proj-sys with `bundled_proj` builds PROJ and still links the system SQLite: the note says so',
      graph: graphOf({ packages: [{ name: 'proj-sys', version: '0.23.2', links: 'proj', features: ['bundled_proj'] }], edges: [{ from: 'app', to: 'proj-sys' }] }),
      findings: [
        {
          crate: 'proj-sys',
          messageId: 'systemLibrary',
          message: ['has no static option in any version the knowledge base knows'],
          detailId: 'knowledgeBaseNote',
          detailData: {
            note: '`bundled_proj` builds PROJ with cmake and links it statically, but still links the system SQLite (`dylib=sqlite3`), with `tiff` (which `network` turns on) libtiff, and the C++ runtime dynamically: the binary is static only where the linker finds a libsqlite3.a built for the target, and no shared one, for `-lsqlite3` (libtiff.a too with `tiff`).',
          },
          strategies: [],
        },
      ],
    },
    {
      name: 'glib-sys links the system GLib and no release can build it',
      graph: graphOf({ packages: [{ name: 'glib-sys', version: '0.19.5', features: [] }], edges: [{ from: 'app', to: 'glib-sys' }] }),
      findings: [
        {
          crate: 'glib-sys',
          messageId: 'systemLibrary',
          data: {
            crate: 'glib-sys',
            version: '0.19.5',
            library: 'GLib (libglib-2.0)',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
      ],
    },
    {
      name: 'libssh2-sys before 0.2.8 links a system libssh2 that pkg-config finds first, and has no switch to insist on its bundled one',
      graph: graphOf({ packages: [{ name: 'libssh2-sys', version: '0.2.7', links: 'ssh2', features: [] }], edges: [{ from: 'app', to: 'libssh2-sys' }] }),
      findings: [
        {
          crate: 'libssh2-sys',
          messageId: 'systemWhenFound',
          data: {
            crate: 'libssh2-sys',
            version: '0.2.7',
            library: 'libssh2',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
      ],
    },
    {
      name: 'a crate without `links` whose build script probes libcrypto with pkg-config and links it',
      graph: single('sneaky-crypto', '0.1.0'),
      buildScripts: { 'sneaky-crypto': scriptReading('sneaky-crypto', '0.1.0', PROBE_CRYPTO) },
      findings: [
        {
          crate: 'sneaky-crypto',
          messageId: 'buildScriptSystem',
          data: {
            crate: 'sneaky-crypto',
            version: '0.1.0',
            library: 'the system libraries `libcrypto`, `crypto`',
            source: 'its build script shows it',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
          detailId: 'buildScriptNote',
          strategies: ['disable'],
          evidence: ['sneaky-crypto-0.1.0/build.rs:2:5: pkg_config::probe_library("libcrypto")', 'sneaky-crypto-0.1.0/build.rs:3:5: println!("cargo:rustc-link-lib=crypto")'],
        },
      ],
    },
    {
      name: "a `links` crate whose override in cargo's configuration links a shared library",
      graph: single('acme-sys', '1.0.0', 'acme'),
      buildScripts: { 'acme-sys': overrideReading('x86_64-unknown-linux-musl', 'acme', ['acme', 'm']) },
      findings: [
        {
          crate: 'acme-sys',
          messageId: 'buildScriptSystem',
          data: {
            crate: 'acme-sys',
            version: '1.0.0',
            library: 'the system library `acme`',
            source: "`target.x86_64-unknown-linux-musl.acme` of cargo's configuration overrides its build script",
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
          evidence: ['.cargo/config.toml:2:1: rustc-link-lib = ["acme","m"]'],
        },
      ],
    },
    {
      name: 'libpulse-sys has no static option in any version; a default feature of a direct dependency brings it',
      graph: audioGraph(true),
      findings: [
        {
          crate: 'libpulse-sys',
          messageId: 'systemLibrary',
          data: {
            crate: 'libpulse-sys',
            version: '1.23.0',
            library: 'libpulse',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: '; brought in by feature `pulseaudio` of `player`, a default feature',
          },
          detailId: 'knowledgeBaseNoteAlternatives',
          fixes: ['turn off feature `pulseaudio` of `player` (default-features = false'],
          strategies: ['disable'],
          paths: ['app > player > libpulse-binding [pulseaudio] > libpulse-sys'],
        },
      ],
    },
    {
      name: 'the same feature asked for explicitly',
      graph: audioGraph(false),
      findings: [
        {
          crate: 'libpulse-sys',
          messageId: 'systemLibrary',
          message: ['; brought in by feature `pulseaudio` of `player`, asked for in its declaration'],
          fixes: [/^turn off feature `pulseaudio` of `player`$/],
        },
      ],
    },
    {
      name: 'mysqlclient-sys 0.2 (diesel 2.1) has none; its index lines say 0.3.0 is the first with `bundled` (a semver-incompatible move)',
      graph: dieselMysqlGraph(),
      releases: { 'mysqlclient-sys': 'recorded' },
      findings: [
        {
          crate: 'mysqlclient-sys',
          messageId: 'systemLibrary',
          message: ['has no static option at v0.2.5; 0.3.0 is the first newer release with feature `bundled`; brought in by feature `mysql` of `diesel`'],
          fixes: ['move to `mysqlclient-sys` 0.3.0 or newer, which has feature `bundled`', 'turn off feature `mysql` of `diesel`'],
          strategies: ['pin', 'disable'],
        },
      ],
    },
    {
      name: 'curl-sys 0.4.12 without its other index lines: no release is named',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.12', links: 'curl', features: [] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
      findings: [
        {
          crate: 'curl-sys',
          messageId: 'systemWhenFound',
          data: {
            crate: 'curl-sys',
            version: '0.4.12',
            library: 'libcurl',
            availability:
              'no static option at v0.4.12; the knowledge base knows feature `static-curl` of other releases (which release first declares it is unknown: the index lines of the others could not be read)',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
          fixes: ['look for a newer `curl-sys` that declares feature `static-curl` (its other releases could not be read from the index'],
          strategies: ['pin'],
        },
      ],
    },
    {
      // curl-sys 0.4.12 and 0.4.13 as the crates.io index lists them (cu/rl/curl-sys): 0.4.13 introduced `static-curl`.
      name: 'curl-sys 0.4.12 has none; 0.4.13, semver-compatible, is the first that declares `static-curl`',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.12', links: 'curl', features: [] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
      releases: { 'curl-sys': 'recorded' },
      findings: [
        {
          crate: 'curl-sys',
          messageId: 'systemWhenFound',
          message: ['has no static option at v0.4.12; 0.4.13 is the first newer release with feature `static-curl` to insist on the bundled one'],
          fixes: ['update `curl-sys` to 0.4.13 or newer, which has feature `static-curl` (`cargo update -p curl-sys`), then enable it'],
          strategies: ['pin'],
        },
      ],
    },
    {
      name: 'a compatible release that declares it is preferred to an older incompatible one; yanked releases are skipped',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.12', links: 'curl', declares: ['http2'] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
      // In publishing order, which is not semver order (a 0.4 fix published after 0.5.0).
      releases: {
        'curl-sys': [
          { version: '0.4.12', features: ['http2'] },
          { version: '0.4.13', features: ['http2', 'static-curl'], yanked: true },
          { version: '0.5.0', features: ['http2', 'static-curl'] },
          { version: '0.4.21', features: ['http2', 'static-curl'] },
          { version: '0.4.20', features: ['http2', 'static-curl'] },
        ],
      },
      findings: [{ crate: 'curl-sys', messageId: 'systemWhenFound', message: ['0.4.20 is the first newer release with feature `static-curl`'], fixes: ['update `curl-sys` to 0.4.20 or newer'] }],
    },
    {
      name: 'no newer release declares one',
      graph: graphOf({ packages: [{ name: 'curl-sys', version: '0.4.12', links: 'curl', declares: ['http2'] }], edges: [{ from: 'app', to: 'curl-sys' }] }),
      releases: {
        'curl-sys': [
          { version: '0.4.12', features: ['http2'] },
          { version: '0.4.14', features: ['http2'] },
        ],
      },
      findings: [{ crate: 'curl-sys', messageId: 'systemWhenFound', message: ['has no static option at v0.4.12 nor in any newer release to insist'], strategies: [] }],
    },
    {
      name: 'freetype-sys falls back to its bundled source, with no option to insist on it',
      graph: graphOf({ packages: [{ name: 'freetype-sys', version: '0.20.1', links: 'freetype' }], edges: [{ from: 'app', to: 'freetype-sys' }] }),
      findings: [
        {
          crate: 'freetype-sys',
          messageId: 'systemWhenFound',
          data: {
            crate: 'freetype-sys',
            version: '0.20.1',
            library: 'libfreetype',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
      ],
    },
    {
      name: 'a crate the knowledge base knows no alternative to: its note alone',
      graph: graphOf({ packages: [{ name: 'acme-codec-sys', version: '0.3.0', links: 'acme_codec' }], edges: [{ from: 'app', to: 'acme-codec-sys' }] }),
      kb: privateKb,
      findings: [
        {
          crate: 'acme-codec-sys',
          messageId: 'systemLibrary',
          data: {
            crate: 'acme-codec-sys',
            version: '0.3.0',
            library: 'libacme',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
          detailId: 'knowledgeBaseNote',
          detailData: { note: 'Links the in-house codec from the system.' },
        },
      ],
    },
    {
      name: 'a non-optional chain: the direct dependency itself brings it',
      graph: graphOf({
        packages: [
          { name: 'hidapi', version: '2.6.1', links: 'hidapi', features: ['linux-static-hidraw'] },
          { name: 'libudev-sys', version: '0.1.4' },
        ],
        edges: [
          { from: 'app', to: 'hidapi' },
          { from: 'hidapi', to: 'libudev-sys' },
        ],
      }),
      findings: [
        // hidapi links hidapi itself statically but leaves libudev to the system: both have no static option.
        {
          crate: 'hidapi',
          messageId: 'systemLibrary',
          data: {
            crate: 'hidapi',
            version: '2.6.1',
            library: 'hidapi (built from source) with libudev or libusb',
            availability: 'no static option in any version the knowledge base knows',
            pulledBy: "; brought in by `app`'s own dependency on it",
          },
        },
        { crate: 'libudev-sys', messageId: 'systemLibrary', message: ['; brought in by `hidapi`, which depends on it unconditionally'], strategies: [] },
      ],
    },
  ],
});
