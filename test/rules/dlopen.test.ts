import { dlopen } from '../../src/rules/dlopen.js';
import { graphOf, ruleTester } from './harness.js';

const via = (crate: string, version: string, features: string[] = [], target?: string) =>
  graphOf({
    ...(target ? { target } : {}),
    packages: [
      { name: 'gfx', version: '0.4.0', features: ['vulkan'] },
      { name: crate, version, features },
    ],
    edges: [
      { from: 'app', to: 'gfx' },
      { from: 'gfx', to: crate, via: ['vulkan'] },
    ],
  });

ruleTester(dlopen, {
  valid: [
    { name: 'ash linked, not loaded (no `loaded` feature)', graph: via('ash', '0.38.0', ['debug', 'linked', 'std']) },
    { name: 'libloading on a -gnu target, where dlopen works', graph: via('libloading', '0.8.3', [], 'x86_64-unknown-linux-gnu') },
    { name: 'nothing that loads libraries', graph: via('serde', '1.0.200') },
  ],
  invalid: [
    {
      name: 'libloading in a musl build',
      graph: via('libloading', '0.8.3'),
      findings: [
        {
          crate: 'libloading',
          messageId: 'loadsLibraries',
          data: { crate: 'libloading', version: '0.8.3', what: 'a dlopen wrapper', target: 'x86_64-unknown-linux-musl' },
          detailId: 'failsAtRunTime',
          paths: ['app > gfx > libloading [vulkan]'],
          strategies: ['disable', 'environment'],
        },
      ],
    },
    {
      name: 'ash with `loaded` opens the Vulkan loader',
      graph: via('ash', '0.38.0', ['debug', 'loaded', 'std']),
      findings: [
        {
          crate: 'ash',
          messageId: 'loadsLibrariesWithFeature',
          data: { crate: 'ash', version: '0.38.0', what: 'opens the Vulkan loader with dlopen', feature: 'loaded', target: 'x86_64-unknown-linux-musl' },
        },
      ],
    },
  ],
});
