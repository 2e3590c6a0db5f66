/**
 * Build-script excerpts, one or more per family: what the family's claim about how its crate
 * links rests on. Each names the real script (repository, commit, path, lines), or the crate's
 * source file where the link is an attribute of its extern blocks (`crateSource`), and carries a
 * model of those lines, written for this test (the same calls, literals and conditions, the rest
 * left out), which the build-script classifier must judge as the family claims.
 *
 * `path` says which way through the script the lines are: `default` (no static option on),
 * `fallback` (what a `bundled-fallback` script does when pkg-config finds nothing), or the static
 * option (`feature:bundled`, `env:FOO_STATIC`) that selects them.
 */
import { EXCERPTS_1, PENDING_1 } from './excerpts/part-1.js';
import { EXCERPTS_2, PENDING_2 } from './excerpts/part-2.js';
import { EXCERPTS_3, PENDING_3 } from './excerpts/part-3.js';
import { EXCERPTS_4, PENDING_4 } from './excerpts/part-4.js';
import { EXCERPTS_5, PENDING_5 } from './excerpts/part-5.js';

export interface BuildScriptExcerpt {
  family: string;
  crate: string;
  /** A recorded index line: the features the script may read are that release's. */
  version: string;
  repository: string;
  commit: string;
  file: string;
  lines: string;
  path: 'default' | 'fallback' | `feature:${string}` | `env:${string}`;
  /**
   * The lines are of the crate's own sources, not of its build script (xcb's `#[link(name = "xcb")]`):
   * the classifier reads them for the `#[link]` attributes on their extern blocks.
   */
  crateSource?: boolean;
  verdict: 'system' | 'bundled' | 'runtime';
  /** For a `system` verdict: the libraries and the static switches (`feature:x`, `env:X`) it reads. */
  libraries?: string[];
  switches?: string[];
  model: string;
}

export const EXCERPTS: BuildScriptExcerpt[] = [
  ...EXCERPTS_1,
  ...EXCERPTS_2,
  ...EXCERPTS_3,
  ...EXCERPTS_4,
  ...EXCERPTS_5,
  {
    family: 'harfbuzz',
    crate: 'harfbuzz-sys',
    version: '0.6.1',
    repository: 'servo/rust-harfbuzz',
    commit: '1fe061e',
    file: 'harfbuzz-sys/build.rs',
    lines: '48-55',
    path: 'default',
    verdict: 'system',
    libraries: ['harfbuzz'],
    switches: ['feature:bundled'],
    model: 'fn main() {\n    if cfg!(feature = "bundled") {\n        build_harfbuzz();\n    } else {\n        pkg_config::probe_library("harfbuzz").unwrap();\n    }\n}\n',
  },
  {
    family: 'harfbuzz',
    crate: 'harfbuzz-sys',
    version: '0.6.1',
    repository: 'servo/rust-harfbuzz',
    commit: '1fe061e',
    file: 'harfbuzz-sys/build.rs',
    lines: '10-38',
    path: 'feature:bundled',
    verdict: 'bundled',
    model: 'fn build_harfbuzz() {\n    let mut cfg = cc::Build::new();\n    cfg.cpp(true).file("harfbuzz/src/harfbuzz.cc");\n    cfg.compile("embedded_harfbuzz");\n}\n',
  },
  {
    family: 'harfbuzz',
    crate: 'harfbuzz-sys',
    version: '0.5.0',
    repository: 'servo/rust-harfbuzz',
    commit: '91192f6',
    file: 'harfbuzz-sys/build.rs',
    lines: '13-19',
    path: 'default',
    verdict: 'system',
    libraries: ['harfbuzz'],
    switches: [],
    model: 'fn main() {\n    if std::env::var_os("HARFBUZZ_SYS_NO_PKG_CONFIG").is_none() {\n        if pkg_config::probe_library("harfbuzz").is_ok() {\n            return;\n        }\n    }\n}\n',
  },
  {
    family: 'harfbuzz',
    crate: 'harfbuzz-sys',
    version: '0.5.0',
    repository: 'servo/rust-harfbuzz',
    commit: '91192f6',
    file: 'harfbuzz-sys/build.rs',
    lines: '20-38',
    path: 'fallback',
    verdict: 'bundled',
    model: 'fn main() {\n    let mut cfg = cc::Build::new();\n    cfg.cpp(true).file("harfbuzz/src/harfbuzz.cc");\n    cfg.compile("embedded_harfbuzz");\n}\n',
  },
  {
    family: 'libvips',
    crate: 'libvips',
    version: '1.7.0',
    repository: 'olxgroup-oss/libvips-rust-bindings',
    commit: '05cac44e',
    file: 'build.rs',
    lines: '2-6',
    path: 'default',
    verdict: 'system',
    libraries: ['vips', 'glib-2.0', 'gobject-2.0'],
    switches: [],
    model: 'fn main() {\n    println!("cargo:rustc-link-lib=vips");\n    println!("cargo:rustc-link-lib=glib-2.0");\n    println!("cargo:rustc-link-lib=gobject-2.0");\n}\n',
  },
  {
    family: 'opencv',
    crate: 'opencv',
    version: '0.91.3',
    repository: 'twistedfall/opencv-rust',
    commit: '24b47a86',
    file: 'build/library.rs',
    lines: '244-256',
    path: 'default',
    verdict: 'system',
    libraries: ['opencv4'],
    switches: [],
    model: 'pub fn probe_pkg_config() {\n    let mut config = pkg_config::Config::new();\n    config.cargo_metadata(false);\n    let found = config.probe("opencv4");\n}\n',
  },
  {
    family: 'onnxruntime',
    crate: 'ort-sys',
    version: '2.0.0-rc.2',
    repository: 'pykeio/ort',
    commit: '467d127c',
    file: 'ort-sys/build.rs',
    lines: '379-395',
    path: 'default',
    verdict: 'system',
    libraries: ['onnxruntime'],
    switches: [],
    model: 'fn real_main(link: bool) {\n    if link {\n        println!("cargo:rustc-link-lib=onnxruntime");\n    }\n}\n',
  },
];

/**
 * Families with no excerpt yet, each to be given one: the claims of these families rest on the
 * index lines and the build scripts named in their files' comments, not on a tested excerpt.
 */
export const PENDING: readonly string[] = [...PENDING_1, ...PENDING_2, ...PENDING_3, ...PENDING_4, ...PENDING_5];

/** Families with no build script to read: they link nothing (a links key only). */
export const NO_SCRIPT: Readonly<Record<string, string>> = {
  'links-only': 'its crates carry a links key so that cargo keeps one copy; they link nothing',
};
