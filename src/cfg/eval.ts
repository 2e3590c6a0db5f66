/** Evaluating `cfg(...)` expressions and target specs against a target. Kept in `index.ts` (one module loads faster than several); re-exported here. */
export { evalCfg, platformMatches } from './index.js';
