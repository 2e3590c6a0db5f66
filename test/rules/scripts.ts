/** Build-script readings for the rule tables: scripts classified as the CLI classifies them. */
import { classifyBuildScript, classifyOverride, type BuildScriptReading, type ScriptFacts } from '../../src/evidence/build-script.js';
import { collectScriptFiles } from '../../src/crate/rust-source.js';
import { graphOf } from './harness.js';

/** The reading of a `build.rs` (or several files, the script first) of `<name>-<version>`. */
export function scriptReading(name: string, version: string, script: string | Record<string, string>, facts: Partial<ScriptFacts> = {}, nativeSign = true): BuildScriptReading {
  const files = typeof script === 'string' ? { 'build.rs': script } : script;
  const sources = collectScriptFiles(Object.keys(files)[0]!, (p) => files[p]);
  return { kind: 'classified', verdict: classifyBuildScript({ root: `${name}-${version}`, links: null, features: [], ...facts }, sources), nativeSign };
}

/** The reading of a `[target.<triple>.<links>]` override. */
export function overrideReading(target: string, links: string, libs: string[]): BuildScriptReading {
  return {
    kind: 'classified',
    verdict: classifyOverride(libs, { file: '.cargo/config.toml', line: 2, column: 1, text: `rustc-link-lib = ${JSON.stringify(libs)}`, inWorkspace: true }),
    nativeSign: true,
    override: `target.${target}.${links}`,
  };
}

/** One crate under the member `app`. */
export const single = (name: string, version: string, links?: string, features: string[] = []) =>
  graphOf({ packages: [{ name, version, features, ...(links ? { links } : {}) }], edges: [{ from: 'app', to: name }] });

/** Modelled on the sneaky case of the issue: no `links`, libcrypto through pkg-config behind a vendored openssl-sys's back. */
export const PROBE_CRYPTO = 'fn main() {\n    pkg_config::probe_library("libcrypto").unwrap();\n    println!("cargo:rustc-link-lib=crypto");\n}\n';
/** Modelled on libz-sys 1.1's switches (feature `static`, `LIBZ_SYS_STATIC`). */
export const WITH_SWITCHES =
  'fn main() {\n    let want_static = cfg!(feature = "static") || env::var("ACME_STATIC").is_ok();\n    if !want_static && pkg_config::probe_library("acme").is_ok() { return; }\n    cc::Build::new().file("acme/acme.c").compile("acme");\n}\n';
/** Modelled on lz4-sys 1.9's bundled build. */
export const BUNDLED_C = 'fn main() {\n    cc::Build::new().file("liblz4/lib/lz4.c").compile("lz4");\n}\n';
