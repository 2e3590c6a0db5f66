/**
 * Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is).
 * Each was read in the repository's history at the commit that carries the recorded version (its
 * release tag where there is one), so the lines are that release's.
 */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_3: BuildScriptExcerpt[] = [
  // boringssl: tag v5.0.2. `config.env.path` is BORING_BSSL_PATH (a prebuilt BoringSSL), read in
  // build/config.rs; without it the submodule's source is built with cmake.
  {
    family: 'boringssl',
    crate: 'boring-sys',
    version: '5.0.2',
    repository: 'cloudflare/boring',
    commit: 'e71b2432',
    file: 'boring-sys/build/main.rs',
    lines: '207-209, 539-576, 601-625',
    path: 'default',
    verdict: 'bundled',
    model: `fn get_boringssl_cmake_config(config: &Config) -> cmake::Config {
    let src_path = get_boringssl_source_path(config);
    let mut boringssl_cmake = cmake::Config::new(src_path);
    boringssl_cmake
}

fn build_boringssl_or_get_prebuilt(config: &Config) -> &Path {
    if let Some(path) = &config.env.path {
        return path.into();
    }
    let mut cfg = get_boringssl_cmake_config(config);
    cfg.build_target("ssl").build();
    let path = cfg.build_target("crypto").build();
    path
}

fn emit_link_directives(config: &Config) {
    let bssl_dir = build_boringssl_or_get_prebuilt(config);
    if let Some(cpp_lib) = get_cpp_runtime_lib(config) {
        println!("cargo:rustc-link-lib={cpp_lib}");
    }
    println!("cargo:rustc-link-lib=static=crypto");
    println!("cargo:rustc-link-lib=static=ssl");
}
`,
  },

  // curl: tag curl-sys-0.4.81. The probe is skipped with `static-curl`; on Windows vcpkg is
  // asked instead (try_vcpkg, lines 482-531, not modelled). OpenSSL (`ssl`) comes from
  // openssl-sys: see the openssl family.
  {
    family: 'curl',
    crate: 'curl-sys',
    version: '0.4.81+curl-8.14.1',
    repository: 'alexcrichton/curl-rust',
    commit: '739b5fd',
    file: 'curl-sys/build.rs',
    lines: '30-46, 534-557',
    path: 'default',
    verdict: 'system',
    libraries: ['libcurl'],
    switches: ['feature:static-curl'],
    model: `fn main() {
    if !cfg!(feature = "static-curl") {
        if windows {
            if try_vcpkg() {
                return;
            }
        } else if try_pkg_config() {
            return;
        }
    }
}

fn try_pkg_config() -> bool {
    let mut cfg = pkg_config::Config::new();
    cfg.cargo_metadata(false);
    let lib = match cfg.probe("libcurl") {
        Ok(lib) => lib,
        Err(e) => {
            return false;
        }
    };
    if cfg!(feature = "http2") && !curl_config_reports_http2() {
        return false;
    }
    cfg.cargo_metadata(true).probe("libcurl").unwrap();
    true
}
`,
  },
  {
    family: 'curl',
    crate: 'curl-sys',
    version: '0.4.81+curl-8.14.1',
    repository: 'alexcrichton/curl-rust',
    commit: '739b5fd',
    file: 'curl-sys/build.rs',
    lines: '115-119, 456',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn main() {
    let mut cfg = cc::Build::new();
    cfg.out_dir(&build)
        .include("curl/lib")
        .include("curl/include")
        .define("BUILDING_LIBCURL", None);
    cfg.compile("curl");
}
`,
  },
  {
    family: 'curl',
    crate: 'curl-sys',
    version: '0.4.81+curl-8.14.1',
    repository: 'alexcrichton/curl-rust',
    commit: '739b5fd',
    file: 'curl-sys/build.rs',
    lines: '31, 115-119, 456',
    path: 'feature:static-curl',
    verdict: 'bundled',
    model: `fn main() {
    if !cfg!(feature = "static-curl") {
        return;
    }
    let mut cfg = cc::Build::new();
    cfg.out_dir(&build)
        .include("curl/lib")
        .include("curl/include")
        .define("BUILDING_LIBCURL", None);
    cfg.compile("curl");
}
`,
  },

  // ffmpeg: the commit that set the version to 7.0.0 ("FFmpeg 7.0 support"). Only the default
  // path: `build` fetches FFmpeg with git and builds it with its configure script and make
  // through Command (lines 160-382), and `static` links the libraries pkg-config or FFMPEG_DIR
  // finds with `static=`; neither is a source the crate ships, so neither reads as `bundled`.
  // The classifier does not see that `static` picks the link kind of `rustc-link-lib={}={}`.
  {
    family: 'ffmpeg',
    crate: 'ffmpeg-sys-next',
    version: '7.0.0',
    repository: 'zmwangx/rust-ffmpeg-sys',
    commit: 'f02cea3',
    file: 'build.rs',
    lines: '645-649, 682-744',
    path: 'default',
    verdict: 'system',
    libraries: ['libavutil', 'libavcodec'],
    switches: ['feature:static'],
    model: `fn main() {
    let statik = env::var("CARGO_FEATURE_STATIC").is_ok();
    let include_paths: Vec<PathBuf> = if env::var("CARGO_FEATURE_BUILD").is_ok() {
        vec![search().join("include")]
    }
    else if let Ok(ffmpeg_dir) = env::var("FFMPEG_DIR") {
        let ffmpeg_dir = PathBuf::from(ffmpeg_dir);
        link_to_libraries(statik);
        vec![ffmpeg_dir.join("include")]
    } else if let Some(paths) = try_vcpkg(statik) {
        paths
    }
    else {
        pkg_config::Config::new()
            .statik(statik)
            .probe("libavutil")
            .unwrap();
        for (lib_name, env_variable_name) in libs.iter() {
            if env::var(format!("CARGO_FEATURE_{}", env_variable_name)).is_ok() {
                pkg_config::Config::new()
                    .statik(statik)
                    .probe(lib_name)
                    .unwrap();
            }
        }
        pkg_config::Config::new()
            .statik(statik)
            .probe("libavcodec")
            .unwrap()
            .include_paths
    };
}
`,
  },

  // grpc: tag v0.13.0; grpcio-sys has no default features (no `_secure`: grpc_unsecure, no
  // OpenSSL). Left out: GRPCIO_SYS_USE_PKG_CONFIG=1 (lines 549-555) links a system gRPC found by
  // pkg-config instead, an opt-in the family's comment names. The classifier does not see the
  // cmake build through the alias `CmakeConfig`; cc::Build (grpc_wrap.cc) is its evidence.
  {
    family: 'grpc',
    crate: 'grpcio-sys',
    version: '0.13.0+1.56.2-patched',
    repository: 'tikv/grpc-rs',
    commit: '5442991',
    file: 'grpc-sys/build.rs',
    lines: '11, 154-159, 252-255, 283-285, 535-542, 556-565',
    path: 'default',
    verdict: 'bundled',
    model: `use cmake::Config as CmakeConfig;

fn build_grpc(cc: &mut cc::Build, library: &str) {
    let dst = {
        let mut config = CmakeConfig::new("grpc");
        if !cfg!(feature = "_list-package") {
            config.build_target(library);
        }
        config.uses_cxx11().build()
    };
    for l in COMMON_DEPS.iter().chain(libs) {
        println!("cargo:rustc-link-lib=static={l}");
    }
}

fn main() {
    let mut cc = cc::Build::new();
    let library = if cfg!(feature = "_secure") {
        cc.define("GRPC_SYS_SECURE", None);
        "grpc"
    } else {
        "grpc_unsecure"
    };
    build_grpc(&mut cc, library);
    cc.cpp(true);
    cc.file("grpc_wrap.cc");
    cc.warnings_into_errors(true);
    cc.compile("libgrpc_wrap.a");
}
`,
  },

  // libarchive: tag v0.14.3; the manifest names src/build.rs as the build script. On MSVC it asks
  // vcpkg (lines 17-26).
  {
    family: 'libarchive',
    crate: 'compress-tools',
    version: '0.14.3',
    repository: 'OSSystems/compress-tools-rs',
    commit: '35dde09',
    file: 'src/build.rs',
    lines: '9-15',
    path: 'default',
    verdict: 'system',
    libraries: ['libarchive'],
    switches: [],
    model: `#[cfg(not(target_env = "msvc"))]
fn find_libarchive() {
    pkg_config::Config::new()
        .atleast_version("3.2.0")
        .probe("libarchive")
        .expect("Unable to find libarchive");
}
`,
  },

  // libgit2: tag libgit2-sys-0.18.3+1.9.2. LIBGIT2_NO_VENDOR forces the system library even with
  // `vendored`; `zlib-ng-compat` also makes it build the bundled libgit2 (line 58).
  {
    family: 'libgit2',
    crate: 'libgit2-sys',
    version: '0.18.3+1.9.2',
    repository: 'rust-lang/git2-rs',
    commit: '591952f',
    file: 'libgit2-sys/build.rs',
    lines: '8-22, 31-62',
    path: 'default',
    verdict: 'system',
    libraries: ['libgit2'],
    switches: ['feature:vendored'],
    model: `fn try_system_libgit2() -> Result<pkg_config::Library, pkg_config::Error> {
    let mut cfg = pkg_config::Config::new();
    match cfg.range_version("1.9.2".."1.10.0").probe("libgit2") {
        Ok(lib) => Ok(lib),
        Err(e) => Err(e),
    }
}

fn main() {
    let https = env::var("CARGO_FEATURE_HTTPS").is_ok();
    let ssh = env::var("CARGO_FEATURE_SSH").is_ok();
    let vendored = env::var("CARGO_FEATURE_VENDORED").is_ok();
    let zlib_ng_compat = env::var("CARGO_FEATURE_ZLIB_NG_COMPAT").is_ok();
    println!("cargo:rerun-if-env-changed=LIBGIT2_NO_VENDOR");
    let forced_no_vendor = env::var_os("LIBGIT2_NO_VENDOR").map_or(false, |s| s != "0");
    if forced_no_vendor {
        if try_system_libgit2().is_err() {
            panic!("The environment variable LIBGIT2_NO_VENDOR has been set but no compatible system libgit2 could be found.");
        }
        return;
    }
    let try_to_use_system_libgit2 = !vendored && !zlib_ng_compat;
    if try_to_use_system_libgit2 && try_system_libgit2().is_ok() {
        return;
    }
}
`,
  },
  {
    family: 'libgit2',
    crate: 'libgit2-sys',
    version: '0.18.3+1.9.2',
    repository: 'rust-lang/git2-rs',
    commit: '591952f',
    file: 'libgit2-sys/build.rs',
    lines: '64, 76-90, 245',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn main() {
    println!("cargo:rustc-cfg=libgit2_vendored");
    let mut cfg = cc::Build::new();
    cfg.include(&include)
        .include("libgit2/src/libgit2")
        .include("libgit2/src/util")
        .out_dir(dst.join("build"))
        .warnings(false);
    add_c_files(&mut cfg, "libgit2/src/libgit2");
    add_c_files(&mut cfg, "libgit2/src/util");
    cfg.compile("git2");
}
`,
  },
  {
    family: 'libgit2',
    crate: 'libgit2-sys',
    version: '0.18.3+1.9.2',
    repository: 'rust-lang/git2-rs',
    commit: '591952f',
    file: 'libgit2-sys/build.rs',
    lines: '33, 58-59, 64, 76-90, 245',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `fn main() {
    let vendored = env::var("CARGO_FEATURE_VENDORED").is_ok();
    let try_to_use_system_libgit2 = !vendored && !zlib_ng_compat;
    println!("cargo:rustc-cfg=libgit2_vendored");
    let mut cfg = cc::Build::new();
    cfg.include(&include)
        .include("libgit2/src/libgit2")
        .include("libgit2/src/util")
        .out_dir(dst.join("build"))
        .warnings(false);
    add_c_files(&mut cfg, "libgit2/src/libgit2");
    add_c_files(&mut cfg, "libgit2/src/util");
    cfg.compile("git2");
}
`,
  },

  // lzma: tags lzma-sys-0.1.20 and lzma-sys-0.1.15 (which has no `static` feature and reads
  // LZMA_API_STATIC only). The probe is skipped on MSVC from 0.1.16.
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.20',
    repository: 'alexcrichton/xz2-rs',
    commit: 'f68a098',
    file: 'lzma-sys/build.rs',
    lines: '11-23',
    path: 'default',
    verdict: 'system',
    libraries: ['liblzma'],
    switches: ['feature:static', 'env:LZMA_API_STATIC'],
    model: `fn main() {
    println!("cargo:rerun-if-env-changed=LZMA_API_STATIC");
    let want_static = cfg!(feature = "static") || env::var("LZMA_API_STATIC").is_ok();
    let msvc = target.contains("msvc");
    if !want_static && !msvc && pkg_config::probe_library("liblzma").is_ok() {
        return;
    }
}
`,
  },
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.20',
    repository: 'alexcrichton/xz2-rs',
    commit: 'f68a098',
    file: 'lzma-sys/build.rs',
    lines: '50-65, 77',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn main() {
    let mut build = cc::Build::new();
    build
        .files(src_files)
        .define("HAVE_CONFIG_H", "1")
        .include("xz-5.2/src/liblzma/api")
        .include("xz-5.2/src/common")
        .include(env::current_dir().unwrap());
    build.compile("liblzma.a");
}
`,
  },
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.20',
    repository: 'alexcrichton/xz2-rs',
    commit: 'f68a098',
    file: 'lzma-sys/build.rs',
    lines: '12, 50-65, 77',
    path: 'feature:static',
    verdict: 'bundled',
    model: `fn main() {
    let want_static = cfg!(feature = "static") || env::var("LZMA_API_STATIC").is_ok();
    let mut build = cc::Build::new();
    build
        .files(src_files)
        .define("HAVE_CONFIG_H", "1")
        .include("xz-5.2/src/liblzma/api")
        .include("xz-5.2/src/common")
        .include(env::current_dir().unwrap());
    build.compile("liblzma.a");
}
`,
  },
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.15',
    repository: 'alexcrichton/xz2-rs',
    commit: '6a84d85',
    file: 'lzma-sys/build.rs',
    lines: '10-14',
    path: 'default',
    verdict: 'system',
    libraries: ['liblzma'],
    switches: ['env:LZMA_API_STATIC'],
    model: `fn main() {
    println!("cargo:rerun-if-env-changed=LZMA_API_STATIC");
    let want_static = env::var("LZMA_API_STATIC").is_ok();
    if !want_static && pkg_config::probe_library("liblzma").is_ok() {
        return;
    }
}
`,
  },
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.15',
    repository: 'alexcrichton/xz2-rs',
    commit: '6a84d85',
    file: 'lzma-sys/build.rs',
    lines: '35-49, 62',
    path: 'fallback',
    verdict: 'bundled',
    model: `fn main() {
    let mut build = cc::Build::new();
    build
        .files(src_files)
        .include("xz-5.2/src/liblzma/api")
        .include("xz-5.2/src/common");
    build.compile("liblzma.a");
}
`,
  },
  {
    family: 'lzma',
    crate: 'lzma-sys',
    version: '0.1.15',
    repository: 'alexcrichton/xz2-rs',
    commit: '6a84d85',
    file: 'lzma-sys/build.rs',
    lines: '11, 35-49, 62',
    path: 'env:LZMA_API_STATIC',
    verdict: 'bundled',
    model: `fn main() {
    let want_static = env::var("LZMA_API_STATIC").is_ok();
    let mut build = cc::Build::new();
    build
        .files(src_files)
        .include("xz-5.2/src/liblzma/api")
        .include("xz-5.2/src/common");
    build.compile("liblzma.a");
}
`,
  },

  // openblas: tag openblas-src-v0.10.9, the Linux build(). openblas_build::download fetches the
  // OpenBLAS 0.3.25 tarball (openblas-build/src/download.rs); without `static` it is built shared
  // and linked `dylib`. The classifier does not see the `static` switch: feature_enabled("static")
  // reads CARGO_FEATURE_STATIC through format!, and the link kind is a `{}` of the same line;
  // for the same reason the `static` path cannot be told from this one.
  {
    family: 'openblas',
    crate: 'openblas-src',
    version: '0.10.9',
    repository: 'blas-lapack-rs/openblas-src',
    commit: 'e1fd795',
    file: 'openblas-src/build.rs',
    lines: '78-84, 101, 107-109, 114, 120, 127-131, 181-182',
    path: 'default',
    verdict: 'system',
    libraries: ['openblas'],
    switches: [],
    model: `fn main() {
    let link_kind = if feature_enabled("static") {
        "static"
    } else {
        "dylib"
    };
    if feature_enabled("system") {
    } else {
        build();
    }
    println!("cargo:rustc-link-lib={}=openblas", link_kind);
}

