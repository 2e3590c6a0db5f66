import { buildsCCode } from '../../src/rules/builds-c-code.js';
import { graphOf, ruleTester } from './harness.js';
import { BUNDLED_C, PROBE_CRYPTO, scriptReading, single, WITH_SWITCHES } from './scripts.js';

const one = (name: string, version: string, links: string | undefined, features: string[] = [], target?: string) =>
  graphOf({ ...(target ? { target } : {}), packages: [{ name, version, features, ...(links ? { links } : {}) }], edges: [{ from: 'app', to: name }] });

ruleTester(buildsCCode, {
  valid: [
    {
      name: 'a build script that links a system library is for the other rules',
      graph: single('sneaky-crypto', '0.1.0'),
      buildScripts: { 'sneaky-crypto': scriptReading('sneaky-crypto', '0.1.0', PROBE_CRYPTO) },
    },
    { name: 'openssl-sys linking the system OpenSSL builds nothing (native-library reports it)', graph: one('openssl-sys', '0.9.102', 'openssl') },
    { name: 'a pure-Rust crate', graph: one('miniz_oxide', '0.7.2', undefined) },
    { name: 'zstd-sys with `pkg-config` links the system zstd instead', graph: one('zstd-sys', '2.0.10+zstd.1.5.6', 'zstd', ['pkg-config']) },
  ],
  invalid: [
    {
      name: 'snmalloc-sys builds with cmake by default (`build_cmake`), with the cc crate alone under `build_cc`',
      graph: graphOf({
        packages: [
          { name: 'snmalloc-sys', version: '0.3.5', features: ['build_cmake', 'default'] },
          { name: 'aws-lc-sys', version: '0.16.0', links: 'aws_lc_0_16_0', features: [] },
        ],
        edges: [
          { from: 'app', to: 'snmalloc-sys' },
          { from: 'app', to: 'aws-lc-sys' },
        ],
      }),
      findings: [
        {
          crate: 'aws-lc-sys',
          messageId: 'bundledAlways',
          data: { crate: 'aws-lc-sys', version: '0.16.0', library: 'AWS-LC (built from source, never a system library)', needs: 'a C compiler for the target' },
        },
        {
          crate: 'snmalloc-sys',
          messageId: 'bundledAlways',
          data: { crate: 'snmalloc-sys', version: '0.3.5', library: 'none (snmalloc, built from source)', needs: 'a C compiler for the target, a C++ compiler for the target, cmake' },
        },
      ],
    },
    {
      name: 'aws-lc-sys for a target without prebuilt bindings needs cmake and libclang; snmalloc-sys with `build_cc` no cmake',
      graph: graphOf({
        target: 'riscv64gc-unknown-linux-gnu',
        packages: [
          { name: 'snmalloc-sys', version: '0.3.5', features: ['build_cc'] },
          { name: 'aws-lc-sys', version: '0.16.0', links: 'aws_lc_0_16_0', features: [] },
        ],
        edges: [
          { from: 'app', to: 'snmalloc-sys' },
          { from: 'app', to: 'aws-lc-sys' },
        ],
      }),
      findings: [
        {
          crate: 'aws-lc-sys',
          messageId: 'bundledAlways',
          data: { crate: 'aws-lc-sys', version: '0.16.0', library: 'AWS-LC (built from source, never a system library)', needs: 'a C compiler for the target, cmake, libclang' },
        },
        {
          crate: 'snmalloc-sys',
          messageId: 'bundledAlways',
          data: { crate: 'snmalloc-sys', version: '0.3.5', library: 'none (snmalloc, built from source)', needs: 'a C compiler for the target, a C++ compiler for the target' },
        },
      ],
    },
    {
      name: 'a crate the knowledge base does not know, whose build script compiles the C it ships',
      graph: single('bundled-c', '0.2.0'),
      buildScripts: { 'bundled-c': scriptReading('bundled-c', '0.2.0', BUNDLED_C) },
      findings: [
        {
          crate: 'bundled-c',
          severity: 'info',
          messageId: 'bundledByBuildScript',
          data: { crate: 'bundled-c', version: '0.2.0' },
          detailId: 'cCompiler',
          evidence: ['bundled-c-0.2.0/build.rs:2:5: cc::Build'],
        },
      ],
    },
    {
      name: 'C++ it ships: the C++ runtime is linked too',
      graph: single('snappy-sys', '0.1.0', 'snappy'),
      buildScripts: { 'snappy-sys': scriptReading('snappy-sys', '0.1.0', 'fn main() {\n    cc::Build::new().cpp(true).file("snappy.cc").compile("snappy");\n}\n') },
      findings: [{ crate: 'snappy-sys', severity: 'info', messageId: 'bundledCxxByBuildScript', message: ['links the C++ runtime'] }],
    },
    {
      name: 'a static switch of the build script that is on',
      graph: single('acme-sys', '1.0.0', 'acme', ['static']),
      buildScripts: { 'acme-sys': scriptReading('acme-sys', '1.0.0', WITH_SWITCHES, { features: ['static'] }) },
      findings: [
        {
          crate: 'acme-sys',
          severity: 'info',
          messageId: 'bundledByScriptSwitch',
          data: { crate: 'acme-sys', version: '1.0.0', feature: 'static' },
          evidence: ['acme-sys-1.0.0/build.rs:2:23: cfg!(feature = "static")'],
        },
      ],
    },
    {
      name: 'openssl-sys `vendored`: C compiler, perl and make',
      graph: one('openssl-sys', '0.9.102', 'openssl', ['openssl-src', 'vendored']),
      findings: [
        {
          crate: 'openssl-sys',
          messageId: 'bundledByOption',
          data: { crate: 'openssl-sys', version: '0.9.102', library: 'OpenSSL (libssl, libcrypto)', option: 'its feature `vendored` is on', needs: 'a C compiler for the target, perl, make' },
          detailId: 'cCompiler',
          detailData: { target: 'x86_64-unknown-linux-musl', targetVariable: 'x86_64_unknown_linux_musl', gcc: 'x86_64-linux-musl-gcc' },
          fixes: ['install musl-tools', 'CC_x86_64_unknown_linux_musl=x86_64-linux-musl-gcc', 'cargo zigbuild --target x86_64-unknown-linux-musl', 'cross build'],
        },
      ],
    },
    {
      name: 'ring always builds C',
      graph: one('ring', '0.17.8', 'ring_core_0_17_8', ['alloc', 'default', 'dev_urandom_fallback']),
      findings: [
        { crate: 'ring', messageId: 'bundledAlways', data: { crate: 'ring', version: '0.17.8', library: "none (ring's C and assembly, built from source)", needs: 'a C compiler for the target' } },
      ],
    },
    {
      name: 'libsqlite3-sys `bundled` for another musl target: its cross compiler',
      graph: one('libsqlite3-sys', '0.25.2', 'sqlite3', ['bundled', 'bundled_bindings', 'cc'], 'aarch64-unknown-linux-musl'),
      findings: [
        {
          crate: 'libsqlite3-sys',
          messageId: 'bundledByOption',
          message: ['(its feature `bundled` is on)'],
          fixes: [/^set `CC_aarch64_unknown_linux_musl=aarch64-linux-musl-gcc`/],
          strategies: ['environment', 'environment', 'environment'],
        },
      ],
    },
  ],
});
