import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { muslBehaviour, ownResolverAt } from '../../src/rules/musl-behaviour.js';
import { recorded } from '../knowledge-base/helpers.js';
import { graphOf, kb, resolveWorkspace, ruleTester } from './harness.js';

/** reqwest's own resolvers by version, as the knowledge base records them (knowledge-base/crates/musl-behaviour.toml). */
const REQWEST_RESOLVER = kb.nameResolvers.find((r) => r.name === 'reqwest')?.ownResolver ?? [];
const reqwestResolverAt = (version: string) => ownResolverAt(REQWEST_RESOLVER, version);

const EXAMPLE = fileURLToPath(new URL('../../example', import.meta.url));

const g = (pkgs: { name: string; version: string; features?: string[] }[], target?: string) =>
  graphOf({ ...(target ? { target } : {}), packages: pkgs, edges: pkgs.map((p) => ({ from: 'app', to: p.name })) });

ruleTester(muslBehaviour, {
  valid: [
    { name: 'single-threaded tokio without networking', graph: g([{ name: 'tokio', version: '1.37.0', features: ['rt', 'macros'] }]) },
    {
      name: 'multi-threaded tokio with mimalloc as the allocator',
      graph: g([
        { name: 'tokio', version: '1.37.0', features: ['rt', 'rt-multi-thread'] },
        { name: 'mimalloc', version: '0.1.41', features: [] },
      ]),
    },
    { name: 'reqwest with its Rust resolver (hickory-dns)', graph: g([{ name: 'reqwest', version: '0.12.4', features: ['hickory-dns', 'rustls-tls'] }]) },
    { name: 'reqwest 0.11 with `trust-dns`, its resolver there', graph: g([{ name: 'reqwest', version: '0.11.17', features: ['default', 'default-tls', 'trust-dns'] }]) },
    {
      name: 'reqwest 0.9.7 depends on trust-dns-resolver unconditionally: its resolver is in the graph',
      graph: graphOf({
        packages: [
          { name: 'reqwest', version: '0.9.7', features: ['default', 'default-tls'] },
          { name: 'trust-dns-resolver', version: '0.10.3' },
        ],
        edges: [
          { from: 'app', to: 'reqwest' },
          { from: 'reqwest', to: 'trust-dns-resolver' },
        ],
      }),
    },
    {
      name: 'reqwest whose resolver crate is in the graph (turned on by another feature name)',
      graph: graphOf({
        packages: [
          { name: 'reqwest', version: '0.12.15', features: ['default', 'default-tls'] },
          { name: 'hickory-resolver', version: '0.24.4', features: ['tokio-runtime'] },
        ],
        edges: [
          { from: 'app', to: 'reqwest' },
          { from: 'reqwest', to: 'hickory-resolver', via: ['hickory-dns'] },
        ],
      }),
    },
    { name: 'a -gnu target keeps glibc', graph: g([{ name: 'tokio', version: '1.37.0', features: ['net', 'rt-multi-thread'] }], 'x86_64-unknown-linux-gnu') },
  ],
  invalid: [
    {
      name: 'multi-threaded tokio without another allocator',
      graph: g([{ name: 'tokio', version: '1.37.0', features: ['rt', 'rt-multi-thread'] }]),
      findings: [
        {
          crate: 'tokio',
          messageId: 'muslMalloc',
          data: { crate: 'tokio', version: '1.37.0', runtime: 'the multi-threaded tokio runtime' },
          detailId: 'mallocNote',
          fixes: ['mimalloc::MiMalloc', 'tikv_jemallocator::Jemalloc'],
        },
      ],
    },
    {
      name: 'tokio `net` resolves names through getaddrinfo',
      graph: g([{ name: 'tokio', version: '1.37.0', features: ['net', 'rt'] }]),
      findings: [
        {
          crate: 'tokio',
          messageId: 'systemResolver',
          data: { crate: 'tokio', version: '1.37.0', what: 'resolves host names with getaddrinfo (tokio::net::lookup_host)' },
          detailId: 'nssNote',
        },
      ],
    },
    {
      name: 'reqwest 0.12 with `trust-dns`: an empty alias there, the resolver stays getaddrinfo; advice `hickory-dns`',
      graph: g([{ name: 'reqwest', version: '0.12.4', features: ['default', 'default-tls', 'trust-dns'] }]),
      findings: [
        {
          crate: 'reqwest',
          messageId: 'systemResolver',
          data: { crate: 'reqwest', version: '0.12.4', what: 'resolves host names with getaddrinfo (its default resolver)' },
          fixes: ['enable feature `hickory-dns` of `reqwest`'],
          strategies: ['switch', 'environment'],
        },
      ],
    },
    {
      name: 'reqwest 0.11: advice `trust-dns` (it has no `hickory-dns`)',
      graph: g([{ name: 'reqwest', version: '0.11.17', features: ['default', 'default-tls'] }]),
      findings: [{ crate: 'reqwest', messageId: 'systemResolver', fixes: ['enable feature `trust-dns` of `reqwest`'], strategies: ['switch', 'environment'] }],
    },
    {
      name: 'reqwest 0.10.2 has no resolver of its own: advice to update, no feature it lacks',
      graph: g([{ name: 'reqwest', version: '0.10.2', features: ['default', 'default-tls'] }]),
      findings: [{ crate: 'reqwest', messageId: 'systemResolver', fixes: ['update to 0.10.4 or newer for feature `trust-dns`'], strategies: ['pin', 'environment'] }],
    },
    {
      name: 'reqwest 0.9.5 has no resolver of its own: the next release with one is 0.9.8',
      graph: g([{ name: 'reqwest', version: '0.9.5', features: ['default', 'default-tls'] }]),
      findings: [{ crate: 'reqwest', messageId: 'systemResolver', fixes: ['update to 0.9.8 or newer for feature `trust-dns` (0.12 has `hickory-dns`)'] }],
    },
    {
      name: 'the example: reqwest resolves names, tokio runs multi-threaded',
      graph: () => resolveWorkspace(EXAMPLE),
      findings: [
        { crate: 'reqwest', messageId: 'systemResolver', message: ['its default resolver'], fixes: ['`hickory-dns`'] },
        { crate: 'tokio', messageId: 'muslMalloc', message: ['multi-threaded'] },
      ],
    },
  ],
});

describe('reqwest resolver features against the recorded crates.io index lines', () => {
  const lines = recorded('reqwest') ?? [];
  it('has recorded lines to check', () => expect(lines.length).toBeGreaterThan(0));
  it('has resolvers to check', () => expect(REQWEST_RESOLVER.length).toBe(3));
  for (const v of lines) {
    it(`reqwest ${v.vers}`, () => {
      const at = reqwestResolverAt(v.vers);
      const turnsOn = (feature: string, crate: string) => (v.features[feature] ?? []).some((x) => x === crate || x === `dep:${crate}`);
      if (at) {
        // The advised feature exists at this version and turns the resolver crate on.
        expect(turnsOn(at.feature, at.crate), `${at.feature} -> ${at.crate}`).toBe(true);
        expect(v.deps.some((d) => d.name === at.crate && d.optional && d.kind !== 'dev')).toBe(true);
      }
      // Every other resolver feature of the table is absent or turns nothing on (0.12's empty `trust-dns`).
      for (const r of REQWEST_RESOLVER) if (r.feature !== at?.feature) expect(turnsOn(r.feature, r.crate), `${r.feature} at ${v.vers}`).toBe(false);
    });
  }
});
