import { unknownNative } from '../../src/rules/unknown-native.js';
import { loadKnowledgeBase } from '../../src/knowledge/load.js';
import { graphOf, ruleTester } from './harness.js';

const one = (name: string, version: string, links?: string) =>
  graphOf({ packages: [{ name, version, ...(links ? { links } : {}) }], edges: [{ from: 'app', to: name }] });

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
    { name: 'a crate without `links`', graph: one('serde', '1.0.200') },
    { name: 'a known -sys crate (openssl-sys) is for the other rules', graph: one('openssl-sys', '0.9.102', 'openssl') },
    { name: 'a links-only crate (rayon-core) links nothing', graph: one('rayon-core', '1.12.1', 'rayon-core') },
    { name: 'wasm-bindgen-shared claims a name only', graph: one('wasm-bindgen-shared', '0.2.92', 'wasm_bindgen') },
    { name: 'a private -sys crate described in the configuration', graph: one('acme-codec-sys', '0.3.0', 'acme_codec'), kb: withPrivateEntry },
  ],
  invalid: [
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
