/** Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_3: BuildScriptExcerpt[] = [];

/** Families of this part with no excerpt yet. */
export const PENDING_3: readonly string[] = [
  'boringssl',
  'curl',
  'ffmpeg',
  'gdal',
  'grpc',
  'hidapi',
  'libarchive',
  'libgit2',
  'libsodium',
  'libtorch',
  'llvm',
  'lzma',
  'netcdf',
  'openblas',
  'paho-mqtt',
  'proj',
  'rdkafka',
  'sasl2',
  'sqlite',
  'tesseract',
  'vulkan',
  'xcb',
  'zlib-ng',
];
