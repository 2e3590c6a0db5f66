/** The host triple: what rustc reports, else derived from Node's platform and the C library the process runs on. */
import { readdirSync, readFileSync } from 'node:fs';
import { runRustc } from './rustc.js';

let host: string | undefined;

/**
 * The host triple: what `rustc -vV` reports, as cargo asks it; derived from
 * Node's platform when rustc is absent. Starting rustc (through rustup) costs
 * 60-90 ms, so a caller that can live with Node's view uses derivedHostTriple.
 */
export function hostTriple(): string {
  if (host === undefined) {
    const r = runRustc(['-vV']);
    const m = r.ok ? /^host: (\S+)$/m.exec(r.stdout) : null;
    host = m ? m[1]! : derivedHostTriple(process.platform, process.arch);
  }
  return host;
}

const ARCH: Partial<Record<string, string>> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ia32: 'i686',
  arm: 'armv7',
  riscv64: 'riscv64gc',
  ppc64: 'powerpc64le',
  s390x: 's390x',
  loong64: 'loongarch64',
};

/**
 * Whether this Node runs on musl: the C library the process itself mapped
 * (`/proc/self/maps`), not which loaders lie in `/lib` (Debian's musl-tools puts
 * `ld-musl-*` there beside glibc). Without /proc, the loaders in `/lib`.
 */
function muslLibc(): boolean {
  try {
    const maps = readFileSync('/proc/self/maps', 'latin1');
    if (/\/ld-musl-|\/libc\.musl-/.test(maps)) return true;
    if (/\/libc\.so\.6|\/ld-linux/.test(maps)) return false;
  } catch {
    // no /proc: fall through
  }
  try {
    const lib = readdirSync('/lib');
    return lib.some((f) => f.startsWith('ld-musl-')) && !lib.some((f) => f.startsWith('ld-linux'));
  } catch {
    return false;
  }
}

/** The rustc host triple for a Node platform and architecture (`ppc64` taken as the common little-endian Linux port). */
export function derivedHostTriple(platform: string, arch: string, musl = platform === 'linux' && muslLibc()): string {
  const a = ARCH[arch] ?? arch;
  const eabi = arch === 'arm' ? 'eabihf' : '';
  switch (platform) {
    case 'linux':
      return `${a}-unknown-linux-${musl ? 'musl' : 'gnu'}${eabi}`;
    case 'android':
      return arch === 'arm' ? 'armv7-linux-androideabi' : `${a}-linux-android`;
    case 'darwin':
      return `${a}-apple-darwin`;
    case 'win32':
      return `${a}-pc-windows-msvc`;
    case 'sunos':
      return `${a}-pc-solaris`;
    case 'cygwin':
      return `${a}-pc-cygwin`;
    case 'aix':
      return 'powerpc64-ibm-aix';
    default:
      return `${a}-unknown-${platform}`;
  }
}
