/** The cargo projects `verify`'s tests build with the local toolchain (cached by content, see test/helpers/binaries.ts). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCargo } from '../helpers/binaries.js';

/** One bin printing a line: built plain (dynamic, glibc) and with `+crt-static` (static-pie). */
export const HELLO: Record<string, string> = {
  'Cargo.toml': '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
  'src/main.rs': 'fn main() {\n    println!("hello");\n}\n',
};

const ZSYS = {
  'deps/zsys/Cargo.toml': '[package]\nname = "zsys"\nversion = "0.1.0"\nedition = "2021"\nlinks = "z"\nbuild = "build.rs"\n',
  'deps/zsys/build.rs': 'fn main() {\n    println!("cargo:rustc-link-lib=z");\n}\n',
  'deps/zsys/src/lib.rs':
    'use std::ffi::CStr;\nuse std::os::raw::c_char;\n\nextern "C" {\n    fn zlibVersion() -> *const c_char;\n}\n\npub fn version() -> String {\n    unsafe { CStr::from_ptr(zlibVersion()) }.to_string_lossy().into_owned()\n}\n',
};

/** A stand-in for openssl-sys (same name, `links`, and the libraries it links), so the knowledge base's names apply. */
const OPENSSL_SYS = {
  'deps/openssl-sys/Cargo.toml': '[package]\nname = "openssl-sys"\nversion = "0.9.104"\nedition = "2021"\nlinks = "openssl"\nbuild = "build.rs"\n\n[features]\nvendored = []\n',
  'deps/openssl-sys/build.rs': 'fn main() {\n    println!("cargo:rustc-link-lib=ssl");\n    println!("cargo:rustc-link-lib=crypto");\n}\n',
  'deps/openssl-sys/src/lib.rs':
    'extern "C" {\n    fn OPENSSL_init_ssl(opts: u64, settings: *const u8) -> i32;\n    fn OpenSSL_version_num() -> u64;\n}\n\npub fn init() -> (i32, u64) {\n    unsafe { (OPENSSL_init_ssl(0, std::ptr::null()), OpenSSL_version_num()) }\n}\n',
};

/**
 * A workspace in `ws/`: `zapp` (through path dependency zsys, `links = "z"`),
 * `sslapp` (through openssl-sys) and `clib`, a cdylib. The path dependencies
 * are in `deps/`, outside the workspace, so they are not members (as a
 * crate from a registry would not be).
 */
export const LINKED: Record<string, string> = {
  'ws/Cargo.toml': '[workspace]\nmembers = ["zapp", "sslapp", "clib"]\nresolver = "2"\n',
  'ws/zapp/Cargo.toml': '[package]\nname = "zapp"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nzsys = { path = "../../deps/zsys" }\n',
  'ws/zapp/src/main.rs': 'fn main() {\n    println!("{}", zsys::version());\n}\n',
  'ws/sslapp/Cargo.toml': '[package]\nname = "sslapp"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nopenssl-sys = { path = "../../deps/openssl-sys" }\n',
  'ws/sslapp/src/main.rs': 'fn main() {\n    println!("{:?}", openssl_sys::init());\n}\n',
  'ws/clib/Cargo.toml': '[package]\nname = "clib"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n',
  'ws/clib/src/lib.rs': '#[no_mangle]\npub extern "C" fn answer() -> i32 {\n    42\n}\n',
  ...ZSYS,
  ...OPENSSL_SYS,
};

/**
 * A workspace in `ws/` whose member `bzapp` uses the path dependency
 * `bzlink`: no `links` key, no knowledge-base entry, a build script that
 * prints `cargo::rustc-link-lib=bz2`. Only its build script says that it
 * links libbz2.
 */
export const SCRIPTED: Record<string, string> = {
  'ws/Cargo.toml': '[workspace]\nmembers = ["bzapp"]\nresolver = "2"\n',
  'ws/bzapp/Cargo.toml': '[package]\nname = "bzapp"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nbzlink = { path = "../../deps/bzlink" }\n',
  'ws/bzapp/src/main.rs': 'fn main() {\n    println!("{}", bzlink::version());\n}\n',
  'deps/bzlink/Cargo.toml': '[package]\nname = "bzlink"\nversion = "0.2.0"\nedition = "2021"\n',
  'deps/bzlink/build.rs': 'fn main() {\n    println!("cargo::rustc-link-lib=bz2");\n}\n',
  'deps/bzlink/src/lib.rs':
    'use std::ffi::CStr;\nuse std::os::raw::c_char;\n\nextern "C" {\n    fn BZ2_bzlibVersion() -> *const c_char;\n}\n\npub fn version() -> String {\n    unsafe { CStr::from_ptr(BZ2_bzlibVersion()) }.to_string_lossy().into_owned()\n}\n',
};

export const helloDynamic = () => buildCargo('rust-hello', HELLO);
export const helloStatic = () => buildCargo('rust-hello-crt-static', HELLO, { RUSTFLAGS: '-C target-feature=+crt-static' });
/** Linked against libbz2 by rustflags alone: a library no crate of the graph explains. */
export const helloLinkArg = () => buildCargo('rust-hello-link-arg', HELLO, { RUSTFLAGS: '-C link-arg=-Wl,--no-as-needed -C link-arg=-lbz2' });
/** Built with `--target` for the host triple: the binary goes to target/<triple>/release. */
export const helloTargeted = (triple: string) => buildCargo('rust-hello-targeted', HELLO, {}, ['--target', triple]);
/** The workspace folder of LINKED, built. */
export const linked = () => join(buildCargo('rust-linked', LINKED, {}, [], 'ws'), 'ws');
/** The workspace folder of SCRIPTED, built. */
export const scripted = () => join(buildCargo('rust-scripted', SCRIPTED, {}, [], 'ws'), 'ws');

export const bin = (dir: string, ...parts: string[]) => join(dir, 'target', ...parts);

/** The development files the linked binaries need (the linker's libNAME.so), named when one is missing; `.ci/run` installs them. */
export function missingDevLibraries(): string | null {
  const missing = ['z', 'bz2', 'ssl', 'crypto'].filter((l) => {
    const r = spawnSync('cc', [`-print-file-name=lib${l}.so`], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('/');
  });
  return missing.length ? `the development files of ${missing.map((l) => `lib${l}`).join(', ')}` : null;
}
