/** A parsed `cfg(...)` expression, as cargo's `cargo-platform` crate models it. */
export type CfgExpr = { kind: 'name'; name: string } | { kind: 'keyvalue'; key: string; value: string } | { kind: 'all' | 'any'; args: CfgExpr[] } | { kind: 'not'; arg: CfgExpr };

/** What a `[target.<spec>]` table or an index entry's `target` field names. */
export type Platform = { kind: 'cfg'; expr: CfgExpr } | { kind: 'triple'; triple: string };

/** The cfg set rustc reports for a target (`rustc --print cfg --target <triple>`). */
export interface TargetInfo {
  triple: string;
  /** Bare names, e.g. `unix`, `debug_assertions`. */
  names: ReadonlySet<string>;
  /** Key to values, e.g. `target_os` -> {`linux`}, `target_feature` -> {`crt-static`, `sse2`, ...}. */
  values: ReadonlyMap<string, ReadonlySet<string>>;
  /** `--target all` (cargo's): every platform-specific dependency applies. */
  all?: boolean;
  /** The triple cargo sees, where `triple` carries cargo-zigbuild's glibc version (`x86_64-unknown-linux-gnu` of `…-gnu.2.17`). */
  base?: string;
}
