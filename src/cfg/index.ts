/**
 * Target `cfg(...)` handling, as cargo does it: parsing target specs
 * (`cfg(...)` or a triple), the cfg set of a target, and matching the two.
 */
export type { CfgExpr, Platform, TargetInfo } from './types.js';
export { CfgSyntaxError, formatCfgExpr, parseCfgExpr, parsePlatform } from './parse.js';
export { evalCfg, platformMatches } from './eval.js';
export { knownTargets, tableRustcVersion, targetInfo } from './targets.js';
export { derivedHostTriple, hostTriple } from './host.js';
