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
import semver from 'semver';
import type { FixSuggestion, Rule } from './types.js';

/**
 * reqwest's own DNS resolver (in Rust, reading /etc/resolv.conf itself), by
 * version, from the crates.io index (rust-lang/crates.io-index `re/qw/reqwest`):
 * 0.9.6 and 0.9.7 depend on trust-dns-resolver unconditionally (no feature);
 * `trust-dns` (-> trust-dns-resolver) from 0.9.8 through 0.9.x, dropped in
 * 0.10.0 to 0.10.3, again from 0.10.4 through 0.11; in 0.12 `hickory-dns`
 * (-> hickory-resolver), where `trust-dns` is an empty alias kept for
 * compatibility that turns no resolver on. The recorded lines in
 * test/fixtures/crates-index check the table.
 */
export const REQWEST_RESOLVER: { versions: string; feature: string; crate: string }[] = [
  { versions: '>=0.9.8 <0.10.0-0', feature: 'trust-dns', crate: 'trust-dns-resolver' },
  { versions: '>=0.10.4 <0.12.0-0', feature: 'trust-dns', crate: 'trust-dns-resolver' },
  { versions: '>=0.12.0-0', feature: 'hickory-dns', crate: 'hickory-resolver' },
];

/** The resolver feature reqwest has at `version`, if any. */
export function reqwestResolverAt(version: string): { feature: string; crate: string } | null {
  if (!semver.valid(version)) return null;
  return REQWEST_RESOLVER.find((r) => semver.satisfies(version, r.versions, { includePrerelease: true })) ?? null;
}

/** True when reqwest resolves names itself: its resolver crate is a dependency in the graph (or its resolver feature is on). */
function reqwestOwnResolver(graph: TargetGraph, p: GraphPackage): boolean {
  const crates = new Set(REQWEST_RESOLVER.map((r) => r.crate));
  if ((graph.edges.get(p.key) ?? []).some((e) => crates.has(graph.packages.get(e.to)?.name ?? ''))) return true;
  const at = reqwestResolverAt(p.version);
  return !!at && p.features.includes(at.feature);
}

/** Crates that resolve host names with the system resolver (getaddrinfo), with the features that make them do it. */
const RESOLVERS: { name: string; features?: string[]; unless?: string[]; own?: (graph: TargetGraph, p: GraphPackage) => boolean; what: string }[] = [
  { name: 'reqwest', own: reqwestOwnResolver, what: 'resolves host names with getaddrinfo (its default resolver)' },
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

function find(
  graph: TargetGraph,
  name: string,
  features?: string[],
  unless?: string[],
  own?: (graph: TargetGraph, p: GraphPackage) => boolean,
): GraphPackage | undefined {
  for (const p of graph.packages.values()) {
    if (p.name !== name) continue;
    if (features && !features.some((f) => p.features.includes(f))) continue;
    if (unless && unless.some((f) => p.features.includes(f))) continue;
    if (own?.(graph, p)) continue;
    return p;
  }
  return undefined;
}

/** What to do about reqwest's getaddrinfo at its version: the resolver feature it has, or the release that has one. */
function reqwestAdvice(p: GraphPackage): FixSuggestion {
  const at = reqwestResolverAt(p.version);
  if (at) return { strategy: 'switch', crate: 'reqwest', title: `enable feature \`${at.feature}\` of \`reqwest\` for a resolver in Rust that reads /etc/resolv.conf itself` };
  const latest = REQWEST_RESOLVER[REQWEST_RESOLVER.length - 1];
  // The first later release that has one.
  const next = semver.valid(p.version) ? REQWEST_RESOLVER.find((r) => semver.gt(semver.minVersion(r.versions)!.version, p.version)) : undefined;
  const update = next ? `update to ${semver.minVersion(next.versions)!.version} or newer for feature \`${next.feature}\`` : 'update it';
  return {
    strategy: 'pin',
    crate: 'reqwest',
    title: `\`reqwest v${p.version}\` has no resolver of its own: ${update}${next === latest ? '' : ` (0.12 has \`${latest.feature}\`)`}`,
  };
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
    messages: {
      systemResolver:
        '`{{crate}} v{{version}}` {{what}}: under musl there is no glibc NSS (no mDNS `.local`, LDAP or systemd-resolved lookups; only /etc/hosts and /etc/resolv.conf)',
      muslMalloc: "`{{crate}} v{{version}}` runs {{runtime}}, and musl's malloc is slow under contention: use mimalloc or jemalloc as the global allocator",
      nssNote: 'Usually harmless in containers; matters where hosts are named through NSS modules.',
      mallocNote: "musl's allocator takes a global lock; multi-threaded programs allocating concurrently can run several times slower than with glibc.",
    },
  },
  check({ graph }, report) {
    if (!graph.target.includes('-musl')) return;
    const resolver = RESOLVERS.map((r) => ({ r, p: find(graph, r.name, r.features, r.unless, r.own) })).find((x) => x.p);
    if (resolver?.p) {
      report({
        package: resolver.p,
        messageId: 'systemResolver',
        data: { crate: resolver.p.name, version: resolver.p.version, what: resolver.r.what },
        detail: { messageId: 'nssNote' },
        fixes: [
          ...(resolver.p.name === 'reqwest' ? [reqwestAdvice(resolver.p)] : []),
          { strategy: 'environment', title: 'make sure the names it resolves are in DNS or /etc/hosts of the target system' },
        ],
      });
    }
    if (!ALLOCATORS.some((a) => find(graph, a))) {
      const runtime = RUNTIMES.map((r) => ({ r, p: find(graph, r.name, r.features) })).find((x) => x.p);
      if (runtime?.p) {
        report({
          package: runtime.p,
          messageId: 'muslMalloc',
          data: { crate: runtime.p.name, version: runtime.p.version, runtime: runtime.r.what },
          detail: { messageId: 'mallocNote' },
          fixes: [
            { strategy: 'environment', crate: 'mimalloc', title: 'add `mimalloc` and `#[global_allocator] static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;`', requires: ['a C compiler for the target'] },
            { strategy: 'environment', crate: 'tikv-jemallocator', title: 'add `tikv-jemallocator` and `#[global_allocator] static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;`', requires: ['a C compiler for the target', 'make'] },
          ],
        });
      }
    }
  },
};
