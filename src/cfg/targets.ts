/** Target cfg sets: the bundled table, else the local rustc. Kept in `index.ts` (one module loads faster than several); re-exported here. */
export { cfgLines, knownTargets, runRustc, tableRustcVersion, targetInfo, type RustcResult, type TargetCfgTable } from './index.js';
