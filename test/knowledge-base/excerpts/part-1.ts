/** Build-script excerpts of some families (see `../build-scripts.ts` for what an excerpt is). */
import type { BuildScriptExcerpt } from '../build-scripts.js';

export const EXCERPTS_1: BuildScriptExcerpt[] = [];

/** Families of this part with no excerpt yet. */
export const PENDING_1: readonly string[] = [
  'alsa',
  'brotli-c',
  'dbus',
  'fontconfig',
  'glib',
  'gssapi',
  'imagemagick',
  'libbpf',
  'libheif',
  'libssh',
  'libusb',
  'lua',
  'mimalloc',
  'nghttp2',
  'openssl',
  'pcap',
  'protobuf',
  'ring',
  'sdl2',
  'systemd',
  'tree-sitter',
  'wayland',
  'zeromq',
  'zstd',
];
