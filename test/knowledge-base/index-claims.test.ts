/**
 * Every feature name, default-feature list, `links` value and version bound in
 * the knowledge base, checked against index lines recorded from the real
 * crates.io index (test/fixtures/crates-index, same layout as the index).
 *
 * A claim over a range must hold for every recorded version in the range, and
 * at least one recorded version must be in it (no claim goes unchecked).
 * A static option's feature is not claimed for a range (whether a release has
 * it is read from its index line): the newest checked release in the option's
 * range (all of them when it has none) declares it, and `enables` holds in
 * every recorded release that declares it. `until`/`last-with` name versions
 * that are recorded: the feature is present in `last-with` and absent in `until`.
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { compileKnowledgeBase } from '../../src/knowledge/compile.js';
import { crateAt } from '../../src/knowledge/lookup.js';
import type { CrateSpec, KnowledgeBaseEntry } from '../../src/knowledge/types.js';
import { versionIn } from '../../src/knowledge/versions.js';
import type { IndexVersion } from '../../src/registry/types.js';
import { defaultFeatures, featureNames, recorded, resolvedValues, sourceFiles } from './helpers.js';

const { entries } = compileKnowledgeBase(sourceFiles());
const ids = new Set(entries.map((e) => e.id));

function lines(crate: string): IndexVersion[] {
  const l = recorded(crate);
  if (!l) throw new Error(`no index lines recorded for ${crate} (test/fixtures/crates-index)`);
  return l;
}

function line(crate: string, version: string): IndexVersion {
  const l = lines(crate).find((v) => v.vers === version);
  if (!l) throw new Error(`${crate} ${version} is not recorded`);
  return l;
}

/** Recorded versions in a range; fails when none is (the claim would go unchecked). */
function inRange(crate: string, range: string, what: string): IndexVersion[] {
  const l = lines(crate).filter((v) => versionIn(v.vers, range));
  if (l.length === 0) throw new Error(`${crate}: no recorded version in ${range} (${what})`);
  return l;
}

function expectFeature(v: IndexVersion, feature: string, where: string): void {
  expect(featureNames(v).has(feature), `${where}: ${v.name} ${v.vers} has no feature \`${feature}\``).toBe(true);
}

const sortedSet = (xs: Iterable<string>) => [...new Set(xs)].sort();

function checkCrate(entry: KnowledgeBaseEntry, c: CrateSpec): void {
  const where = `${entry.id}/${c.name}`;
  const all = lines(c.name);

  // The versions the crate says it was checked against are the recorded ones.
  expect(c.checkedAgainst.length, `${where}: checked-against is empty`).toBeGreaterThan(0);
  for (const v of c.checkedAgainst) line(c.name, v);

  // links, at each recorded release (a `when` variant can give some releases another value: ring 0.16)
  const newest = [...all].sort((a, b) => semver.compare(a.vers, b.vers))[all.length - 1]!;
  const claimsLinks = (x: CrateSpec) => x.links !== undefined || x.linksPrefix !== undefined;
  if (claimsLinks(crateAt(c, newest.vers))) expect(newest.links, `${where}: newest recorded ${newest.vers} has no links`).toBeTruthy();
  for (const v of all) {
    const at = crateAt(c, v.vers);
    if (claimsLinks(at)) {
      if (v.links === null) continue;
      if (at.links !== undefined) expect(v.links, `${where} ${v.vers} links`).toBe(at.links);
      else expect(v.links.startsWith(at.linksPrefix!), `${where} ${v.vers}: links ${v.links} does not start with ${at.linksPrefix}`).toBe(true);
    } else if (c.role !== 'wrapper') {
      expect(v.links, `${where} ${v.vers} has a links key the entry does not declare`).toBeNull();
    }
  }
  // A variant's `links` is checked above: its range must hold a recorded release. (What a build script does
  // without a static option, or needs, is read from the script, which the index does not show.)
  for (const w of c.variants) if (w.versions !== undefined && (w.links ?? w.linksPrefix) !== undefined) inRange(c.name, w.versions, `${where} when`);

  for (const o of c.staticOptions) {
    if (o.kind !== 'feature') continue; // environment variables are read by build scripts: not in the index
    const w = `${where} static option ${o.feature}${o.versions ? ` (${o.versions})` : ''}`;
    const range = o.versions;
    const checked = c.checkedAgainst.filter((v) => !range || versionIn(v, range)).sort(semver.compare);
    const newestChecked = checked[checked.length - 1];
    if (!newestChecked) throw new Error(`${w}: no checked release in its range`);
    expectFeature(line(c.name, newestChecked), o.feature, `${w} newest checked`);
    for (const v of all) {
      if ((range && !versionIn(v.vers, range)) || !featureNames(v).has(o.feature)) continue;
      for (const e of o.enables) {
        expect(resolvedValues(v, o.feature), `${w}: ${v.vers} \`${o.feature}\` does not enable ${e}`).toContain(e);
      }
    }
    if (o.until) {
      expect(featureNames(line(c.name, o.until)).has(o.feature), `${w}: ${o.until} (until) still has it`).toBe(false);
      expectFeature(line(c.name, o.lastWith!), o.feature, `${w} last-with`);
    }
  }

  for (const d of c.dynamicOptions) {
    for (const v of inRange(c.name, d.versions, `${where} dynamic option ${d.feature}`)) expectFeature(v, d.feature, `${where} dynamic option`);
  }

  for (const n of c.nativeFeatures) {
    for (const v of inRange(c.name, n.versions, `${where} native features`)) {
      for (const f of n.features) expectFeature(v, f, `${where} native features`);
    }
  }

  for (const d of c.defaults) {
    for (const v of inRange(c.name, d.versions, `${where} defaults`)) {
      expect(sortedSet(defaultFeatures(v)), `${where}: features.default of ${v.vers}`).toEqual(sortedSet(d.features));
    }
  }

  for (const s of c.switches) {
    const w = `${where} switch to ${s.to} (${s.versions})`;
    expect(
      entry.alternatives.map((a) => a.id),
      w,
    ).toContain(s.to);
    for (const b of s.brings) expect(ids.has(b), `${w}: brings unknown entry ${b}`).toBe(true);
    for (const v of inRange(c.name, s.versions, w)) {
      for (const f of [...s.disable, ...s.enable, ...s.restore, ...Object.keys(s.replace), ...Object.values(s.replace)]) expectFeature(v, f, w);
      if (!s.defaultFeatures) {
        const dropped = new Set([...s.disable, ...Object.keys(s.replace)]);
        // A default that asks a feature of a dependency (mysql_async's `flate2/zlib`) is no feature to list again:
        // `default-features = false` is what drops it.
        const expected = defaultFeatures(v).filter((f) => !dropped.has(f) && !f.includes('/'));
        expect(sortedSet(s.restore), `${w}: restore must be ${v.vers}'s defaults minus the disabled ones`).toEqual(sortedSet(expected));
      }
    }
  }
}