fn build() {
    let mut cfg = openblas_build::Configure::default();
    if feature_enabled("static") {
        cfg.no_shared = true;
    } else {
        cfg.no_static = true;
    }
    let source = openblas_build::download(&output).unwrap();
    let deliv = cfg.build(source, &output).unwrap();
}
`,
  },

  // paho-mqtt: the commit that set the version to 0.9.0. Without `bundled` (a default, so only
  // with default-features = false) the `build` module that finds an installed library is used.
  // With `bundled` and `ssl` (both defaults) lines 309-337 also link the system libssl and
  // libcrypto (`rustc-link-lib{}={}ssl`, `static` with OPENSSL_STATIC), left out here: OpenSSL is
  // the openssl family's (the classifier does not read that format string either).
  {
    family: 'paho-mqtt',
    crate: 'paho-mqtt-sys',
    version: '0.9.0',
    repository: 'eclipse/paho.mqtt.rust',
    commit: '9732b13',
    file: 'paho-mqtt-sys/build.rs',
    lines: '349-350, 359-364, 371-374, 379, 386, 396',
    path: 'default',
    verdict: 'system',
    libraries: [],
    switches: ['feature:bundled'],
    model: `#[cfg(not(feature = "bundled"))]
mod build {
    fn find_paho_c() -> Option<String> {
        let link_lib = link_lib_base();
        println!("cargo:rerun-if-env-changed=PAHO_MQTT_C_DIR");
        println!("cargo:rerun-if-env-changed=PAHO_MQTT_C_INCLUDE_DIR");
        println!("cargo:rerun-if-env-changed=PAHO_MQTT_C_LIB_DIR");
        println!("cargo:rustc-link-lib={}", link_lib);
        if let Ok(lib_dir) = env::var("PAHO_MQTT_C_LIB_DIR") {
            println!("cargo:rustc-link-search={}", lib_dir);
        }
        else if let Ok(dir) = env::var("PAHO_MQTT_C_DIR") {
        }
        None
    }
}
`,
  },
  {
    family: 'paho-mqtt',
    crate: 'paho-mqtt-sys',
    version: '0.9.0',
    repository: 'eclipse/paho.mqtt.rust',
    commit: '9732b13',
    file: 'paho-mqtt-sys/build.rs',
    lines: '228-230, 250, 270-278, 289, 340-341',
    path: 'feature:bundled',
    verdict: 'bundled',
    model: `#[cfg(feature = "bundled")]
