/** Counters of index fetching and the progress line: kept in index.ts, where every run needs them, and re-exported here. */
export {
  FetchTracker,
  progressLine,
  waitingLine,
  type FetchProgress,
  type FetchStats,
  type MissingCrate,
  type Outcome,
  type ProgressLineOptions,
  type ProgressStream,
} from './index.js';
