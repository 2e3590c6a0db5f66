/**
 * `builds-c-code`: the static option of a crate is on, or the crate always
 * compiles bundled C (ring, zstd-sys): building for the target needs a C
 * compiler for it, and whatever else the bundled build needs.
 */
import { RULE_DOCS } from './facts.js';
import { requirementText } from '../knowledge/types.js';
import { scriptJudged, systemVerdict } from './build-evidence.js';
import { libraryName, nativeCrates } from './native.js';
import type { FixSuggestion, Rule } from './types.js';

/** Ways to get a C compiler for a target, for suggestions. */
export function cCompilerFixes(target: string): FixSuggestion[] {
  const gcc = `${target.replace('-unknown-', '-')}-gcc`;
  const fixes: FixSuggestion[] = [];
  if (target === 'x86_64-unknown-linux-musl') {
    fixes.push({ strategy: 'environment', title: 'install musl-tools (`sudo apt-get install musl-tools` gives musl-gcc)' });
  }
  fixes.push(
    { strategy: 'environment', title: `set \`CC_${target.replace(/-/g, '_')}=${gcc}\` with a cross toolchain on PATH` },
    { strategy: 'environment', title: `build with cargo-zigbuild (\`cargo install cargo-zigbuild\`, then \`cargo zigbuild --target ${target}\`)` },
    { strategy: 'environment', title: `build with cross (\`cargo install cross\`, then \`cross build --target ${target}\`)` },
  );
  return fixes;
}

export const buildsCCode: Rule = {
  meta: {
    id: 'builds-c-code',
    defaultSeverity: 'info',
    description: 'A crate compiles bundled C code: a C compiler for the target is needed',
    details:
      'The crate builds a C library from source (its static option is on, or it always does) with the `cc` crate or cmake. ' +
      'That needs a C compiler for the target: for musl, `x86_64-linux-musl-gcc` or `musl-gcc` (musl-tools), or build with `cross` or `cargo-zigbuild`. ' +
      'Some bundled builds need more tools (perl and make for OpenSSL, cmake for others).',
    docs: `${RULE_DOCS}#builds-c-code`,
    messages: {
      bundledByOption: '`{{crate}} v{{version}}` builds {{library}} from bundled C source ({{option}}): the build needs {{needs}}',
      bundledAlways: '`{{crate}} v{{version}}` builds {{library}} from bundled C source (it always does): the build needs {{needs}}',
      cCompiler: 'Target {{target}}: the C compiler the `cc` crate picks comes from CC_{{targetVariable}}, TARGET_CC or `{{gcc}}` on PATH.',
      bundledByBuildScript: '`{{crate}} v{{version}}` compiles C code it ships (its build script shows it): the build needs a C compiler for the target',
      bundledCxxByBuildScript:
        '`{{crate}} v{{version}}` compiles C++ code it ships (its build script shows it): the build needs a C++ compiler for the target, and the binary links the C++ runtime (libstdc++ or libc++)',
      bundledByScriptSwitch:
        '`{{crate}} v{{version}}` probably builds its C library from source: its build script reads feature `{{feature}}`, which is on; the build needs a C compiler for the target',
    },
  },
  check(ctx, report) {
    const { graph, kb } = ctx;
    const cCompiler = { messageId: 'cCompiler', data: { target: graph.target, targetVariable: graph.target.replace(/-/g, '_'), gcc: `${graph.target.replace('-unknown-', '-')}-gcc` } };
    // Crates the knowledge base does not know, judged by their build scripts.
    for (const j of scriptJudged(ctx)) {
      if (j.reading.kind !== 'classified') continue;
      const v = j.reading.verdict;
      const data = { crate: j.pkg.name, version: j.pkg.version };
      const s = systemVerdict(j);
      if (s?.on.length) {
        report({
          package: j.pkg,
          messageId: 'bundledByScriptSwitch',
          data: { ...data, feature: s.on[0]!.name },
          detail: cCompiler,
          fixes: cCompilerFixes(graph.target),
          evidence: s.on.map((x) => x.evidence),
        });
      } else if (v.kind === 'bundled') {
        report({ package: j.pkg, messageId: v.cxx ? 'bundledCxxByBuildScript' : 'bundledByBuildScript', data, detail: cCompiler, fixes: cCompilerFixes(graph.target), evidence: v.evidence });
      }
    }
    for (const n of nativeCrates(graph, kb)) {
      if (n.linkage.kind !== 'static') continue;
      const { pkg, entry } = n;
      const needs = requirementText(n.linkage.requires);
      if (!needs.length) continue;
      const via = n.linkage.via;
      const data = { crate: pkg.name, version: pkg.version, library: libraryName(entry), needs: needs.join(', ') };
      report({
        package: pkg,
        ...(via
          ? { messageId: 'bundledByOption', data: { ...data, option: via.kind === 'feature' ? `its feature \`${via.feature}\` is on` : `${via.env}=${via.value} is set` } }
          : { messageId: 'bundledAlways', data }),
        detail: { messageId: 'cCompiler', data: { target: graph.target, targetVariable: graph.target.replace(/-/g, '_'), gcc: `${graph.target.replace('-unknown-', '-')}-gcc` } },
        fixes: cCompilerFixes(graph.target),
        docs: n.spec.docs[0] ?? entry.docs[0],
      });
    }
  },
};
