/** Crate metadata sources for a run, from cargo configuration and flags: kept in common.ts (one module fewer at start-up), re-exported here. */
export { openSources, type SourceOptions, type Sources } from './common.js';
