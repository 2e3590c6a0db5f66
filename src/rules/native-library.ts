/**
 * `native-library`: a crate that links a system C library is in the artifact
 * graph without its static option active. A musl or cross target rarely has
 * that library, and when it has, it is linked dynamically.
 */
import { checkedUpTo, staticOptionsAt } from '../knowledge/lookup.js';
import { byPlace } from '../evidence/build-script.js';
import { RULE_DOCS } from './facts.js';
import { fixesFor } from './suggestions.js';
import { librariesText, scriptFixes, scriptJudged, sourceText, switchesText, systemVerdict } from './build-evidence.js';
import { libraryName, nativeCrates } from './native.js';
import type { Rule } from './types.js';

export const nativeLibrary: Rule = {
  meta: {
    id: 'native-library',
    defaultSeverity: 'error',
    description: 'A crate links a system C library without its static option',
    details:
      "The crate's build script links a C library installed on the build machine (found through pkg-config or *_DIR variables). " +
      'A musl or cross target rarely has it, so the build script or the link fails; where it is found, it is linked dynamically and the binary is not static. ' +
      "Turn on the crate's static option (it builds the bundled C source), or move the crate that brings it to a pure-Rust alternative.",
    docs: `${RULE_DOCS}#native-library`,
    messages: {
      optsIntoSystem: '`{{crate}} v{{version}}` links the system {{library}}: its feature `{{feature}}` opts into the system library',
      systemWhenFound: '`{{crate}} v{{version}}` links the system {{library}} when pkg-config finds one for the target (dynamically), else builds the bundled source: no static option is on',
      noStaticOptionOn: '`{{crate}} v{{version}}` links the system {{library}} and none of its static options is on',
      knowledgeBaseNote: '{{note}}',
      knowledgeBaseNoteUnchecked: '{{note}} v{{version}} is newer than every release checked: the meaning of {{options}} was checked up to v{{checked}}',
      buildScriptSystem: '`{{crate}} v{{version}}` links {{library}} of the build machine ({{source}}); its build script reads {{switches}}, which may build it statically, and that is not on',
      buildScriptNote:
        'Read from its build script, not from the knowledge base: check that the switch builds the library from source for the target, or describe the crate in `knowledge-base` of the configuration.',
    },
  },
  check(ctx, report) {
    const { graph, kb, host } = ctx;
    // Crates the knowledge base does not know, judged by their build scripts: a static switch they read is off.
    for (const j of scriptJudged(ctx)) {
      const s = systemVerdict(j);
      if (!s?.off.length || s.on.length) continue;
      report({
        package: j.pkg,
        messageId: 'buildScriptSystem',
        data: { crate: j.pkg.name, version: j.pkg.version, library: librariesText(s.verdict.libraries), source: sourceText(j.reading), switches: switchesText(s.off) },
        detail: { messageId: 'buildScriptNote' },
        fixes: scriptFixes(j.pkg, s.off),
        evidence: byPlace([...s.verdict.evidence, ...s.off.map((x) => x.evidence)]),
      });
    }
    for (const n of nativeCrates(graph, kb)) {
      if (n.linkage.kind === 'static' || (!n.hasStaticOption && !n.linkage.forcedBy)) continue;
      const { pkg, entry, spec } = n;
      const data = { crate: pkg.name, version: pkg.version, library: libraryName(entry) };
      const note = (spec.withoutStaticNote ?? entry.summary).replace(/\s+/g, ' ').trim();
      // A release newer than every one checked that declares the feature: offered, saying how far the meaning was checked.
      const checked = checkedUpTo(spec, pkg.version);
      const options = checked ? staticOptionsAt(entry, spec, pkg.version, pkg.declared?.features).filter((o) => o.kind === 'feature') : [];
      report({
        package: pkg,
        ...(n.linkage.forcedBy
          ? { messageId: 'optsIntoSystem', data: { ...data, feature: n.linkage.forcedBy.feature } }
          : { messageId: n.linkage.kind === 'static-unless-found' ? 'systemWhenFound' : 'noStaticOptionOn', data }),
        detail:
          checked && options.length
            ? {
                messageId: 'knowledgeBaseNoteUnchecked',
                data: { note, version: pkg.version, checked, options: options.map((o) => `\`${o.kind === 'feature' ? o.feature : ''}\``).join(', ') },
              }
            : { messageId: 'knowledgeBaseNote', data: { note } },
        fixes: fixesFor({ graph, kb, entry, spec, pkg, disable: true, host }),
        docs: spec.docs[0] ?? entry.docs[0],
      });
    }
  },
};
