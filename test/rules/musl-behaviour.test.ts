import { fileURLToPath } from 'node:url';
import { muslBehaviour } from '../../src/rules/musl-behaviour.js';
import { graphOf, resolveWorkspace, ruleTester } from './harness.js';

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
    { name: 'a -gnu target keeps glibc', graph: g([{ name: 'tokio', version: '1.37.0', features: ['net', 'rt-multi-thread'] }], 'x86_64-unknown-linux-gnu') },
  ],
  invalid: [
    {
      name: 'multi-threaded tokio without another allocator',
      graph: g([{ name: 'tokio', version: '1.37.0', features: ['rt', 'rt-multi-thread'] }]),
      findings: [{ crate: 'tokio', message: ['multi-threaded tokio runtime', 'use mimalloc or jemalloc'], fixes: ['mimalloc::MiMalloc', 'tikv_jemallocator::Jemalloc'] }],
    },
    {
      name: 'tokio `net` resolves names through getaddrinfo',
      graph: g([{ name: 'tokio', version: '1.37.0', features: ['net', 'rt'] }]),
      findings: [{ crate: 'tokio', message: ['tokio::net::lookup_host', 'no glibc NSS'] }],
    },
    {
      name: 'the example: reqwest resolves names, tokio runs multi-threaded',
      graph: () => resolveWorkspace(EXAMPLE),
      findings: [
        { crate: 'reqwest', message: ['its default resolver'], fixes: ['`hickory-dns`'] },
        { crate: 'tokio', message: ['multi-threaded'] },
      ],
    },
  ],
});
