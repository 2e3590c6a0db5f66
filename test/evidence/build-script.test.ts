/**
 * The build-script classifier as a RuleTester-style table: `valid` scripts
 * give nothing to report (they link only the C library's parts, Windows
 * system libraries or Apple frameworks); `invalid` ones give a verdict with
 * its evidence. The scripts are written for these tests, each modelled on a
 * real crate's build script (named in the case), cut down to what matters.
 */
import { describe, expect, it } from 'vitest';
import { classifyBuildScript, evidenceLine, parseLinkLib, type BuildScriptVerdict, type ScriptFacts } from '../../src/evidence/build-script.js';
import { collectScriptFiles, lexRust, pulledInFiles } from '../../src/crate/rust-source.js';
import { linkAttributes } from '../../src/evidence/script-text.js';

interface Case {
  name: string;
  /** The real crate (and version) the script is modelled on. */
  modelledOn: string;
  facts?: Partial<ScriptFacts>;
  /** `build.rs` alone, or several files (the first is the build script). */
  script: string | Record<string, string>;
  /** Files of the crate's own sources (`src/`), given beside the script for their `#[link]` attributes. */
  sources?: Record<string, string>;
}

interface InvalidCase extends Case {
  kind: Exclude<BuildScriptVerdict['kind'], 'runtime'>;
  libraries?: string[];
  switches?: string[];
  cxx?: boolean;
  /** Every piece of evidence, as `file:line:col: text`. */
  evidence?: string[];
}

function run(c: Case): BuildScriptVerdict {
  const files = typeof c.script === 'string' ? { 'build.rs': c.script } : c.script;
  const [first] = Object.keys(files);
  const script = collectScriptFiles(first!, (p) => files[p]);
  const crate = Object.entries(c.sources ?? {}).map(([path, text]) => ({ path, text, crateSource: true }));
  return classifyBuildScript({ root: 'foo-sys-1.2.3', links: null, features: [], ...c.facts }, [...script, ...crate]);
}

function tester(table: { valid: Case[]; invalid: InvalidCase[] }): void {
  describe('valid: nothing to report', () => {
    for (const c of table.valid) {
      it(`${c.name} (${c.modelledOn})`, () => {
        expect(run(c).kind).toBe('runtime');
      });
    }
  });
  describe('invalid', () => {
    for (const c of table.invalid) {
      it(`${c.name} (${c.modelledOn})`, () => {
        const v = run(c);
        expect(v.kind).toBe(c.kind);
        if (c.evidence) expect(v.evidence.map(evidenceLine)).toEqual(c.evidence);
        else expect(v.evidence.length).toBeGreaterThan(0);
        if (v.kind === 'system') {
          if (c.libraries) expect(v.libraries).toEqual(c.libraries);
          expect(v.switches.map((s) => `${s.kind}:${s.name}`)).toEqual(c.switches ?? []);
        } else {
          expect(c.libraries).toBeUndefined();
          expect(c.switches).toBeUndefined();
        }
        if (v.kind === 'bundled') expect(v.cxx).toBe(c.cxx ?? false);
      });
    }
  });
}

