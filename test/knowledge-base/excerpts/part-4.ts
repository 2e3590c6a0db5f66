/**
 * Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). Each
 * was read in the repository's history at the commit that carries the recorded version (its
 * release tag where there is one), so the lines are that release's.
 */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_4: BuildScriptExcerpt[] = [
  // libpq: tag v0.6.0 of sgrif/pq-sys (which holds pq-src 0.2.0 too). With `bundled` main returns at once
  // and pq-src builds libpq. Otherwise it links `pq` from PQ_LIB_DIR, pkg-config (feature `pkg-config`) or
  // pg_config's --libdir; from_env makes the last link `static=pq` when PQ_LIB_STATIC is set. Not modelled:
  // the Windows lines (47-49, 107) and the per-target variables, whose names are built with format!.
  {
    family: 'libpq',
    crate: 'pq-sys',
    version: '0.6.0',
    repository: 'sgrif/pq-sys',
    commit: '1bfca6bb',
    file: 'build.rs',
    lines: '31, 45, 51-54, 68-71, 82-90, 106-136, 138-141',
    path: 'default',
    verdict: 'system',
    libraries: ['libpq', 'pq'],
    switches: ['feature:bundled', 'env:PQ_LIB_STATIC'],
    model: `impl LinkingOptions {
    fn from_env() -> Self {
        if env::var_os("PQ_LIB_STATIC").is_some() {
            return LinkingOptions::from_name_and_type("pq", LinkType::Static);
        }
        LinkingOptions::from_name("pq")
    }
}

fn main() {
    if cfg!(feature = "bundled") {
        return;
    }
    #[cfg(not(target_os = "windows"))]
    println!("cargo:rustc-link-lib=pq");
    println!("cargo:rerun-if-env-changed=PQ_LIB_STATIC");
    let lib_dir = check_and_use_lib_dir("PQ_LIB_DIR");
    if let Ok(lib_dir) = lib_dir {
        println!("cargo:rustc-link-search=native={}", lib_dir);
    } else if configured_by_pkg_config() {
        return;
    } else if let Some(path) = pg_config_output("--libdir") {
        println!("cargo:rustc-link-search=native={}", path);
    }
    println!("cargo:rustc-link-lib={}", LinkingOptions::from_env());
}

#[cfg(feature = "pkg-config")]
fn configured_by_pkg_config() -> bool {
    pkg_config::probe_library("libpq").is_ok()
}
`,
  },
  {
    family: 'libpq',
    crate: 'pq-src',
    version: '0.2.0',
    repository: 'sgrif/pq-sys',
    commit: '1bfca6bb',
    file: 'pq-src/build.rs',
    lines: '126, 169, 189-197, 224-230',
    path: 'default',
    verdict: 'bundled',
    model: `fn main() {
    let mut basic_build = cc::Build::new();
    basic_build
        .define("FRONTEND", None)
        .warnings(false)
        .includes(includes);
    if env::var("CARGO_FEATURE_WITH_ASAN").is_ok() {
        basic_build.flag("-fsanitize=address");
    }
    basic_build
        .files(sources)
        .compile("pq");
}
`,
  },

  // gdal: tag gdal-sys-v0.9.1 (d93ab7f; the same build.rs as fa38da1, "update gdal-sys to 0.9.1"). GDAL_STATIC
  // (unless GDAL_DYNAMIC) makes the GDAL_LIB_DIR / GDAL_HOME link `static=`, or asks pkg-config for static
  // flags. Not modelled: the Windows lines (119-160) and GDAL_HOME's lib and include folders (162-184).
  {
    family: 'gdal',
    crate: 'gdal-sys',
    version: '0.9.1',
    repository: 'georust/gdal',
    commit: 'd93ab7f',
    file: 'gdal-sys/build.rs',
    lines: '3, 98-113, 186-203',
    path: 'default',
    verdict: 'system',
    libraries: ['gdal'],
    switches: ['env:GDAL_STATIC'],
    model: `use pkg_config::Config;

fn main() {
    println!("cargo:rerun-if-env-changed=GDAL_STATIC");
    println!("cargo:rerun-if-env-changed=GDAL_DYNAMIC");
    println!("cargo:rerun-if-env-changed=GDAL_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=GDAL_LIB_DIR");
    println!("cargo:rerun-if-env-changed=GDAL_HOME");
    println!("cargo:rerun-if-env-changed=GDAL_VERSION");
    let mut need_metadata = true;
    let mut lib_name = String::from("gdal");
    let mut prefer_static =
        env::var_os("GDAL_STATIC").is_some() && env::var_os("GDAL_DYNAMIC").is_none();
    let mut include_dir = env_dir("GDAL_INCLUDE_DIR");
    let mut lib_dir = env_dir("GDAL_LIB_DIR");
    let home_dir = env_dir("GDAL_HOME");
    if let Some(lib_dir) = lib_dir {
        let link_type = if prefer_static { "static" } else { "dylib" };
        println!("cargo:rustc-link-lib={link_type}={lib_name}");
        println!("cargo:rustc-link-search={}", lib_dir.to_str().unwrap());
        need_metadata = false;
    }
    let gdal_pkg_config = Config::new()
        .statik(prefer_static)
        .cargo_metadata(need_metadata)
        .probe("gdal");
}
`,
  },

  // proj: georust/proj 3013d29 ("Prepare for proj-sys 0.23.2 release"). Without `bundled_proj`, main asks
  // pkg-config for PROJ and otherwise calls build_from_source, which builds PROJ with cmake and links it
  // `static=`, but links `dylib=sqlite3` (and `dylib=tiff` with `tiff`): a system library either way, as the
  // family says. `bundled_proj` (lines 14-16) calls the same build_from_source; of line 14 only the binding
  // is modelled, not its `cfg!(feature = "bundled_proj")` test, which the classifier would take for a switch
  // that makes the crate static. Not modelled: bindgen (49-67), the tarball's unpacking (84-89), the other
  // cmake defines (92-100), the messages and test hooks (22-34, 74-82).
  {
    family: 'proj',
    crate: 'proj-sys',
    version: '0.23.2',
    repository: 'georust/proj',
    commit: '3013d29',
    file: 'proj-sys/build.rs',
    lines: '13-14, 18-21, 36-46, 69-73, 90-91, 102-110, 114-123, 135-136, 159-164, 170-171',
    path: 'default',
    verdict: 'system',
    libraries: ['proj', 'sqlite3', 'tiff'],
    switches: [],
    model: `fn main() -> Result<(), Box<dyn std::error::Error>> {
    let include_path = pkg_config::Config::new()
        .atleast_version(MINIMUM_PROJ_VERSION)
        .probe("proj")
        .map(|pk| {
            println!("cargo:rustc-link-search=native={:?}", pk.link_paths[0]);
            println!("cargo:rustc-link-lib=proj");
            pk.include_paths[0].clone()
        })
        .or_else(|err| {
            build_from_source()
        })?;
    Ok(())
}

fn build_from_source() -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let mut config = cmake::Config::new("PROJSRC/proj/proj-9.2.1");
    config.define("BUILD_SHARED_LIBS", "OFF");
    if cfg!(feature = "tiff") {
        config.define("ENABLE_TIFF", "ON");
    } else {
        config.define("ENABLE_TIFF", "OFF");
    }
    let proj = config.build();
    if proj.join("lib").join("proj_d.lib").exists() {
        println!("cargo:rustc-link-lib=static=proj_d");
    } else {
        println!("cargo:rustc-link-lib=static=proj");
    }
    println!("cargo:rustc-link-search=native={}", proj.join("lib").display());
    println!("cargo:rustc-link-lib=dylib=sqlite3");
    if cfg!(feature = "tiff") {
        println!("cargo:rustc-link-lib=dylib=tiff");
    }
    if cfg!(target_os = "linux") {
        println!("cargo:rustc-link-lib=dylib=stdc++");
    }
    Ok(proj.join("include"))
}
`,
  },

  // sasl2: tag v0.1.22 (f0a3c30). find_sasl asks SASL2_LIB_DIR with SASL2_INCLUDE_DIR, then SASL2_DIR, then
  // pkg-config (feature `pkg-config`, a default); emit_found_sasl links `static=` with SASL2_STATIC (any value
  // but 0), which the library pkg-config finds never reaches. Not modelled: the search of /usr and /usr/local
  // (300-341), and the `vendored` lines (build_sasl, 55-191: configure and make through duct), which the
  // classifier cannot tie to a build.
  {
    family: 'sasl2',
    crate: 'sasl2-sys',
    version: '0.1.22+2.1.28',
    repository: 'MaterializeInc/rust-sasl',
    commit: 'f0a3c30',
    file: 'sasl2-sys/build.rs',
    lines: '38-53, 272-298, 359-373',
    path: 'default',
    verdict: 'system',
    libraries: ['libsasl2'],
    switches: ['feature:vendored', 'env:SASL2_STATIC'],
    model: `fn main() {
    println!("cargo:rerun-if-env-changed=SASL2_STATIC");
    let metadata = Metadata {
        host: env::var("HOST").unwrap(),
        target: env::var("TARGET").unwrap(),
        want_static: env::var_os("SASL2_STATIC").map(|v| v != "0"),
        out_dir: env::var("OUT_DIR").unwrap().into(),
    };
    if cfg!(feature = "vendored") {
        build_sasl(&metadata)
    } else {
        find_sasl(&metadata)
    };
}

fn find_sasl(metadata: &Metadata) {
    if let (Some(lib_dir), Some(include_dir)) = (
        env::var_os("SASL2_LIB_DIR"),
        env::var_os("SASL2_INCLUDE_DIR"),
    ) {
        emit_found_sasl(metadata, PathBuf::from(lib_dir), PathBuf::from(include_dir));
        return;
    } else if let Some(install_dir) = env::var_os("SASL2_DIR") {
        emit_found_sasl(metadata, Path::new(&install_dir).join("lib"), Path::new(&install_dir).join("include"));
        return;
    }
    #[cfg(feature = "pkg-config")]
    {
        if let Ok(pkg) = pkg_config::Config::new()
            .print_system_libs(false)
            .env_metadata(true)
            .probe("libsasl2")
        {
            validate_headers(&pkg.include_paths);
            return;
        }
    }
}

fn emit_found_sasl(metadata: &Metadata, lib_dir: PathBuf, include_dir: PathBuf) {
    validate_headers(&[include_dir]);
    let link_kind = match metadata.want_static {
        Some(true) => "static",
        Some(false) => "dylib",
        None if lib_dir.join("libsasl2.dylib").exists() || lib_dir.join("libsasl2.so").exists() => "dylib",
        None => "static",
    };
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib={}={}", link_kind, LIBRARY_NAME);
}
`,
  },

  // zeromq before 0.12: tag v0.9.2 of erickt/rust-zmq (e2016220), which sets zmq-sys 0.11.0. build/main.rs
  // takes build/vendored.rs with `vendored` (#[cfg_attr(feature = "vendored", path = "vendored.rs")]), else
  // build/pkg_config.rs: LIBZMQ_LIB_DIR and LIBZMQ_INCLUDE_DIR (or LIBZMQ_PREFIX), else metadeps, which reads
  // `[package.metadata.pkg-config]` (the classifier does not know it; the *_DIR reads say `system`).
  {
    family: 'zeromq',
    crate: 'zmq-sys',
    version: '0.11.0',
    repository: 'erickt/rust-zmq',
    commit: 'e2016220',
    file: 'zmq-sys/build/pkg_config.rs',
    lines: '1-31',
    path: 'default',
    verdict: 'system',
    libraries: ['zmq'],
    switches: [],
    model: `use std::{env, path::Path};

fn prefix_dir(env_name: &str, dir: &str) -> Option<String> {
    env::var(env_name).ok().or_else(|| {
        env::var("LIBZMQ_PREFIX")
            .ok()
            .map(|prefix| Path::new(&prefix).join(dir))
            .and_then(|path| path.to_str().map(|p| p.to_owned()))
    })
}

pub fn configure() {
    let lib_path = prefix_dir("LIBZMQ_LIB_DIR", "lib");
    let include = prefix_dir("LIBZMQ_INCLUDE_DIR", "include");

    match (lib_path, include) {
        (Some(lib_path), Some(include)) => {
            println!("cargo:rustc-link-lib=zmq");
            println!("cargo:rustc-link-search=native={}", lib_path);
            println!("cargo:include={}", include);
        }
        (Some(_), None) => panic!("Unable to locate libzmq include directory."),
        (None, Some(_)) => panic!("Unable to locate libzmq library directory."),
        (None, None) => {
            if let Err(e) = metadeps::probe() {
                panic!("Unable to locate libzmq:\\n{}", e);
            }
        }
    }
}
`,
  },
  {
    family: 'zeromq',
    crate: 'zmq-sys',
    version: '0.11.0',
    repository: 'erickt/rust-zmq',
    commit: 'e2016220',
    file: 'zmq-sys/build/vendored.rs',
    lines: '1-12',
    path: 'feature:vendored',
    verdict: 'bundled',
    model: `use std::env;

pub fn configure() {
    println!("cargo:rerun-if-changed=build/main.rs");
    println!("cargo:rerun-if-env-changed=PROFILE");

    let wants_debug = env::var("PROFILE").unwrap() == "debug";

    let artifacts = zeromq_src::Build::new().link_static(true).build_debug(wants_debug).build();
    artifacts.print_cargo_metadata();
}
`,
  },
];

/** Families of this part with no excerpt yet. */
export const PENDING_4: readonly string[] = [];
