import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { IndexDirSource } from '../../src/registry/index-dir.js';
import { SparseSource } from '../../src/registry/sparse.js';
import { DirectorySource } from '../../src/registry/vendor.js';
import { CRATES_IO, FIXTURE_INDEX, project, server } from './setup.js';

const CRATES_IO_SPARSE = 'sparse+https://index.crates.io/';

describe('sourceFor', () => {
  it('reads crates.io from its sparse index, whichever way the lockfile names it', () => {
    const set = project().open();
    const source = set.sourceFor(CRATES_IO);
    expect(source).toBeInstanceOf(SparseSource);
    expect(source!.label).toBe(CRATES_IO_SPARSE);
    expect(set.sourceFor(CRATES_IO_SPARSE)).toBe(source);
  });

  it('returns null for sources without metadata', () => {
    const set = project().open();
    expect(set.sourceFor('git+https://github.com/foo/bar?rev=abc#0123456789abcdef')).toBeNull();
    expect(set.sourceFor('path+file:///somewhere')).toBeNull();
  });

  it('refuses a git index with a clear message', () => {
    const set = project().open();
    const err = (() => {
      try {
        set.sourceFor('registry+https://github.com/acme/index');
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.format()).toBe(
      'registry+https://github.com/acme/index: `https://github.com/acme/index` is a git index; cargo-preflight reads sparse indexes only (the protocol cargo uses by default since 1.70)\n' +
        '  help: if the registry also serves the sparse protocol, set its index to `sparse+https://…` in [registries] or [source], or pass --index',
    );
  });

  it('reads a named sparse registry, with its URL normalized', () => {
    const set = project().open();
    expect(set.sourceFor('sparse+https://Registry.Example/index')!.label).toBe('sparse+https://registry.example/index/');
  });
});

describe('--index', () => {
  it('replaces crates.io with a sparse URL', () => {
    const set = project().open({ index: 'https://mirror.example/crates' });
    expect(set.sourceFor(CRATES_IO)!.label).toBe('sparse+https://mirror.example/crates/');
    expect(set.sourceFor('sparse+https://other.example/')!.label).toBe('sparse+https://other.example/');
  });

  it('replaces crates.io with an index folder, relative to the working directory', async () => {
    const p = project();
    cpSync(FIXTURE_INDEX, join(p.cwd, 'my-index'), { recursive: true });
    const source = p.open({ index: 'my-index' }).sourceFor(CRATES_IO);
    expect(source).toBeInstanceOf(IndexDirSource);
    expect((await source!.getCrate('serde', new Set(['1.0.200'])))?.origin).toBe('index-dir');
  });

  it('wins over a [source] replacement of crates.io', () => {
    const p = project({ config: '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "vendor"\n' });
    expect(p.open({ index: 'https://mirror.example/' }).sourceFor(CRATES_IO)!.label).toBe('sparse+https://mirror.example/');
  });

  it('is refused for a git index or a missing folder', () => {
    const p = project();
    expect(() => p.open({ index: 'registry+https://github.com/acme/index' })).toThrow('is a git index');
    expect(() => p.open({ index: 'https://github.com/acme/index.git' })).toThrow('is a git index');
    expect(() => p.open({ index: 'no-such-folder' })).toThrow('--index no-such-folder: neither an http(s) URL nor an existing folder');
  });
});

describe('[source] replacement', () => {
  it('follows replace-with chains to a sparse mirror', async () => {
    const srv = await server();
    const p = project({
      config: [
        '[source.crates-io]',
        'replace-with = "corp"',
        '[source.corp]',
        'registry = "https://github.com/acme/corp-index"',
        'replace-with = "corp-sparse"',
        '[source.corp-sparse]',
        `registry = "sparse+${srv.url}"`,
      ].join('\n'),
    });
    const set = p.open();
    const source = set.sourceFor(CRATES_IO)!;
    expect(source.label).toBe(`sparse+${srv.url}`);
    // The git index that is itself replaced is fine too.
    expect(set.sourceFor('registry+https://github.com/acme/corp-index')).toBe(source);
    expect((await source.getCrate('serde'))?.versions).toHaveLength(3);
  });

  it('reads a local-registry from its index folder', async () => {
    const p = project({ config: '[source.crates-io]\nreplace-with = "local"\n[source.local]\nlocal-registry = "../local-reg"\n' });
    mkdirSync(join(p.dir, 'local-reg'));
    cpSync(FIXTURE_INDEX, join(p.dir, 'local-reg', 'index'), { recursive: true });
    const source = p.open().sourceFor(CRATES_IO)!;
    expect(source.label).toBe(`local registry \`${join(p.dir, 'local-reg')}\``);
    expect((await source.getCrate('libc'))?.versions.map((v) => v.vers)).toEqual(['0.2.150', '0.2.155']);
  });

  it('reads cargo vendor directories, for crates.io and for git sources', () => {
    const p = project({
      config: [
        '[source.crates-io]',
        'replace-with = "vendored-sources"',
        '[source."git+https://github.com/foo/bar?rev=abc"]',
        'git = "https://github.com/foo/bar"',
        'rev = "abc"',
        'replace-with = "vendored-sources"',
        '[source.vendored-sources]',
        'directory = "vendor"',
      ].join('\n'),
    });
    const set = p.open();
    const vendored = set.sourceFor(CRATES_IO);
    expect(vendored).toBeInstanceOf(DirectorySource);
    expect((vendored as DirectorySource).dir).toBe(join(p.cwd, 'vendor'));
    expect(set.sourceFor('git+https://github.com/foo/bar.git?rev=abc#0123456789abcdef')).toBe(vendored);
    expect(set.sourceFor('git+https://github.com/foo/bar?rev=other#0123456789abcdef')).toBeNull();
    expect(set.sourceFor('git+https://github.com/foo/bar#0123456789abcdef')).toBeNull();
  });

  it('may name a [registries] entry', () => {
    const p = project({
      config: '[source.crates-io]\nreplace-with = "corp"\n[registries.corp]\nindex = "sparse+https://corp.example/index/"\n',
    });
    expect(p.open().sourceFor(CRATES_IO)!.label).toBe('sparse+https://corp.example/index/');
  });

  it('reports cycles and undefined names, at the key in the file', () => {
    const cyclic = project({ config: '[source.crates-io]\nreplace-with = "a"\n[source.a]\nregistry = "sparse+https://a.example/"\nreplace-with = "crates-io"\n' });
    expect(() => cyclic.open().sourceFor(CRATES_IO)).toThrow('source replacement forms a cycle: crates-io -> a -> crates-io');
    const dangling = project({ config: '[source.crates-io]\nreplace-with = "nowhere"\n' });
    const err = (() => {
      try {
        dangling.open().sourceFor(CRATES_IO);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err?.message).toContain('`replace-with = "nowhere"` names a source that is defined neither in [source]');
    expect(err?.location).toEqual({ path: join(dangling.cwd, '.cargo', 'config.toml'), line: 2, column: 1 });
    // The cycle at the `replace-with` that closes it.
    const cycle = (() => {
      try {
        cyclic.open().sourceFor(CRATES_IO);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(cycle?.location).toEqual({ path: join(cyclic.cwd, '.cargo', 'config.toml'), line: 5, column: 1 });
  });

  it('a name whose [source] table defines no source: the error at the `replace-with` that names it', () => {
    const p = project({ config: '[source.crates-io]\nreplace-with = "mid"\n\n[source.mid]\nreplace-with = "elsewhere"\n' });
    const err = (() => {
      try {
        p.open().sourceFor(CRATES_IO);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err?.message).toContain('`replace-with = "mid"` names a source that is defined neither in [source]');
    expect(err?.location).toEqual({ path: join(p.cwd, '.cargo', 'config.toml'), line: 2, column: 1 });
  });

  it('refuses a git index at the end of a chain', () => {
    const p = project({ config: '[source.crates-io]\nreplace-with = "corp"\n[source.corp]\nregistry = "https://github.com/acme/corp-index"\n' });
    expect(() => p.open().sourceFor(CRATES_IO)).toThrow('`https://github.com/acme/corp-index` is a git index');
  });
});

describe('cargo configuration', () => {
  it('takes net.offline into account', () => {
    expect(project({ config: '[net]\noffline = true\n' }).open().offline).toBe(true);
    expect(project().open().offline).toBe(false);
  });

  it('applies net.retry', async () => {
    const srv = await server();
    srv.fault('se/rd/serde', { kind: 'status', status: 500 });
    const p = project({ config: '[net]\nretry = 1\n' });
    const source = p.open({ index: srv.url, network: { baseDelayMs: 1, maxDelayMs: 1 } }).sourceFor(CRATES_IO)!;
    await expect(source.getCrate('serde')).rejects.toThrow('HTTP 500 (2 attempts)');
  });
});
