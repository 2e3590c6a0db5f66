/** Parser for `cfg(...)` expressions and target specs, a port of cargo's `cargo-platform`. Kept in `index.ts` (one module loads faster than several); re-exported here. */
export { CfgSyntaxError, formatCfgExpr, parseCfgExpr, parsePlatform } from './index.js';
