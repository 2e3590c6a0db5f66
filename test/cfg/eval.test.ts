import { describe, it, expect } from 'vitest';
import { CfgSyntaxError, evalCfg, parseCfgExpr, platformMatches, type TargetInfo } from '../../src/cfg/index.js';

/** A TargetInfo from `rustc --print cfg`-style lines. */
function target(triple: string, lines: string[]): TargetInfo {
  const names = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const line of lines) {
    const m = /^(\w+)="(.*)"$/.exec(line);
    if (!m) names.add(line);
    else values.set(m[1]!, (values.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  return { triple, names, values };
}

const musl = target('x86_64-unknown-linux-musl', [
  'debug_assertions',
  'panic="unwind"',
  'target_abi=""',
  'target_arch="x86_64"',
  'target_env="musl"',
  'target_family="unix"',
  'target_feature="crt-static"',
  'target_feature="sse2"',
  'target_os="linux"',
  'target_pointer_width="64"',
  'unix',
]);

const holds = (text: string, t: TargetInfo) => evalCfg(parseCfgExpr(text), t);

describe('evalCfg', () => {
  it("matches cargo-platform's cfg_matches cases", () => {
    const set = (...names: string[]) => target('t', names);
    expect(holds('foo', set('bar', 'foo', 'baz'))).toBe(true);
    expect(holds('any(foo)', set('bar', 'foo', 'baz'))).toBe(true);
    expect(holds('any(foo, bar)', set('bar'))).toBe(true);
    expect(holds('any(foo, bar)', set('foo'))).toBe(true);
    expect(holds('all(foo, bar)', set('foo', 'bar'))).toBe(true);
    expect(holds('not(foo)', set('bar'))).toBe(true);
    expect(holds('not(foo)', set())).toBe(true);
    expect(holds('any(not(foo), all(foo, bar))', set('bar'))).toBe(true);
    expect(holds('any(not(foo), all(foo, bar))', set('foo', 'bar'))).toBe(true);

    expect(holds('foo', set())).toBe(false);
    expect(holds('foo', set('bar'))).toBe(false);
    expect(holds('foo', set('fo'))).toBe(false);
    expect(holds('any(foo)', set())).toBe(false);
    expect(holds('any(foo)', set('bar', 'baz'))).toBe(false);
    expect(holds('all(foo)', set('bar', 'baz'))).toBe(false);
    expect(holds('all(foo, bar)', set('bar'))).toBe(false);
    expect(holds('all(foo, bar)', set())).toBe(false);
    expect(holds('not(bar)', set('baz', 'bar'))).toBe(false);
    expect(holds('any(not(foo), all(foo, bar))', set('foo'))).toBe(false);
  });

  it('evaluates empty all() as true and empty any() as false', () => {
    expect(holds('all()', musl)).toBe(true);
    expect(holds('any()', musl)).toBe(false);
    expect(holds('not(any())', musl)).toBe(true);
  });

  it('knows the true and false literals', () => {
    expect(holds('true', musl)).toBe(true);
    expect(holds('false', musl)).toBe(false);
    expect(holds('r#true', musl)).toBe(true);
    expect(holds('all(unix, not(false))', musl)).toBe(true);
  });

  it('tells names from key-value pairs', () => {
    expect(holds('unix', musl)).toBe(true);
    expect(holds('r#unix', musl)).toBe(true);
    expect(holds('target_os', musl)).toBe(false);
    expect(holds('linux', musl)).toBe(false);
    expect(holds('unix = ""', musl)).toBe(false);
    expect(holds('target_os = "linux"', musl)).toBe(true);
    expect(holds('target_os = "Linux"', musl)).toBe(false);
    expect(holds('target_os = "linux "', musl)).toBe(false);
    expect(holds('target_abi = ""', musl)).toBe(true);
    expect(holds('target_vendor = "unknown"', musl)).toBe(false);
    expect(holds('target_feature = "crt-static"', musl)).toBe(true);
    expect(holds('all(target_feature = "sse2", target_feature = "crt-static")', musl)).toBe(true);
    expect(holds('feature = "std"', musl)).toBe(false);
  });

  it('evaluates the cfgs real crates use', () => {
    expect(holds('any(target_os = "macos", target_os = "ios")', musl)).toBe(false);
    expect(holds('all(target_arch = "wasm32", not(target_os = "wasi"))', musl)).toBe(false);
    expect(holds('all(unix, not(any(target_os = "android", target_env = "musl")))', musl)).toBe(false);
    expect(holds('any(unix, target_os = "wasi")', musl)).toBe(true);
    expect(holds('debug_assertions', musl)).toBe(true);
  });
});

describe('platformMatches', () => {
  it('matches cfg specs and target triples', () => {
    expect(platformMatches('cfg(unix)', musl)).toBe(true);
    expect(platformMatches('cfg(windows)', musl)).toBe(false);
    expect(platformMatches('cfg(target_env = "musl")', musl)).toBe(true);
    expect(platformMatches('x86_64-unknown-linux-musl', musl)).toBe(true);
    expect(platformMatches('x86_64-unknown-linux-gnu', musl)).toBe(false);
    expect(platformMatches('x86_64-pc-windows-msvc', musl)).toBe(false);
  });

  it('answers per target, not per triple', () => {
    const windowsNamedLikeMusl = target(musl.triple, ['windows', 'target_os="windows"']);
    expect(platformMatches('cfg(unix)', musl)).toBe(true);
    expect(platformMatches('cfg(unix)', windowsNamedLikeMusl)).toBe(false);
    expect(platformMatches('cfg(unix)', musl)).toBe(true);
  });

  it('throws CfgSyntaxError for malformed specs, every time', () => {
    expect(() => platformMatches('cfg(all(unix)', musl)).toThrow(CfgSyntaxError);
    expect(() => platformMatches('cfg(all(unix)', musl)).toThrow('expected `)`, but cfg expression ended');
    expect(() => platformMatches('any(unix)', musl)).toThrow(CfgSyntaxError);
  });
});
