/**
 * The real-world corpus (`../shared/realworld`, three vendored projects),
 * extracted once per machine into a temporary folder. Tests that need it
 * skip, saying so, when the folder or `tar` is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REALWORLD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/realworld');
export const REALWORLD_PROJECTS = ['notesreminder', 'cloud-image-download', 'nlb-operator'];

export function realworldAvailable(): boolean {
  return existsSync(REALWORLD_DIR) && REALWORLD_PROJECTS.every((p) => existsSync(join(REALWORLD_DIR, `${p}.tar.xz`)));
}

export const REALWORLD_SKIP_REASON = `real-world corpus not found at ${REALWORLD_DIR}; skipping`;

/** Extracts a project (once) and returns its directory. */
export function realworldProject(name: string, into = join(tmpdir(), 'cargo-preflight-realworld')): string {
  const dir = join(into, name);
  if (existsSync(join(dir, 'Cargo.lock')) && existsSync(join(dir, 'vendor')) && readdirSync(join(dir, 'vendor')).length > 0) return dir;
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xJf', join(REALWORLD_DIR, `${name}.tar.xz`), '-C', into]);
  return dir;
}

let cargoChecked: boolean | undefined;
export function cargoAvailable(): boolean {
  if (cargoChecked === undefined) {
    try {
      execFileSync('cargo', ['--version'], { stdio: 'ignore' });
      cargoChecked = true;
    } catch {
      cargoChecked = false;
    }
  }
  return cargoChecked;
}

/** `cargo tree` in the form the graph is compared with. */
export function cargoTreeLines(dir: string, target: string, extra: string[] = []): string[] {
  const out = execFileSync('cargo', ['tree', '--offline', '--locked', '--target', target, '-e', 'normal,no-proc-macro', '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe', ...extra], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, CARGO_TERM_COLOR: 'never' },
  });
  return [...new Set(out.split('\n').filter(Boolean))].sort();
}
