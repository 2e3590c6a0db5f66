/**
 * Attribution by build-script evidence: the classifier's verdicts on build
 * scripts written as real crates write them (rustc-link-lib, pkg-config
 * probes, C++ compiled with cc), and which needed library each explains.
 * The end-to-end proof on a binary cargo built is in command.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { classifyBuildScript, type BuildScriptReading } from '../../src/evidence/build-script.js';
import type { GraphPackage, TargetGraph } from '../../src/resolve/types.js';
import { BUILD_SCRIPT_SOURCE, linkName, scriptLinkNames } from '../../cli/run/verify.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';

const SCRIPTS: Record<string, string> = {
  'bzlink 0.2.0': 'fn main() {\n    println!("cargo::rustc-link-lib=bz2");\n}\n',
  'zprobe 1.0.0': 'fn main() {\n    pkg_config::probe_library("zlib").unwrap();\n}\n',
  'pqprobe 1.0.0': 'fn main() {\n    pkg_config::Config::new().atleast_version("9").probe("libpq").unwrap();\n}\n',
  'dylib-kind 0.1.0': 'fn main() {\n    println!("cargo:rustc-link-lib=dylib=pcap");\n}\n',
  'cxx-bits 0.3.0': 'fn main() {\n    cc::Build::new().cpp(true).file("src/a.cpp").compile("bits");\n}\n',
  'static-own 0.1.0': 'fn main() {\n    cc::Build::new().file("c/foo.c").compile("foo");\n    println!("cargo:rustc-link-lib=static=foo");\n}\n',
};

/** A graph of the crates above, each with the verdict of its script (as `buildScriptEvidence` gives it). */
function graphOf(): { graph: TargetGraph; buildScripts: Map<string, BuildScriptReading> } {
  const packages = new Map<string, GraphPackage>();
  const buildScripts = new Map<string, BuildScriptReading>();
  for (const [id, text] of Object.entries(SCRIPTS)) {
    const [name, version] = id.split(' ') as [string, string];
    const key = `${name} ${version}`;
    packages.set(key, { key, name, version, source: null, features: [], links: null, isRoot: false, isMember: false, procMacro: false });
    const verdict = classifyBuildScript({ root: `${name}-${version}`, links: null, features: [] }, [{ path: 'build.rs', text }]);
    buildScripts.set(key, { kind: 'classified', verdict, nativeSign: true });
  }
  return { graph: { target: 'x86_64-unknown-linux-gnu', packages } as unknown as TargetGraph, buildScripts };
}

const explain = (library: string) => {
  const { graph, buildScripts } = graphOf();
  return BUILD_SCRIPT_SOURCE.explain(library, { graph, kb: { entries: [] } as unknown as KnowledgeBase, buildScripts }).map((e) => ({
    crate: e.pkg.name,
    evidence: e.evidence?.map((x) => `${x.file}:${x.line}:${x.column}`),
  }));
};

describe('attribution by build-script evidence', () => {
  it('rustc-link-lib=NAME and dylib=NAME explain lib<NAME>.so.*, at the script line', () => {
    expect(explain('libbz2.so.1.0')).toEqual([{ crate: 'bzlink', evidence: ['bzlink-0.2.0/build.rs:2:5'] }]);
    expect(explain('libpcap.so.0.8')).toEqual([{ crate: 'dylib-kind', evidence: ['dylib-kind-0.1.0/build.rs:2:5'] }]);
  });

  it('pkg-config modules: zlib links -lz, libpq links -lpq', () => {
    expect(explain('libz.so.1').map((e) => e.crate)).toEqual(['zprobe']);
    expect(explain('libpq.so.5').map((e) => e.crate)).toEqual(['pqprobe']);
  });

  it('a script compiling C++ explains the C++ runtime; a static library it builds explains nothing', () => {
    expect(explain('libstdc++.so.6').map((e) => e.crate)).toEqual(['cxx-bits']);
    expect(explain('libfoo.so')).toEqual([]);
    expect(explain('libssl.so.3')).toEqual([]);
  });

  it('without readings nothing is explained', () => {
    const { graph } = graphOf();
    expect(BUILD_SCRIPT_SOURCE.explain('libbz2.so.1.0', { graph, kb: { entries: [] } as unknown as KnowledgeBase })).toEqual([]);
  });

  it('link names from file names and from script libraries', () => {
    expect(linkName('libbz2.so.1.0')).toBe('bz2');
    expect(linkName('libusb-1.0.so.0')).toBe('usb-1.0');
    expect(linkName('libssl-3-x64.dll')).toBe('ssl');
    expect(scriptLinkNames('openssl')).toEqual(['ssl', 'crypto']);
    expect(scriptLinkNames('libzstd')).toEqual(['libzstd', 'zstd']);
    expect(scriptLinkNames('bz2')).toEqual(['bz2']);
  });
});
