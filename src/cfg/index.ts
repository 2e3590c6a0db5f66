/**
 * Target `cfg(...)` handling, as cargo does it, for the layers above:
 * parsing target specs (`parse.ts`), matching them against a target's cfg
 * set (`eval.ts`), the cfg sets of targets (`targets.ts`, from the bundled
 * table or `rustc.ts`), and the host triple (`host.ts`).
 */
export type { CfgExpr, Platform, TargetInfo } from './types.js';
export { CfgSyntaxError, formatCfgExpr, parseCfgExpr, parsePlatform } from './parse.js';
export { checkPlatform, evalCfg, platformMatches } from './eval.js';
export { ALL_TARGETS, cargoTriple, knownTargets, tableRustcVersion, targetInfo, zigbuildTarget, type TargetCfgTable } from './targets.js';
export { cfgLines, runRustc, type RustcResult } from './rustc.js';
export { derivedHostTriple, hostTriple } from './host.js';
