/**
 * `musl-behaviour`: behaviour that differs in a static musl binary and
 * matters to the graph at hand:
 * - name resolution: musl's resolver reads /etc/resolv.conf and /etc/hosts
 *   only, without glibc's NSS (no mDNS `.local`, LDAP, systemd-resolved
 *   modules), and has quirks (no `single-request`, search domain handling);
 *   relevant when the graph resolves names through getaddrinfo;
 * - the allocator: musl's malloc is slow under contention; relevant when a
 *   multi-threaded runtime is present and no other global allocator is.
 * Which crates do what is knowledge-base data
 * (knowledge-base/crates/musl-behaviour.toml).
 */
import { RULE_DOCS } from './facts.js';
import type { GraphPackage, TargetGraph } from '../resolve/types.js';
import gt from 'semver/functions/gt.js';
import minVersion from 'semver/ranges/min-version.js';
import valid from 'semver/functions/valid.js';
import type { OwnResolver } from '../knowledge/types.js';
import { versionIn } from '../knowledge/versions.js';
import type { FixSuggestion, Rule } from './types.js';

/** The resolver of its own a crate has at `version` (reqwest's `hickory-dns`), if any. */
export function ownResolverAt(table: readonly OwnResolver[], version: string): OwnResolver | null {
  return table.find((r) => versionIn(version, r.versions)) ?? null;
}

/** True when the crate resolves names itself: its resolver crate is a dependency in the graph (or its resolver feature is on). */
function usesOwnResolver(graph: TargetGraph, p: GraphPackage, table: readonly OwnResolver[]): boolean {
  const crates = new Set(table.map((r) => r.crate));
  if ((graph.edges.get(p.key) ?? []).some((e) => crates.has(graph.packages.get(e.to)?.name ?? ''))) return true;
  const at = ownResolverAt(table, p.version);
  return !!at && p.features.includes(at.feature);
}

/** A graph's packages by name, in the graph's order: the rule looks up every resolver, allocator and runtime the knowledge base names, in every graph a run lints (proofs lint many). */
const BY_NAME = new WeakMap<TargetGraph, Map<string, GraphPackage[]>>();

function named(graph: TargetGraph, name: string): readonly GraphPackage[] {
  let index = BY_NAME.get(graph);
  if (!index) {
    index = new Map();
    for (const p of graph.packages.values()) {
      const list = index.get(p.name);
      if (list) list.push(p);
      else index.set(p.name, [p]);
    }
    BY_NAME.set(graph, index);
  }
  return index.get(name) ?? [];
}

function find(graph: TargetGraph, name: string, features?: string[], unless?: string[], own?: readonly OwnResolver[]): GraphPackage | undefined {
  for (const p of named(graph, name)) {
    if (features && !features.some((f) => p.features.includes(f))) continue;
    if (unless?.some((f) => p.features.includes(f))) continue;
    if (own && usesOwnResolver(graph, p, own)) continue;
    return p;
  }
  return undefined;
}

/** What to do about reqwest's getaddrinfo at its version: the resolver feature it has, or the release that has one. */
function reqwestAdvice(p: GraphPackage, table: readonly OwnResolver[]): FixSuggestion {
  const at = ownResolverAt(table, p.version);
  if (at) return { strategy: 'switch', crate: 'reqwest', title: `enable feature \`${at.feature}\` of \`reqwest\` for a resolver in Rust that reads /etc/resolv.conf itself` };
  const latest = table[table.length - 1];
  // The first later release that has one.
  const next = valid(p.version) ? table.find((r) => gt(minVersion(r.versions)!.version, p.version)) : undefined;
  const update = next ? `update to ${minVersion(next.versions)!.version} or newer for feature \`${next.feature}\`` : 'update it';
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
      "Name resolution: musl resolves names from /etc/resolv.conf and /etc/hosts only, without glibc's NSS modules " +
      '(mDNS `.local` names, LDAP, systemd-resolved) and with its own handling of search domains and TCP fallback. ' +
      "Allocation: musl's malloc serializes under contention; a multi-threaded async runtime allocating on every core slows down markedly. " +
      'Use mimalloc or jemalloc as the global allocator in the static build.',
    docs: `${RULE_DOCS}#musl-behaviour`,
    messages: {
      systemResolver: '`{{crate}} v{{version}}` {{what}}: under musl there is no glibc NSS (no mDNS `.local`, LDAP or systemd-resolved lookups; only /etc/hosts and /etc/resolv.conf)',
      muslMalloc: "`{{crate}} v{{version}}` runs {{runtime}}, and musl's malloc is slow under contention: use mimalloc or jemalloc as the global allocator",
      nssNote: 'Usually harmless in containers; matters where hosts are named through NSS modules.',
      mallocNote: "musl's allocator takes a global lock; multi-threaded programs allocating concurrently can run several times slower than with glibc.",
    },
  },
  check({ graph, kb }, report) {
    if (!graph.target.includes('-musl')) return;
    const resolver = kb.nameResolvers.map((r) => ({ r, p: find(graph, r.name, r.features, r.unless, r.ownResolver) })).find((x) => x.p);
    if (resolver?.p) {
      report({
        package: resolver.p,
        messageId: 'systemResolver',
        data: { crate: resolver.p.name, version: resolver.p.version, what: resolver.r.what },
        detail: { messageId: 'nssNote' },
        fixes: [
          ...(resolver.p.name === 'reqwest' ? [reqwestAdvice(resolver.p, resolver.r.ownResolver ?? [])] : []),
          { strategy: 'environment', title: 'make sure the names it resolves are in DNS or /etc/hosts of the target system' },
        ],
      });
    }
    if (!kb.allocators.some((a) => find(graph, a.name))) {
      const runtime = kb.runtimes.map((r) => ({ r, p: find(graph, r.name, r.features) })).find((x) => x.p);
      if (runtime?.p) {
        report({
          package: runtime.p,
          messageId: 'muslMalloc',
          data: { crate: runtime.p.name, version: runtime.p.version, runtime: runtime.r.what },
          detail: { messageId: 'mallocNote' },
          fixes: [
            {
              strategy: 'environment',
              crate: 'mimalloc',
              title: 'add `mimalloc` and `#[global_allocator] static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;`',
              requires: ['a C compiler for the target'],
            },
            {
              strategy: 'environment',
              crate: 'tikv-jemallocator',
              title: 'add `tikv-jemallocator` and `#[global_allocator] static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;`',
              requires: ['a C compiler for the target', 'make'],
            },
          ],
        });
      }
    }
  },
};
