/**
 * What the facts of a binary mean: its linkage, its C library, the glibc it
 * needs at least (and which distributions ship one), which libraries are the
 * system's or the C runtime's, and whether it meets `--expect static` and
 * `--max-glibc`. Pure functions over what the readers give.
 */
import { ET_DYN, ET_EXEC, DF_1_PIE, type ElfInfo, type VersionNeed } from './elf.js';
import { MH_BUNDLE, MH_DYLIB, type MachOSlice } from './macho.js';
import { LOAD_LIBRARY, type PeInfo } from './pe.js';

export type Linkage = 'static' | 'static-pie' | 'dynamic' | 'shared-library';
export type Libc = 'glibc' | 'musl' | 'msvcrt' | 'ucrt' | 'system';

/** A version need of the C++ or GCC runtime (`GLIBCXX_*`, `CXXABI_*`, `GCC_*`), reported apart from the glibc floor. */
export interface RuntimeNeed {
  runtime: 'GLIBCXX' | 'CXXABI' | 'GCC';
  /** The library it is needed from (`libstdc++.so.6`, `libgcc_s.so.1`). */
  library: string;
  /** The highest version needed. */
  version: string;
}

/** The facts of one binary (one slice of a universal Mach-O), before attribution. */
export interface BinaryFacts {
  path: string;
  format: 'elf' | 'pe' | 'macho';
  machine: string;
  linkage: Linkage;
  interpreter: string | null;
  /** Which C library the interpreter is (`glibc`, `musl`), else null. */
  interpreterLibc: 'glibc' | 'musl' | null;
  libc: Libc | null;
  needed: string[];
  runpath: string[];
  rpath: string[];
  glibcFloor: string | null;
  /** Whether a `GLIBC_PRIVATE` version is needed: glibc's internal interface, which changes between any two releases. */
  glibcPrivate: boolean;
  runtimeNeeds: RuntimeNeed[];
  dlopen: boolean | null;
}

/**
 * The glibc release of common distributions (their `libc.so.6`), to say
 * which meet a binary's floor.
 */
export const DISTRIBUTIONS: readonly { name: string; glibc: string }[] = [
  { name: 'Amazon Linux 2', glibc: '2.26' },
  { name: 'RHEL/Alma/Rocky 8', glibc: '2.28' },
  { name: 'Debian 11', glibc: '2.31' },
  { name: 'Ubuntu 20.04', glibc: '2.31' },
  { name: 'RHEL/Alma/Rocky 9', glibc: '2.34' },
  { name: 'Amazon Linux 2023', glibc: '2.34' },
  { name: 'Ubuntu 22.04', glibc: '2.35' },
  { name: 'Debian 12', glibc: '2.36' },
  { name: 'Ubuntu 24.04', glibc: '2.39' },
];

/** glibc's own libraries (glibc's `shlib-versions`), whose `GLIBC_*` versions make the floor. */
const GLIBC_LIBRARY =
  /^(?:libc\.so\.6|libm\.so\.6|libmvec\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libnsl\.so\.1|libBrokenLocale\.so\.1|libthread_db\.so\.1|libc_malloc_debug\.so\.0|ld-linux[-\w.]*\.so\.\d+|ld64\.so\.[12]|ld\.so\.1)$/;
const GLIBC_INTERPRETER = /\/(?:ld-linux[-\w.]*\.so\.\d+|ld64\.so\.[12]|ld\.so\.1)$/;
const MUSL_INTERPRETER = /\/ld-musl-[\w-]+\.so\.1$/;
const MUSL_LIBRARY = /^(?:libc\.musl-[\w-]+\.so\.1|libc\.so)$/;
/** The GCC runtime next to the C library (unwinding): C runtime too. */
const GCC_RUNTIME = /^libgcc_s\.so\.\d+$/;

/** Windows' C runtime DLLs: the VC++ runtime, the Universal CRT and its API sets, the C++ library. */
export const WINDOWS_CRT = /^(?:vcruntime\d+(?:_\d+)?d?\.dll|msvcp\d+(?:_\w+)?\.dll|ucrtbased?\.dll|api-ms-win-crt-[\w-]+\.dll)$/i;
/**
 * DLLs every Windows installation has: the kernel and Win32 API sets, and
 * `msvcrt.dll`, the system's own C library (mingw's default runtime). A
 * DLL not listed counts as not the system's.
 */
const WINDOWS_SYSTEM = new Set(
  [
    'kernel32',
    'kernelbase',
    'ntdll',
    'user32',
    'gdi32',
    'advapi32',
    'shell32',
    'ole32',
    'oleaut32',
    'ws2_32',
    'mswsock',
    'bcrypt',
    'bcryptprimitives',
    'ncrypt',
    'crypt32',
    'secur32',
    'sspicli',
    'userenv',
    'iphlpapi',
    'dnsapi',
    'dbghelp',
    'msvcrt',
    'winmm',
    'version',
    'shlwapi',
    'comctl32',
    'comdlg32',
    'psapi',
    'setupapi',
    'cfgmgr32',
    'rpcrt4',
    'synchronization',
    'powrprof',
    'dwmapi',
    'uxtheme',
    'imm32',
    'netapi32',
    'wtsapi32',
    'propsys',
    'winhttp',
    'wininet',
    'normaliz',
    'hid',
    'winspool.drv',
    'wldap32',
    'opengl32',
    'dxgi',
    'd3d11',
    'd3d12',
    'd3dcompiler_47',
    'dwrite',
    'd2d1',
    'windowscodecs',
    'ntoskrnl.exe',
    'credui',
    'wintrust',
    'mpr',
    'avrt',
  ].map((n) => (n.includes('.') ? n : `${n}.dll`)),
);

