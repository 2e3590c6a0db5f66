import { buildsCCode } from '../../src/rules/builds-c-code.js';
import { graphOf, ruleTester } from './harness.js';

const one = (name: string, version: string, links: string | undefined, features: string[] = [], target?: string) =>
  graphOf({ ...(target ? { target } : {}), packages: [{ name, version, features, ...(links ? { links } : {}) }], edges: [{ from: 'app', to: name }] });

ruleTester(buildsCCode, {
  valid: [
    { name: 'openssl-sys linking the system OpenSSL builds nothing (native-library reports it)', graph: one('openssl-sys', '0.9.102', 'openssl') },
    { name: 'a pure-Rust crate', graph: one('miniz_oxide', '0.7.2', undefined) },
    { name: 'zstd-sys with `pkg-config` links the system zstd instead', graph: one('zstd-sys', '2.0.10+zstd.1.5.6', 'zstd', ['pkg-config']) },
  ],
  invalid: [
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
      findings: [{ crate: 'ring', messageId: 'bundledAlways', data: { crate: 'ring', version: '0.17.8', library: "none (ring's C and assembly, built from source)", needs: 'a C compiler for the target' } }],
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
