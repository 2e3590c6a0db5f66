/**
 * `unknown-native`: a crate with a `links` key that the knowledge base does
 * not know. It probably links a C library; whether it can link statically is
 * for the user to find out (or to record as an extra knowledge-base entry).
 */
import { RULE_DOCS } from './facts.js';
import type { Rule } from './types.js';

export const unknownNative: Rule = {
  meta: {
    id: 'unknown-native',
    defaultSeverity: 'warning',
    description: 'A crate declares `links` and the knowledge base does not know it',
    details:
      'A `links` key means the crate\'s build script links a native library (or claims a name so that only one copy is in the graph). ' +
      'The knowledge base has no entry for it, so whether it can link statically is unknown. Read its build script; ' +
      'add an entry under `knowledge-base` in the cargo-preflight configuration to describe it, or `allow` it with a reason.',
    docs: `${RULE_DOCS}#unknown-native`,
    messages: {
      unknownLinks: '`{{crate}} v{{version}}` declares `links = "{{links}}"` and the knowledge base does not know it',
      unknownLinksKnownName:
        '`{{crate}} v{{version}}` declares `links = "{{links}}"` and the knowledge base does not know it; `{{sameAs}}` links the same `{{links}}` ({{family}})',
      probablyNative: 'Its build script probably links a native library; check that it can link it statically for the target.',
    },
  },
  check({ graph, kb }, report) {
    for (const pkg of graph.packages.values()) {
      if (!pkg.links) continue;
      if (kb.byCrate(pkg.name).some((m) => m.crate.role !== 'links-only')) continue;
      if (kb.isLinksOnly(pkg.name, pkg.links)) continue;
      const same = kb.byLinks(pkg.links).filter((m) => m.crate.role === 'sys');
      const data = { crate: pkg.name, version: pkg.version, links: pkg.links };
      report({
        package: pkg,
        ...(same.length
          ? { messageId: 'unknownLinksKnownName', data: { ...data, sameAs: same[0].crate.name, family: same[0].entry.name } }
          : { messageId: 'unknownLinks', data }),
        detail: { messageId: 'probablyNative' },
        fixes: [
          { strategy: 'disable', title: `describe \`${pkg.name}\` in \`knowledge-base\` of the cargo-preflight configuration, or \`allow\` it with a reason` },
        ],
      });
    }
  },
};