export function isWindowsSystemDll(name: string): boolean {
  const n = name.toLowerCase();
  return WINDOWS_SYSTEM.has(n) || /^api-ms-win-(?:core|security|eventing|base)-[\w-]+\.dll$/.test(n) || /^ext-ms-win-[\w-]+\.dll$/.test(n);
}

/** macOS libraries every installation has: `/usr/lib` (libSystem and the OS's own dylibs) and the system frameworks. */
export function isMacSystemLibrary(name: string): boolean {
  return /^\/usr\/lib\/[^/]+\.dylib$/.test(name) || /^\/usr\/lib\/swift\//.test(name) || /^\/System\/Library\/(?:Frameworks|PrivateFrameworks)\//.test(name);
}

/** Whether a needed library is the C runtime (or the system's), which no crate is expected to explain. */
export function isRuntimeLibrary(format: BinaryFacts['format'], name: string): boolean {
  if (format === 'elf') return GLIBC_LIBRARY.test(name) || MUSL_LIBRARY.test(name) || GCC_RUNTIME.test(name);
  if (format === 'pe') return isWindowsSystemDll(name) || WINDOWS_CRT.test(name);
  return isMacSystemLibrary(name);
}

/** Compares dotted versions (`2.9` < `2.17` < `2.17.1`). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

const maxVersion = (a: string | null, b: string) => (a === null || compareVersions(b, a) > 0 ? b : a);

/**
 * The glibc floor: the highest `GLIBC_x.y` needed from glibc's own
 * libraries; `GLIBC_ABI_DT_RELR` (relative relocations in DT_RELR form,
 * which only glibc 2.36's loader applies) counts as 2.36.
 */
export function glibcNeeds(needs: readonly VersionNeed[]): { floor: string | null; private: boolean; runtimes: RuntimeNeed[] } {
  let floor: string | null = null;
  let priv = false;
  const runtimes = new Map<string, RuntimeNeed>();
  for (const need of needs) {
    for (const v of need.versions) {
      let m: RegExpExecArray | null;
      if (GLIBC_LIBRARY.test(need.file)) {
        if (v === 'GLIBC_PRIVATE') priv = true;
        else if (v === 'GLIBC_ABI_DT_RELR') floor = maxVersion(floor, '2.36');
        else if ((m = /^GLIBC_(\d+(?:\.\d+)+)$/.exec(v))) floor = maxVersion(floor, m[1]!);
      }
      if ((m = /^(GLIBCXX|CXXABI|GCC)_(\d+(?:\.\d+)*)$/.exec(v))) {
        const runtime = m[1] as RuntimeNeed['runtime'];
        const key = `${runtime} ${need.file}`;
        const had = runtimes.get(key);
        if (!had || compareVersions(m[2]!, had.version) > 0) runtimes.set(key, { runtime, library: need.file, version: m[2]! });
      }
    }
  }
  return { floor, private: priv, runtimes: [...runtimes.values()] };
}

/** The distributions whose glibc is at least `floor`, and those whose is older. */
export function distributionsFor(floor: string): { meet: string[]; miss: string[] } {
  const meet: string[] = [];
  const miss: string[] = [];
  for (const d of DISTRIBUTIONS) (compareVersions(d.glibc, floor) >= 0 ? meet : miss).push(`${d.name} (${d.glibc})`);
  return { meet, miss };
}

/**
 * ELF linkage, from the loader's point of view: with PT_INTERP the kernel
 * starts the interpreter, so it is `dynamic`; without one, an ET_EXEC is
 * `static`, and an ET_DYN is a `static-pie` when DF_1_PIE says it is an
 * executable, else a `shared-library`. PT_DYNAMIC alone says nothing:
 * static-pie binaries have one for their own relocations.
 */
export function elfLinkage(e: Pick<ElfInfo, 'interpreter' | 'type' | 'flags1' | 'needed'>): Linkage {
  if (e.interpreter !== null) return 'dynamic';
  if (e.type === ET_DYN) return (e.flags1 & DF_1_PIE) !== 0 ? 'static-pie' : 'shared-library';
  if (e.type === ET_EXEC) return e.needed.length ? 'dynamic' : 'static';
  return 'static';
}

