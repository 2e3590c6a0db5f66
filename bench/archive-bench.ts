/**
 * Crate archives on a cold `check`: a lockfile of real crates (the three
 * projects of the real-world corpus, their vendored crates pooled into one
 * registry and locked together by cargo), served as a sparse index with
 * `.crate` files by a loopback server adding 50 ms to every request. No
 * cache of any kind: every index file is fetched, and the archives of the
 * crates that may be proc-macros are downloaded and read.
 *
 *   cold check, archives included            target ≤ 2.0 s
 *   archives fetched                         target ≤ 15% of the packages
 *
 * Printed beside the bytes of the archives fetched: the sum of every `.crate`
 * of the lockfile, what `cargo fetch` would download. The corpus keeps each
 * crate's manifests but stubs its `.rs` files, so the archives here (made from
 * it with GNU tar headers, as cargo makes them) are smaller than the published ones.
 *
 * Run after `npm run build`: node dist/bench/archive-bench.js [repeats]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { indexFromVendor } from '../testkit/registry-gen.js';
import { IndexServer } from '../testkit/index-server.js';
import { median, timedRun } from './child.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'bin', 'cargo-preflight.js');
/** The corpus archives (as tree-bench finds them): ../shared/realworld beside the repository, or CARGO_PREFLIGHT_REALWORLD. */
const REALWORLD_DIR = process.env.CARGO_PREFLIGHT_REALWORLD ?? resolve(ROOT, '../shared/realworld');
const REALWORLD_PROJECTS = ['notesreminder', 'cloud-image-download', 'nlb-operator'];
const TARGET_MS = 2000;
const TARGET_SHARE = 0.15;

export interface ArchiveBenchResult {
  packages: number;
  latencyMs: number;
  times: number[];
  ms: number;
  /** The same cold run with `--no-crate-downloads` (index only, proc-macros guessed where no local copy tells). */
  indexOnlyTimes: number[];
  indexOnlyMs: number;
  archives: number;
  archiveBytes: number;
  lockfileCrateBytes: number;
  requests: number;
}