mod build {
    extern crate cmake;
    pub fn main() {
        let ssl = if cfg!(feature = "ssl") { "on" } else { "off" };
        let mut cmk_cfg = cmake::Config::new("paho.mqtt.c/");
        cmk_cfg
            .define("PAHO_BUILD_SHARED", "off")
            .define("PAHO_BUILD_STATIC", "on")
            .define("PAHO_ENABLE_TESTING", "off")
            .define("PAHO_HIGH_PERFORMANCE", "on")
            .define("PAHO_WITH_SSL", ssl);
        let cmk_install_path = cmk_cfg.build();
        println!("cargo:rustc-link-search=native={}", lib_path.display());
        println!("cargo:rustc-link-lib=static={}", link_lib);
    }
}
`,
  },

  // sqlite: rusqlite tag v0.34.0, which carries libsqlite3-sys 0.32.0. The default path is main's
  // last branch (line 84), build_linked; its find_sqlite is modelled. main's dispatch (lines
  // 49-85) also reads `bundled-windows` (bundled on Windows targets only) and `bundled-sqlcipher`
  // (bundled SQLCipher, linking the system libcrypto unless `bundled-sqlcipher-vendored-openssl`),
  // which the family does not list as static options for a musl target. Not seen by the
  // classifier: SQLITE3_STATIC, read as format!("{}_STATIC", env_prefix()), links the library of
  // SQLITE3_LIB_DIR statically.
  {
    family: 'sqlite',
    crate: 'libsqlite3-sys',
    version: '0.32.0',
    repository: 'rusqlite/rusqlite',
    commit: '8c4e7d1b',
    file: 'libsqlite3-sys/build.rs',
    lines: '410-468',
    path: 'default',
    verdict: 'system',
    libraries: [],
    switches: [],
    model: `fn find_sqlite() -> HeaderLocation {
    let link_lib = lib_name();
    println!("cargo:rerun-if-env-changed={}_INCLUDE_DIR", env_prefix());
    println!("cargo:rerun-if-env-changed={}_LIB_DIR", env_prefix());
    println!("cargo:rerun-if-env-changed={}_STATIC", env_prefix());
    if let Ok(dir) = env::var(format!("{}_LIB_DIR", env_prefix())) {
        if pkg_config::Config::new()
            .atleast_version("3.14.0")
            .probe(link_lib)
            .is_err()
        {
            println!("cargo:rustc-link-lib={}={link_lib}", find_link_mode());
            println!("cargo:rustc-link-search={dir}");
        }
        return HeaderLocation::FromEnvironment;
    }
    if let Some(header) = try_vcpkg() {
        return header;
    }
    if let Ok(mut lib) = pkg_config::Config::new()
        .atleast_version("3.14.0")
        .print_system_libs(false)
        .probe(link_lib)
    {
        HeaderLocation::Wrapper
    } else {
        println!("cargo:rustc-link-lib={}={link_lib}", find_link_mode());
        HeaderLocation::Wrapper
    }
}
`,
  },
  {
    family: 'sqlite',
    crate: 'libsqlite3-sys',
    version: '0.32.0',
    repository: 'rusqlite/rusqlite',
    commit: '8c4e7d1b',
    file: 'libsqlite3-sys/build.rs',
    lines: '67, 76, 93, 100-101, 120-123, 294',
    path: 'feature:bundled',
    verdict: 'bundled',
    model: `fn main() {
    if cfg!(feature = "bundled") {
        build_bundled::main(&out_dir, &out_path);
    }
}

