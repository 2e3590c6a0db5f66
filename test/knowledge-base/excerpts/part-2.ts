/** Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_2: BuildScriptExcerpt[] = [
  /** Tag 1.1.17. Without `static` or LIBZ_SYS_STATIC=1 it asks pkg-config for zlib first. */
  {
    family: 'zlib',
    crate: 'libz-sys',
    version: '1.1.17',
    repository: 'rust-lang/libz-sys',
    commit: 'd9dde9d3',
    file: 'build.rs',
    lines: '29-42',
    path: 'default',
    verdict: 'system',
    libraries: ['zlib'],
    switches: ['feature:static', 'env:LIBZ_SYS_STATIC'],
    model:
      'fn main() {\n    let want_static =\n        cfg!(feature = "static") || env::var("LIBZ_SYS_STATIC").unwrap_or(String::new()) == "1";\n    if !want_static && !target.contains("msvc") {\n        let zlib = pkg_config::Config::new()\n            .cargo_metadata(true)\n            .print_system_libs(false)\n            .probe("zlib");\n    }\n}\n',
  },
  /** Cross-compiling (a musl target on a gnu host) or finding no zlib, it builds the bundled source. */
  {
    family: 'zlib',
    crate: 'libz-sys',
    version: '1.1.17',
    repository: 'rust-lang/libz-sys',
    commit: 'd9dde9d3',
    file: 'build.rs',
    lines: '74-147',
    path: 'fallback',
    verdict: 'bundled',
    model:
      'fn main() {\n    let mut cfg = cc::Build::new();\n    let cross_compiling = target != host;\n    if target.contains("msvc") || want_static || (cross_compiling && !target.contains("-apple-")) {\n        return build_zlib(&mut cfg, &target);\n    }\n    build_zlib(&mut cfg, &target)\n}\n\nfn build_zlib(cfg: &mut cc::Build, target: &str) {\n    cfg.warnings(false).out_dir(&lib).include("src/zlib");\n    cfg.file("src/zlib/adler32.c")\n        .file("src/zlib/zutil.c");\n    cfg.compile("z");\n}\n',
  },
  {
    family: 'zlib',
    crate: 'libz-sys',
    version: '1.1.17',
    repository: 'rust-lang/libz-sys',
    commit: 'd9dde9d3',
    file: 'build.rs',
    lines: '29-30, 85-91, 107-147',
    path: 'feature:static',
    verdict: 'bundled',
    model:
      'fn main() {\n    let want_static =\n        cfg!(feature = "static") || env::var("LIBZ_SYS_STATIC").unwrap_or(String::new()) == "1";\n    let mut cfg = cc::Build::new();\n    if want_static {\n        return build_zlib(&mut cfg, &target);\n    }\n}\n\nfn build_zlib(cfg: &mut cc::Build, target: &str) {\n    cfg.file("src/zlib/adler32.c")\n        .file("src/zlib/zutil.c");\n    cfg.compile("z");\n}\n',
  },
  {
    family: 'zlib',
    crate: 'libz-sys',
    version: '1.1.17',
    repository: 'rust-lang/libz-sys',
    commit: 'd9dde9d3',
    file: 'build.rs',
    lines: '29-30, 85-91, 107-147',
    path: 'env:LIBZ_SYS_STATIC',
    verdict: 'bundled',
    model:
      'fn main() {\n    let want_static =\n        cfg!(feature = "static") || env::var("LIBZ_SYS_STATIC").unwrap_or(String::new()) == "1";\n    let mut cfg = cc::Build::new();\n    if want_static {\n        return build_zlib(&mut cfg, &target);\n    }\n}\n\nfn build_zlib(cfg: &mut cc::Build, target: &str) {\n    cfg.file("src/zlib/adler32.c")\n        .file("src/zlib/zutil.c");\n    cfg.compile("z");\n}\n',
  },
  /** 016e1815 is the commit that sets bzip2-sys 0.1.11+1.0.8 (no release tag for it in the repository). */
  {
    family: 'bzip2',
    crate: 'bzip2-sys',
    version: '0.1.11+1.0.8',
    repository: 'alexcrichton/bzip2-rs',
    commit: '016e1815',
    file: 'bzip2-sys/build.rs',
    lines: '7-24',
    path: 'default',
    verdict: 'system',
    libraries: ['bzip2'],
    switches: ['feature:static'],
    model:
      'fn main() {\n    let mut cfg = cc::Build::new();\n    let target = env::var("TARGET").unwrap();\n    if target.contains("windows") {\n        cfg.define("BZ_EXPORT", None);\n    } else if !cfg!(feature = "static") {\n        if pkg_config::Config::new()\n            .cargo_metadata(true)\n            .probe("bzip2")\n            .is_ok()\n        {\n            return;\n        }\n    }\n}\n',
  },
  {
    family: 'bzip2',
    crate: 'bzip2-sys',
    version: '0.1.11+1.0.8',
    repository: 'alexcrichton/bzip2-rs',
    commit: '016e1815',
    file: 'bzip2-sys/build.rs',
    lines: '26-39',
    path: 'fallback',
    verdict: 'bundled',
    model:
      'fn main() {\n    let mut cfg = cc::Build::new();\n    cfg.include("bzip2-1.0.8")\n        .file("bzip2-1.0.8/blocksort.c")\n        .file("bzip2-1.0.8/bzlib.c")\n        .out_dir(dst.join("lib"))\n        .compile("libbz2.a");\n}\n',
  },
  {
    family: 'bzip2',
    crate: 'bzip2-sys',
    version: '0.1.11+1.0.8',
    repository: 'alexcrichton/bzip2-rs',
    commit: '016e1815',
    file: 'bzip2-sys/build.rs',
    lines: '15, 26-39',
    path: 'feature:static',
    verdict: 'bundled',
    model:
      'fn main() {\n    let mut cfg = cc::Build::new();\n    cfg.include("bzip2-1.0.8")\n        .file("bzip2-1.0.8/blocksort.c")\n        .file("bzip2-1.0.8/bzlib.c")\n        .out_dir(dst.join("lib"))\n        .compile("libbz2.a");\n}\n',
  },
  /** Tag bzip2-sys-0.1.7: no pkg-config, the bundled bzip2 always. */
  {
    family: 'bzip2',
    crate: 'bzip2-sys',
    version: '0.1.7',
    repository: 'alexcrichton/bzip2-rs',
    commit: '34265a55',
    file: 'bzip2-sys/build.rs',
    lines: '6-28',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn main() {\n    let mut cfg = cc::Build::new();\n    cfg.warnings(false);\n    if env::var("TARGET").unwrap().contains("windows") {\n        cfg.define("BZ_EXPORT", None);\n    }\n    cfg.include("bzip2-1.0.6")\n       .file("bzip2-1.0.6/blocksort.c")\n       .file("bzip2-1.0.6/bzlib.c")\n       .out_dir(dst.join("lib"))\n       .compile("libbz2.a");\n}\n',
  },
  /** Tag pcre2-sys-0.2.9. On a musl target `want_static` is true without PCRE2_SYS_STATIC, so the pkg-config probe of line 33 is skipped: these are the lines that run. */
  {
    family: 'pcre2',
    crate: 'pcre2-sys',
    version: '0.2.9',
    repository: 'BurntSushi/rust-pcre2',
    commit: '9f9bee6c',
    file: 'pcre2-sys/build.rs',
    lines: '27-32, 39-81',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn main() {\n    let target = std::env::var("TARGET").unwrap();\n    let want_static = pcre2_sys_static().unwrap_or(target.contains("musl"));\n    let mut builder = cc::Build::new();\n    builder\n        .define("PCRE2_CODE_UNIT_WIDTH", "8")\n        .define("PCRE2_STATIC", "1");\n    builder.include(upstream.join("src")).include(upstream.join("include"));\n    builder.file(path);\n    builder.compile("libpcre2.a");\n}\n',
  },
  {
    family: 'pcre2',
    crate: 'pcre2-sys',
    version: '0.2.9',
    repository: 'BurntSushi/rust-pcre2',
    commit: '9f9bee6c',
    file: 'pcre2-sys/build.rs',
    lines: '32, 39-97',
    path: 'env:PCRE2_SYS_STATIC',
    verdict: 'bundled',
    model:
      'fn main() {\n    let want_static = pcre2_sys_static().unwrap_or(target.contains("musl"));\n    let mut builder = cc::Build::new();\n    builder.define("PCRE2_STATIC", "1");\n    builder.file(path);\n    builder.compile("libpcre2.a");\n}\n\nfn pcre2_sys_static() -> Option<bool> {\n    match std::env::var("PCRE2_SYS_STATIC") {\n        Err(_) => None,\n        Ok(s) => {\n            if s == "1" {\n                Some(true)\n            } else if s == "0" {\n                Some(false)\n            } else {\n                None\n            }\n        }\n    }\n}\n',
  },
  /** Tag libssh2-sys-0.3.0. Lines 22-33 ask pkg-config only with LIBSSH2_SYS_USE_PKG_CONFIG set (an opt-in to the system libssh2); without it these lines run. */
  {
    family: 'libssh2',
    crate: 'libssh2-sys',
    version: '0.3.0',
    repository: 'alexcrichton/ssh2-rs',
    commit: '346c27a2',
    file: 'libssh2-sys/build.rs',
    lines: '41-188',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn main() {\n    let target = env::var("TARGET").unwrap();\n    let mut cfg = cc::Build::new();\n    cfg.file("libssh2/src/agent.c")\n        .file("libssh2/src/userauth.c")\n        .include(&include)\n        .include("libssh2/src");\n    cfg.define("LIBSSH2_OPENSSL", None);\n    cfg.compile("ssh2");\n}\n',
  },
  /** 3998de02 is the commit that sets lz4-sys 1.9.5 (no release tag for it in the repository). */
  {
    family: 'lz4',
    crate: 'lz4-sys',
    version: '1.9.5',
    repository: '10XGenomics/lz4-rs',
    commit: '3998de02',
    file: 'lz4-sys/build.rs',
    lines: '17-43',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn run() -> Result<(), Box<dyn Error>> {\n    let mut compiler = cc::Build::new();\n    compiler\n        .file("liblz4/lib/lz4.c")\n        .file("liblz4/lib/lz4frame.c")\n        .file("liblz4/lib/lz4hc.c")\n        .file("liblz4/lib/xxhash.c")\n        .opt_level(3);\n    compiler.compile("liblz4.a");\n    Ok(())\n}\n',
  },
  /** Tag 0.3.5. */
  {
    family: 'libxml2',
    crate: 'libxml',
    version: '0.3.5',
    repository: 'KWARC/rust-libxml',
    commit: '2fa5b5a1',
    file: 'build.rs',
    lines: '43-47',
    path: 'default',
    verdict: 'system',
    libraries: ['libxml-2.0'],
    switches: [],
    model:
      'fn find_libxml2() -> Option<ProbedLib> {\n    #[cfg(any(target_family = "unix", target_os = "macos", all(target_family="windows", target_env="gnu")))]\n    {\n      let lib = pkg_config::Config::new()\n        .probe("libxml-2.0")\n        .expect("Couldn\'t find libxml2 via pkg-config");\n    }\n}\n',
  },
  /** d2bf79fa sets onig_sys 69.8.1 (no release tag for it). The pkg-config probe (lines 225-256) runs only with RUSTONIG_SYSTEM_LIBONIG or RUSTONIG_DYNAMIC_LIBONIG set. */
  {
    family: 'oniguruma',
    crate: 'onig_sys',
    version: '69.8.1',
    repository: 'rust-onig/rust-onig',
    commit: 'd2bf79fa',
    file: 'onig_sys/build.rs',
    lines: '62-65, 196, 220-224, 259',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn compile() {\n    bindgen_headers("oniguruma/src/oniguruma.h");\n    let mut cc = cc::Build::new();\n    cc.compile("onig");\n}\n\npub fn main() {\n    let link_type = link_type_override();\n    let require_pkg_config = env_var_bool("RUSTONIG_SYSTEM_LIBONIG").unwrap_or(false);\n    compile();\n}\n',
  },
  /** 0ee554fe sets libpulse-sys 1.23.0. The library name is a variable (`lib_name`, "libpulse"), so the classifier names none. */
  {
    family: 'pulseaudio',
    crate: 'libpulse-sys',
    version: '1.23.0',
    repository: 'jnqnfe/pulse-binding-rust',
    commit: '0ee554fe',
    file: 'pulse-sys/build.rs',
    lines: '7-72',
    path: 'default',
    verdict: 'system',
    switches: [],
    model:
      'fn main() {\n    let lib_name = "libpulse";\n    let mut config = pkg_config::Config::new();\n    config.cargo_metadata(false);\n    let fallback = match config.probe(lib_name) {\n        _ => false,\n    };\n    if fallback {\n        println!("cargo:rustc-link-lib={}", fallback_name);\n        return;\n    }\n    config.cargo_metadata(true)\n          .atleast_version(min_version);\n    match config.probe(lib_name) {\n        Ok(_) => {},\n    }\n}\n',
  },
  /** Tag v0.1.4. */
  {
    family: 'udev',
    crate: 'libudev-sys',
    version: '0.1.4',
    repository: 'dcuddeback/libudev-sys',
    commit: '5c308ba8',
    file: 'build.rs',
    lines: '37-38',
    path: 'default',
    verdict: 'system',
    libraries: ['libudev'],
    switches: [],
    model: 'fn main() {\n    pkg_config::find_library("libudev").unwrap();\n}\n',
  },
  /** Tag v2.21.0. The pkg-config names come from a table by feature, so the classifier names none. */
  {
    family: 'x11',
    crate: 'x11',
    version: '2.21.0',
    repository: 'AltF02/x11-rs',
    commit: 'fced94ef',
    file: 'x11/build.rs',
    lines: '34-43',
    path: 'default',
    verdict: 'system',
    switches: [],
    model:
      'fn main() {\n    for &(dep, version, feature) in deps.iter() {\n        let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace(\'-\', "_"));\n        if env::var_os(var).is_none() {\n            continue;\n        }\n        pkg_config::Config::new()\n            .atleast_version(version)\n            .probe(dep)\n            .unwrap();\n    }\n}\n',
  },
  /** 62a3019c sets tensorflow-sys 0.24.0; later commits of the stored copy change build.rs without a new version. Installed (pkg-config) or a prebuilt libtensorflow it downloads, linked as dylib. */
  {
    family: 'tensorflow',
    crate: 'tensorflow-sys',
    version: '0.24.0',
    repository: 'tensorflow/rust',
    commit: '62a3019c',
    file: 'tensorflow-sys/build.rs',
    lines: '58-73, 187-262',
    path: 'default',
    verdict: 'system',
    switches: [],
    model:
      'fn main() {\n    if pkg_config::probe_library(LIBRARY).is_ok() {\n        return;\n    }\n    if !force_src && target_arch() == "x86_64" {\n        install_prebuilt();\n    }\n}\n\nfn install_prebuilt() {\n    println!("cargo:rustc-link-lib=dylib={}", LIBRARY);\n}\n',
  },
  /** 734a9fad sets librocksdb-sys 0.16.0+8.10.0. Without ROCKSDB_LIB_DIR (read through a format! in try_to_find_and_link_lib) it builds the bundled RocksDB. Not modelled: ROCKSDB_INCLUDE_DIR (line 26), which only points bindgen at headers and which the classifier would read as a system library's folder. */
  {
    family: 'rocksdb',
    crate: 'librocksdb-sys',
    version: '0.16.0+8.10.0',
    repository: 'rust-rocksdb/rust-rocksdb',
    commit: '734a9fad',
    file: 'librocksdb-sys/build.rs',
    lines: '48-51, 255-257, 342-351',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn build_rocksdb() {\n    let target = env::var("TARGET").unwrap();\n    let mut config = cc::Build::new();\n    config.include("rocksdb/include/");\n    config.cpp(true);\n    config.flag_if_supported("-std=c++17");\n    config.compile("librocksdb.a");\n}\n\nfn main() {\n    if !try_to_find_and_link_lib("ROCKSDB") {\n        fail_on_empty_directory("rocksdb");\n        build_rocksdb();\n    }\n}\n',
  },
  /** Tag 0.5.4. The verdict rests on `cc::Build::new()`, which here only finds the C compiler for configure; the configure and make runs (Command::new) and the `static=jemalloc_pic` link alone would read as unknown. */
  {
    family: 'jemalloc',
    crate: 'tikv-jemalloc-sys',
    version: '0.5.4+5.3.0-patched',
    repository: 'tikv/jemallocator',
    commit: '0f8983f7',
    file: 'jemalloc-sys/build.rs',
    lines: '127, 158-160, 276-281, 314-318',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn main() {\n    let compiler = cc::Build::new().extra_warnings(false).get_compiler();\n    let configure = build_dir.join("configure");\n    let mut cmd = Command::new("sh");\n    let make = make_cmd(&host);\n    run(Command::new(make)\n        .current_dir(&build_dir)\n        .arg("-j")\n        .arg(num_jobs.clone()));\n    if target.contains("windows") {\n        println!("cargo:rustc-link-lib=static=jemalloc");\n    } else {\n        println!("cargo:rustc-link-lib=static=jemalloc_pic");\n    }\n}\n',
  },
  /** Tag v1.7.0: build.rs calls dynamic::link() without `static`; on MSVC it links `libclang`, elsewhere the name of the file it found. */
  {
    family: 'libclang',
    crate: 'clang-sys',
    version: '1.7.0',
    repository: 'KyleMayes/clang-sys',
    commit: 'b1854129',
    file: 'build/dynamic.rs',
    lines: '201-254',
    path: 'default',
    verdict: 'system',
    libraries: ['libclang'],
    switches: [],
    model:
      'pub fn link() {\n    let (directory, filename) = find(false).unwrap();\n    println!("cargo:rustc-link-search={}", directory.display());\n    if cfg!(all(target_os = "windows", target_env = "msvc")) {\n        println!("cargo:rustc-link-lib=dylib=libclang");\n    } else {\n        let name = filename.trim_start_matches("lib");\n        println!("cargo:rustc-link-lib=dylib={}", name);\n    }\n}\n',
  },
  /** Tag v0.10.2. The library name is `lib_name()` ("duckdb"), so the classifier names none. Not modelled: DUCKDB_STATIC, read through format!("{}_STATIC", env_prefix()), which links the system libduckdb statically. */
  {
    family: 'duckdb',
    crate: 'libduckdb-sys',
    version: '0.10.2',
    repository: 'duckdb/duckdb-rs',
    commit: 'a1aa55af',
    file: 'libduckdb-sys/build.rs',
    lines: '26-37, 238-295',
    path: 'default',
    verdict: 'system',
    switches: ['feature:bundled'],
    model:
      'fn main() {\n    #[cfg(feature = "bundled")]\n    {\n        build_bundled::main(&out_dir, &out_path);\n    }\n    #[cfg(not(feature = "bundled"))]\n    {\n        build_linked::main(&out_dir, &out_path)\n    }\n}\n\nfn find_duckdb() -> HeaderLocation {\n    let link_lib = lib_name();\n    match pkg_config::Config::new().print_system_libs(false).probe(link_lib) {\n        Err(_) => {\n            println!("cargo:rustc-link-lib={}={}", find_link_mode(), link_lib);\n            HeaderLocation::Wrapper\n        }\n    }\n}\n',
  },
  {
    family: 'duckdb',
    crate: 'libduckdb-sys',
    version: '0.10.2',
    repository: 'duckdb/duckdb-rs',
    commit: 'a1aa55af',
    file: 'libduckdb-sys/build.rs',
    lines: '87-121, 160-167',
    path: 'feature:bundled',
    verdict: 'bundled',
    model:
      'pub fn main(out_dir: &str, out_path: &Path) {\n    let lib_name = super::lib_name();\n    untar_archive();\n    let mut cfg = cc::Build::new();\n    cfg.warnings(false)\n        .flag_if_supported("-w");\n    cfg.compile(lib_name);\n}\n',
  },
  /** Tag v0.3.0. MYSQLCLIENT_STATIC (any value) links a libmysqlclient found through MYSQLCLIENT_LIB_DIR or mysql_config as `static=`. */
  {
    family: 'mysqlclient',
    crate: 'mysqlclient-sys',
    version: '0.3.0',
    repository: 'sgrif/mysqlclient-sys',
    commit: '1eee554e',
    file: 'build.rs',
    lines: '4-8, 16-37',
    path: 'default',
    verdict: 'system',
    libraries: ['mysqlclient', 'mariadb'],
    switches: ['feature:bundled', 'env:MYSQLCLIENT_STATIC'],
    model:
      'fn main() {\n    if cfg!(feature = "bundled") {\n        parse_version("8.4.0");\n        return;\n    }\n    println!("cargo::rerun-if-env-changed=MYSQLCLIENT_STATIC");\n    let link_specifier = if env::var("MYSQLCLIENT_STATIC")\n        .or(env::var(format!("MYSQLCLIENT_STATIC_{target}")))\n        .is_ok()\n    {\n        "static="\n    } else {\n        ""\n    };\n    if let Ok(lib) = pkg_config::probe_library("mysqlclient") {\n        parse_version(&lib.version);\n        return;\n    } else if let Ok(lib) = pkg_config::probe_library("mariadb") {\n        parse_version(&lib.version);\n        return;\n    }\n}\n',
  },
  /** Tag v0.2.5: no `bundled` feature and no static switch. */
  {
    family: 'mysqlclient',
    crate: 'mysqlclient-sys',
    version: '0.2.5',
    repository: 'sgrif/mysqlclient-sys',
    commit: '9c4d0c26',
    file: 'build.rs',
    lines: '9-28',
    path: 'default',
    verdict: 'system',
    libraries: ['mysqlclient', 'mysql'],
    switches: [],
    model:
      'fn main() {\n    if pkg_config::probe_library("mysqlclient").is_ok() {\n        return\n    } else if let Ok(path) = env::var("MYSQLCLIENT_LIB_DIR") {\n        println!("cargo:rustc-link-search=native={}", path);\n    }\n    if cfg!(all(windows, target_env="gnu")) {\n        println!("cargo:rustc-link-lib=dylib=mysql");\n    } else if cfg!(all(windows, target_env="msvc")) {\n        println!("cargo:rustc-link-lib=static=mysqlclient");\n    } else {\n        println!("cargo:rustc-link-lib=mysqlclient");\n    }\n}\n',
  },
  /** The client library build that mysqlclient-sys `bundled` selects (mysqlclient-sys returns early with it on): mysqlclient-src 0.1.0 at tag v0.3.0 of mysqlclient-sys. */
  {
    family: 'mysqlclient',
    crate: 'mysqlclient-src',
    version: '0.1.0',
    repository: 'sgrif/mysqlclient-sys',
    commit: '1eee554e',
    file: 'mysqlclient-src/build.rs',
    lines: '1-9, 24, 33-46',
    path: 'default',
    verdict: 'bundled',
    model:
      'fn main() {\n    let openssl_dir = std::env::var("DEP_OPENSSL_ROOT").unwrap();\n    let mut config = cmake::Config::new("source");\n    config\n        .define("WITHOUT_SERVER", "ON")\n        .define("WITH_SSL", openssl_dir)\n        .build_target("mysqlclient");\n    let mut dst = config.build();\n    println!("cargo::rustc-link-search=native={}", dst.display());\n    for entry in std::fs::read_dir(&dst).unwrap() {\n        println!("cargo::rustc-link-lib=static={lib_name}");\n    }\n}\n',
  },
  /** 609bcb0 sets snmalloc-sys 0.3.5 (the repository has no tags). With the default `build_cmake`. Not modelled: `rustc-link-lib=dylib=atomic` under cfg!(target_os = "linux") (lines 305-307), libatomic of the compiler, which the classifier reads as a system library. */
  {
    family: 'snmalloc',
    crate: 'snmalloc-sys',
    version: '0.3.5',
    repository: 'SchrodingerZhu/snmalloc-rs',
    commit: '609bcb0',
    file: 'snmalloc-sys/build.rs',
    lines: '166-168, 257-261',
    path: 'default',
    verdict: 'bundled',
    model:
      '#[cfg(not(feature = "build_cc"))]\nfn main() {\n    let mut cfg = &mut cmake::Config::new("snmalloc");\n    let mut dst = cfg.build_target(target).build();\n    dst.push("./build");\n    println!("cargo:rustc-link-lib={}", target);\n}\n',
  },
  // freetype: the commits that set 0.17.0 (e93a24f), 0.18.0 (5afd165) and 0.20.1 (59b294d). 0.17.0
  // has no pkg-config; 0.18.0 and 0.20.1 ask pkg-config with `find`, its first name for `probe`,
  // and build the FreeType they ship with cc when it finds none.
  {
    family: 'freetype',
    crate: 'freetype-sys',
    version: '0.17.0',
    repository: 'PistonDevelopers/freetype-sys',
    commit: 'e93a24f',
    file: 'build.rs',
    lines: '1-27, 71-72',
    path: 'default',
    verdict: 'bundled',
    model: `fn add_sources(build: &mut cc::Build, root: &str, files: &[&str]) {
    let root = std::path::Path::new(root);
    build.files(files.iter().map(|src| root.join(src)));
    build.include(root);
}

fn main() {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .warnings(false)
        .include(".")
        .include("freetype2/include")
        .define("FT2_BUILD_LIBRARY", None);
    add_sources(&mut build, "freetype2/src", &["autofit/autofit", "base/ftbase"]);
    build.compile("freetype2");
}
`,
  },
  {
    family: 'freetype',
    crate: 'freetype-sys',
    version: '0.18.0',
    repository: 'PistonDevelopers/freetype-sys',
    commit: '5afd165',
    file: 'build.rs',
    lines: '14-23',
    path: 'default',
    verdict: 'system',
    libraries: ['freetype2'],
    switches: [],
    model: `fn main() {
    let target = env::var("TARGET").unwrap();
    if !target.contains("android")
        && pkg_config::Config::new()
            .atleast_version("24.3.18")
            .find("freetype2")
            .is_ok()
    {
        return;
    }
}
`,
  },
  {
    family: 'freetype',
    crate: 'freetype-sys',
    version: '0.18.0',
    repository: 'PistonDevelopers/freetype-sys',
    commit: '5afd165',
    file: 'build.rs',
    lines: '3-12, 25-39, 83-84',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn add_sources(build: &mut cc::Build, root: &str, files: &[&str]) {
    let root = std::path::Path::new(root);
    build.files(files.iter().map(|src| root.join(src)));
    build.include(root);
}

fn main() {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .warnings(false)
        .include(".")
        .include("freetype2/include")
        .define("FT2_BUILD_LIBRARY", None);
    add_sources(&mut build, "freetype2/src", &["autofit/autofit", "base/ftbase"]);
    build.compile("freetype2");
}
`,
  },
  {
    family: 'freetype',
    crate: 'freetype-sys',
    version: '0.20.1',
    repository: 'PistonDevelopers/freetype-sys',
    commit: '59b294d',
    file: 'build.rs',
    lines: '14-24',
    path: 'default',
    verdict: 'system',
    libraries: ['freetype2'],
    switches: [],
    model: `fn main() {
    let target = env::var("TARGET").unwrap();
    if !target.contains("android")
        && !target.contains("ohos")
        && pkg_config::Config::new()
            .atleast_version("24.3.18")
            .find("freetype2")
            .is_ok()
    {
        return;
    }
}
`,
  },
  {
    family: 'freetype',
    crate: 'freetype-sys',
    version: '0.20.1',
    repository: 'PistonDevelopers/freetype-sys',
    commit: '59b294d',
    file: 'build.rs',
    lines: '3-12, 26-40, 84-85',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn add_sources(build: &mut cc::Build, root: &str, files: &[&str]) {
    let root = std::path::Path::new(root);
    build.files(files.iter().map(|src| root.join(src)));
    build.include(root);
}

fn main() {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .warnings(false)
        .include(".")
        .include("freetype2/include")
        .define("FT2_BUILD_LIBRARY", None);
    add_sources(&mut build, "freetype2/src", &["autofit/autofit", "base/ftbase"]);
    build.compile("freetype2");
}
`,
  },

  // hdf5: tag v0.8.1 (9f98ab94). main chooses with feature_enabled("STATIC"), CARGO_FEATURE_ and
  // the name joined with format!, which the classifier does not read as the `static` feature: the
  // default lines show no static switch. Not modelled: the `static` lines, get_build_and_emit
  // (654-684), which link what hdf5-src built by names read from DEP_HDF5SRC_* at run time
  // (`rustc-link-lib=static={}`): the classifier cannot tie them to a build and reads `unknown`.
  {
    family: 'hdf5',
    crate: 'hdf5-sys',
    version: '0.8.1',
    repository: 'aldanor/hdf5-rust',
    commit: '9f98ab94',
    file: 'hdf5-sys/build.rs',
    lines: '11-13, 236-246, 476-478, 592-593, 641-652',
    path: 'default',
    verdict: 'system',
    libraries: ['hdf5'],
    switches: [],
    model: `fn feature_enabled(feature: &str) -> bool {
    env::var(format!("CARGO_FEATURE_{}", feature)).is_ok()
}

pub fn find_hdf5_via_pkg_config(config: &mut LibrarySearcher) {
    if config.inc_dir.is_some() {
        return;
    }
    let mut pc = pkg_config::Config::new();
    pc.cargo_metadata(false);
    if let Ok(library) = pc.probe("hdf5") {
    }
}

pub fn new_from_env() -> Self {
    let mut config = Self::default();
    if let Some(var) = env::var_os("HDF5_DIR") {
    }
}

pub fn emit_link_flags(&self) {
    println!("cargo:rustc-link-lib=dylib=hdf5");
}

fn main() {
    if feature_enabled("STATIC") && std::env::var_os("HDF5_DIR").is_none() {
        get_build_and_emit();
    } else {
        let mut searcher = LibrarySearcher::new_from_env();
        searcher.try_locate_hdf5_library();
        let config = searcher.finalize();
        config.emit_link_flags();
        config.emit_cfg_flags();
    }
}
`,
  },
  {
    family: 'hdf5',
    crate: 'hdf5-src',
    version: '0.8.1',
    repository: 'aldanor/hdf5-rust',
    commit: '9f98ab94',
    file: 'hdf5-src/build.rs',
    lines: '7-12, 83-84',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut cfg = cmake::Config::new("ext/hdf5");
    cfg.define("HDF5_NO_PACKAGES", "ON");
    let dst = cfg.build();
    println!("cargo:root={}", dst.display());
}
`,
  },
  /**
   * The commit that sets 0.2.2. Without an option, pkg-config is asked first (unless LIBOPUS_NO_PKG
   * or OPUS_NO_PKG is set); `static`, LIBOPUS_STATIC or OPUS_STATIC (any value) make the link static.
   */
  {
    family: 'opus',
    crate: 'audiopus_sys',
    version: '0.2.2',
    repository: 'Lakelezz/audiopus_sys',
    commit: '23c858ae',
    file: 'build.rs',
    lines: '65-71, 104-110, 125-142',
    path: 'default',
    verdict: 'system',
    libraries: ['opus'],
    switches: ['feature:static', 'env:LIBOPUS_STATIC', 'env:OPUS_STATIC'],
    model:
      'fn find_via_pkg_config(is_static: bool) -> bool {\n    pkg_config::Config::new()\n        .statik(is_static)\n        .probe("opus")\n        .is_ok()\n}\n\nfn is_static_build() -> bool {\n    if cfg!(feature = "static") && cfg!(feature = "dynamic") {\n        default_library_linking()\n    } else if cfg!(feature = "static")\n        || env::var("LIBOPUS_STATIC").is_ok()\n        || env::var("OPUS_STATIC").is_ok()\n    {\n        true\n    }\n}\n\nfn main() {\n    let is_static = is_static_build();\n    if std::env::var("LIBOPUS_NO_PKG").is_ok() || std::env::var("OPUS_NO_PKG").is_ok() {\n        println!("cargo:info=Bypassed `pkg-config`.");\n    } else if find_via_pkg_config(is_static) {\n        return;\n    }\n}\n',
  },
  /**
   * With nothing found (and no LIBOPUS_LIB_DIR / OPUS_LIB_DIR), build_opus builds the Opus submodule
   * with cmake and link_opus links it `static=opus` or `dylib=opus`, the kind computed at run time;
   * the submodule (xiph/opus 7b05f44f, CMakeLists.txt:17-24) builds only libopus.a under
   * cmake::build, which the linker takes for `dylib=opus` too.
   */
  {
    family: 'opus',
    crate: 'audiopus_sys',
    version: '0.2.2',
    repository: 'Lakelezz/audiopus_sys',
    commit: '23c858ae',
    file: 'build.rs',
    lines: '9-15, 39-63, 144-148',
    path: 'fallback',
    verdict: 'bundled',
    model:
      'const fn rustc_linking_word(is_static_link: bool) -> &\'static str {\n    if is_static_link {\n        "static"\n    } else {\n        "dylib"\n    }\n}\n\nfn build_opus(is_static: bool) {\n    let opus_path = Path::new("opus");\n    let opus_build_dir = cmake::build(opus_path);\n    link_opus(is_static, opus_build_dir.display())\n}\n\nfn link_opus(is_static: bool, opus_build_dir: impl Display) {\n    let is_static_text = rustc_linking_word(is_static);\n    println!("cargo:rustc-link-lib={}=opus", is_static_text);\n    println!("cargo:rustc-link-search=native={}/lib", opus_build_dir);\n}\n\nfn main() {\n    if let Some(installed_opus) = find_installed_opus() {\n        link_opus(is_static, installed_opus);\n    } else {\n        build_opus(is_static);\n    }\n}\n',
  },
];

/** Families of this part with no excerpt yet. */
export const PENDING_2: readonly string[] = [];