export async function archiveBench(repeats = 3, latencyMs = 50): Promise<ArchiveBenchResult | undefined> {
  if (!REALWORLD_PROJECTS.every((p) => existsSync(join(REALWORLD_DIR, `${p}.tar.xz`)))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'preflight-archive-bench-'));
  try {
    // Every vendored crate of the three projects, one folder per name and version.
    const vendor = join(dir, 'vendor');
    mkdirSync(vendor);
    const directDeps = new Map<string, string>();
    for (const p of REALWORLD_PROJECTS) {
      execFileSync('tar', ['-xJf', join(REALWORLD_DIR, `${p}.tar.xz`), '-C', dir]);
      for (const d of readdirSync(join(dir, p, 'vendor'))) {
        const from = join(dir, p, 'vendor', d);
        const m = /^name = "([^"]+)"\nversion = "([^"]+)"/m.exec(readFileSync(join(from, 'Cargo.toml'), 'utf8').replace(/\r/g, ''));
        const [name, version] = m ? [m[1]!, m[2]!] : packageOf(join(from, 'Cargo.toml'));
        const to = join(vendor, `${name}-${version}`);
        if (!existsSync(to)) cpSync(from, to, { recursive: true });
      }
      // The members' direct dependencies, by name and the major version locked.
      const lock = readFileSync(join(dir, p, 'Cargo.lock'), 'utf8');
      for (const block of lock.split('[[package]]').slice(1)) {
        if (/^source = /m.test(block)) continue;
        const deps = /dependencies = \[([^\]]*)\]/.exec(block)?.[1] ?? '';
        for (const q of deps.matchAll(/"([^" ]+)(?: ([^" ]+))?[^"]*"/g)) {
          const name = q[1]!;
          const version = q[2] ?? new RegExp(`name = "${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\nversion = "([^"]+)"`).exec(lock)?.[1];
          if (version) directDeps.set(`${name} ${compatKey(version)}`, version);
        }
      }
    }
    // Archives made from each folder; their sums stand in the index and in .cargo-checksum.json.
    const archives = new Map<string, Buffer>();
    for (const d of readdirSync(vendor)) {
      const [name, version] = packageOf(join(vendor, d, 'Cargo.toml'));
      const archive = crateArchive(join(vendor, d), `${name}-${version}`);
      archives.set(`${name} ${version}`, archive);
      const sum = createHash('sha256').update(archive).digest('hex');
      writeFileSync(join(vendor, d, '.cargo-checksum.json'), JSON.stringify({ files: {}, package: sum }));
    }
    const indexDir = join(dir, 'index');
    indexFromVendor(vendor, indexDir);

    // One application over every direct dependency of the three, locked by cargo from the pooled folder.
    const app = join(dir, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    const members = [...new Set([...directDeps.keys()].map((k) => k.split(' ')[0]!))].filter((n) => [...archives.keys()].some((a) => a.startsWith(`${n} `)));
    const lines = new Map([...directDeps.entries()].filter(([k]) => members.includes(k.split(' ')[0]!)).map(([k, v], i) => [`d${i}`, `d${i} = { package = "${k.split(' ')[0]}", version = "${v}" }`]));
    writeFileSync(join(app, 'src', 'main.rs'), 'fn main() {}\n');
    const lockHome = join(dir, 'lock-home');
    mkdirSync(lockHome);
    writeFileSync(join(lockHome, 'config.toml'), `[source.crates-io]\nreplace-with = "pooled"\n\n[source.pooled]\ndirectory = "${vendor}"\n`);
    // Two projects may link one native library in different versions, which one graph cannot: such a dependency is dropped.
    for (let attempt = 0; ; attempt++) {
      writeFileSync(join(app, 'Cargo.toml'), `[package]\nname = "pooled-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${[...lines.values()].join('\n')}\n`);
      try {
        execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: app, env: { ...process.env, CARGO_HOME: lockHome }, stdio: 'pipe' });
        break;
      } catch (e) {
        const culprit = [...String((e as { stderr?: Buffer }).stderr ?? '').matchAll(/dependency `(d\d+) = /g)].pop()?.[1];
        if (!culprit || attempt > 20) throw e;
        lines.delete(culprit);
      }
    }
    const lock = readFileSync(join(app, 'Cargo.lock'), 'utf8');
    const locked = [...lock.matchAll(/name = "([^"]+)"\nversion = "([^"]+)"\nsource = /g)].map((m) => `${m[1]} ${m[2]}`);
    const lockfileCrateBytes = locked.reduce((n, k) => n + archives.get(k)!.length, 0);

    const server = await IndexServer.start({ root: indexDir, latencyMs, compression: 'gzip' });
    writeFileSync(join(indexDir, 'config.json'), JSON.stringify({ dl: `${server.url}dl` }));
    for (const [k, a] of archives) server.setFile(`dl/${k.replace(' ', '/')}/download`, a);
    await server.preload();
    const times: number[] = [];
    const indexOnlyTimes: number[] = [];
    let archivesFetched = 0;
    let archiveBytes = 0;
    let requests = 0;
    try {
      for (let i = 0; i < repeats; i++) {
        const home = join(dir, `home-${i}`);
        mkdirSync(home);
        const env = { PATH: process.env.PATH, HOME: dir, CARGO_HOME: home, NO_COLOR: '1' };
        const base = [BIN, 'check', '--index', server.url, '--format', 'json', '--quiet'];
        indexOnlyTimes.push((await timedRun(process.execPath, [...base, '--cache-dir', join(dir, `index-only-${i}`), '--no-crate-downloads'], app, env)).ms);
        server.log.length = 0;
        const exit = await timedRun(process.execPath, [...base, '--cache-dir', join(dir, `cache-${i}`)], app, env);
        if (exit.code !== 0 && exit.code !== 1) throw new Error(`exit ${exit.code}\n${exit.stderr}`);
        const report = JSON.parse(exit.stdout) as { unresolved: unknown[] };
        if (report.unresolved.length) throw new Error(`unresolved crates ${JSON.stringify(report.unresolved)}`);
        if (exit.stderr.includes('guessed')) throw new Error(`a guess remains:\n${exit.stderr}`);
        times.push(exit.ms);
        const dl = server.log.filter((r) => r.path.startsWith('dl/'));
        archivesFetched = dl.length;
        archiveBytes = dl.reduce((n, r) => n + r.bytes, 0);
        requests = server.log.length;
      }
    } finally {
      await server.close();
    }
    return { packages: locked.length, latencyMs, times, ms: median(times), indexOnlyTimes, indexOnlyMs: median(indexOnlyTimes), archives: archivesFetched, archiveBytes, lockfileCrateBytes, requests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** cargo's semver-compatibility class of a version: `1`, `0.4`, `0.0.3`. */
function compatKey(v: string): string {
  const [major, minor, patch] = v.split('.');
  return major !== '0' ? major! : minor !== '0' ? `0.${minor}` : `0.0.${patch}`;
}

function packageOf(manifest: string): [string, string] {
  const text = readFileSync(manifest, 'utf8');
  const pkg = text.slice(text.search(/^\[package\]/m));
  const name = /^name = "([^"]+)"/m.exec(pkg)?.[1];
  const version = /^version = "([^"]+)"/m.exec(pkg)?.[1];
  if (!name || !version) throw new Error(`no package name and version in ${manifest}`);
  return [name, version];
}

/** A `.crate` of a folder: gzip over tar, entries under `<root>/`, GNU long names past 100 bytes. */
function crateArchive(folder: string, root: string): Buffer {
  const blocks: Buffer[] = [];
  const header = (path: string, size: number, type: string) => {
    const h = Buffer.alloc(512);
    h.write(path.slice(0, 100), 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write(type, 156);
    h.write('ustar  \0', 257);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  const files = (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && e.name !== '.cargo-checksum.json')
    .map((e) => relative(folder, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
  for (const f of files) {
    const path = `${root}/${f}`;
    const body = readFileSync(join(folder, f));
    if (Buffer.byteLength(path) > 100) {
      const long = Buffer.from(`${path}\0`);
      blocks.push(header('././@LongLink', long.length, 'L'), long, pad(long.length));
    }
    blocks.push(header(path, body.length, '0'), body, pad(body.length));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const kib = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);

/** Prints the figures with their targets; returns false when one misses its target. */
export function printArchiveBench(r: ArchiveBenchResult | undefined, log: (line: string) => void = console.log): boolean {
  if (!r) {
    log(`archive bench: real-world corpus not found at ${REALWORLD_DIR}; skipped`);
    return true;
  }
  const share = r.archives / r.packages;
  const timeOk = r.ms <= TARGET_MS;
  const shareOk = share <= TARGET_SHARE;
  log(`archive bench: ${r.packages} packages in Cargo.lock (three real projects pooled), ${r.latencyMs} ms added per request, gzip, node ${process.version}, ${availableParallelism()} CPUs`);
  log(
    `cold check, no cache, archives included: median ${r.ms.toFixed(0)} ms (target ${TARGET_MS} ms) ${timeOk ? 'ok' : 'SLOW'}; all runs ${r.times.map((t) => t.toFixed(0)).join(', ')}; ${r.requests} requests`,
  );
  log(`the same without archives (--no-crate-downloads): median ${r.indexOnlyMs.toFixed(0)} ms; all runs ${r.indexOnlyTimes.map((t) => t.toFixed(0)).join(', ')}`);
  log(
    `archives fetched: ${r.archives} of ${r.packages} packages (${(share * 100).toFixed(1)}%, target ≤ ${TARGET_SHARE * 100}%) ${shareOk ? 'ok' : 'TOO MANY'}; ` +
      `${kib(r.archiveBytes)} against ${kib(r.lockfileCrateBytes)} for every .crate of the lockfile (what cargo fetch downloads)`,
  );
  return timeOk && shareOk;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const repeats = Number(process.argv[2]) || 3;
  if (!printArchiveBench(await archiveBench(repeats))) process.exitCode = 1;
}
