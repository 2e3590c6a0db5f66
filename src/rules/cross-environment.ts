/**
 * `cross-environment`: what the machine lacks to build for the target: its
 * standard library, a linker, a C compiler for the crates that compile C,
 * `cross` or `cargo-zigbuild` on a non-Linux host, the tools of bundled builds.
 * Reads the environment snapshot the CLI gathered (`RuleContext.environment`).
 */
import type { Requirement } from '../knowledge/types.js';
import { environmentChecks, type EnvironmentCheck, type Needs } from './environment-checks.js';
import { RULE_DOCS } from './facts.js';
import { nativeCrates } from './native.js';
import type { FixSuggestion, Rule } from './types.js';

function fixesOf(checks: EnvironmentCheck[]): FixSuggestion[] {
  return checks.flatMap((c) => c.fix.map((f) => ({ strategy: 'environment' as const, title: f.replace(/^or /, '') })));
}

export const crossEnvironment: Rule = {
  meta: {
    id: 'cross-environment',
    defaultSeverity: 'warning',
    description: 'The machine lacks something needed to build for the target',
    details:
      'Checks, for the target: its standard library (rustup target add), a linker (`[target.<triple>] linker` in .cargo/config.toml, ' +
      'or one on PATH), a C compiler for crates that compile C (CC_<target>, TARGET_CC, <triple>-gcc), and on a non-Linux host `cross` ' +
      'or `cargo-zigbuild`. Each finding says what was found and the command that fixes it. `cargo-preflight doctor` shows every check.',
    docs: `${RULE_DOCS}#cross-environment`,
    messages: {
      notReady: 'the machine is not ready to build for {{target}}: {{missing}}',
      cCrateLacks: '{{crates}} compiles C for {{target}}, and the machine is missing what that needs: {{missing}}',
      cCratesLack: '{{crates}} compile C for {{target}}, and the machine is missing what that needs: {{missing}}',
      host: 'Host {{host}}.',
    },
  },
  check({ graph, kb, environment }, report) {
    if (!environment) return;
    const builders = nativeCrates(graph, kb).filter((n) => n.linkage.kind === 'static' && n.linkage.requires.includes('c-compiler'));
    const tools: Needs['tools'] = {};
    for (const n of builders) for (const r of n.linkage.requires) (tools[r as Requirement] ??= []).push(n.pkg.name);
    const checks = environmentChecks(environment, { cCode: builders.map((b) => b.pkg.name), tools });
    const failing = checks.filter((c) => c.needed && !c.ok);
    const root = graph.packages.get(graph.roots[0]);
    const general = failing.filter((c) => c.id === 'std' || c.id === 'linker' || c.id === 'cross-tool');
    if (general.length && root) {
      report({
        package: root,
        messageId: 'notReady',
        data: { target: graph.target, missing: general.map((c) => `${c.title}: ${c.found}`).join('; ') },
        detail: { messageId: 'host', data: { host: environment.host } },
        fixes: fixesOf(general),
      });
    }
    const build = failing.filter((c) => !general.includes(c));
    if (build.length && builders.length) {
      const first = builders[0].pkg;
      report({
        package: first,
        messageId: builders.length === 1 ? 'cCrateLacks' : 'cCratesLack',
        data: {
          crates: builders.map((b) => `\`${b.pkg.name}\``).join(', '),
          target: graph.target,
          missing: build.map((c) => `${c.title.replace(/, for .*$/, '')}: ${c.found}`).join('; '),
        },
        fixes: fixesOf(build),
      });
    }
  },
};