tester({
  valid: [
    {
      name: 'links only parts of the C library',
      modelledOn: 'libc-style shims that print `rustc-link-lib=dl` and `m`',
      script: 'fn main() {\n    println!("cargo:rustc-link-lib=dl");\n    println!("cargo:rustc-link-lib=dylib=m");\n    println!("cargo::rustc-link-lib=pthread");\n}\n',
    },
    {
      name: 'links Windows system libraries',
      modelledOn: 'npcap-style scripts linking Advapi32 beside the SDK',
      script: 'fn main() {\n    if cfg!(windows) {\n        println!("cargo:rustc-link-lib=Advapi32");\n        println!("cargo:rustc-link-lib=dylib=ws2_32");\n    }\n}\n',
    },
    {
      name: 'links Apple frameworks',
      modelledOn: 'coreaudio-sys 0.2 (`rustc-link-lib=framework=AudioUnit`)',
      script: 'fn main() {\n    println!("cargo:rustc-link-lib=framework=AudioUnit");\n    println!("cargo:rustc-link-lib=framework=CoreAudio");\n}\n',
    },
    {
      name: 'a name read from a local binding of literals that are all C library parts',
      modelledOn: 'ash 0.38 build.rs (`let lib = match .. { .. }` then `rustc-link-lib={lib}`), with libc parts',
      script: 'fn main() {\n    let lib = match &*target_os {\n        "linux" => "dl",\n        _ => "c",\n    };\n    println!("cargo:rustc-link-lib={lib}");\n}\n',
    },
    {
      name: "a `#[link]` of the C library's parts in the crate's sources",
      modelledOn: 'libc 0.2 src/unix/mod.rs (`#[link(name = "c")]`, `m`, `rt`, `pthread` on an empty extern block)',
      script: 'fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n}\n',
      sources: { 'src/unix/mod.rs': '#[link(name = "c")]\n#[link(name = "m")]\n#[link(name = "rt")]\n#[link(name = "pthread")]\nextern "C" {}\n' },
    },
    {
      name: 'a `#[link]` over several lines, with a `cfg(..)` inside, static or not',
      modelledOn: 'libc 0.2 src/unix/mod.rs (`rustc-dep-of-std`: `kind = "static"` under `cfg(target_feature = "crt-static")`)',
      script: 'fn main() {}\n',
      sources: {
        'src/unix/mod.rs':
          '#[link(\n    name = "c",\n    kind = "static",\n    modifiers = "-bundle",\n    cfg(target_feature = "crt-static")\n)]\n#[link(name = "c", cfg(not(target_feature = "crt-static")))]\nextern "C" {}\n',
      },
    },
    {
      name: 'a framework linked by a `#[link]`',
      modelledOn: 'getrandom 0.2 src/ios.rs (`#[link(name = "Security", kind = "framework")]`)',
      script: 'fn main() {}\n',
      sources: { 'src/ios.rs': '#[link(name = "Security", kind = "framework")]\nextern "C" {\n    fn SecRandomCopyBytes(rnd: *const c_void, count: usize, bytes: *mut u8) -> i32;\n}\n' },
    },
    {
      name: 'a `raw-dylib` `#[link]` needs no library at link time',
      modelledOn: 'mlua-sys 0.11 src/lua51/lauxlib.rs (`link(name = "lua51", kind = "raw-dylib")`, there under `cfg_attr(all(windows, raw_dylib), ..)`)',
      script: 'fn main() {}\n',
      sources: {
        'src/lua51/lauxlib.rs':
          '#[link(name = "lua51", kind = "raw-dylib")]\nunsafe extern "C-unwind" {\n    pub fn luaL_register(L: *mut lua_State, libname: *const c_char, l: *const luaL_Reg);\n}\n',
      },
    },
  ],
  invalid: [
    // ---- links a system library ----
    {
      name: 'pkg_config::probe_library in a crate without `links`',
      modelledOn: 'pcap 1.x build.rs (pkg-config for libpcap)',
      script: 'fn main() {\n    pkg_config::probe_library("libcrypto").unwrap();\n}\n',
      kind: 'system',
      libraries: ['libcrypto'],
      evidence: ['foo-sys-1.2.3/build.rs:2:5: pkg_config::probe_library("libcrypto")'],
    },
    {
      name: 'Config::new()...probe over several lines',
      modelledOn: 'bzip2-sys 0.1.11 build.rs',
      facts: { links: 'bzip2', features: ['static'] },
      script:
        'extern crate cc;\nextern crate pkg_config;\n\nfn main() {\n    let mut cfg = cc::Build::new();\n    if !cfg!(feature = "static") {\n        if pkg_config::Config::new()\n            .cargo_metadata(true)\n            .probe("bzip2")\n            .is_ok()\n        {\n            return;\n        }\n    }\n    cfg.file("bzip2-1.0.8/bzlib.c").compile("libbz2.a");\n}\n',
      kind: 'system',
      libraries: ['bzip2'],
      switches: ['feature:static'],
      evidence: ['foo-sys-1.2.3/build.rs:9:13: .probe("bzip2")'],
    },
    {
      name: 'a printed link with no kind, for a library the script does not build',
      modelledOn: 'the pcap-style `println!("cargo:rustc-link-lib=pcap")`',
      script: 'fn main() {\n    if let Ok(path) = std::env::var("PCAP_LIB_DIR") {\n        println!("cargo:rustc-link-search=native={path}");\n    }\n    println!("cargo:rustc-link-lib=pcap");\n}\n',
      kind: 'system',
      libraries: ['pcap'],
      evidence: ['foo-sys-1.2.3/build.rs:2:23: std::env::var("PCAP_LIB_DIR")', 'foo-sys-1.2.3/build.rs:5:5: println!("cargo:rustc-link-lib=pcap")'],
    },
    {
      name: 'the `cargo::` form and kind dylib',
      modelledOn: 'npcap-rs build.rs (`rustc-link-lib=dylib=pcap` on Linux)',
      script: 'fn main() {\n    println!("cargo::rustc-link-lib=dylib=crypto");\n}\n',
      kind: 'system',
      libraries: ['crypto'],
      evidence: ['foo-sys-1.2.3/build.rs:2:5: println!("cargo::rustc-link-lib=dylib=crypto")'],
    },
    {
      name: 'a `*_STATIC` variable read is a static switch',
      modelledOn: 'libz-sys 1.1 build.rs (`LIBZ_SYS_STATIC`, feature `static`)',
      facts: { links: 'z', features: ['static', 'default', 'libc'] },
      script:
        'fn main() {\n    let want_static = cfg!(feature = "static") || env::var("LIBZ_SYS_STATIC").unwrap_or(String::new()) == "1";\n    if !want_static && zlib_installed() { return; }\n    build_zlib();\n}\n\nfn zlib_installed() -> bool {\n    let mut cfg = pkg_config::Config::new();\n    cfg.print_system_libs(false);\n    match cfg.probe("zlib") {\n        Ok(_) => true,\n        Err(_) => false,\n    }\n}\n\nfn build_zlib() {\n    cc::Build::new().file("src/zlib/adler32.c").compile("z");\n}\n',
      kind: 'system',
      libraries: ['zlib'],
      switches: ['feature:static', 'env:LIBZ_SYS_STATIC'],
    },
    {
      name: 'OPENSSL_DIR and a probe in a module the script pulls in',
      modelledOn: 'openssl-sys 0.9.102 build/main.rs and build/find_normal.rs',
      facts: { links: 'openssl', features: ['vendored', 'unstable_boringssl'] },
      script: {
        'build/main.rs':
          '#[cfg(feature = "vendored")]\nmod find_vendored;\nmod find_normal;\n\nfn main() {\n    let (lib_dirs, include_dir) = find_openssl();\n    let kind = determine_mode(&lib_dirs);\n    for lib in libs {\n        println!("cargo:rustc-link-lib={}={}", kind, lib);\n    }\n}\n\nfn find_openssl() {\n    if let Some(dir) = env("OPENSSL_DIR") {}\n    if env("OPENSSL_STATIC").is_some() {}\n}\n',
        'build/find_normal.rs': 'pub fn get_openssl() {\n    pkg_config::Config::new()\n        .print_system_libs(false)\n        .probe("openssl");\n}\n',
        'build/find_vendored.rs': 'pub fn get_openssl() {\n    let artifacts = openssl_src::Build::new().build();\n}\n',
      },
      kind: 'system',
      libraries: ['openssl'],
      switches: ['feature:vendored', 'env:OPENSSL_STATIC'],
      evidence: [
        'foo-sys-1.2.3/build/find_normal.rs:4:9: .probe("openssl")',
        'foo-sys-1.2.3/build/main.rs:9:9: println!("cargo:rustc-link-lib={}={}", kind, lib)',
        'foo-sys-1.2.3/build/main.rs:14:24: env("OPENSSL_DIR")',
      ],
    },
    {
      name: 'curl with a static feature read as CARGO_FEATURE_*',
      modelledOn: 'curl-sys 0.4.72 build.rs (`CARGO_FEATURE_STATIC_CURL`, probe libcurl, else cc)',
      facts: { links: 'curl', features: ['static-curl', 'ssl', 'http2'] },
      script:
        'fn main() {\n    if env::var("CARGO_FEATURE_STATIC_CURL").is_err() && try_pkg_config() {\n        return;\n    }\n    let mut cfg = cc::Build::new();\n    cfg.file("curl/lib/easy.c");\n    cfg.compile("curl");\n}\n\nfn try_pkg_config() -> bool {\n    let mut cfg = pkg_config::Config::new();\n    cfg.cargo_metadata(false);\n    let lib = match cfg.probe("libcurl") { Ok(lib) => lib, Err(_) => return false };\n    true\n}\n',
      kind: 'system',
      libraries: ['libcurl'],
      switches: ['feature:static-curl'],
    },
    {
      name: 'libgit2 probed with a version range, vendored otherwise',
      modelledOn: 'libgit2-sys 0.16 build.rs (`LIBGIT2_NO_VENDOR`, `range_version`, feature `vendored`)',
      facts: { links: 'git2', features: ['vendored', 'https', 'ssh'] },
      script:
        'fn try_system_libgit2() -> Result<pkg_config::Library, pkg_config::Error> {\n    let mut cfg = pkg_config::Config::new();\n    match cfg.range_version("1.7.1".."1.8.0").probe("libgit2") {\n        Ok(lib) => Ok(lib),\n        Err(e) => Err(e),\n    }\n}\n\nfn main() {\n    let vendored = env::var("CARGO_FEATURE_VENDORED").is_ok();\n    let try_to_use_system_libgit2 = !vendored;\n    if try_to_use_system_libgit2 && try_system_libgit2().is_ok() { return; }\n    let mut cfg = cc::Build::new();\n    cfg.compile("git2");\n}\n',
      kind: 'system',
      libraries: ['libgit2'],
      switches: ['feature:vendored'],
    },
    {
      name: 'pkg-config behind a feature, else the bundled build (still system when the feature is on)',
      modelledOn: 'zstd-sys 2.0.9 build.rs (`#[cfg(feature = "pkg-config")]`)',
      facts: { links: 'zstd', features: ['pkg-config', 'legacy', 'zstdmt'] },
      script:
        '#[cfg(feature = "pkg-config")]\nfn pkg_config() -> Vec<PathBuf> {\n    let library = pkg_config::Config::new()\n        .statik(true)\n        .cargo_metadata(true)\n        .probe("libzstd")\n        .expect("Can\'t probe for zstd in pkg-config");\n    library.include_paths\n}\n\nfn compile_zstd() {\n    let mut config = cc::Build::new();\n    config.compile("zstd");\n}\n',
      kind: 'system',
      libraries: ['libzstd'],
    },
    {
      name: 'glib-sys through system-deps, libraries from the manifest metadata',
      modelledOn: 'glib-sys 0.19 build.rs (`system_deps::Config::new().probe()`)',
      facts: { links: 'glib-2.0', features: ['v2_58'], systemDeps: ['glib-2.0'] },
      script:
        '#[cfg(not(docsrs))]\nuse std::process;\n\n#[cfg(docsrs)]\nfn main() {} // prevent linking libraries to avoid documentation failure\n\n#[cfg(not(docsrs))]\nfn main() {\n    if let Err(s) = system_deps::Config::new().probe() {\n        println!("cargo:warning={s}");\n        process::exit(1);\n    }\n}\n',
      kind: 'system',
      libraries: ['glib-2.0'],
      evidence: ['foo-sys-1.2.3/build.rs:9:21: system_deps::Config::new()'],
    },
    {
      name: 'pkg-config in a mod block, vcpkg on Windows',
      modelledOn: 'libxml 0.3 build.rs (`pkg_config::find_library("libxml-2.0")`, `vcpkg::find_package("libxml2")`)',
      script:
        'fn main() {\n  #[cfg(any(target_family = "unix", target_os = "macos"))]\n  {\n    if pkg_config_dep::find() { return; }\n  }\n  #[cfg(windows)]\n  {\n    if vcpkg_dep::find() { return; }\n  }\n  panic!("Could not find libxml2.")\n}\n\nmod pkg_config_dep {\n  pub fn find() -> bool {\n    pkg_config::find_library("libxml-2.0").is_ok()\n  }\n}\n\nmod vcpkg_dep {\n  pub fn find() -> bool {\n    vcpkg::find_package("libxml2").is_ok()\n  }\n}\n',
      kind: 'system',
      libraries: ['libxml-2.0', 'libxml2'],
      evidence: ['foo-sys-1.2.3/build.rs:15:5: pkg_config::find_library("libxml-2.0")', 'foo-sys-1.2.3/build.rs:21:5: vcpkg::find_package("libxml2")'],
    },
    {
      name: 'a bare `find_library` imported from pkg_config',
      modelledOn: 'libxml 0.2 build.rs (`use pkg_config::find_library;`)',
      script: 'use pkg_config::find_library;\n\nfn main() {\n  if find_library("libxml-2.0").is_ok() {\n    return;\n  } else {\n    panic!("Could not find libxml2 using pkg-config")\n  }\n}\n',
      kind: 'system',
      libraries: ['libxml-2.0'],
      evidence: ['foo-sys-1.2.3/build.rs:4:6: find_library("libxml-2.0")'],
    },
    {
      name: 'a *_LIB_DIR read and a static link of what it points at is still a system library',
      modelledOn: 'pcap 0.7 build.rs on Windows (`LIBPCAP_LIBDIR`, `static=wpcap`)',
      script: 'fn main() {\n    let libdir = env::var("LIBPCAP_LIBDIR").unwrap();\n    println!("cargo:rustc-link-search=native={}", libdir);\n    println!("cargo:rustc-link-lib=static=wpcap");\n}\n',
      kind: 'system',
      evidence: ['foo-sys-1.2.3/build.rs:2:18: env::var("LIBPCAP_LIBDIR")'],
    },
    {
      name: 'a variable named through rerun-if-env-changed',
      modelledOn: 'openssl-sys 0.9 build/main.rs (`cargo:rerun-if-env-changed=OPENSSL_INCLUDE_DIR`)',
      script: 'fn main() {\n    println!("cargo:rerun-if-env-changed=FOO_INCLUDE_DIR");\n}\n',
      kind: 'system',
      evidence: ['foo-sys-1.2.3/build.rs:2:5: println!("cargo:rerun-if-env-changed=FOO_INCLUDE_DIR")'],
    },
    {
      name: 'a link with modifiers and a rename: the name before the colon',
      modelledOn: "rustc's documented `rustc-link-lib=dylib:+verbatim=` form",
      script: 'fn main() {\n    println!("cargo:rustc-link-lib=dylib:+verbatim=ssl:ssl3");\n}\n',
      kind: 'system',
      libraries: ['ssl'],
    },
    {
      name: 'a computed name beside a probe is listed as evidence too',
      modelledOn: 'openssl-sys 0.9 (`rustc-link-lib={}={}` after `find_openssl`)',
      script: 'fn main() {\n    pkg_config::probe_library("openssl").unwrap();\n    for lib in libs { println!("cargo:rustc-link-lib={}", lib); }\n}\n',
      kind: 'system',
      libraries: ['openssl'],
      evidence: ['foo-sys-1.2.3/build.rs:2:5: pkg_config::probe_library("openssl")', 'foo-sys-1.2.3/build.rs:3:23: println!("cargo:rustc-link-lib={}", lib)'],
    },
    {
      name: 'a `#[path]` module is read',
      modelledOn: 'a build script sharing a probe module with `#[path = "build/probe.rs"]`',
      script: {
        'build.rs': '#[path = "build/probe.rs"]\nmod probe;\nfn main() { probe::run(); }\n',
        'build/probe.rs': 'pub fn run() {\n    pkg_config::probe_library("libpcap").unwrap();\n}\n',
      },
      kind: 'system',
      evidence: ['foo-sys-1.2.3/build/probe.rs:2:5: pkg_config::probe_library("libpcap")'],
    },
    {
      name: 'an include! is read',
      modelledOn: 'scripts that `include!("build/common.rs")`',
      script: {
        'build.rs': 'include!("build/common.rs");\nfn main() { link(); }\n',
        'build/common.rs': 'fn link() {\n    println!("cargo:rustc-link-lib=sqlite3");\n}\n',
      },
      kind: 'system',
      libraries: ['sqlite3'],
    },
    {
      name: "rustc-flags' -l links as rustc-link-lib does",
      modelledOn: 'sdl2-sys 0.36.0 build.rs (`cargo:rustc-flags=-l SDL2`)',
      script: 'fn main() {\n    println!("cargo:rustc-flags=-L {}", lib_dir.display());\n    println!("cargo:rustc-flags=-l SDL2");\n}\n',
      kind: 'system',
      libraries: ['SDL2'],
      evidence: ['foo-sys-1.2.3/build.rs:3:5: println!("cargo:rustc-flags=-l SDL2")'],
    },
    {
      name: 'a computed kind before a literal name (`{}elf`): the library is known',
      modelledOn: 'libbpf-sys 1.4 build.rs (`cargo:rustc-link-lib={}elf` with `static=` or nothing)',
      facts: { features: ['static', 'vendored-libbpf'] },
      script:
        'fn main() {\n    let library_prefix = if cfg!(feature = "static") { "static=" } else { "" };\n    println!("cargo:rustc-link-lib={}elf", library_prefix);\n    println!("cargo:rustc-link-lib={}z", library_prefix);\n}\n',
      kind: 'system',
      libraries: ['elf', 'z'],
      switches: ['feature:static'],
    },
    {
      name: 'a computed kind for a library named like no folder it builds stays a system link',
      modelledOn: 'audiopus_sys 0.2.2 build.rs, its cmake build of `opus` beside a link of another name',
      script: 'fn main() {\n    let opus_path = Path::new("opus");\n    let dst = cmake::build(opus_path);\n    println!("cargo:rustc-link-lib={}=ogg", is_static_text);\n}\n',
      kind: 'system',
      libraries: ['ogg'],
    },
    {
      name: 'a computed kind for a library named like a folder it builds, in a script that probes first: system, the probe',
      modelledOn: 'audiopus_sys 0.2.2 build.rs read whole (pkg-config, then cmake::build of `opus`)',
      facts: { features: ['dynamic', 'generate_binding', 'static'] },
      script:
        'fn main() {\n    if pkg_config::Config::new().probe("opus").is_ok() {\n        return;\n    }\n    let dst = cmake::build(Path::new("opus"));\n    println!("cargo:rustc-link-lib={}=opus", rustc_linking_word(cfg!(feature = "static")));\n}\n',
      kind: 'system',
      libraries: ['opus'],
      switches: ['feature:static'],
      evidence: ['foo-sys-1.2.3/build.rs:2:33: .probe("opus")'],
    },
    {
      name: "pkg-config's first probe name, on a Config::new() chain",
      modelledOn: 'servo-fontconfig-sys 5.1.0 build.rs (`pkg_config::Config::new().atleast_version("2.11.1").find("fontconfig")`)',
      script:
        'extern crate pkg_config;\n\nfn main() {\n    if pkg_config::Config::new().atleast_version("2.11.1").find("fontconfig").is_ok() {\n        return;\n    }\n    let v: Vec<u8> = vec![];\n    let _ = v.iter().find(|x| **x == 0);\n}\n',
      kind: 'system',
      libraries: ['fontconfig'],
      evidence: ['foo-sys-1.2.3/build.rs:4:8: pkg_config::Config::new().atleast_version("2.11.1").find("fontconfig")'],
    },
    {
      name: 'a bare STATIC literal is no variable of its own',
      modelledOn: 'hdf5-sys 0.8 build.rs (`feature_enabled("STATIC")`, which formats `CARGO_FEATURE_{}`)',
      facts: { features: ['static'] },
      script:
        'fn feature_enabled(feature: &str) -> bool {\n    env::var(format!("CARGO_FEATURE_{}", feature)).is_ok()\n}\n\nfn main() {\n    if !feature_enabled("STATIC") {\n        pkg_config::probe_library("hdf5").unwrap();\n    }\n}\n',
      kind: 'system',
      libraries: ['hdf5'],
      switches: [],
    },
    {
      name: 'a link name read from a local `match` of literals',
      modelledOn: 'ash 0.38.0 build.rs (`let lib = match &*target_family { "windows" => "vulkan-1", _ => "vulkan" }`)',
      facts: { features: ['linked', 'loaded', 'debug', 'std'] },
      script:
        'fn main() {\n    #[cfg(feature = "linked")]\n    {\n        let target_family = env::var("CARGO_CFG_TARGET_FAMILY").unwrap();\n        let lib = match &*target_family {\n            "windows" => "vulkan-1",\n            _ => "vulkan",\n        };\n        println!("cargo:rustc-link-lib={lib}");\n    }\n}\n',
      kind: 'system',
      libraries: ['vulkan-1', 'vulkan'],
      evidence: ['foo-sys-1.2.3/build.rs:9:9: println!("cargo:rustc-link-lib={lib}")'],
    },
    {
      name: 'a link name from an `if`/`else` of literals, and one given as a literal argument',
      modelledOn: 'llvm-sys 140 build.rs (`println!("cargo:rustc-link-lib=dylib={}", "ffi")`)',
      script:
        'fn main() {\n    let name = if cfg!(target_os = "freebsd") { "execinfo" } else { "tinfo" };\n    println!("cargo:rustc-link-lib=dylib={}", name);\n    println!("cargo:rustc-link-lib=dylib={}", "ffi");\n}\n',
      kind: 'system',
      libraries: ['execinfo', 'tinfo', 'ffi'],
    },
    {
      name: 'a `*-config` tool run through Command is a probe of an installed library',
      modelledOn: 'llvm-sys 140.0.3 build.rs (`"llvm-config".into()` run by `Command::new(binary)`, then `static={}` / `dylib={}` of its names)',
      facts: { links: 'llvm-14', features: ['no-llvm-linking', 'strict-versioning'] },
      script:
        'fn llvm_config_binary_names() -> Vec<String> {\n    vec!["llvm-config".into(), format!("llvm-config-{}", 14)]\n}\n\nfn llvm_config_ex(binary: &str, arg: &str) -> String {\n    let out = Command::new(binary).arg(arg).arg("--link-static").output().unwrap();\n    String::from_utf8(out.stdout).unwrap()\n}\n\nfn main() {\n    cc::Build::new().file("wrappers/target.c").compile("targetwrappers");\n    for name in get_link_libraries() {\n        println!("cargo:rustc-link-lib=static={}", name);\n    }\n    for name in get_system_libraries() {\n        println!("cargo:rustc-link-lib=dylib={}", name);\n    }\n}\n',
      kind: 'system',
      libraries: [],
      evidence: ['foo-sys-1.2.3/build.rs:2:10: "llvm-config"', 'foo-sys-1.2.3/build.rs:16:9: println!("cargo:rustc-link-lib=dylib={}", name)'],
    },
    {
      name: 'features formatted into CARGO_FEATURE_{} are no variables of their own',
      modelledOn: 'hidapi 2.6.1 build.rs (backends keyed "LINUX_STATIC_HIDRAW", read with `format!("CARGO_FEATURE_{}", f.0)`)',
      facts: { links: 'hidapi', features: ['default', 'linux-static-hidraw', 'linux-shared-hidraw', 'linux-static-libusb'] },
      script:
        'fn compile_linux() {\n    let avail_backends: [(&\'static str, Box<dyn Fn()>); 2] = [\n        (\n            "LINUX_STATIC_HIDRAW",\n            Box::new(|| {\n                let mut config = cc::Build::new();\n                config.file("etc/hidapi/linux/hid.c");\n                pkg_config::probe_library("libudev").expect("Unable to find libudev");\n                config.compile("libhidapi.a");\n            }),\n        ),\n        (\n            "LINUX_SHARED_HIDRAW",\n            Box::new(|| {\n                pkg_config::probe_library("hidapi-hidraw").expect("Unable to find hidapi-hidraw");\n            }),\n        ),\n    ];\n    let mut backends = avail_backends\n        .iter()\n        .filter(|f| env::var(format!("CARGO_FEATURE_{}", f.0)).is_ok());\n    (backends.next().unwrap().1)();\n}\n',
      kind: 'system',
      libraries: ['libudev', 'hidapi-hidraw'],
      switches: [],
    },
    {
      name: 'a variable set for a program the script runs, or defined for cmake, is not read',
      modelledOn: 'libbpf-sys 1.6.4 build.rs (`.env("BUILD_STATIC_ONLY", "y")` for make), sdl2-sys 0.36.0 (`cfg.define("SDL_STATIC", "ON")`)',
      script:
        'fn main() {\n    let status = process::Command::new("make")\n        .env("BUILD_STATIC_ONLY", "y")\n        .env("LIBBPF_LIB_DIR", "")\n        .status();\n    let mut cfg = cmake::Config::new("SDL");\n    cfg.define("SDL_STATIC", "ON");\n    cfg.build();\n    println!("cargo:rustc-link-lib=elf");\n}\n',
      kind: 'system',
      libraries: ['elf'],
      switches: [],
      evidence: ['foo-sys-1.2.3/build.rs:9:5: println!("cargo:rustc-link-lib=elf")'],
    },
    {
      name: 'a feature under whose `if` the script links the library dynamically is no static switch',
      modelledOn: 'sdl2-sys 0.36.0 build.rs (`if cfg!(feature = "bundled") || cfg!(not(feature = "use-pkgconfig"))` then `rustc-flags=-l SDL2`)',
      facts: { links: 'SDL2', features: ['bundled', 'static-link', 'use-pkgconfig'] },
      script:
        '#[cfg(feature = "bundled")]\nfn compile_sdl2() -> PathBuf {\n    let mut cfg = cmake::Config::new("SDL");\n    if cfg!(feature = "static-link") {\n        cfg.define("SDL_STATIC", "ON");\n    }\n    cfg.build()\n}\n\nfn link_sdl2() {\n    #[cfg(not(feature = "static-link"))]\n    {\n        if cfg!(feature = "bundled") || cfg!(not(feature = "use-pkgconfig")) {\n            println!("cargo:rustc-flags=-l SDL2");\n        }\n    }\n    #[cfg(feature = "static-link")]\n    {\n        if cfg!(feature = "bundled") {\n            println!("cargo:rustc-link-lib=static=SDL2");\n        }\n    }\n}\n',
      kind: 'system',
      libraries: ['SDL2'],
      switches: ['feature:static-link'],
    },
    {
      name: 'a feature whose negation guards the dynamic link stays a static switch',
      modelledOn: 'curl-sys-style `if !cfg!(feature = "static-curl")` before the system link',
      facts: { features: ['static-curl'] },
      script: 'fn main() {\n    if !cfg!(feature = "static-curl") {\n        println!("cargo:rustc-link-lib=curl");\n        return;\n    }\n    build_curl();\n}\n',
      kind: 'system',
      libraries: ['curl'],
      switches: ['feature:static-curl'],
    },
    {
      name: 'a *_STATIC variable whose `if` only panics switches nothing',
      modelledOn: 'libsodium-sys 0.2.7 build.rs (`if env::var("SODIUM_STATIC").is_ok() { panic!(..) }`)',
      script:
        'fn main() {\n    if env::var("SODIUM_STATIC").is_ok() {\n        panic!("SODIUM_STATIC is deprecated. Use SODIUM_SHARED instead.");\n    }\n    if env::var("FOO_STATIC").is_ok() {\n        println!("cargo:rustc-link-lib=static=foo");\n    }\n    pkg_config::probe_library("foo").unwrap();\n}\n',
      kind: 'system',
      libraries: ['foo'],
      switches: ['env:FOO_STATIC'],
    },
    {
      name: "a `#[link(name = ..)]` on an extern block of the crate's sources, the script generating bindings only",
      modelledOn: 'xcb 1.4.0 src/ffi/base.rs (`#[link(name = "xcb")]`) and build/main.rs (`rustc-link-search` on FreeBSD)',
      script: {
        'build/main.rs': 'fn main() {\n    #[cfg(target_os = "freebsd")]\n    println!("cargo:rustc-link-search=/usr/local/lib");\n}\n',
      },
      sources: {
        'src/ffi/base.rs': 'use libc::{c_char, c_int};\n\n#[link(name = "xcb")]\nextern "C" {\n    pub(crate) fn xcb_flush(c: *mut xcb_connection_t) -> c_int;\n}\n',
      },
      kind: 'system',
      libraries: ['xcb'],
      evidence: ['foo-sys-1.2.3/src/ffi/base.rs:3:1: #[link(name = "xcb")]'],
    },
    {
      name: 'a `#[link]` after other attributes, in a module, and one before a `#[cfg]`',
      modelledOn: 'pcap 2.5 src/raw.rs (`#[cfg(libpcap_1_5_0)]` then `#[link(name = "pcap")]`), with the web-sys order (`#[link]` then `#[cfg]`)',
      script: 'fn main() {\n    println!("cargo:rustc-cfg=libpcap_1_5_0");\n}\n',
      sources: {
        'src/raw.rs':
          'pub mod ffi_unix {\n    #[cfg(libpcap_1_5_0)]\n    #[link(name = "pcap")]\n    extern "C" {\n        pub fn pcap_set_rfmon(arg1: *mut pcap_t, arg2: c_int) -> c_int;\n    }\n\n    #[link(name = "pcap")]\n    #[cfg(not(windows))]\n    extern "C" {\n        pub fn pcap_get_selectable_fd(arg1: *mut pcap_t) -> c_int;\n    }\n}\n',
      },
      kind: 'system',
      libraries: ['pcap'],
      evidence: ['foo-sys-1.2.3/src/raw.rs:3:5: #[link(name = "pcap")]', 'foo-sys-1.2.3/src/raw.rs:8:5: #[link(name = "pcap")]'],
    },
    {
      name: "edition 2024's `unsafe extern`, kind dylib",
      modelledOn: 'gobject-sys 0.20 src/lib.rs (`#[link(name = "gobject-2.0")]`), written as edition 2024 requires and with its kind',
      script: 'fn main() {}\n',
      sources: { 'src/lib.rs': '#[link(name = "gobject-2.0", kind = "dylib")]\nunsafe extern "C" {\n    pub fn g_object_ref(object: gpointer) -> gpointer;\n}\n' },
      kind: 'system',
      libraries: ['gobject-2.0'],
    },
    {
      name: 'a static `#[link]` of what the script builds, beside the C++ runtime and system libraries',
      modelledOn: 'servo/skia src/linkhack.rs (`#[link(name = "skia", kind = "static")]`, `stdc++`, freetype, fontconfig) and a build script running make',
      script: 'fn main() {\n    let mut make = Command::new("make");\n    make.arg("-f").arg("makefile.cargo").status().unwrap();\n}\n',
      sources: {
        'src/linkhack.rs': '#[cfg(target_os = "linux")]\n#[link(name = "skia", kind = "static")]\n#[link(name = "stdc++")]\n#[link(name = "freetype")]\n#[link(name = "fontconfig")]\nextern { }\n',
      },
      kind: 'system',
      libraries: ['freetype', 'fontconfig'],
      evidence: ['foo-sys-1.2.3/src/linkhack.rs:4:1: #[link(name = "freetype")]', 'foo-sys-1.2.3/src/linkhack.rs:5:1: #[link(name = "fontconfig")]'],
    },
    // ---- compiles only its own sources ----
    {
      name: 'a static `#[link]` of what the script builds with make, and the C++ runtime',
      modelledOn: 'servo/skia src/linkhack.rs on macOS (`#[link(name = "skia", kind = "static")]`, `stdc++`, frameworks) and a build script running make',
      script: 'fn main() {\n    let mut make = Command::new("make");\n    make.arg("-f").arg("makefile.cargo").status().unwrap();\n}\n',
      sources: {
        'src/linkhack.rs': '#[cfg(target_os = "macos")]\n#[link(name = "skia", kind = "static")]\n#[link(name = "stdc++")]\n#[link(name = "OpenGL", kind = "framework")]\nextern { }\n',
      },
      kind: 'bundled',
      cxx: true,
      evidence: [
        'foo-sys-1.2.3/build.rs:2:20: Command::new("make")',
        'foo-sys-1.2.3/src/linkhack.rs:2:1: #[link(name = "skia", kind = "static")]',
        'foo-sys-1.2.3/src/linkhack.rs:3:1: #[link(name = "stdc++")]',
      ],
    },
    {
      name: "a -src crate's builder compiles the sources it ships",
      modelledOn: 'openssl-sys 0.9.102 build/find_vendored.rs (`openssl_src::Build::new().build()`) and mlua-sys (`lua_src::Build::new()`)',
      facts: { links: 'openssl' },
      script: 'fn main() {\n    let artifacts = openssl_src::Build::new().build();\n    println!("cargo:rustc-link-lib={}={}", kind, lib);\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:2:21: openssl_src::Build::new()'],
    },
    {
      name: 'cc::Build on bundled C',
      modelledOn: 'lz4-sys 1.9.4 build.rs',
      facts: { links: 'lz4' },
      script:
        'fn main() {\n    let mut compiler = cc::Build::new();\n    compiler\n        .file("liblz4/lib/lz4.c")\n        .file("liblz4/lib/lz4frame.c")\n        .include("liblz4/lib")\n        .opt_level(3);\n    compiler.compile("liblz4.a");\n    println!("cargo:root={}", dst.display());\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:2:24: cc::Build'],
    },
    {
      name: 'the old gcc crate',
      modelledOn: 'bzip2-sys 0.1.0 build.rs (`gcc::Config::new()`)',
      script:
        'extern crate gcc;\n\nfn main() {\n    gcc::Config::new()\n                .include("bzip2-1.0.6")\n                .file("bzip2-1.0.6/bzlib.c")\n                .compile("libbz2.a");\n}\n',
      kind: 'bundled',
    },
    {
      name: 'Build imported from cc',
      modelledOn: 'ring 0.17 build.rs (`use cc;` then `cc::Build::new()` in a helper)',
      script:
        'use cc::Build;\n\nfn main() {\n    let mut b = Build::new();\n    b.file("crypto/curve25519/curve25519.c").compile("ring_core");\n    println!("cargo:rustc-link-lib=static=ring_core");\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:1:5: cc::Build', 'foo-sys-1.2.3/build.rs:4:17: Build::new()', 'foo-sys-1.2.3/build.rs:6:5: println!("cargo:rustc-link-lib=static=ring_core")'],
    },
    {
      name: 'C++ through cc, and the C++ runtime',
      modelledOn: 'snappy-sys / rocksdb-style builds (`.cpp(true)`)',
      script: 'fn main() {\n    cc::Build::new()\n        .cpp(true)\n        .file("snappy/snappy.cc")\n        .compile("snappy");\n    println!("cargo:rustc-link-lib=stdc++");\n}\n',
      kind: 'bundled',
      cxx: true,
    },
    {
      name: 'cxx_build bridge',
      modelledOn: 'zarchive build.rs (`cxx_build::bridge("src/lib.rs")`)',
      script: 'fn main() {\n    cxx_build::bridge("src/lib.rs")\n        .file("src/zarchivereader.cpp")\n        .compile("zarchive");\n}\n',
      kind: 'bundled',
      cxx: true,
    },
    {
      name: 'cmake on a folder inside the crate',
      modelledOn: 'libgit2-sys 0.6 and other cmake builds (`cmake::Config::new("libgit2")`)',
      script: 'fn main() {\n    let dst = cmake::Config::new("libgit2")\n        .define("BUILD_SHARED_LIBS", "OFF")\n        .build();\n    println!("cargo:rustc-link-lib=static=git2");\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:2:15: cmake::Config::new("libgit2")'],
    },
    {
      name: 'cmake with the library it builds named',
      modelledOn: 'cmake builds that name their target (`.build_target("git2")`)',
      script: 'fn main() {\n    let dst = cmake::Config::new("libgit2").build_target("git2").build();\n    println!("cargo:rustc-link-lib=static=git2");\n}\n',
      kind: 'bundled',
    },
    {
      name: 'a library linked with a kind computed at run time, named like the folder it builds with cmake, is its own',
      modelledOn: 'audiopus_sys 0.2.2 build.rs (`cmake::build(opus_path)`, then `rustc-link-lib={}=opus` with `static` or `dylib`)',
      script:
        'fn build_opus(is_static: bool) {\n    let opus_path = Path::new("opus");\n    let opus_build_dir = cmake::build(opus_path);\n    link_opus(is_static, opus_build_dir.display())\n}\n\nfn link_opus(is_static: bool, dir: impl Display) {\n    println!("cargo:rustc-link-lib={}=opus", rustc_linking_word(is_static));\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:3:26: cmake::build(opus_path)', 'foo-sys-1.2.3/build.rs:8:5: println!("cargo:rustc-link-lib={}=opus", rustc_linking_word(is_static))'],
    },
    {
      name: 'a folder given as a literal path names the library by its last part, `lib` dropped',
      modelledOn: 'cmake builds of a vendored folder (`cmake::Config::new("vendor/libfoo")`) linked with a computed kind',
      script: 'fn main() {\n    let dst = cmake::Config::new("vendor/libfoo").build();\n    println!("cargo:rustc-link-lib={}=foo", kind);\n}\n',
      kind: 'bundled',
    },
    {
      name: 'a folder outside the crate names nothing it builds',
      modelledOn: 'workspace-local cmake builds of `../foo` linked with a computed kind',
      script: 'fn main() {\n    let dst = cmake::build("../foo");\n    println!("cargo:rustc-link-lib={}=foo", kind);\n}\n',
      kind: 'system',
      libraries: ['foo'],
    },
    {
      name: './configure and make run through Command build the static library it links',
      modelledOn: 'rdkafka-sys 4.7.0 build.rs (`run_command_or_fail(&out_dir, "./configure", ..)`, `"make"`, `rustc-link-lib=static=rdkafka`)',
      facts: { links: 'rdkafka', features: ['cmake-build', 'dynamic-linking', 'libz'] },
      script:
        'fn run_command_or_fail(dir: &str, cmd: &str, args: &[&str]) {\n    let ret = Command::new(cmd).current_dir(dir).args(args).status();\n}\n\nfn build_librdkafka() {\n    let out_dir = env::var("OUT_DIR").expect("OUT_DIR missing");\n    run_command_or_fail(&out_dir, "./configure", &[]);\n    run_command_or_fail(&out_dir, "make", &["libs"]);\n    println!("cargo:rustc-link-search=native={}/src", out_dir);\n    println!("cargo:rustc-link-lib=static=rdkafka");\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:7:35: "./configure"', 'foo-sys-1.2.3/build.rs:8:35: "make"', 'foo-sys-1.2.3/build.rs:10:5: println!("cargo:rustc-link-lib=static=rdkafka")'],
    },
    {
      name: 'a *_LIB_DIR beside a build of its own points at a prebuilt library instead',
      modelledOn: 'libsodium-sys 0.2.7 build.rs (SODIUM_LIB_DIR, else configure and make, `static=sodium`)',
      facts: { links: 'sodium', features: ['use-pkg-config'] },
      script:
        'fn main() {\n    println!("cargo:rerun-if-env-changed=SODIUM_LIB_DIR");\n    if env::var("SODIUM_LIB_DIR").is_ok() {\n        let lib_dir = env::var("SODIUM_LIB_DIR").unwrap();\n        println!("cargo:rustc-link-lib={}={}", mode, name);\n    } else {\n        let mut make_cmd = Command::new("make");\n        make_cmd.current_dir(&source_dir).arg("check").status();\n        println!("cargo:rustc-link-lib=static=sodium");\n    }\n}\n',
      kind: 'bundled',
      evidence: ['foo-sys-1.2.3/build.rs:7:28: Command::new("make")', 'foo-sys-1.2.3/build.rs:9:9: println!("cargo:rustc-link-lib=static=sodium")'],
    },
    {
      name: 'checking that pkg-config is there is no probe (nor a `*-config` tool)',
      modelledOn: 'libbpf-sys 1.6.4 build.rs (`pkg_check("pkg-config")` before its make)',
      script:
        'fn pkg_check(pkg: &str) {\n    process::Command::new(pkg).status().unwrap();\n}\n\nfn main() {\n    pkg_check("make");\n    pkg_check("pkg-config");\n    println!("cargo:rustc-link-lib=static=bpf");\n}\n',
      kind: 'bundled',
    },
    // ---- cannot tell ----
    {
      name: 'a commented-out probe is no evidence',
      modelledOn: 'a squashfs-ng-style script with a probe left in a comment',
      script: 'fn main() {\n    // pkg_config::probe_library("foo").unwrap();\n    /* println!("cargo:rustc-link-lib=foo"); */\n    println!("cargo:rustc-cfg=has_foo");\n}\n',
      kind: 'unknown',
      evidence: [],
    },
    {
      name: 'a probe inside a string that is not printed for cargo is no evidence',
      modelledOn: 'scripts that print advice naming pkg-config',
      script: 'fn main() {\n    panic!("install it, or call pkg_config::probe_library(\\"foo\\") yourself");\n}\n',
      kind: 'unknown',
      evidence: [],
    },
    {
      name: 'a name computed at run time alone',
      modelledOn: 'winapi 0.3 build.rs (`rustc-link-lib=dylib={}` over a list)',
      script: 'fn main() {\n    for lib in LIBS {\n        println!("cargo:rustc-link-lib=dylib={}", lib);\n    }\n}\n',
      kind: 'unknown',
      evidence: ['foo-sys-1.2.3/build.rs:3:9: println!("cargo:rustc-link-lib=dylib={}", lib)'],
    },
    {
      name: 'cmake on a path outside the crate',
      modelledOn: 'workspace-local builds pointing at `../vendor`',
      script: 'fn main() {\n    cmake::Config::new("../third_party/foo").build();\n}\n',
      kind: 'unknown',
    },
    {
      name: 'a rustc version probe links nothing',
      modelledOn: 'serde 1.0 build.rs (rustc minor version checks)',
      script: 'fn main() {\n    let minor = rustc_minor_version().unwrap();\n    if minor < 61 { println!("cargo:rustc-cfg=no_target_has_atomic"); }\n}\n',
      kind: 'unknown',
      evidence: [],
    },
    {
      name: "OUT_DIR, CARGO_* and DEP_* are cargo's, not the crate's",
      modelledOn: 'libssh2-sys 0.3 build.rs (`DEP_Z_INCLUDE`, `OUT_DIR`)',
      script: 'fn main() {\n    let dst = env::var("OUT_DIR").unwrap();\n    let m = env::var("CARGO_MANIFEST_DIR").unwrap();\n    let z = env::var("DEP_Z_ROOT_DIR");\n}\n',
      kind: 'unknown',
      evidence: [],
    },
    {
      name: "a `#[link]` in the build script's own files links the build script, not the crate",
      modelledOn: 'xcb 1.4.0 src/ffi/base.rs, were its build script to pull it in with `#[path]`',
      script: {
        'build.rs': '#[path = "src/ffi/base.rs"]\nmod base;\n\nfn main() {}\n',
        'src/ffi/base.rs': '#[link(name = "xcb")]\nextern "C" {\n    pub(crate) fn xcb_flush(c: *mut xcb_connection_t) -> c_int;\n}\n',
      },
      kind: 'unknown',
      evidence: [],
    },
    {
      name: "the crate's sources are read for their `#[link]` attributes only",
      modelledOn: "cc 1.0 src/lib.rs (a build helper's library prints `rustc-link-lib` for the scripts that call it)",
      script: 'fn main() {}\n',
      sources: {
        'src/lib.rs':
          'impl Build {\n    pub fn compile(&self, output: &str) {\n        self.print(&format!("cargo:rustc-link-lib=static={}", lib_name));\n        let mut cmd = Command::new("make");\n        pkg_config::probe_library("foo");\n    }\n}\n',
      },
      kind: 'unknown',
      evidence: [],
    },
    {
      name: 'a `#[link]` that names only a wasm import module links nothing, nor one on an `extern crate`',
      modelledOn: 'web-sys 0.3 (`#[link(wasm_import_module = "__wbindgen_placeholder__")]` then `#[cfg(..)]`)',
      script: 'fn main() {}\n',
      sources: {
        'src/features/gen_Event.rs':
          '#[link(wasm_import_module = "__wbindgen_placeholder__")]\n#[cfg(all(target_arch = "wasm32", not(target_os = "emscripten")))]\nextern "C" {\n    fn __widl_instanceof_Event(val: u32) -> u32;\n}\n\n#[link(name = "foo")]\nextern crate foo;\n',
      },
      kind: 'unknown',
      evidence: [],
    },
    {
      name: 'a static `#[link]` of a library the script does not build',
      modelledOn: 'servo/skia src/linkhack.rs (`#[link(name = "skia", kind = "static")]`), without the build that makes it',
      script: 'fn main() {\n    println!("cargo:rustc-link-search=native={}/lib", dst.display());\n}\n',
      sources: { 'src/linkhack.rs': '#[link(name = "skia", kind = "static")]\nextern { }\n' },
      kind: 'unknown',
      evidence: ['foo-sys-1.2.3/src/linkhack.rs:1:1: #[link(name = "skia", kind = "static")]'],
    },
  ],
});

