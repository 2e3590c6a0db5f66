/**
 * What proving fixes costs on the largest real project: cloud-image-download
 * (../shared/realworld, 360 vendored crates; openssl-src added to its vendor
 * folder so that its OpenSSL fixes prove out), `fix --dry-run --offline`:
 *
 *   the project as it is (one member), on 1 and 4 targets
 *   a 6-member workspace made of it (the package plus five members with the
 *     same dependencies, Cargo.lock extended as cargo writes it), on 1 and 4
 *     targets: every candidate is proven for the selection and for each of
 *     the 6 members built on its own, on every target
 *
 * and `check` of the same workspace, which proves the same plan for its help
 * lines. Medians of wall time, child process start to exit.
 *
 * Run after `npm run build`: node dist/bench/fix-bench.js [runs]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median, timedRun } from './child.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = resolve(HERE, '../../..');
const BIN = join(ROOT, 'bin/cargo-preflight.js');
const PROJECT = 'cloud-image-download';
const MEMBERS = 6;
const TARGETS = ['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl', 'armv7-unknown-linux-musleabihf', 'i686-unknown-linux-musl'];

const runs = Number(process.argv[2] ?? 5);
const corpus = process.env.CARGO_PREFLIGHT_REALWORLD ?? resolve(ROOT, '../shared/realworld');
const archive = join(corpus, `${PROJECT}.tar.xz`);
if (!existsSync(archive)) {
  console.log(`(${archive} not found; skipped)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'preflight-fix-bench-'));
try {
  execFileSync('tar', ['-xJf', archive, '-C', work]);
  const single = join(work, PROJECT);
  addOpensslSrc(single);
  const ws = join(work, 'workspace');
  execFileSync('cp', ['-r', single, ws]);
  makeWorkspace(ws);

  const env = benchEnv({ NO_COLOR: '1', CARGO_TERM_COLOR: 'never' });
  const time = async (dir: string, args: string[]): Promise<{ ms: number; fixes: string }> => {
    const times: number[] = [];
    let fixes = '';
    for (let i = 0; i < runs; i++) {
      const r = await timedRun(process.execPath, [BIN, ...args, '--offline', '--quiet'], dir, env);
      if (r.code !== 0 && r.code !== 1) throw new Error(`${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      fixes = [...r.stderr.matchAll(/^note: would apply: (.+)$/gm)].map((m) => m[1]).join('; ');
      times.push(r.ms);
    }
    return { ms: median(times), fixes };
  };
  const load = loadavg()[0]!;
  console.log(`${PROJECT}: ${runs} runs each, median wall time; load ${load.toFixed(2)}`);
  const rows: [string, string, string[]][] = [
    ['1 member, 1 target', single, ['fix', '--dry-run', '--target', TARGETS[0]!]],
    ['1 member, 4 targets', single, ['fix', '--dry-run', ...TARGETS.flatMap((t) => ['--target', t])]],
    [`${MEMBERS} members, 1 target`, ws, ['fix', '--dry-run', '--workspace', '--target', TARGETS[0]!]],
    [`${MEMBERS} members, 4 targets`, ws, ['fix', '--dry-run', '--workspace', ...TARGETS.flatMap((t) => ['--target', t])]],
    [`check, ${MEMBERS} members, 4 targets`, ws, ['check', '--workspace', ...TARGETS.flatMap((t) => ['--target', t])]],
  ];
  for (const [name, dir, args] of rows) {
    const r = await time(dir, args);
    console.log(`${name.padEnd(30)} ${r.ms.toFixed(0).padStart(6)} ms${r.fixes ? `  (${r.fixes})` : ''}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** openssl-src as `cargo vendor` would add it (a published version openssl-sys 0.9.107 accepts). */
function addOpensslSrc(dir: string): void {
  const d = join(dir, 'vendor', 'openssl-src');
  mkdirSync(join(d, 'src'), { recursive: true });
  writeFileSync(join(d, 'Cargo.toml'), '[package]\nname = "openssl-src"\nversion = "300.4.2+3.4.1"\nedition = "2018"\n\n[features]\ndefault = []\nlegacy = []\n');
  writeFileSync(join(d, 'src', 'lib.rs'), '');
  writeFileSync(join(d, '.cargo-checksum.json'), JSON.stringify({ files: {}, package: '1'.padStart(64, '0') }));
}

/** The package plus `MEMBERS - 1` members with its dependencies, in one workspace and one Cargo.lock. */
function makeWorkspace(dir: string): void {
  const manifest = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
  const deps = manifest.slice(manifest.indexOf('[dependencies]'), manifest.indexOf('\n# Uncomment'));
  const names = Array.from({ length: MEMBERS - 1 }, (_, i) => `member-${i + 1}`);
  writeFileSync(join(dir, 'Cargo.toml'), `${manifest}\n[workspace]\nmembers = [${names.map((n) => `"${n}"`).join(', ')}]\nresolver = "3"\n`);
  const lock = readFileSync(join(dir, 'Cargo.lock'), 'utf8');
  const entry = /\[\[package\]\]\nname = "cloud-image-download"\nversion = "0\.1\.0"\ndependencies = \[\n[^\]]*\]\n/.exec(lock)![0];
  let extra = '';
  for (const n of names) {
    mkdirSync(join(dir, n, 'src'), { recursive: true });
    writeFileSync(join(dir, n, 'Cargo.toml'), `[package]\nname = "${n}"\nversion = "0.1.0"\nedition = "2024"\n\n${deps}`);
    writeFileSync(join(dir, n, 'src', 'main.rs'), 'fn main() {}\n');
    extra += `\n${entry.replace('name = "cloud-image-download"', `name = "${n}"`)}`;
  }
  // Packages in name order, as cargo writes them.
  const blocks = lock.split(/\n(?=\[\[package\]\])/);
  const all = [...blocks.slice(1), ...extra.split(/\n(?=\[\[package\]\])/).filter((b) => b.trim())].map((b) => b.trim());
  all.sort((a, b) => (/name = "([^"]+)"/.exec(a)![1]! < /name = "([^"]+)"/.exec(b)![1]! ? -1 : 1));
  writeFileSync(join(dir, 'Cargo.lock'), `${blocks[0]!.trim()}\n\n${all.join('\n\n')}\n`);
}
