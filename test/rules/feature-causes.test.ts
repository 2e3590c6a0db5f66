/**
 * Which feature turns a crate on, checked against real cargo: the causes the
 * resolver records for features a dependent asks through its own features
 * (`dep/feat`, a deferred `dep?/feat`), the feature an optional edge names
 * (the one a user would turn off, not an implicit or private feature under it),
 * and what the rules say pulls a crate in. Cargo is the oracle twice: the
 * graphs are equal, and leaving the named feature out really drops the crate.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CargoConfig, cargoHome } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget } from '../../src/resolve/index.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import { treeLines } from '../../src/resolve/display.js';
import type { TargetGraph } from '../../src/resolve/types.js';
import { pulledBy, describePulledBy } from '../../src/rules/facts.js';
import { VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';
import { cli } from '../check/cli.js';

const MUSL = 'x86_64-unknown-linux-musl';

function project(appDeps: string): string {
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${appDeps}`,
    'src/lib.rs': '',
    // flate2's shape: `zlib` turns the backend on through the implicit feature `zsys`.
    ...vendoredCrate(
      'flate',
      '1.0.0',
      `[dependencies]\nzsys = { version = "1", optional = true, default-features = false }\nminiz = { version = "1", optional = true }\n\n[features]\ndefault = ["rust_backend"]\nany_impl = []\nany_zlib = ["any_impl"]\nzlib = ["any_zlib", "zsys"]\nzlib-ng-compat = ["zlib", "zsys/ng"]\nrust_backend = ["miniz", "any_impl"]\n`,
    ),
    ...vendoredCrate('zsys', '1.1.0', `[features]\ndefault = []\nng = ["static"]\nstatic = []\nstd = []\n`),
    ...vendoredCrate('miniz', '1.0.0'),
    // sqlx's shape: a feature of the direct dependency forwards to a differently named feature of its core,
    // which turns a TLS crate on through a private feature; a weak `serde?/std` waits for serde.
    ...vendoredCrate(
      'db',
      '0.7.0',
      `[dependencies]\ndb-core = { version = "0.7" }\n\n[features]\ndefault = []\ntls-native = ["db-core/runtime-native"]\njson = ["db-core/json"]\nserde = ["db-core/serde"]\n`,
    ),
    ...vendoredCrate(
      'db-core',
      '0.7.0',
      `[dependencies]\nnative-tls = { version = "0.2", optional = true }\nserde = { version = "1", optional = true, package = "zsys" }\n\n[features]\nruntime-native = ["_tls-native"]\n_tls-native = ["dep:native-tls"]\njson = ["serde?/std"]\nserde = ["dep:serde"]\n`,
    ),
    ...vendoredCrate('native-tls', '0.2.11'),
  });
}

async function graphOf(dir: string): Promise<TargetGraph> {
  const config = CargoConfig.load(dir, process.env);
  const sources = openSources({ cwd: dir, config, env: process.env, offline: true, quiet: true });
  try {
    return resolveTarget(await loadProject(dir, undefined, sources.sourceFor, {}, { procMacroHints: builtInProcMacroHints(), cargoHome: cargoHome(process.env) }), MUSL).graph;
  } finally {
    await sources.close();
  }
}

const key = (g: TargetGraph, name: string) => [...g.packages.values()].find((p) => p.name === name)!.key;
const edge = (g: TargetGraph, from: string, to: string) => g.edges.get(key(g, from))!.find((e) => g.packages.get(e.to)!.name === to)!;

/** Cargo's packages after replacing `what` by `by` in the member's manifest (cargo may trim Cargo.lock: both are put back). */
function cargoLinesWith(dir: string, what: string, by: string): string[] {
  const path = join(dir, 'Cargo.toml');
  const lock = join(dir, 'Cargo.lock');
  const [before, lockBefore] = [readFileSync(path, 'utf8'), readFileSync(lock, 'utf8')];
  expect(before).toContain(what);
  writeFileSync(path, before.replace(what, by));
  try {
    const out = execFileSync('cargo', ['tree', '--offline', '--target', MUSL, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return [...new Set(out.split('\n').filter(Boolean))];
  } finally {
    writeFileSync(path, before);
    writeFileSync(lock, lockBefore);
  }
}

describe.skipIf(!cargoAvailable())('feature causes against cargo', () => {
  const DEPS = 'flate = { version = "1", features = ["zlib-ng-compat"] }\ndb = { version = "0.7", features = ["tls-native", "json", "serde"] }\n';
  const dir = project(DEPS);
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'pipe' });

  it('resolves as cargo does', async () => {
    expect(treeLines((await graphOf(dir)).packages.values())).toEqual(cargoTreeLines(dir, MUSL));
  });

  it('a dep/feat from a parent feature is caused by that feature, in every route', async () => {
    const g = await graphOf(dir);
    const db = key(g, 'db');
    const core = g.featureCauses.get(key(g, 'db-core'))!;
    // `dep/feat` in a feature of the parent.
    expect(core.get('runtime-native')).toEqual({ kind: 'dependency', from: db, depName: 'db-core', viaFeature: 'tls-native' });
    expect(core.get('json')).toEqual({ kind: 'dependency', from: db, depName: 'db-core', viaFeature: 'json' });
    // The declaration's own ask (its defaults) has no feature behind it.
    expect(g.featureCauses.get(key(g, 'flate'))!.get('zlib-ng-compat')).toEqual({ kind: 'dependency', from: key(g, 'app'), depName: 'flate' });
    // `dep/feat` on an optional dependency, and a deferred weak `dep?/feat`: the feature that asked.
    expect(g.featureCauses.get(key(g, 'zsys'))!.get('ng')).toEqual({ kind: 'dependency', from: key(g, 'flate'), depName: 'zsys', viaFeature: 'zlib-ng-compat' });
    const serde = [...g.packages.values()].find((p) => p.name === 'zsys' && g.featureCauses.get(p.key)?.has('std'));
    expect(serde && g.featureCauses.get(serde.key)!.get('std')).toEqual({ kind: 'dependency', from: key(g, 'db-core'), depName: 'serde', viaFeature: 'json' });
    // `dep:x` from a feature: the defaults of the declaration it turns on come through that feature.
    expect(g.featureCauses.get(key(g, 'zsys'))!.get('default')).toEqual({ kind: 'dependency', from: key(g, 'db-core'), depName: 'serde', viaFeature: 'serde' });
  });

  it('an optional edge names the feature a user turns off; leaving it out drops the crate in cargo', async () => {
    const g = await graphOf(dir);
    expect(edge(g, 'flate', 'zsys').activatedBy).toEqual(['zlib-ng-compat']);
    expect(edge(g, 'flate', 'miniz').activatedBy).toEqual(['rust_backend']);
    expect(edge(g, 'db-core', 'native-tls').activatedBy).toEqual(['runtime-native']);
    // The weak `serde?/std` of `json` does not turn serde on.
    expect(edge(g, 'db-core', 'zsys').activatedBy).toEqual(['serde']);

    expect(cargoTreeLines(dir, MUSL).some((l) => l.startsWith('native-tls '))).toBe(true);
    expect(cargoLinesWith(dir, '"tls-native", ', '').some((l) => l.startsWith('native-tls '))).toBe(false);
    const noZlib = cargoLinesWith(dir, 'features = ["zlib-ng-compat"]', 'features = []');
    expect(noZlib.filter((l) => l.startsWith('zsys ')).length).toBe(1); // only db-core's `serde` is left
    expect(cargoLinesWith(dir, 'features = ["zlib-ng-compat"]', 'default-features = false, features = ["zlib-ng-compat"]').some((l) => l.startsWith('miniz '))).toBe(false);
  });

  it("the rules name the direct dependency's feature, through a differently named forwarding feature", async () => {
    const g = await graphOf(dir);
    const ways = pulledBy(g, key(g, 'native-tls'));
    expect(ways.map(describePulledBy)).toEqual(['feature `tls-native` of `db`, asked for in its declaration']);
  });

  it('a member feature forwarding to its dependency is not taken for the declaration', async () => {
    const fwd = project('db = { version = "0.7" }\n\n[features]\ndefault = ["tls"]\ntls = ["db/tls-native"]\n');
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: fwd, stdio: 'pipe' });
    const g = await graphOf(fwd);
    expect(treeLines(g.packages.values())).toEqual(cargoTreeLines(fwd, MUSL));
    expect(g.featureCauses.get(key(g, 'db'))!.get('tls-native')).toEqual({ kind: 'dependency', from: key(g, 'app'), depName: 'db', viaFeature: 'tls' });
    expect(pulledBy(g, key(g, 'native-tls')).map(describePulledBy)).toEqual(['feature `tls-native` of `db`']);
  });

  it('why names the same features', async () => {
    const r = await cli(['why', 'native-tls', '--offline', '--quiet', '--target', MUSL], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('db-core v0.7.0 [optional, enabled by feature "runtime-native" ← db v0.7.0 "tls-native" ← app v0.1.0 (its dependency `db`); features "default"]');
    const json = JSON.parse((await cli(['why', 'miniz', '--offline', '--quiet', '--format', 'json', '--target', MUSL], { cwd: dir })).stdout);
    expect(json.packages[0].paths[0].at(-1).activatedBy).toEqual(['rust_backend']);
  });
});
