/**
 * `musl-behaviour`: behaviour that differs in a static musl binary and
 * matters to the graph at hand:
 * - name resolution: musl's resolver reads /etc/resolv.conf and /etc/hosts
 *   only, without glibc's NSS (no mDNS `.local`, LDAP, systemd-resolved
 *   modules), and has quirks (no `single-request`, search domain handling);
 *   relevant when the graph resolves names through getaddrinfo;
 * - the allocator: musl's malloc is slow under contention; relevant when a
 *   multi-threaded runtime is present and no other global allocator is.
 */
import { RULE_DOCS } from './facts.js';
import type { GraphPackage, TargetGraph } from '../resolve/types.js';
import type { Rule } from './types.js';

/** Crates that resolve host names with the system resolver (getaddrinfo), with the features that make them do it. */
const RESOLVERS: { name: string; features?: string[]; unless?: string[]; what: string }[] = [
  { name: 'reqwest', unless: ['hickory-dns', 'trust-dns'], what: 'resolves host names with getaddrinfo (its default resolver)' },
  { name: 'ureq', what: 'resolves host names with getaddrinfo (std::net::ToSocketAddrs)' },
  { name: 'isahc', what: 'resolves host names through curl, with getaddrinfo' },
  { name: 'curl', what: 'resolves host names through libcurl, with getaddrinfo' },
  { name: 'attohttpc', what: 'resolves host names with getaddrinfo' },
  { name: 'hyper-util', features: ['client-legacy'], what: 'resolves host names with getaddrinfo (GaiResolver)' },
  { name: 'hyper', features: ['runtime'], what: 'resolves host names with getaddrinfo (GaiResolver)' },
  { name: 'tokio', features: ['net', 'dns'], what: 'resolves host names with getaddrinfo (tokio::net::lookup_host)' },
  { name: 'async-std', features: ['default', 'std'], what: 'resolves host names with getaddrinfo' },
];

/** Multi-threaded runtimes, with the features that make them so. */
const RUNTIMES: { name: string; features?: string[]; what: string }[] = [
  { name: 'tokio', features: ['rt-multi-thread', 'rt-threaded'], what: 'the multi-threaded tokio runtime' },
  { name: 'async-std', features: ['default'], what: 'async-std\'s multi-threaded executor' },
  { name: 'actix-rt', what: 'actix workers on several threads' },
  { name: 'rayon-core', what: 'rayon\'s thread pool' },
];

/** Global allocators that replace musl's malloc. */
const ALLOCATORS = ['mimalloc', 'libmimalloc-sys', 'tikv-jemallocator', 'tikv-jemalloc-sys', 'jemallocator', 'jemalloc-sys', 'snmalloc-rs', 'rpmalloc', 'tcmalloc'];

function find(graph: TargetGraph, name: string, features?: string[], unless?: string[]): GraphPackage | undefined {
  for (const p of graph.packages.values()) {
    if (p.name !== name) continue;
    if (features && !features.some((f) => p.features.includes(f))) continue;
    if (unless && unless.some((f) => p.features.includes(f))) continue;
    return p;
  }
  return undefined;
}

export const muslBehaviour: Rule = {
  meta: {
    id: 'musl-behaviour',
    defaultSeverity: 'info',
    description: 'Behaviour that changes in a static musl binary and matters to this graph (DNS, the allocator)',
    details:
      'Name resolution: musl resolves names from /etc/resolv.conf and /etc/hosts only, without glibc\'s NSS modules ' +
      '(mDNS `.local` names, LDAP, systemd-resolved) and with its own handling of search domains and TCP fallback. ' +
      'Allocation: musl\'s malloc serializes under contention; a multi-threaded async runtime allocating on every core slows down markedly. ' +
      'Use mimalloc or jemalloc as the global allocator in the static build.',
    docs: `${RULE_DOCS}#musl-behaviour`,
  },
  check({ graph }, report) {
    if (!graph.target.includes('-musl')) return;
    const resolver = RESOLVERS.map((r) => ({ r, p: find(graph, r.name, r.features, r.unless) })).find((x) => x.p);
    if (resolver?.p) {
      report({
        package: resolver.p,
        message: `\`${resolver.p.name} v${resolver.p.version}\` ${resolver.r.what}: under musl there is no glibc NSS (no mDNS \`.local\`, LDAP or systemd-resolved lookups; only /etc/hosts and /etc/resolv.conf)`,
        detail: 'Usually harmless in containers; matters where hosts are named through NSS modules.',
        fixes: [
          ...(resolver.p.name === 'reqwest' ? [{ strategy: 'switch' as const, crate: 'reqwest', title: 'enable feature `hickory-dns` of `reqwest` for a resolver in Rust that reads /etc/resolv.conf itself' }] : []),
          { strategy: 'environment', title: 'make sure the names it resolves are in DNS or /etc/hosts of the target system' },
        ],
      });
    }
    if (!ALLOCATORS.some((a) => find(graph, a))) {
      const runtime = RUNTIMES.map((r) => ({ r, p: find(graph, r.name, r.features) })).find((x) => x.p);
      if (runtime?.p) {
        report({
          package: runtime.p,
          message: `\`${runtime.p.name} v${runtime.p.version}\` runs ${runtime.r.what}, and musl's malloc is slow under contention: use mimalloc or jemalloc as the global allocator`,
          detail: 'musl\'s allocator takes a global lock; multi-threaded programs allocating concurrently can run several times slower than with glibc.',
          fixes: [
            { strategy: 'environment', crate: 'mimalloc', title: 'add `mimalloc` and `#[global_allocator] static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;`', requires: ['a C compiler for the target'] },
            { strategy: 'environment', crate: 'tikv-jemallocator', title: 'add `tikv-jemallocator` and `#[global_allocator] static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;`', requires: ['a C compiler for the target', 'make'] },
          ],
        });
      }
    }
  },
};
