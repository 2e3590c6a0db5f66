/**
 * `unknown-native`: a crate with a `links` key that the knowledge base does
 * not know. It probably links a C library; whether it can link statically is
 * for the user to find out (or to record as an extra knowledge-base entry).
 */
import { RULE_DOCS } from './facts.js';
import { scriptJudged } from './build-evidence.js';
import type { BuildScriptReading, Evidence, FindingDraft, Rule } from './types.js';

export const unknownNative: Rule = {
  meta: {
    id: 'unknown-native',
    defaultSeverity: 'warning',
    description: 'A crate declares `links` and the knowledge base does not know it',
    details:
      "A `links` key means the crate's build script links a native library (or claims a name so that only one copy is in the graph). " +
      'The knowledge base has no entry for it, so whether it can link statically is unknown. Read its build script; ' +
      'add an entry under `knowledge-base` in the cargo-preflight configuration to describe it, or `allow` it with a reason.',
    docs: `${RULE_DOCS}#unknown-native`,
    messages: {
      unknownLinks: '`{{crate}} v{{version}}` declares `links = "{{links}}"` and the knowledge base does not know it',
      unknownLinksKnownName: '`{{crate}} v{{version}}` declares `links = "{{links}}"` and the knowledge base does not know it; `{{sameAs}}` links the same `{{links}}` ({{family}})',
      probablyNative: 'Its build script probably links a native library; check that it can link it statically for the target.',
      unknownBuildScript: '`{{crate}} v{{version}}` has a build script that may link a native library, and the knowledge base does not know it',
      scriptUnclear: 'Its build script was read and does not show what it links ({{reason}}); check that it can link statically for the target.',
      scriptUnreadable: 'Its build script could not be read ({{reason}}); check that it can link statically for the target.',
    },
  },
  check(ctx, report) {
    const { graph, kb } = ctx;
    const judged = new Map(scriptJudged(ctx).map((j) => [j.pkg.key, j.reading]));
    const detailOf = (r: BuildScriptReading | undefined): { detail: FindingDraft['detail']; evidence?: Evidence[] } =>
      r?.kind === 'unreadable'
        ? { detail: { messageId: 'scriptUnreadable', data: { reason: r.reason } } }
        : r?.kind === 'classified' && r.verdict.kind === 'unknown'
          ? { detail: { messageId: 'scriptUnclear', data: { reason: r.verdict.reason } }, evidence: r.verdict.evidence }
          : { detail: { messageId: 'probablyNative' } };
    const fixes = (name: string) => [{ strategy: 'disable' as const, title: `describe \`${name}\` in \`knowledge-base\` of the cargo-preflight configuration, or \`allow\` it with a reason` }];
    for (const pkg of graph.packages.values()) {
      const reading = judged.get(pkg.key);
      // What its build script shows is reported by the other rules (or is nothing to report).
      if (reading?.kind === 'classified' && reading.verdict.kind !== 'unknown') continue;
      if (!pkg.links) {
        // A crate without `links` is reported only when it shows a native sign its script does not explain.
        if (!reading || (reading.kind === 'classified' && !reading.nativeSign)) continue;
        report({ package: pkg, messageId: 'unknownBuildScript', data: { crate: pkg.name, version: pkg.version }, ...detailOf(reading), fixes: fixes(pkg.name) });
        continue;
      }
      if (kb.byCrate(pkg.name).some((m) => m.crate.role !== 'links-only')) continue;
      if (kb.isLinksOnly(pkg.name, pkg.links)) continue;
      const same = kb.byLinks(pkg.links).filter((m) => m.crate.role === 'sys');
      const data = { crate: pkg.name, version: pkg.version, links: pkg.links };
      report({
        package: pkg,
        ...(same.length ? { messageId: 'unknownLinksKnownName', data: { ...data, sameAs: same[0].crate.name, family: same[0].entry.name } } : { messageId: 'unknownLinks', data }),
        ...detailOf(reading),
        fixes: fixes(pkg.name),
      });
    }
  },
};