mod build_bundled {
    pub fn main(out_dir: &str, out_path: &Path) {
        let lib_name = super::lib_name();
        let mut cfg = cc::Build::new();
        cfg.file(format!("{lib_name}/sqlite3.c"))
            .flag("-DSQLITE_CORE")
            .flag("-DSQLITE_DEFAULT_FOREIGN_KEYS=1");
        cfg.compile(lib_name);
    }
}
`,
  },

  // tesseract: tesseract-sys at its "Bump to 0.6.1" commit (ee29a74, later in the same version,
  // changes only the Windows libraries), leptonica-sys at "Release 0.4.7". On Linux, macOS and
  // FreeBSD both ask pkg-config; on Windows vcpkg or *_LINK_LIBS.
  {
    family: 'tesseract',
    crate: 'tesseract-sys',
    version: '0.6.1',
    repository: 'ccouzens/tesseract-sys',
    commit: '864ec0c',
    file: 'build.rs',
    lines: '52-74',
    path: 'default',
    verdict: 'system',
    libraries: ['tesseract'],
    switches: [],
    model: `#[cfg(any(target_os = "macos", target_os = "linux", target_os = "freebsd"))]
fn find_tesseract_system_lib() -> Vec<String> {
    let pk = pkg_config::Config::new()
        .atleast_version("4.1")
        .probe("tesseract")
        .unwrap();
    println!("cargo:rustc-link-search=native={:?}", pk.link_paths[0]);
    println!("cargo:rustc-link-lib=tesseract");
    vec![]
}
`,
  },
  {
    family: 'tesseract',
    crate: 'leptonica-sys',
    version: '0.4.7',
    repository: 'ccouzens/leptonica-sys',
    commit: '442594d',
    file: 'build.rs',
    lines: '53-65',
    path: 'default',
    verdict: 'system',
    libraries: ['lept'],
    switches: [],
    model: `#[cfg(any(target_os = "macos", target_os = "linux", target_os = "freebsd"))]
