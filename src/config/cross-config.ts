/**
 * `Cross.toml`, the configuration of `cross` (https://github.com/cross-rs/cross):
 * the image a target builds in (`[target.T] image`), the commands run in it
 * before the build (`pre-build`, `[build]` and `[target.T]`), and the
 * environment passed into it (`[build.env] passthrough`, `[target.T.env]`).
 * What it changes for a static build: a `pre-build` that installs a `-dev`
 * package (`apt-get install libssl-dev:$CROSS_DEB_ARCH`) means the build
 * finds that system library and links it, rather than failing for want of
 * it; the image's library, linked as its build script chooses.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readTextFile } from '../io/text-file.js';
import { parseTomlWithPositions } from '../manifest/positions.js';

export interface CrossTarget {
  /** `image`, as written (a string, or the `name` of a table). */
  image: string | null;
  /** `pre-build` commands: `[target.T]`'s when it has them, else `[build]`'s (as cross runs them). */
  preBuild: string[];
  /** Variables passed into the container: `[build.env]` and `[target.T.env]` `passthrough`. */
  passthrough: string[];
  /** Debian packages the pre-build commands install (the `:$CROSS_DEB_ARCH` suffix dropped). */
  packages: string[];
}

export interface CrossConfig {
  path: string;
  target(triple: string): CrossTarget;
}

/** Well-known Debian `-dev` packages: the library each gives, and the `links` keys of the `-sys` crates that link it. */
const DEV_PACKAGES: Record<string, { library: string; links: string[] }> = {
  'libssl-dev': { library: 'OpenSSL (libssl, libcrypto)', links: ['openssl'] },
  'libsqlite3-dev': { library: 'SQLite 3 (libsqlite3)', links: ['sqlite3'] },
  'zlib1g-dev': { library: 'zlib (libz)', links: ['z'] },
  'libpq-dev': { library: 'PostgreSQL (libpq)', links: ['pq'] },
  'libcurl4-openssl-dev': { library: 'libcurl', links: ['curl'] },
  'libcurl4-gnutls-dev': { library: 'libcurl', links: ['curl'] },
  'libgit2-dev': { library: 'libgit2', links: ['git2'] },
  'libssh2-1-dev': { library: 'libssh2', links: ['ssh2'] },
  'libudev-dev': { library: 'libudev', links: ['udev'] },
  'libdbus-1-dev': { library: 'D-Bus (libdbus-1)', links: ['dbus'] },
  'libasound2-dev': { library: 'ALSA (libasound)', links: ['alsa'] },
  'libzstd-dev': { library: 'zstd (libzstd)', links: ['zstd'] },
  'liblzma-dev': { library: 'liblzma', links: ['lzma'] },
  'libbz2-dev': { library: 'bzip2 (libbz2)', links: ['bzip2'] },
  'libusb-1.0-0-dev': { library: 'libusb-1.0', links: ['usb-1.0'] },
  'libfontconfig1-dev': { library: 'fontconfig', links: ['fontconfig'] },
  'libfreetype6-dev': { library: 'FreeType', links: ['freetype'] },
  'libpcre2-dev': { library: 'PCRE2', links: ['pcre2'] },
  'libmysqlclient-dev': { library: 'MySQL client (libmysqlclient)', links: ['mysqlclient'] },
  'libhidapi-dev': { library: 'hidapi', links: ['hidapi'] },
};

/** The library a `-dev` package gives (named after the package when it is not a known one). */
export function devPackageLibrary(pkg: string): { library: string; links: string[] } | null {
  if (DEV_PACKAGES[pkg]) return DEV_PACKAGES[pkg]!;
  return pkg.endsWith('-dev') ? { library: `the library of \`${pkg}\``, links: [] } : null;
}

/** The packages `apt-get install`/`apt install`/`yum install`/`dnf install`/`apk add` lines install, suffixes like `:$CROSS_DEB_ARCH` dropped. */
export function installedPackages(commands: readonly string[]): string[] {
  const out: string[] = [];
  for (const command of commands) {
    for (const part of command.split(/&&|;|\|\||\n/)) {
      const words = part.trim().split(/\s+/);
      const manager = words.findIndex((w) => /^(apt-get|apt|yum|dnf|microdnf|apk)$/.test(w));
      if (manager < 0) continue;
      const verb = words.findIndex((w, i) => i > manager && (w === 'install' || (w === 'add' && words[manager] === 'apk')));
      if (verb < 0) continue;
      for (const w of words.slice(verb + 1)) {
        if (w.startsWith('-') || w === '\\') continue;
        const name = w.replace(/^["']|["']$/g, '').replace(/:.*$/, '');
        if (name && !out.includes(name)) out.push(name);
      }
    }
  }
  return out;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * `Cross.toml` of `dir` (the workspace root), or the file `CROSS_CONFIG`
 * names; null when there is none. A file that is not TOML is refused at its
 * line, as cross refuses it.
 */
export function readCrossConfig(dir: string, env: NodeJS.ProcessEnv): CrossConfig | null {
  const path = env.CROSS_CONFIG ? (isAbsolute(env.CROSS_CONFIG) ? env.CROSS_CONFIG : resolve(dir, env.CROSS_CONFIG)) : join(dir, 'Cross.toml');
  if (!existsSync(path)) return null;
  const data = parseTomlWithPositions(readTextFile(path, { what: 'Cross.toml' }), path).data;
  const table = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const build = table(data.build);
  const targets = table(data.target);
  return {
    path,
    target(triple) {
      const t = table(targets[triple]);
      const imageValue = t.image;
      const image = typeof imageValue === 'string' ? imageValue : typeof table(imageValue).name === 'string' ? (table(imageValue).name as string) : null;
      const preBuild = [...strings(t['pre-build'] ?? build['pre-build'])];
      const passthrough = [...new Set([...strings(table(build.env).passthrough), ...strings(table(t.env).passthrough)])];
      return { image, preBuild, passthrough, packages: installedPackages(preBuild) };
    },
  };
}