describe('parseLinkLib', () => {
  it.each([
    ['crypto', 'default', 'crypto'],
    ['dylib=crypto', 'dylib', 'crypto'],
    ['static=z', 'static', 'z'],
    ['static:+whole-archive=foo', 'static', 'foo'],
    ['static:-bundle,+whole-archive=foo', 'static', 'foo'],
    ['framework=Security', 'framework', 'Security'],
    ['{}={}', 'unknown', null],
    ['{}', 'default', null],
    ['dylib={lib}', 'dylib', null],
    ['ssl:libssl3', 'default', 'ssl'],
  ] as const)('%s', (spec, kind, name) => {
    expect(parseLinkLib(spec)).toEqual({ kind, name });
  });
});

describe('linkAttributes', () => {
  const read = (text: string) => linkAttributes(lexRust(text)).map(({ name, kind }) => ({ name, kind }));
  it('reads the top-level name and kind of a `#[link]` on an extern block', () => {
    expect(read('#[link(name = "z", kind = "static", modifiers = "+whole-archive")]\nextern "C" {}')).toEqual([{ name: 'z', kind: 'static' }]);
    expect(read('#[link(kind = "dylib", name = "ssl")] unsafe extern "C" {}')).toEqual([{ name: 'ssl', kind: 'dylib' }]);
    expect(read('#[link(name = "c", cfg(not(target_feature = "crt-static")))]\nextern "C" {}')).toEqual([{ name: 'c', kind: null }]);
  });
  it('a name given by a macro fragment, or only a wasm module or an import name type, is no name', () => {
    expect(read('#[link(name = $library, kind = "raw-dylib", modifiers = "+verbatim", import_name_type = "undecorated")]\nextern "system" {}')).toEqual([{ name: null, kind: 'raw-dylib' }]);
    expect(read('#[link(wasm_import_module = "env")]\nextern "C" {}')).toEqual([{ name: null, kind: null }]);
  });
  it('is not read off an extern block, through cfg_attr, in a comment or in a string', () => {
    expect(read('#[link(name = "foo")]\nextern crate foo;\n#[link(name = "bar")]\nfn f() {}')).toEqual([]);
    expect(read('#[cfg_attr(unix, link(name = "foo"))]\nextern "C" {}')).toEqual([]);
    expect(read('// #[link(name = "foo")]\nconst S: &str = "#[link(name = \\"foo\\")] extern {}";\nextern "C" {}')).toEqual([]);
  });
});

