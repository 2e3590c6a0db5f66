import { describe, expect, it } from 'vitest';
import { metadataMissing, missingCause } from '../../src/rules/metadata-missing.js';
import { NotCachedError } from '../../src/registry/types.js';
import { unresolvedText } from '../../src/resolve/packages.js';
import type { UnresolvedCause } from '../../src/resolve/types.js';
import { graphOf, ruleTester } from './harness.js';

const OFFLINE: UnresolvedCause = { kind: 'offline' };
const INDEX = 'sparse+https://index.crates.io/';

const web = (unresolved: Record<string, UnresolvedCause> = {}, target?: string) =>
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
    { name: 'a workspace member is never reported (its manifest is read, not its metadata)', graph: graphOf({ packages: [], edges: [], unresolved: { app: { kind: 'path' } } }) },
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
          fixes: ['without `--offline`', '`cargo fetch`'],
          direct: 'reqwest@7',
          strategies: ['environment', 'environment'],
        },
        { crate: 'serde', messageId: 'unreadable', data: { crate: 'serde', version: '1.0.200', cause: 'offline and not cached' }, direct: 'serde@8' },
      ],
    },
    {
      name: 'a crate below a direct dependency: the path and the direct dependency that brings it',
      graph: web({ hyper: { kind: 'not-in-source', source: INDEX, vendored: false } }),
      findings: [
        {
          crate: 'hyper',
          messageId: 'unreadable',
          data: { crate: 'hyper', version: '1.3.1', cause: 'not in the index (404/410)' },
          paths: ['app > reqwest > hyper'],
          direct: 'reqwest@7',
          fixes: ['private registry', '`cargo update -p'],
        },
      ],
    },
    {
      name: 'a git dependency without vendored sources',
      graph: web({ reqwest: { kind: 'git' } }),
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
  it('names the cause and the remedy for each cause the resolver gives', () => {
    const kind = (cause: UnresolvedCause, source: string | null = 'registry+https://github.com/rust-lang/crates.io-index') => missingCause(cause, source);
    const vendor = 'directory source `/w/vendor`';
    expect(kind(OFFLINE)).toMatchObject({ kind: 'offline', what: 'offline and not cached' });
    expect(kind({ kind: 'git' }, 'git+https://example.com/x#0123')).toMatchObject({ kind: 'git', what: 'git source not vendored' });
    // A git source the vendor directory lacks is still a git source to vendor.
    expect(kind({ kind: 'not-in-source', source: vendor, vendored: true }, 'git+https://example.com/x#0123')).toMatchObject({ kind: 'git' });
    expect(kind({ kind: 'not-in-source', source: vendor, vendored: true })).toMatchObject({ kind: 'vendor', what: 'missing from the vendor directory' });
    expect(kind({ kind: 'not-in-source', source: vendor, vendored: true, version: '1.2.3' })).toMatchObject({ kind: 'version', what: 'this version is not vendored' });
    expect(kind({ kind: 'not-in-source', source: INDEX, vendored: false, version: '1.2.3' })).toMatchObject({ kind: 'version', what: 'this version is not in the index' });
    expect(kind({ kind: 'not-in-source', source: INDEX, vendored: false })).toMatchObject({ kind: 'index', what: 'not in the index (404/410)' });
    expect(kind({ kind: 'not-in-source', source: 'index folder `/idx`', vendored: false })).toMatchObject({ kind: 'index' });
    expect(kind({ kind: 'no-source', source: 'registry+https://corp.example/index' })).toMatchObject({ kind: 'source' });
    expect(kind({ kind: 'path' })).toMatchObject({ kind: 'other' });
    expect(kind({ kind: 'path' }).fixes.length).toBeGreaterThan(0);
    for (const c of [OFFLINE, { kind: 'git' } as const, { kind: 'not-in-source', source: INDEX, vendored: false } as const]) {
      expect(kind(c).fixes.every((f) => f.strategy === 'environment')).toBe(true);
    }
  });

  it('the words of each cause are those the resolver always gave', () => {
    expect(unresolvedText(OFFLINE)).toBe(new NotCachedError('x', 'x').reason);
    expect(unresolvedText({ kind: 'git' })).toBe('git dependency without vendored sources');
    expect(unresolvedText({ kind: 'no-source', source: 'registry+https://corp.example/index' })).toBe('no source for `registry+https://corp.example/index`');
    expect(unresolvedText({ kind: 'not-in-source', source: 'directory source `/w/vendor`', vendored: true, version: '1.2.3' })).toBe('version 1.2.3 is not in directory source `/w/vendor`');
    expect(unresolvedText({ kind: 'not-in-source', source: INDEX, vendored: false })).toBe('not in sparse+https://index.crates.io/');
    expect(unresolvedText({ kind: 'path' })).toBe('path package not reachable from the workspace members');
  });
});