describe('knowledge base claims against the recorded crates.io index', () => {
  for (const entry of entries) {
    describe(entry.id, () => {
      for (const c of entry.crates) it(c.name, () => checkCrate(entry, c));
      it('alternatives name known entries', () => {
        for (const a of entry.alternatives) for (const b of a.brings) expect(ids.has(b), `${entry.id}/${a.id} brings ${b}`).toBe(true);
      });
    });
  }
});

describe('facts recorded in the index', () => {
  it('native-tls links OpenSSL on every target but Windows and Apple', () => {
    const v = line('native-tls', '0.2.16');
    const target = v.deps.find((d) => d.name === 'openssl-sys')?.target;
    expect(target).toBe('cfg(not(any(target_os = "windows", target_vendor = "apple")))');
  });

  it('diesel 2.1.6 requires pq-sys and mysqlclient-sys releases without `bundled`', () => {
    const v = line('diesel', '2.1.6');
    const pq = v.deps.find((d) => d.name === 'pq-sys')!.req;
    const my = v.deps.find((d) => d.name === 'mysqlclient-sys')!.req;
    expect(pq).toBe('^0.4.0');
    expect(my).toBe('^0.2.5');
    expect(featureNames(v).has('bundled')).toBe(false);
    expect(featureNames(line('pq-sys', '0.4.8')).has('bundled')).toBe(false);
    expect(featureNames(line('mysqlclient-sys', '0.2.5')).has('bundled')).toBe(false);
  });

  it('zmq-sys `vendored` (before 0.12) takes zeromq-src 0.1, which builds with cmake; 0.12 always takes 0.2 (cc)', () => {
    // zeromq-src 0.1.7 to 0.1.10 list cmake as a required dependency in the crates.io index (ze/ro/zeromq-src), 0.2.x cc.
    const src = (v: string) => line('zmq-sys', v).deps.find((d) => d.name === 'zeromq-src')!;
    expect(src('0.11.0')).toMatchObject({ req: '^0.1.7', optional: true, kind: 'build' });
    expect(src('0.12.0')).toMatchObject({ req: '^0.2.1', optional: false, kind: 'build' });
    const zmq = entries.find((e) => e.id === 'zeromq')!;
    const vendored = zmq.crates.find((c) => c.name === 'zmq-sys')!.staticOptions.find((o) => o.kind === 'feature' && o.feature === 'vendored')!;
    expect(vendored.requires).toContain('cmake');
  });

  it('the newest recorded libz-sys and aws-lc-rs are yanked', () => {
    expect(line('libz-sys', '1.1.17').yanked).toBe(true);
    expect(line('libz-sys', '1.1.16').yanked).toBe(false);
    expect(line('aws-lc-rs', '1.12.3').yanked).toBe(true);
  });

  it('rustls 0.23 and its wrappers default to aws-lc-rs; reqwest, ureq 3, lettre and sqlx pick ring', () => {
    expect(defaultFeatures(line('rustls', '0.23.7'))).toContain('aws_lc_rs');
    expect(defaultFeatures(line('tokio-rustls', '0.26.0'))).toContain('aws_lc_rs');
    expect(defaultFeatures(line('hyper-rustls', '0.27.1'))).toContain('aws-lc-rs');
    expect(resolvedValues(line('ureq', '3.0.6'), '_ring')).toContain('rustls/ring');
    expect(line('lettre', '0.11.7').deps.find((d) => d.name === 'rustls')!.features).toContain('ring');
    expect(line('sqlx', '0.8.6').features['tls-rustls']).toEqual(['tls-rustls-ring']);
  });

  it('sqlx 0.9.0-alpha.1 drops the runtime-and-TLS features and adds sqlite-bundled', () => {
    const v08 = featureNames(line('sqlx', '0.8.6'));
    const v09 = featureNames(line('sqlx', '0.9.0-alpha.1'));
    expect(v08.has('runtime-tokio-native-tls')).toBe(true);
    expect(v09.has('runtime-tokio-native-tls')).toBe(false);
    expect(v09.has('runtime-tokio-rustls')).toBe(false);
    expect(v08.has('sqlite-bundled')).toBe(false);
    expect(v09.has('sqlite-bundled')).toBe(true);
  });

  it('onig_sys builds with cmake up to 68.0.1 and runs bindgen behind `generate` in 69.8.1', () => {
    const build = (v: string) => line('onig_sys', v).deps.filter((d) => d.kind === 'build');
    for (const v of ['65.0.1', '66.1.0', '68.0.1']) expect(build(v).find((d) => d.name === 'cmake')?.target, v).toBe('cfg(not(target_env = "msvc"))');
    expect(build('68.0.2').map((d) => d.name)).not.toContain('cmake');
    expect(build('69.8.1').find((d) => d.name === 'bindgen')?.optional).toBe(true);
    expect(line('onig_sys', '69.8.1').features.generate).toEqual(['bindgen']);
    expect(defaultFeatures(line('onig_sys', '69.8.1'))).toEqual(['generate']);
  });

  it('libudev-sys, brotli-sys and pcre2-sys carry no links key', () => {
    for (const c of ['libudev-sys', 'brotli-sys', 'pcre2-sys']) for (const v of lines(c)) expect(v.links).toBeNull();
  });
});

