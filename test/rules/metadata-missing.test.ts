import { describe, expect, it } from 'vitest';
import { metadataMissing, missingCause } from '../../src/rules/metadata-missing.js';
import { graphOf, ruleTester } from './harness.js';

const OFFLINE = 'no local cache holds its index entry, and the network is off (offline mode)';

const web = (unresolved: Record<string, string> = {}, target?: string) =>
  graphOf({
    ...(target ? { target } : {}),
    packages: [
      { name: 'reqwest', version: '0.12.4', features: ['default-tls'] },
      { name: 'hyper', version: '1.3.1' },
      { name: 'serde', version: '1.0.200' },
    ],
    edges: [
      { from: 'app', to: 'reqwest' },
      { from: 'reqwest', to: 'hyper' },
      { from: 'app', to: 'serde' },
    ],
    unresolved,
  });

ruleTester(metadataMissing, {
  valid: [
    { name: 'every crate read', graph: web() },
    { name: 'a workspace member is never reported (its manifest is read, not its metadata)', graph: graphOf({ packages: [], edges: [], unresolved: { app: 'path package not reachable from the workspace members' } }) },
  ],
  invalid: [
    {
      name: 'offline with an empty cache: each unread crate, at its declaration',
      graph: web({ reqwest: OFFLINE, serde: OFFLINE }),
      findings: [
        {
          crate: 'reqwest',
          messageId: 'unreadable',
          data: { crate: 'reqwest', version: '0.12.4', cause: 'offline and not cached' },
          detailId: 'resolverReason',
          fixes: ['without `--offline`', '`cargo fetch`'], direct: 'reqwest@7', strategies: ['environment', 'environment'],
        },
        { crate: 'serde', messageId: 'unreadable', data: { crate: 'serde', version: '1.0.200', cause: 'offline and not cached' }, direct: 'serde@8' },
      ],
    },
    {
      name: 'a crate below a direct dependency: the path and the direct dependency that brings it',
      graph: web({ hyper: 'not in sparse+https://index.crates.io/' }),
      findings: [{ crate: 'hyper', messageId: 'unreadable', data: { crate: 'hyper', version: '1.3.1', cause: 'not in the index (404/410)' }, paths: ['app > reqwest > hyper'], direct: 'reqwest@7', fixes: ['private registry', '`cargo update -p'] }],
    },
    {
      name: 'a git dependency without vendored sources',
      graph: web({ reqwest: 'git dependency without vendored sources' }),
      findings: [
        {
          crate: 'reqwest',
          messageId: 'unreadable',
          data: { crate: 'reqwest', version: '0.12.4', cause: 'git source not vendored' },
          detailData: { reason: 'Git dependency without vendored sources' },
          fixes: ['`cargo vendor`'],
        },
      ],
    },
    {
      name: 'reported on every target (one finding per crate, version and target)',
      graph: web({ serde: OFFLINE }, 'aarch64-unknown-linux-musl'),
      findings: [{ crate: 'serde', messageId: 'unreadable' }],
    },
  ],
});

describe('missingCause', () => {
  it('names the cause and the remedy for each reason the resolver gives', () => {
    const kind = (reason: string, source: string | null = 'registry+https://github.com/rust-lang/crates.io-index') => missingCause(reason, source);
    expect(kind(OFFLINE)).toMatchObject({ kind: 'offline', what: 'offline and not cached' });
    expect(kind('git dependency without vendored sources', 'git+https://example.com/x#0123')).toMatchObject({ kind: 'git', what: 'git source not vendored' });
    expect(kind('not in directory source `/w/vendor`')).toMatchObject({ kind: 'vendor', what: 'missing from the vendor directory' });
    expect(kind('version 1.2.3 is not in directory source `/w/vendor`')).toMatchObject({ kind: 'version', what: 'this version is not vendored' });
    expect(kind('version 1.2.3 is not in sparse+https://index.crates.io/')).toMatchObject({ kind: 'version', what: 'this version is not in the index' });
    expect(kind('not in sparse+https://index.crates.io/')).toMatchObject({ kind: 'index', what: 'not in the index (404/410)' });
    expect(kind('not in index folder `/idx`')).toMatchObject({ kind: 'index' });
    expect(kind('no source for `registry+https://corp.example/index`')).toMatchObject({ kind: 'source' });
    expect(kind('something new').fixes.length).toBeGreaterThan(0);
    for (const r of [OFFLINE, 'git dependency without vendored sources', 'not in sparse+https://index.crates.io/']) {
      expect(kind(r).fixes.every((f) => f.strategy === 'environment')).toBe(true);
    }
  });
});
