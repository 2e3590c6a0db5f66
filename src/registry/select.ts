/** Source selection (cargo's source replacement and `--index`): kept in index.ts, where every run needs it, and re-exported here. */
export { SourceSelector, type NamedRegistry } from './index.js';
