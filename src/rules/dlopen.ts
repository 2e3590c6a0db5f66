/**
 * `dlopen`: crates that load shared libraries at run time (the knowledge
 * base's `dlopen` crates, knowledge-base/crates/dlopen.toml). A static musl
 * binary has no dynamic loader: `dlopen` fails there, whatever is installed.
 */
import { RULE_DOCS } from './facts.js';
import type { GraphPackage } from '../resolve/types.js';
import type { Rule } from './types.js';

/** Target families where a static binary cannot dlopen. */
function staticByDefault(target: string): boolean {
  return target.includes('-musl');
}

export const dlopen: Rule = {
  meta: {
    id: 'dlopen',
    defaultSeverity: 'warning',
    description: 'A crate loads shared libraries at run time, which a static musl binary cannot',
    details:
      'A fully static musl binary has no dynamic loader: dlopen() returns an error for every library. ' +
      'Crates built on libloading or dlopen (Vulkan and EGL loaders, plugin systems, optional system libraries) compile and link fine ' +
      'but fail at run time. Turn off the feature that loads libraries, or ship a dynamically linked build for that part.',
    docs: `${RULE_DOCS}#dlopen`,
    messages: {
      loadsLibraries: '`{{crate}} v{{version}}` {{what}}; in a static {{target}} binary dlopen always fails',
      loadsLibrariesWithFeature: '`{{crate}} v{{version}}` {{what}} (feature `{{feature}}`); in a static {{target}} binary dlopen always fails',
      failsAtRunTime: 'The build succeeds; the failure comes at run time, when the library is loaded.',
    },
  },
  check({ graph, kb }, report) {
    if (!staticByDefault(graph.target)) return;
    for (const pkg of graph.packages.values() as Iterable<GraphPackage>) {
      const l = kb.loader(pkg.name);
      if (!l || pkg.isMember) continue;
      if (l.features && !l.features.some((f) => pkg.features.includes(f))) continue;
      const feature = l.features?.find((f) => pkg.features.includes(f));
      report({
        package: pkg,
        ...(feature
          ? { messageId: 'loadsLibrariesWithFeature', data: { crate: pkg.name, version: pkg.version, what: l.what, feature, target: graph.target } }
          : { messageId: 'loadsLibraries', data: { crate: pkg.name, version: pkg.version, what: l.what, target: graph.target } }),
        detail: { messageId: 'failsAtRunTime' },
        fixes: [
          { strategy: 'disable', crate: pkg.name, title: `turn off the feature that brings \`${pkg.name}\` in, or load nothing at run time in the static build` },
          { strategy: 'environment', title: 'or build this binary for a -gnu target (dynamically linked) instead' },
        ],
      });
    }
  },
};
