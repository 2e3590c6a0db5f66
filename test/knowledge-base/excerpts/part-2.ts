/** Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_2: BuildScriptExcerpt[] = [];

/** Families of this part with no excerpt yet. */
export const PENDING_2: readonly string[] = [
  'aws-lc',
  'bzip2',
  'duckdb',
  'freetype',
  'gmp',
  'hdf5',
  'jemalloc',
  'libclang',
  'libpq',
  'libssh2',
  'libxml2',
  'lz4',
  'mysqlclient',
  'oniguruma',
  'opus',
  'pcre2',
  'pulseaudio',
  'rocksdb',
  'snmalloc',
  'tensorflow',
  'udev',
  'x11',
  'zlib',
];
