/** Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_1: BuildScriptExcerpt[] = [
  {
    family: 'alsa',
    crate: 'alsa-sys',
    version: '0.3.1',
    repository: 'diwic/alsa-sys',
    commit: 'f0fadd7',
    file: 'build.rs',
    lines: '3-16',
    path: 'default',
    verdict: 'system',
    libraries: ['alsa'],
    switches: [],
    model: `fn main() {
    if let Err(e) = pkg_config::probe_library("alsa") {
        panic!("{}", e);
    }
}
`,
  },
  {
    family: 'brotli-c',
    crate: 'brotli-sys',
    version: '0.3.2',
    repository: 'alexcrichton/brotli2-rs',
    commit: '7bb7280',
    file: 'brotli-sys/build.rs',
    lines: '16-41',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() {
    cc::Build::new()
        .include("brotli/include")
        .file("brotli/common/dictionary.c")
        .file("brotli/enc/encode.c")
        .compile("libbrotli.a");
}
`,
  },
  {
    family: 'dbus',
    crate: 'libdbus-sys',
    version: '0.2.6',
    repository: 'diwic/dbus-rs',
    commit: 'da2269c',
    file: 'libdbus-sys/build.rs',
    lines: '14-29',
    path: 'default',
    verdict: 'system',
    libraries: ['dbus-1'],
    switches: ['feature:vendored'],
    model: `fn main() {
    #[cfg(not(feature = "vendored"))]
    if let Err(e) = pkg_config::Config::new().atleast_version("1.6").probe("dbus-1") {
        panic!();
    }

    #[cfg(feature = "vendored")]
    build_vendored::build_libdbus()?;
}
`,
  },
  {
    family: 'dbus',
    crate: 'libdbus-sys',
    version: '0.2.6',
    repository: 'diwic/dbus-rs',
    commit: 'da2269c',
    file: 'libdbus-sys/build_vendored.rs',
    lines: '338-395',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `pub fn build_libdbus() -> Result<(), Box<dyn Error>> {
    let mut compiler = cc::Build::new();
    compiler.files(SOURCE_FILES);
    compiler.files(INTERNAL_FILES);
    compiler
        .shared_flag(false)
        .static_flag(true)
        .compile("libdbus.a");
    println!("cargo:rustc-link-lib=static=dbus");
    Ok(())
}
`,
  },
  {
    family: 'gssapi',
    crate: 'libgssapi-sys',
    version: '0.3.1',
    // The commit that set the version to 0.3.1 (the repository has no tag for it).
    repository: 'estokes/libgssapi',
    commit: 'af10c3e4',
    file: 'libgssapi-sys/build.rs',
    lines: '26-34',
    path: 'default',
    verdict: 'system',
    libraries: ['mit-krb5-gssapi', 'heimdal-gssapi'],
    switches: [],
    // When pkg-config finds neither, lines 36-69 look for libgssapi_krb5.so or libgssapi.so in
    // the library directories and print `rustc-link-lib=gssapi_krb5` (or `gssapi`): the system
    // library all the same.
    model: `fn try_pkgconfig() -> Result<(Gssapi, bindgen::Builder), pkg_config::Error> {
    match pkg_config::probe_library("mit-krb5-gssapi") {
        Ok(lib) => Ok((Gssapi::Mit, builder_from_pkgconfig(lib))),
        Err(_) => match pkg_config::probe_library("heimdal-gssapi") {
            Ok(lib) => Ok((Gssapi::Heimdal, builder_from_pkgconfig(lib))),
            Err(lib) => Err(lib),
        }
    }
}
`,
  },
  {
    family: 'imagemagick',
    crate: 'magick_rust',
    version: '0.21.0',
    repository: 'nlfiedler/magick-rust',
    commit: 'b359d72',
    file: 'build.rs',
    lines: '226-288',
    path: 'default',
    verdict: 'system',
    libraries: ['MagickWand'],
    switches: ['env:IMAGE_MAGICK_STATIC'],
    model: `fn find_image_magick_dir() -> Result<PathBuf, env::VarError> {
    println!("cargo:rerun-if-env-changed=IMAGE_MAGICK_DIR");
    env::var("IMAGE_MAGICK_DIR").map(PathBuf::from)
}

fn determine_mode<T: AsRef<str>>(libdirs: &Vec<PathBuf>, libs: &[T]) -> &'static str {
    println!("cargo:rerun-if-env-changed=IMAGE_MAGICK_STATIC");
    let kind = env::var("IMAGE_MAGICK_STATIC");
    match kind.as_ref().map(|s| &s[..]) {
        Ok("0") => return "dylib",
        Ok(_) => return "static",
        Err(_) => {}
    }
    "dylib"
}

fn run_pkg_config() -> pkg_config::Library {
    pkg_config::Config::new()
        .cargo_metadata(false)
        .atleast_version(MIN_VERSION)
        .probe("MagickWand")
        .unwrap();
}
`,
  },
  {
    family: 'libheif',
    crate: 'libheif-sys',
    version: '4.1.0+1.19.8',
    repository: 'Cykooz/libheif-sys',
    commit: '22bbe36',
    file: 'build.rs',
    lines: '127-158',
    path: 'default',
    verdict: 'system',
    // system-deps reads the library from [package.metadata.system-deps] (libheif), which the
    // excerpt's facts do not carry: no library is named here.
    libraries: [],
    switches: [],
    model: `fn find_libheif() {
    let mut config = system_deps::Config::new();

    #[cfg(feature = "embedded-libheif")]
    {
        std::env::set_var("SYSTEM_DEPS_LIBHEIF_BUILD_INTERNAL", "always");
        config = config.add_build_internal("libheif", |lib, version| {
            let pc_file_path = compile_libheif();
            system_deps::Library::from_internal_pkg_config(pc_file_path, lib, version)
        });
    }

    if let Err(err) = config.probe() {
        std::process::exit(1);
    }
}
`,
  },
  {
    family: 'libheif',
    crate: 'libheif-sys',
    version: '4.1.0+1.19.8',
    repository: 'Cykooz/libheif-sys',
    commit: '22bbe36',
    file: 'build.rs',
    lines: '43-125',
    path: 'feature:embedded-libheif',
    verdict: 'bundled',
    model: `#[cfg(feature = "embedded-libheif")]
fn compile_libheif() -> String {
    let libheif_dir = prepare_libheif_src();
    let mut build_config = cmake::Config::new(libheif_dir);
    build_config.define("BUILD_SHARED_LIBS", "OFF");
    let libheif_build = build_config.build();
    libheif_build.join("lib/pkgconfig").to_string_lossy().to_string()
}
`,
  },
  {
    family: 'libssh',
    crate: 'libssh-rs-sys',
    version: '0.2.3',
    // The commit that set the version to 0.2.3 (the repository has no release tags).
    repository: 'wez/libssh-rs',
    commit: '54fa18d',
    file: 'libssh-rs-sys/build.rs',
    lines: '4-13',
    path: 'default',
    verdict: 'system',
    libraries: ['libssh'],
    switches: ['feature:vendored'],
    model: `fn main() {
    if std::env::var_os("CARGO_FEATURE_VENDORED").is_none()
        && pkg_config::Config::new()
            .atleast_version("0.9.7")
            .probe("libssh")
            .is_ok()
    {
        return;
    }
}
`,
  },
  {
    family: 'libssh',
    crate: 'libssh-rs-sys',
    version: '0.2.3',
    repository: 'wez/libssh-rs',
    commit: '54fa18d',
    file: 'libssh-rs-sys/build.rs',
    lines: '15-253',
    path: 'fallback',
    verdict: 'bundled',
    // Lines 255-266 then link OpenSSL (`ssl`, `crypto`) and zlib (`z`): the openssl and zlib
    // families, not libssh.
    model: `fn main() {
    let mut cfg = cc::Build::new();
    cfg.define("LIBSSH_STATIC", None);
    cfg.include("vendored/include");
    cfg.file("vendored/src/threads/pthread.c");
    cfg.compile("libssh");
}
`,
  },
  {
    family: 'libssh',
    crate: 'libssh-rs-sys',
    version: '0.2.3',
    repository: 'wez/libssh-rs',
    commit: '54fa18d',
    file: 'libssh-rs-sys/build.rs',
    lines: '15-253',
    path: 'feature:vendored',
    verdict: 'bundled',
    // With `vendored` on, lines 4-13 skip the probe and these lines run.
    model: `fn main() {
    let mut cfg = cc::Build::new();
    cfg.define("LIBSSH_STATIC", None);
    cfg.include("vendored/include");
    cfg.file("vendored/src/threads/pthread.c");
    cfg.compile("libssh");
}
`,
  },
  {
    family: 'libusb',
    crate: 'libusb1-sys',
    version: '0.7.0',
    repository: 'a1ien/rusb',
    commit: 'f4fc94e',
    file: 'libusb1-sys/build.rs',
    lines: '57-82',
    path: 'default',
    verdict: 'system',
    libraries: ['libusb-1.0'],
    switches: [],
    // main (lines 204-223) calls this unless `vendored` is on, and builds the bundled source when
    // it returns false; it reads LIBUSB_STATIC only when the build machine is macOS (elsewhere
    // `statik` is the target's crt-static), which asks pkg-config for a static libusb: still the
    // system's.
    model: `fn find_libusb_pkg(statik: bool) -> bool {
    match pkg_config::Config::new().statik(statik).probe("libusb-1.0") {
        Ok(l) => {
            for lib in l.libs {
                if statik {
                    println!("cargo:rustc-link-lib=static={}", lib);
                }
            }
            true
        }
        Err(e) => false,
    }
}
`,
  },
  {
    family: 'libusb',
    crate: 'libusb1-sys',
    version: '0.7.0',
    repository: 'a1ien/rusb',
    commit: 'f4fc94e',
    file: 'libusb1-sys/build.rs',
    lines: '85-200',
    path: 'fallback',
    verdict: 'bundled',
    // Lines 161-168 also probe pkg-config for libudev and, when found, compile libusb's udev
    // hotplug backend against it (the system libudev, linked dynamically).
    model: `fn make_source() {
    let libusb_source = PathBuf::from("libusb");
    let mut base_config = cc::Build::new();
    base_config.include(libusb_source.join("libusb"));
    base_config.file(libusb_source.join("libusb/core.c"));
    base_config.compile("usb-vendored");
}
`,
  },
  {
    family: 'libusb',
    crate: 'libusb1-sys',
    version: '0.7.0',
    repository: 'a1ien/rusb',
    commit: 'f4fc94e',
    file: 'libusb1-sys/build.rs',
    lines: '114-223',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `fn make_source() {
    let mut base_config = cc::Build::new();
    base_config.file(libusb_source.join("libusb/core.c"));
    base_config.compile("usb-vendored");
}

fn main() {
    if (!is_freebsd && cfg!(feature = "vendored")) || !find_libusb_pkg(statik) {
        make_source();
    }
}
`,
  },
  {
    family: 'mimalloc',
    crate: 'libmimalloc-sys',
    version: '0.1.38',
    // Tag v0.1.42 of the repository (mimalloc 0.1.42 with libmimalloc-sys 0.1.38).
    repository: 'purpleprotocol/mimalloc_rust',
    commit: 'a9c410c',
    file: 'libmimalloc-sys/build.rs',
    lines: '3-56',
    path: 'default',
    verdict: 'bundled',
    // Lines 58-61 also link libatomic (`dylib=atomic`) on 32-bit ARM Linux only, not on x86_64.
    model: `fn main() {
    let mut build = cc::Build::new();
    build.include("c_src/mimalloc/include");
    build.include("c_src/mimalloc/src");
    build.file("c_src/mimalloc/src/static.c");
    if env::var_os("CARGO_FEATURE_SECURE").is_some() {
        build.define("MI_SECURE", "4");
    }
    build.compile("mimalloc");
}
`,
  },
  {
    family: 'nghttp2',
    crate: 'libnghttp2-sys',
    version: '0.1.10+1.61.0',
    repository: 'alexcrichton/nghttp2-rs',
    commit: 'dab5977',
    file: 'build.rs',
    lines: '51-102',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() {
    let mut cfg = cc::Build::new();
    cfg.include("nghttp2/lib/includes")
        .file("nghttp2/lib/nghttp2_session.c")
        .define("NGHTTP2_STATICLIB", None);
    cfg.compile("nghttp2");
}
`,
  },
  {
    family: 'pcap',
    crate: 'pcap',
    version: '2.0.0',
    repository: 'rust-pcap/pcap',
    commit: '8daf5f7',
    file: 'build.rs',
    lines: '179-201',
    path: 'default',
    verdict: 'system',
    libraries: ['libpcap'],
    switches: [],
    model: `fn main() {
    let version = if let Ok(libdir) = env::var("LIBPCAP_LIBDIR") {
        println!("cargo:rustc-link-search=native={}", libdir);
        get_libpcap_version(Some(PathBuf::from(&libdir))).unwrap()
    } else if let Ok(library) = from_pkg_config() {
        Version::parse(&library.version).unwrap()
    } else {
        get_libpcap_version(None).unwrap()
    };
}

fn from_pkg_config() -> Result<pkg_config::Library, pkg_config::Error> {
    let mut config = pkg_config::Config::new();
    config.probe("libpcap")
}
`,
  },
  {
    family: 'protobuf',
    crate: 'protobuf-src',
    version: '2.0.0+26.1',
    repository: 'MaterializeInc/rust-protobuf-native',
    commit: '58bc75b',
    file: 'protobuf-src/build.rs',
    lines: '19-24',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() -> Result<(), Box<dyn Error>> {
    let install_dir = cmake::Config::new("protobuf")
        .define("protobuf_BUILD_TESTS", "OFF")
        .build();
    Ok(())
}
`,
  },
  {
    family: 'protobuf',
    crate: 'protobuf-src',
    version: '1.1.0+21.5',
    repository: 'MaterializeInc/rust-protobuf-native',
    commit: 'd44c307',
    file: 'protobuf-src/build.rs',
    lines: '26-29',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() -> Result<(), Box<dyn Error>> {
    autotools::Config::new("protobuf")
        .disable("maintainer-mode", None)
        .out_dir(&install_dir)
        .build();
    Ok(())
}
`,
  },
  {
    family: 'ring',
    crate: 'ring',
    version: '0.17.8',
    // The commit "0.17.8." (the repository has no release tags).
    repository: 'briansmith/ring',
    commit: 'fa98b490b',
    file: 'build.rs',
    lines: '494-541',
    path: 'default',
    verdict: 'bundled',
    model: `fn new_build(target: &Target, include_dir: &Path) -> cc::Build {
    let mut b = cc::Build::new();
    configure_cc(&mut b, target, include_dir);
    b
}

fn build_library(target: &Target, out_dir: &Path, lib_name: &str) {
    let mut c = new_build(target, out_dir);
    c.file(src);
    c.compile(lib_path.file_name().and_then(|f| f.to_str()).expect("No filename"));
    println!("cargo:rustc-link-lib=static={}", lib_name);
}
`,
  },
  {
    family: 'ring',
    crate: 'ring',
    version: '0.16.19',
    // The commit "0.16.19" (the repository has no release tags).
    repository: 'briansmith/ring',
    commit: '8a49b7078',
    file: 'build.rs',
    lines: '450-506',
    path: 'default',
    verdict: 'bundled',
    model: `fn build_library(target: &Target, out_dir: &Path, lib_name: &str) {
    let mut c = cc::Build::new();
    for o in objs {
        let _ = c.object(o);
    }
    c.compile(lib_path.file_name().and_then(|f| f.to_str()).expect("No filename"));
    println!("cargo:rustc-link-lib=static={}", lib_name);
}
`,
  },
  {
    family: 'systemd',
    crate: 'libsystemd-sys',
    version: '0.9.3',
    repository: 'codyps/rust-systemd',
    commit: '8e38ded',
    file: 'libsystemd-sys/build.rs',
    lines: '3-42',
    path: 'default',
    verdict: 'system',
    // The library's name is computed (`lib{name}`, or SYSTEMD_PKG_NAME): none is named here.
    libraries: [],
    switches: [],
    model: `fn main() {
    let name = "systemd";
    let lib_dir = match be.var(lib_dir_var.clone()) {
        Some(lib_dir) => lib_dir,
        None => {
            let library = pkg_config::find_library(&library_name);
            match library {
                Ok(_) => {
                    return;
                }
                Err(error) => {
                    std::process::exit(1);
                }
            };
        }
    };
}
`,
  },
  {
    family: 'tree-sitter',
    crate: 'tree-sitter',
    version: '0.22.6',
    repository: 'tree-sitter/tree-sitter',
    commit: 'b40f34206',
    file: 'lib/binding_rust/build.rs',
    lines: '18-48',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() {
    let mut config = cc::Build::new();
    config
        .flag_if_supported("-std=c11")
        .include(&src_path)
        .file(src_path.join("lib.c"))
        .compile("tree-sitter");
}
`,
  },
  {
    family: 'wayland',
    crate: 'wayland-sys',
    version: '0.31.1',
    repository: 'Smithay/wayland-rs',
    commit: 'c1d71086',
    file: 'wayland-sys/build.rs',
    lines: '1-21',
    path: 'default',
    verdict: 'system',
    libraries: ['wayland-client', 'wayland-cursor', 'wayland-egl', 'wayland-server'],
    switches: [],
    model: `use pkg_config::Config;

fn main() {
    if std::env::var_os("CARGO_FEATURE_DLOPEN").is_some() {
        return;
    }

    if std::env::var_os("CARGO_FEATURE_CLIENT").is_some() {
        Config::new().probe("wayland-client").unwrap();
    }
    if std::env::var_os("CARGO_FEATURE_CURSOR").is_some() {
        Config::new().probe("wayland-cursor").unwrap();
    }
    if std::env::var_os("CARGO_FEATURE_EGL").is_some() {
        Config::new().probe("wayland-egl").unwrap();
    }
    if std::env::var_os("CARGO_FEATURE_SERVER").is_some() {
        Config::new().probe("wayland-server").unwrap();
    }
}
`,
  },
  {
    family: 'zstd',
    crate: 'zstd-sys',
    version: '2.0.10+zstd.1.5.6',
    repository: 'gyscos/zstd-rs',
    commit: '55f5b7b',
    file: 'zstd-safe/zstd-sys/build.rs',
    lines: '89-226',
    path: 'default',
    verdict: 'bundled',
    // main (lines 261-277) calls this unless the `pkg-config` feature is on or
    // ZSTD_SYS_USE_PKG_CONFIG is set (both link the system libzstd).
    model: `fn compile_zstd() {
    let mut config = cc::Build::new();
    for dir in &["zstd/lib/common", "zstd/lib/compress", "zstd/lib/decompress"] {
        config.file(dir);
    }
    set_legacy(&mut config);
    config.compile("libzstd.a");
}
`,
  },
  // fontconfig: the commit that sets yeslogic-fontconfig-sys 5.0.0 ("fontconfig-sys: Version 5.0.0").
  // Not modelled: lines 4-6, which turn `dlopen` on (`rustc-cfg=feature="dlopen"`) when
  // RUST_FONTCONFIG_DLOPEN is set. servo-fontconfig-sys 5.1.0 below.
  {
    family: 'fontconfig',
    crate: 'yeslogic-fontconfig-sys',
    version: '5.0.0',
    repository: 'yeslogic/fontconfig-rs',
    commit: '71c39f5',
    file: 'fontconfig-sys/build.rs',
    lines: '1-3, 7-10',
    path: 'default',
    verdict: 'system',
    libraries: ['fontconfig'],
    switches: [],
    model: `fn main() {
    println!("cargo:rerun-if-env-changed=RUST_FONTCONFIG_DLOPEN");
    let dlopen = std::env::var_os("RUST_FONTCONFIG_DLOPEN").is_some();
    if !(dlopen || cfg!(feature = "dlopen")) {
        pkg_config::find_library("fontconfig").unwrap();
    }
}
`,
  },
  // servo-fontconfig-sys 5.1.0 (servo/libfontconfig b65a317, the commit that sets 5.1.0): its probe
  // (`pkg_config::Config::new().atleast_version("2.11.1").find("fontconfig")`, `find` being
  // pkg-config's first name for probe) is read as `system`; its fallback builds the Fontconfig it
  // ships with `make -R -f makefile.cargo` run through Command (lines 41-46) and links
  // `static=fontconfig` (line 52), which, make being run, is read as its own build: `bundled`.
  {
    family: 'fontconfig',
    crate: 'servo-fontconfig-sys',
    version: '5.1.0',
    repository: 'servo/libfontconfig',
    commit: 'b65a317',
    file: 'build.rs',
    lines: '5, 10-39',
    path: 'default',
    verdict: 'system',
    libraries: ['fontconfig'],
    switches: [],
    model: `extern crate pkg_config;

fn main() {
    let target = env::var("TARGET").unwrap();
    if !target.contains("android") {
        match pkg_config::Config::new()
            .atleast_version("2.11.1")
            .find("fontconfig")
        {
            Ok(lib) => {
                return;
            }
            #[cfg(feature = "force_system_lib")]
            Err(error) => {
                panic!("{}", error);
            }
            #[cfg(not(feature = "force_system_lib"))]
            _ => (),
        }
    }
}
`,
  },
  {
    family: 'fontconfig',
    crate: 'servo-fontconfig-sys',
    version: '5.1.0',
    repository: 'servo/libfontconfig',
    commit: 'b65a317',
    file: 'build.rs',
    lines: '8, 41-52',
    path: 'fallback',
    verdict: 'bundled',
    model: `use std::process::Command;

fn main() {
    assert!(Command::new("make")
        .env("MAKEFLAGS", env::var("CARGO_MAKEFLAGS").unwrap_or_default())
        .args(&["-R", "-f", "makefile.cargo"])
        .status()
        .unwrap()
        .success());
    println!(
        "cargo:rustc-link-search=native={}",
        env::var("OUT_DIR").unwrap()
    );
    println!("cargo:rustc-link-lib=static=fontconfig");
}
`,
  },

  // lua: the commit "mlua-sys: v0.6.0". build/main_inner.rs (lines 3-11) takes find_vendored.rs
  // with `vendored` or `luau`, find_normal.rs otherwise. Without `vendored` the library is named
  // by LUA_LIB_NAME (linked by a name the classifier cannot read) or found with pkg-config, under a
  // name chosen by cfg! (`luajit` or `lua`, then `lua5.4`, ...): no literal library name.
  {
    family: 'lua',
    crate: 'mlua-sys',
    version: '0.6.0',
    repository: 'mlua-rs/mlua',
    commit: '8f3de8a',
    file: 'mlua-sys/build/find_normal.rs',
    lines: '6-30, 34-35, 46-57',
    path: 'default',
    verdict: 'system',
    libraries: [],
    switches: ['feature:vendored'],
    model: `pub fn probe_lua() {
    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    if target_arch == "wasm32" && cfg!(not(feature = "vendored")) {
        panic!("Please enable \`vendored\` feature to build for wasm32");
    }
    let lib_dir = env::var("LUA_LIB").unwrap_or_default();
    let lua_lib = env::var("LUA_LIB_NAME").unwrap_or_default();
    println!("cargo:rerun-if-env-changed=LUA_LIB");
    println!("cargo:rerun-if-env-changed=LUA_LIB_NAME");
    println!("cargo:rerun-if-env-changed=LUA_LINK");
    if !lua_lib.is_empty() {
        if !lib_dir.is_empty() {
            println!("cargo:rustc-link-search=native={lib_dir}");
        }
        let mut link_lib = "";
        if env::var("LUA_LINK").as_deref() == Ok("static") {
            link_lib = "static=";
        };
        println!("cargo:rustc-link-lib={link_lib}{lua_lib}");
        return;
    }
    #[cfg(feature = "lua54")]
    let (incl_bound, excl_bound, alt_probe, ver) = ("5.4", "5.5", Some("lua5.4"), "5.4");
    let mut lua = pkg_config::Config::new()
        .range_version((Bound::Included(incl_bound), Bound::Excluded(excl_bound)))
        .cargo_metadata(true)
        .probe(if cfg!(feature = "luajit") { "luajit" } else { "lua" });
    if lua.is_err() && alt_probe.is_some() {
        lua = pkg_config::Config::new()
            .cargo_metadata(true)
            .probe(alt_probe.unwrap());
    }
    lua.unwrap_or_else(|err| panic!("cannot find Lua{ver} using \`pkg-config\`: {err}"));
}
`,
  },
  {
    family: 'lua',
    crate: 'mlua-sys',
    version: '0.6.0',
    repository: 'mlua-rs/mlua',
    commit: '8f3de8a',
    file: 'mlua-sys/build/find_vendored.rs',
    lines: '3-28',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `pub fn probe_lua() {
    #[cfg(feature = "lua54")]
    let artifacts = lua_src::Build::new().build(lua_src::Lua54);
    #[cfg(feature = "lua51")]
    let artifacts = lua_src::Build::new().build(lua_src::Lua51);
    #[cfg(feature = "luajit")]
    let artifacts = luajit_src::Build::new()
        .lua52compat(cfg!(feature = "luajit52"))
        .build();
    #[cfg(feature = "luau")]
    let artifacts = luau0_src::Build::new()
        .enable_codegen(cfg!(feature = "luau-codegen"))
        .build();
    artifacts.print_cargo_metadata();
}
`,
  },

  // openssl: tag openssl-sys-v0.9.102 (1725297). build/main.rs (lines 47-56) takes find_vendored
  // with `vendored` unless OPENSSL_NO_VENDOR is set (and not "0"), find_normal otherwise. Not
  // modelled: main.rs line 132, `rustc-link-lib={}={}` for `ssl` and `crypto`, the kind chosen
  // by determine_mode (OPENSSL_STATIC, or what the library directory holds): names the classifier
  // cannot read.
  {
    family: 'openssl',
    crate: 'openssl-sys',
    version: '0.9.102',
    repository: 'sfackler/rust-openssl',
    commit: '1725297',
    file: 'openssl-sys/build/find_normal.rs',
    lines: '7-14, 197, 209-218',
    path: 'default',
    verdict: 'system',
    libraries: ['openssl'],
    switches: [],
    model: `pub fn get_openssl(target: &str) -> (Vec<PathBuf>, PathBuf) {
    let lib_dir = env("OPENSSL_LIB_DIR").map(PathBuf::from);
    let include_dir = env("OPENSSL_INCLUDE_DIR").map(PathBuf::from);
    match (lib_dir, include_dir) {
        (Some(lib_dir), Some(include_dir)) => (vec![lib_dir], include_dir),
        (lib_dir, include_dir) => {
            let openssl_dir = env("OPENSSL_DIR").unwrap_or_else(|| find_openssl_dir(target));
        }
    }
}

fn try_pkg_config() {
    let lib = match pkg_config::Config::new()
        .print_system_libs(false)
        .probe("openssl")
    {
        Ok(lib) => lib,
        Err(e) => return,
    };
}
`,
  },
  {
    family: 'openssl',
    crate: 'openssl-sys',
    version: '0.9.102',
    repository: 'sfackler/rust-openssl',
    commit: '1725297',
    file: 'openssl-sys/build/find_vendored.rs',
    lines: '1-16',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `use openssl_src;
use std::path::PathBuf;

pub fn get_openssl(_target: &str) -> (Vec<PathBuf>, PathBuf) {
    let artifacts = openssl_src::Build::new().build();
    println!("cargo:vendored=1");
    println!("cargo:root={}", artifacts.lib_dir().parent().unwrap().display());
    (vec![artifacts.lib_dir().to_path_buf()], artifacts.include_dir().to_path_buf())
}
`,
  },

  // zeromq: tag v0.10.0 of zmq, which sets zmq-sys 0.12.0 (build = "build/main.rs"; zeromq-src
  // 0.2.1, a required build dependency).
  {
    family: 'zeromq',
    crate: 'zmq-sys',
    version: '0.12.0',
    repository: 'erickt/rust-zmq',
    commit: '92c638a5',
    file: 'zmq-sys/build/main.rs',
    lines: '1-16',
    path: 'default',
    verdict: 'bundled',
    model: `pub fn configure() {
    println!("cargo:rerun-if-changed=build/main.rs");
    println!("cargo:rerun-if-env-changed=PROFILE");
    zeromq_src::Build::new()
        .with_libsodium(None)
        .build();
}

fn main() {
    configure()
}
`,
  },
];

/** Families of this part with no excerpt yet. */
export const PENDING_1: readonly string[] = [];