fn find_leptonica_system_lib() -> Option<String> {
    let pk = pkg_config::Config::new().probe("lept").unwrap();
    println!("cargo:rustc-link-search=native={:?}", pk.link_paths[0]);
    println!("cargo:rustc-link-lib={}", pk.libs[0]);
    let mut include_path = pk.include_paths[0].clone();
    Some(include_path.to_str().unwrap().into())
}
`,
  },

  // zlib-ng: rust-lang/libz-sys tag 1.1.15; Cargo-zng.toml (published as libz-ng-sys) names
  // build_zng.rs as the build script.
  {
    family: 'zlib-ng',
    crate: 'libz-ng-sys',
    version: '1.1.15',
    repository: 'rust-lang/libz-sys',
    commit: '2401661',
    file: 'build_zng.rs',
    lines: '3-9, 21, 43-48, 57-60',
    path: 'default',
    verdict: 'bundled',
    model: `pub fn build_zlib_ng(target: &str, compat: bool) {
    let mut cmake = cmake::Config::new("src/zlib-ng");
    cmake
        .define("BUILD_SHARED_LIBS", "OFF")
        .define("ZLIB_COMPAT", if compat { "ON" } else { "OFF" })
        .define("ZLIB_ENABLE_TESTS", "OFF")
        .define("WITH_GZFILEOP", "ON");
    let install_dir = cmake.build();
    println!(
        "cargo:rustc-link-lib=static={}{}{}",
        libname,
        if compat { "" } else { "-ng" },
        debug_suffix,
    );
}

