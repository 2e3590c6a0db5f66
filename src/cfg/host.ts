/** The host triple, from rustc or derived from Node's platform. Kept in `index.ts` (one module loads faster than several); re-exported here. */
export { derivedHostTriple, hostTriple } from './index.js';
