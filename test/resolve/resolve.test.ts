import { describe, expect, it } from 'vitest';
import { CargoConfig, cargoHome } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget, type Selection } from '../../src/resolve/index.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import { treeLines } from '../../src/resolve/display.js';
import { lockEntry, VENDOR_CONFIG, vendoredCrate, writeProject } from '../helpers/project.js';
import { cargoAvailable, cargoTreeLines } from '../helpers/realworld.js';

/**
 * A project exercising the feature rules cargo applies: defaults, `dep:`,
 * weak `?/`, `dep/feat`, renames, build dependencies and proc-macros as host
 * units, target-specific dependencies.
 */
function featureProject(resolver: '1' | '2'): string {
  const lock = [
    'version = 3\n',
    lockEntry('app', '0.1.0', ['builder', 'common', 'derive-it', 'tls', 'winonly', 'serde-lite'], true),
    lockEntry('builder', '1.0.0', ['common']),
    lockEntry('common', '1.0.0'),
    lockEntry('derive-it', '1.0.0', ['syn-lite']),
    lockEntry('openssl-lite', '1.0.0'),
    lockEntry('rustls-lite', '1.0.0'),
    lockEntry('serde-lite', '1.0.0'),
    lockEntry('syn-lite', '1.0.0'),
    lockEntry('tls', '1.0.0', ['openssl-lite', 'rustls-lite', 'serde-lite']),
    lockEntry('winonly', '1.0.0'),
  ].join('\n');
  return writeProject({
    ...VENDOR_CONFIG,
    'Cargo.toml': `[package]
name = "app"
version = "0.1.0"
edition = "2018"
resolver = "${resolver}"

[dependencies]
common = "1"
tls = { version = "1", features = ["serde"] }
sl = { package = "serde-lite", version = "1" }
derive-it = "1"

[build-dependencies]
builder = "1"

[features]
tls-rustls = ["tls/rustls"]

[target.'cfg(windows)'.dependencies]
winonly = "1"
`,
    'src/main.rs': '',
    'Cargo.lock': lock,
    ...vendoredCrate('builder', '1.0.0', '[dependencies.common]\nversion = "1"\nfeatures = ["extra"]\n'),
    ...vendoredCrate('common', '1.0.0', '[features]\nextra = []\nbase = []\ndefault = ["base"]\n'),
    ...vendoredCrate('derive-it', '1.0.0', '[lib]\nproc-macro = true\n[dependencies.syn-lite]\nversion = "1"\n'),
    ...vendoredCrate('openssl-lite', '1.0.0', 'links = "ssl"\n'),
    ...vendoredCrate('rustls-lite', '1.0.0'),
    ...vendoredCrate('serde-lite', '1.0.0', '[features]\nstd = []\nderive = []\n'),
    ...vendoredCrate('syn-lite', '1.0.0'),
    ...vendoredCrate(
      'tls',
      '1.0.0',
      `[dependencies.openssl-lite]
version = "1"
optional = true

[dependencies.rustls-lite]
version = "1"
optional = true

[dependencies.serde-lite]
version = "1"
optional = true

[features]
default = ["native"]
native = ["dep:openssl-lite"]
rustls = ["dep:rustls-lite", "serde-lite?/std"]
serde = ["serde-lite/derive"]
`,
    ),
    ...vendoredCrate('winonly', '1.0.0'),
  });
}

async function lines(dir: string, target: string, sel: Selection = {}) {
  const config = CargoConfig.load(dir, process.env);
  const sources = openSources({ cwd: dir, config, env: process.env, offline: true, quiet: true });
  const project = await loadProject(dir, undefined, sources.sourceFor, sel, { procMacroHints: builtInProcMacroHints(), cargoHome: cargoHome(process.env) });
  return treeLines(resolveTarget(project, target).graph.packages.values());
}

describe('feature and platform resolution', () => {
  const dir2 = featureProject('2');
  const dir1 = featureProject('1');
  const expected2 = [`app v0.1.0 (${dir2})|`, 'common v1.0.0|base,default', 'openssl-lite v1.0.0|', 'serde-lite v1.0.0|derive', 'tls v1.0.0|default,native,serde,serde-lite'];

  it('resolver 2: host units keep their features; proc-macros, build and other-platform dependencies stay out', async () => {
    expect(await lines(dir2, 'x86_64-unknown-linux-musl')).toEqual(expected2);
  });

  it("resolver 1: a build dependency's features leak into the artifact", async () => {
    expect(await lines(dir1, 'x86_64-unknown-linux-musl')).toContain('common v1.0.0|base,default,extra');
  });

  it('a platform-specific dependency appears only for its platform', async () => {
    expect(await lines(dir2, 'x86_64-pc-windows-msvc')).toContain('winonly v1.0.0|');
  });

  it('a weak feature applies once its dependency is on', async () => {
    const l = await lines(dir2, 'x86_64-unknown-linux-musl', { features: ['tls-rustls'] });
    expect(l).toContain('serde-lite v1.0.0|derive,std');
    expect(l).toContain('rustls-lite v1.0.0|');
    expect(l).toContain('tls v1.0.0|default,native,rustls,serde,serde-lite');
  });

  it.skipIf(!cargoAvailable())('equals cargo tree on the same projects', async () => {
    for (const dir of [dir1, dir2]) {
      for (const t of ['x86_64-unknown-linux-musl', 'x86_64-pc-windows-msvc']) {
        expect(await lines(dir, t)).toEqual(cargoTreeLines(dir, t));
      }
    }
    expect(await lines(dir2, 'x86_64-unknown-linux-musl', { features: ['tls-rustls'] })).toEqual(cargoTreeLines(dir2, 'x86_64-unknown-linux-musl', ['--features', 'tls-rustls']));
  });
});
