/** A `cargo vendor` directory as a crate source: kept in index.ts, where a vendored run needs it, and re-exported here. */
export { DirectorySource, publishedManifestToIndex, relevantSections } from './index.js';