export function elfFacts(path: string, e: ElfInfo): BinaryFacts {
  const interpreterLibc = e.interpreter === null ? null : MUSL_INTERPRETER.test(e.interpreter) ? 'musl' : GLIBC_INTERPRETER.test(e.interpreter) ? 'glibc' : null;
  const glibc = glibcNeeds(e.versionNeeds);
  let libc: Libc | null = null;
  if (interpreterLibc) libc = interpreterLibc;
  else if (e.needed.some((n) => MUSL_LIBRARY.test(n))) libc = 'musl';
  else if (e.needed.some((n) => GLIBC_LIBRARY.test(n)) || glibc.floor) libc = 'glibc';
  // glibc's crt1.o carries the ABI note; a static binary with it has glibc linked in.
  else if (e.glibcAbiNote) libc = 'glibc';
  return {
    path,
    format: 'elf',
    machine: e.machine,
    linkage: elfLinkage(e),
    interpreter: e.interpreter,
    interpreterLibc,
    libc,
    needed: e.needed,
    runpath: e.runpath,
    rpath: e.rpath,
    glibcFloor: glibc.floor,
    glibcPrivate: glibc.private,
    runtimeNeeds: glibc.runtimes,
    dlopen: e.dlopen,
  };
}

export function peFacts(path: string, p: PeInfo): BinaryFacts {
  const needed = [...p.imports, ...p.delayImports];
  // Windows' dlopen is LoadLibrary (kernel32): imported by name, it is called.
  const dlopen = p.importedFunctions.some((fns) => fns.some((f) => LOAD_LIBRARY.test(f)));
  const lower = needed.map((n) => n.toLowerCase());
  let libc: Libc | null = null;
  if (lower.some((n) => n.startsWith('api-ms-win-crt-') || n.startsWith('ucrtbase') || n.startsWith('vcruntime'))) libc = 'ucrt';
  else if (lower.includes('msvcrt.dll')) libc = 'msvcrt';
  const linkage: Linkage = p.dll ? 'shared-library' : needed.every((n) => isWindowsSystemDll(n)) ? 'static' : 'dynamic';
  return {
    path,
    format: 'pe',
    machine: p.machine,
    linkage,
    interpreter: null,
    interpreterLibc: null,
    libc,
    needed,
    runpath: [],
    rpath: [],
    glibcFloor: null,
    glibcPrivate: false,
    runtimeNeeds: [],
    dlopen,
  };
}

export function machoFacts(path: string, s: MachOSlice): BinaryFacts {
  const linkage: Linkage = s.fileType === MH_DYLIB || s.fileType === MH_BUNDLE ? 'shared-library' : s.dylibs.length || s.dylinker ? 'dynamic' : 'static';
  const libc: Libc | null = s.dylibs.some((d) => /^\/usr\/lib\/libSystem\.B\.dylib$/.test(d)) ? 'system' : null;
  return {
    path,
    format: 'macho',
    machine: s.machine,
    linkage,
    interpreter: s.dylinker,
    interpreterLibc: null,
    libc,
    needed: s.dylibs,
    runpath: s.rpaths,
    rpath: [],
    glibcFloor: null,
    glibcPrivate: false,
    runtimeNeeds: [],
    dlopen: s.dlopen,
  };
}

/** Why a binary fails an expectation: a message id and its data (texts in `verify`'s messages). */
export type ProblemId = 'not-static' | 'crt-dll' | 'non-system-dll' | 'non-system-dylib' | 'library-needed' | 'glibc-too-new' | 'glibc-private';

export interface Problem {
  id: ProblemId;
  /** The library concerned, when there is one. */
  library?: string;
  data: Record<string, string>;
}

/**
 * `--expect static`, per format: an ELF executable must be static or
 * static-pie; a shared library (a cdylib) passes when it needs nothing
 * beyond the C runtime; a PE must import only Windows system DLLs (no
 * VC++ runtime, UCRT or C++ library DLL); a Mach-O must load only
 * libSystem, `/usr/lib` and system frameworks (macOS has no fully static
 * executables).
 */
export function expectStatic(f: BinaryFacts): Problem[] {
  if (f.format === 'elf') {
    if (f.linkage === 'static' || f.linkage === 'static-pie') return [];
    if (f.linkage === 'shared-library') {
      return f.needed.filter((n) => !isRuntimeLibrary('elf', n)).map((library) => ({ id: 'library-needed', library, data: { library } }));
    }
    return [{ id: 'not-static', data: { linkage: f.linkage, interpreter: f.interpreter ?? '' } }];
  }
  if (f.format === 'pe') {
    return f.needed.flatMap((library): Problem[] =>
      WINDOWS_CRT.test(library) ? [{ id: 'crt-dll', library, data: { library } }] : isWindowsSystemDll(library) ? [] : [{ id: 'non-system-dll', library, data: { library } }],
    );
  }
  return f.needed.filter((n) => !isMacSystemLibrary(n)).map((library) => ({ id: 'non-system-dylib', library, data: { library } }));
}

/** `--max-glibc X.Y`: the floor must not be higher; `GLIBC_PRIVATE` is reported on its own. */
export function checkMaxGlibc(f: BinaryFacts, max: string): Problem[] {
  const out: Problem[] = [];
  if (f.glibcFloor && compareVersions(f.glibcFloor, max) > 0) out.push({ id: 'glibc-too-new', data: { floor: f.glibcFloor, max } });
  return out;
}
