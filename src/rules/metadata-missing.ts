/**
 * `metadata-missing`: a crate of the artifact graph whose metadata (index
 * entry or vendored manifest) could not be read. Its `links`, its features and
 * everything below it are unknown, so the graph cannot be confirmed ready for
 * a static build: an error until the metadata can be read.
 */
import { RULE_DOCS } from './facts.js';
import { packageKey, type UnresolvedCause } from '../resolve/types.js';
import type { FixSuggestion, Rule } from './types.js';

/** What went wrong, in a user's words, and what makes the metadata readable. */
export interface MissingCause {
  kind: 'offline' | 'git' | 'vendor' | 'version' | 'index' | 'source' | 'other';
  what: string;
  fixes: FixSuggestion[];
}

const env = (title: string): FixSuggestion => ({ strategy: 'environment', title });

/** Names the resolver's cause (src/resolve/packages.ts) in a user's words, with the remedy. */
export function missingCause(cause: UnresolvedCause, source: string | null): MissingCause {
  if (cause.kind === 'offline') {
    return {
      kind: 'offline',
      what: 'offline and not cached',
      fixes: [
        env('run once with the network on (without `--offline`) so that its index entry is cached'),
        env("or run `cargo fetch` once with the network on: cargo's own index cache is read offline"),
      ],
    };
  }
  if (cause.kind === 'git' || (source?.startsWith('git+') ?? false)) {
    return {
      kind: 'git',
      what: 'git source not vendored',
      fixes: [env('run `cargo vendor` and add the `[source]` tables it prints to .cargo/config.toml, so that git sources are read from the vendor directory')],
    };
  }
  if (cause.kind === 'not-in-source' && cause.version) {
    return {
      kind: 'version',
      what: cause.vendored ? 'this version is not vendored' : 'this version is not in the index',
      fixes: cause.vendored
        ? [env('run `cargo vendor` again: the vendor directory is older than Cargo.lock')]
        : [env('check that Cargo.lock names the registry this version was published to (`--index`, `[registries]` in .cargo/config.toml)')],
    };
  }
  if (cause.kind === 'not-in-source' && cause.vendored) {
    return { kind: 'vendor', what: 'missing from the vendor directory', fixes: [env('run `cargo vendor` again: the vendor directory lacks this crate')] };
  }
  if (cause.kind === 'not-in-source') {
    return {
      kind: 'index',
      what: 'not in the index (404/410)',
      fixes: [
        env('if it comes from a private registry, declare it (`registry = "NAME"` and `[registries.NAME] index = "sparse+https://..."` in .cargo/config.toml) or pass `--index`'),
        env('if it was removed from the index, update the dependency that needs it (`cargo update -p <crate>`)'),
      ],
    };
  }
  if (cause.kind === 'no-source') {
    return {
      kind: 'source',
      what: 'no source configured',
      fixes: [env('configure its registry in .cargo/config.toml (`[registries.NAME] index = "sparse+https://..."`), or vendor it with `cargo vendor`')],
    };
  }
  return { kind: 'other', what: 'metadata unreadable', fixes: [env('make its metadata readable (run online, or `cargo vendor`), then check again')] };
}

export const metadataMissing: Rule = {
  meta: {
    id: 'metadata-missing',
    defaultSeverity: 'error',
    description: 'The metadata of a crate in the artifact graph could not be read, so readiness cannot be confirmed',
    details:
      "Without a crate's index entry or vendored manifest, its `links` key, its features and its dependencies are unknown: " +
      'a native library it or anything below it links would go unreported. Offline, run once with the network on (or `cargo fetch`) ' +
      'so the index entries are cached; for git dependencies and incomplete vendor directories, run `cargo vendor`; ' +
      'for crates of a private registry, configure the registry. Turn the rule down in `[severity]` to accept an incomplete check.',
    docs: `${RULE_DOCS}#metadata-missing`,
    messages: {
      unreadable: 'the metadata of `{{crate}} v{{version}}` could not be read ({{cause}}): its native libraries and its dependencies are not checked',
      resolverReason: '{{reason}}.',
    },
  },
  check({ graph }, report) {
    for (const u of graph.unresolved) {
      const pkg = graph.packages.get(packageKey(u.name, u.version, u.source));
      if (!pkg || pkg.isMember) continue;
      const cause = missingCause(u.cause, u.source);
      report({
        package: pkg,
        messageId: 'unreadable',
        data: { crate: u.name, version: u.version, cause: cause.what },
        detail: { messageId: 'resolverReason', data: { reason: `${u.reason[0].toUpperCase()}${u.reason.slice(1)}` } },
        fixes: cause.fixes,
      });
    }
  },
};