describe('lexRust', () => {
  it('blanks comments, nested block comments and string contents, keeping offsets', () => {
    const text = 'a /* x /* y */ z */ b // c\n"s\\"t" r#"u"v"# \'"\' \'a';
    const { code, strings } = lexRust(text);
    expect(code.length).toBe(text.length);
    expect(code.replace(/\s+/g, ' ').trim()).toBe('a b " " r#" "# \' \' \'a');
    expect(strings.map((s) => s.value)).toEqual(['s"t', 'u"v']);
  });
  it('joins a line continuation', () => {
    expect(lexRust('"cargo:rustc-link-lib=\\\n     crypto"').strings[0]!.value).toBe('cargo:rustc-link-lib=crypto');
  });
});

describe('pulledInFiles', () => {
  it('finds modules beside a crate root, below a non-mod.rs file, by #[path] and include!', () => {
    expect(pulledInFiles('build/main.rs', 'mod a;\n#[cfg(feature = "x")]\nmod b;\nmod c { }\n', true).map((p) => p.candidates)).toEqual([
      ['build/a.rs', 'build/a/mod.rs'],
      ['build/b.rs', 'build/b/mod.rs'],
    ]);
    expect(pulledInFiles('build/a.rs', 'mod inner;', false).map((p) => p.candidates)).toEqual([['build/a/inner.rs', 'build/a/inner/mod.rs']]);
    expect(pulledInFiles('build.rs', '#[path = "src/shared.rs"] mod shared;\ninclude!("gen.rs");\ninclude!(concat!(env!("OUT_DIR"), "/x.rs"));', true).map((p) => p.candidates)).toEqual([
      ['src/shared.rs'],
      ['gen.rs'],
    ]);
  });
  it('refuses paths leaving the crate', () => {
    expect(pulledInFiles('build.rs', '#[path = "../../etc/passwd"] mod x;\ninclude!("/etc/x.rs");', true)).toEqual([]);
  });
  it('a commented-out module is not read', () => {
    expect(pulledInFiles('build.rs', '// mod gone;\n/* mod gone2; */', true)).toEqual([]);
  });
});