fn main() {
    let target = env::var("TARGET").unwrap();
    build_zlib_ng(&target, false);
}
`,
  },
  // netcdf: the commit "Bump versions" that sets netcdf-sys 0.6.2. `static` is read through the
  // feature! macro (concat!("CARGO_FEATURE_", "STATIC")), which the classifier does not read as the
  // feature: the default lines show no static switch. The library is linked by the name NcInfo
  // holds, "netcdf" from nc-config (line 207) or a guess, which the classifier cannot read: no
  // library name. Not modelled: the `static` lines (231-238), which link netcdf-src's library by
  // the name in DEP_NETCDFSRC_LIB (`static={netcdf_lib}`), built by another crate's script: the
  // classifier reads them `unknown`.
  {
    family: 'netcdf',
    crate: 'netcdf-sys',
    version: '0.6.2',
    repository: 'georust/netcdf',
    commit: 'a77ae80',
    file: 'netcdf-sys/build.rs',
    lines: '6-10, 226-230, 239-257',
    path: 'default',
    verdict: 'system',
    libraries: [],
    switches: [],
    model: `macro_rules! feature {
    ($feature:expr) => {
        std::env::var(concat!("CARGO_FEATURE_", $feature))
    };
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let info;
    if feature!("STATIC").is_ok() {
    } else {
        println!("cargo:rerun-if-env-changed=NETCDF_DIR");
        let nc_dir = std::env::var_os("NETCDF_DIR")
            .or_else(|| std::env::var_os("NetCDF_DIR"))
            .map(PathBuf::from);
        #[cfg(windows)]
        let nc_dir = nc_dir.map(|d| d.join("Library"));
        info = if let Some(nc_dir) = nc_dir.as_ref() {
            NcInfo::gather_from_ncconfig(Some(nc_dir)).unwrap_or_else(|| NcInfo::from_path(nc_dir))
        } else {
            NcInfo::gather_from_ncconfig(None).unwrap_or_else(NcInfo::guess)
        };
        println!("cargo:rustc-link-search={}", info.libdir.display());
        println!("cargo:rustc-link-lib={}", &info.libname);
    }
}
`,
  },
];

/** Families of this part with no excerpt yet. */
export const PENDING_3: readonly string[] = [];
