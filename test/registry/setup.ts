/** Temporary projects, cargo homes and source sets for the registry tests. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { onTestFinished } from 'vitest';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { openSourceSet, type SourceSet, type SourceSetOptions } from '../../src/registry/index.js';
import type { NetworkPolicy } from '../../src/registry/http.js';
import { IndexServer, type IndexServerOptions } from '../../testkit/index-server.js';

export const FIXTURE_INDEX = join(import.meta.dirname, '../fixtures/registry/index');
export const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

/** Retries without real waits, so that failure tests take milliseconds. */
export const FAST: Partial<NetworkPolicy> = {
  retries: 3,
  baseDelayMs: 1,
  maxDelayMs: 5,
  totalTimeMs: 20_000,
  connectTimeoutMs: 2_000,
  idleTimeoutMs: 5_000,
};

export interface Project {
  dir: string;
  cwd: string;
  cargoHome: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  config: CargoConfig;
  /** A source set for this project, closed when the test ends (before the folder is removed). */
  open(opts?: Partial<SourceSetOptions>): SourceSet;
}

/** A project folder with `.cargo/config.toml` = `config`, its own CARGO_HOME and no proxy settings. */
export function project(opts: { config?: string; credentials?: string; env?: NodeJS.ProcessEnv } = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-registry-'));
  const sets: SourceSet[] = [];
  // Sets first: a lookup still running could otherwise write into the folder after its removal.
  onTestFinished(async () => {
    await Promise.all(sets.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const cwd = join(dir, 'project');
  const cargoHome = join(dir, 'cargo-home');
  mkdirSync(join(cwd, '.cargo'), { recursive: true });
  mkdirSync(cargoHome, { recursive: true });
  if (opts.config !== undefined) writeFileSync(join(cwd, '.cargo', 'config.toml'), opts.config);
  if (opts.credentials !== undefined) writeFileSync(join(cargoHome, 'credentials.toml'), opts.credentials);
  const env: NodeJS.ProcessEnv = { HOME: dir, CARGO_HOME: cargoHome, ...opts.env };
  const config = CargoConfig.load(cwd, env);
  const cacheDir = join(dir, 'cache');
  return {
    dir,
    cwd,
    cargoHome,
    cacheDir,
    env,
    config,
    open(more = {}) {
      const set = openSourceSet({ cwd, config, env, cacheDir, network: FAST, ...more });
      sets.push(set);
      return set;
    },
  };
}

export async function server(opts: IndexServerOptions = {}): Promise<IndexServer> {
  const s = await IndexServer.start({ root: FIXTURE_INDEX, ...opts });
  onTestFinished(() => s.close());
  return s;
}

/** Crate names of an index folder (from the file names, which are lower-cased). */
export function crateFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e !== 'config.json') out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}
