/**
 * `no-static-option`: a crate links a system C library and has no static
 * option at its locked version (or none at all). Says whether a newer version
 * has one, and which feature of which direct dependency pulls the crate in.
 */
import { describePulledBy, pulledBy, RULE_DOCS } from './facts.js';
import { fixesFor, newerStaticOption } from './suggestions.js';
import { librariesText, scriptFixes, scriptJudged, sourceText, systemVerdict } from './build-evidence.js';
import { libraryName, nativeCrates } from './native.js';
import type { Rule } from './types.js';
import { staticOptionName } from '../knowledge/types.js';

export const noStaticOption: Rule = {
  meta: {
    id: 'no-static-option',
    defaultSeverity: 'error',
    description: 'A crate links a system C library and has no static option at its version',
    details:
      'Nothing in the crate at this version builds its C library from source, so a static build needs that library built for the target, or the crate gone from the graph. ' +
      'The finding says whether a newer release has a static option and which feature of which direct dependency pulls the crate in, so that feature can be turned off.',
    docs: `${RULE_DOCS}#no-static-option`,
    messages: {
      systemLibrary: '`{{crate}} v{{version}}` links the system {{library}} and has {{availability}}{{pulledBy}}',
      systemWhenFound:
        '`{{crate}} v{{version}}` links the system {{library}} when pkg-config finds one for the target (dynamically), else builds its bundled source, and has {{availability}} to insist on the bundled one{{pulledBy}}',
      knowledgeBaseNote: '{{note}}',
      knowledgeBaseNoteAlternatives: '{{note}} Alternatives: {{alternatives}}.',
      buildScriptSystem: '`{{crate}} v{{version}}` links {{library}} of the build machine ({{source}}), and its build script reads no switch to build it statically{{pulledBy}}',
      buildScriptNote: 'Read from its build script, not from the knowledge base: a static build needs that library built for the target, or the crate gone from the graph.',
    },
  },
  check(ctx, report) {
    const { graph, kb, host, releases } = ctx;
    // Crates the knowledge base does not know, judged by their build scripts: no static switch read at all.
    for (const j of scriptJudged(ctx)) {
      const s = systemVerdict(j);
      if (!s || s.verdict.switches.length) continue;
      const pulled = pulledBy(graph, j.pkg.key);
      report({
        package: j.pkg,
        messageId: 'buildScriptSystem',
        data: {
          crate: j.pkg.name,
          version: j.pkg.version,
          library: librariesText(s.verdict.libraries),
          source: sourceText(j.reading),
          pulledBy: pulled.length ? `; brought in by ${pulled.map(describePulledBy).join(', and by ')}` : '',
        },
        detail: { messageId: 'buildScriptNote' },
        fixes: scriptFixes(j.pkg, []),
        evidence: s.verdict.evidence,
      });
    }
    for (const n of nativeCrates(graph, kb)) {
      if (n.linkage.kind === 'static' || n.hasStaticOption || n.linkage.forcedBy) continue;
      const { pkg, entry, spec } = n;
      const lines = releases?.get(pkg.key);
      const newer = newerStaticOption(spec, pkg, lines);
      const what = newer && staticOptionName(newer.option);
      const availability = newer
        ? newer.since
          ? `no static option at v${pkg.version}; ${newer.since} is the first newer release with ${what}`
          : `no static option at v${pkg.version}; the knowledge base knows ${what} of other releases (which release first declares it is unknown: the index lines of the others could not be read)`
        : spec.staticOptions.length
          ? `no static option at v${pkg.version}${lines ? ' nor in any newer release' : ''}`
          : 'no static option in any version the knowledge base knows';
      const pulled = pulledBy(graph, pkg.key);
      const by = pulled.length ? `; brought in by ${pulled.map(describePulledBy).join(', and by ')}` : '';
      const note = (spec.withoutStaticNote ?? entry.summary).replace(/\s+/g, ' ').trim();
      const alternatives = entry.alternatives.map((a) => `${a.name}${a.pureRust ? ' (pure Rust)' : ''}`);
      report({
        package: pkg,
        messageId: n.linkage.kind === 'static-unless-found' ? 'systemWhenFound' : 'systemLibrary',
        data: { crate: pkg.name, version: pkg.version, library: libraryName(entry), availability, pulledBy: by },
        detail: alternatives.length ? { messageId: 'knowledgeBaseNoteAlternatives', data: { note, alternatives: alternatives.join(', ') } } : { messageId: 'knowledgeBaseNote', data: { note } },
        fixes: fixesFor({ graph, kb, entry, spec, pkg, disable: true, host, ...(lines ? { releases: lines } : {}) }),
        docs: spec.docs[0] ?? entry.docs[0],
      });
    }
  },
};