describe('the checks catch wrong claims', () => {
  const openssl = entries.find((e) => e.id === 'openssl')!;
  const spec = (name: string) => structuredClone(openssl.crates.find((c) => c.name === name)!);
  const fails = (c: CrateSpec) => expect(() => checkCrate(openssl, c)).toThrow();

  it('accepts the real claims', () => {
    expect(() => checkCrate(openssl, spec('openssl-sys'))).not.toThrow();
  });

  it('a misspelt feature', () => {
    const c = spec('openssl-sys');
    const o = c.staticOptions[0]!;
    if (o.kind === 'feature') o.feature = 'vendor';
    fails(c);
  });

  it('a range whose newest checked release lacks the feature', () => {
    const c = spec('native-tls');
    c.staticOptions[0]!.versions = '<0.2.1';
    fails(c);
  });

  it('a range that reaches a release without the feature is no claim that it has it', () => {
    const c = spec('openssl-sys');
    c.staticOptions[0]!.versions = '>=0.9.30, <0.10.0-0';
    expect(() => checkCrate(openssl, c)).not.toThrow();
  });

  it('a range with no recorded version', () => {
    const c = spec('openssl-sys');
    c.staticOptions[0]!.versions = '>=0.8.0, <0.9.0-0';
    fails(c);
  });

  it('wrong defaults', () => {
    const c = spec('reqwest');
    c.defaults[0]!.features = ['rustls-tls'];
    fails(c);
  });

  it('a restore list that forgets a default', () => {
    const c = spec('reqwest');
    c.switches[0]!.restore = ['charset', 'http2'];
    fails(c);
  });

  it('a wrong `enables`', () => {
    const c = spec('openssl');
    const o = c.staticOptions[0]!;
    if (o.kind === 'feature') o.enables = ['openssl-src/vendored'];
    fails(c);
  });

  it('a wrong links value', () => {
    const c = spec('openssl-sys');
    c.links = 'ssl';
    fails(c);
  });

  it('a version that is not recorded', () => {
    const c = spec('openssl-sys');
    c.checkedAgainst = [...c.checkedAgainst, '0.9.200'];
    fails(c);
  });
});
