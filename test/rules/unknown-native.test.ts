import { unknownNative } from '../../src/rules/unknown-native.js';
import { loadKnowledgeBase } from '../../src/knowledge/load.js';
import { graphOf, ruleTester } from './harness.js';
import { BUNDLED_C, PROBE_CRYPTO, scriptReading } from '../rules/scripts.js';

const one = (name: string, version: string, links?: string) => graphOf({ packages: [{ name, version, ...(links ? { links } : {}) }], edges: [{ from: 'app', to: name }] });

/** A private -sys crate described by an extra knowledge-base entry, as the configuration adds it. */
const withPrivateEntry = loadKnowledgeBase([
  {
    id: 'acme-codec',
    name: 'ACME codec',
    category: 'compression',
    summary: 'Links the in-house codec library.',
    crates: [{ name: 'acme-codec-sys', role: 'sys', links: 'acme_codec', 'without-static': 'system' }],
  },
]);

ruleTester(unknownNative, {
  valid: [
    {
      name: 'a crate without `links` or native sign, whose build script shows nothing',
      graph: one('serde', '1.0.200'),
      buildScripts: { serde: scriptReading('serde', '1.0.200', 'fn main() { println!("cargo:rustc-cfg=x"); }\n', {}, false) },
    },
    {
      name: 'a `links` crate whose build script shows a system library is for no-static-option',
      graph: one('acme-codec-sys', '0.3.0', 'acme_codec'),
      buildScripts: { 'acme-codec-sys': scriptReading('acme-codec-sys', '0.3.0', PROBE_CRYPTO) },
    },
    {
      name: 'a `links` crate that compiles only what it ships is for builds-c-code',
      graph: one('acme-codec-sys', '0.3.0', 'acme_codec'),
      buildScripts: { 'acme-codec-sys': scriptReading('acme-codec-sys', '0.3.0', BUNDLED_C) },
    },
    {
      name: "a `links` crate that links only the C library's parts",
      graph: one('acme-codec-sys', '0.3.0', 'acme_codec'),
      buildScripts: { 'acme-codec-sys': scriptReading('acme-codec-sys', '0.3.0', 'fn main() { println!("cargo:rustc-link-lib=dl"); }\n') },
    },
    {
      name: 'a links-only crate whose script shows nothing stays quiet',
      graph: one('rayon-core', '1.12.1', 'rayon-core'),
      buildScripts: { 'rayon-core': scriptReading('rayon-core', '1.12.1', 'fn main() { println!("cargo:rerun-if-changed=build.rs"); }\n') },
    },
    { name: 'a crate without `links`', graph: one('serde', '1.0.200') },
    { name: 'a known -sys crate (openssl-sys) is for the other rules', graph: one('openssl-sys', '0.9.102', 'openssl') },
    { name: 'a links-only crate (rayon-core) links nothing', graph: one('rayon-core', '1.12.1', 'rayon-core') },
    { name: 'wasm-bindgen-shared claims a name only', graph: one('wasm-bindgen-shared', '0.2.92', 'wasm_bindgen') },
    { name: 'a private -sys crate described in the configuration', graph: one('acme-codec-sys', '0.3.0', 'acme_codec'), kb: withPrivateEntry },
  ],
  invalid: [
    {
      name: 'a crate without `links` with a native build dependency whose script does not tell',
      graph: one('computed-sys', '0.1.0'),
      buildScripts: { 'computed-sys': scriptReading('computed-sys', '0.1.0', 'fn main() {\n    for l in LIBS { println!("cargo:rustc-link-lib={}", l); }\n}\n') },
      findings: [
        {
          crate: 'computed-sys',
          messageId: 'unknownBuildScript',
          detailId: 'scriptUnclear',
          detailData: { reason: 'it links a library whose name its build script computes' },
          evidence: ['computed-sys-0.1.0/build.rs:2:21: println!("cargo:rustc-link-lib={}", l)'],
        },
      ],
    },
    {
      name: 'a crate with a native sign whose script could not be read',
      graph: one('sneaky-crypto', '0.1.0'),
      buildScripts: { 'sneaky-crypto': { kind: 'unreadable', reason: 'the registry did not give its archive' } },
      findings: [{ crate: 'sneaky-crypto', messageId: 'unknownBuildScript', detailId: 'scriptUnreadable', detailData: { reason: 'the registry did not give its archive' } }],
    },
    {
      name: 'a `links` crate whose script was read and shows nothing it links',
      graph: one('acme-codec-sys', '0.3.0', 'acme_codec'),
      buildScripts: { 'acme-codec-sys': scriptReading('acme-codec-sys', '0.3.0', 'fn main() {}\n') },
      findings: [{ crate: 'acme-codec-sys', messageId: 'unknownLinks', detailId: 'scriptUnclear', detailData: { reason: 'nothing in its build script shows what it links' } }],
    },
    {
      name: 'an unknown crate with `links`',
      graph: one('acme-codec-sys', '0.3.0', 'acme_codec'),
      findings: [{ crate: 'acme-codec-sys', messageId: 'unknownLinks', data: { crate: 'acme-codec-sys', version: '0.3.0', links: 'acme_codec' }, detailId: 'probablyNative', strategies: ['disable'] }],
    },
    {
      name: 'a fork that links a library the knowledge base knows under another crate',
      graph: one('openssl-sys-fork', '0.9.0', 'openssl'),
      findings: [
        {
          crate: 'openssl-sys-fork',
          messageId: 'unknownLinksKnownName',
          data: { crate: 'openssl-sys-fork', version: '0.9.0', links: 'openssl', sameAs: 'openssl-sys', family: 'OpenSSL' },
        },
      ],
    },
    {
      name: 'a crate named like a links-only one but with another `links` value is not exempt',
      graph: one('rayon-core', '1.12.1', 'something_else'),
      findings: [{ crate: 'rayon-core', messageId: 'unknownLinks' }],
    },
  ],
});
