/**
 * Cargo's configuration files, read as cargo reads them: `.cargo/config.toml`
 * (or `.cargo/config`) in the current directory and every parent, then
 * `$CARGO_HOME/config.toml`. The nearest file wins for a key; relative paths
 * in a value are relative to the directory holding the `.cargo` folder.
 * https://doc.rust-lang.org/cargo/reference/config.html
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { readSimpleToml } from '../manifest/simple-toml.js';

type FullTomlParser = typeof import('smol-toml');
let fullParser: FullTomlParser | undefined;

/**
 * The full TOML parser (smol-toml), loaded on first use, as its single-file
 * CommonJS build: the ES module build is ten modules, which cost start-up
 * time on every run, while most runs read no TOML that the small reader
 * declines.
 */
export function fullTomlParser(): FullTomlParser {
  return (fullParser ??= createRequire(import.meta.url)('smol-toml') as FullTomlParser);
}

export interface ConfigFile {
  path: string;
  /** Directory that relative paths in this file are relative to (parent of `.cargo`). */
  baseDir: string;
  data: Record<string, unknown>;
}

export interface ConfigValue<T> {
  value: T;
  /** File that defined it, or "environment variable NAME". */
  definedIn: string;
  baseDir: string;
}

export function cargoHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARGO_HOME ? resolve(env.CARGO_HOME) : join(homedir(), '.cargo');
}

/**
 * A configuration file: read by the small TOML reader of the manifests, or,
 * for what it declines (floats, dates, anything invalid), by the full parser,
 * which also reports the errors.
 */
function readConfigFile(path: string, baseDir: string): ConfigFile {
  const text = readFileSync(path, 'utf8');
  const simple = readSimpleToml(text);
  if (simple) return { path, baseDir, data: simple.data };
  const { parse, TomlError } = fullTomlParser();
  try {
    return { path, baseDir, data: parse(text) as Record<string, unknown> };
  } catch (e) {
    if (e instanceof TomlError) {
      throw new UserError(`could not parse cargo configuration: ${e.message.split('\n')[0]}`, {
        path,
        line: e.line,
        column: e.column,
      });
    }
    throw e;
  }
}

export class CargoConfig {
  /** Highest priority first. */
  readonly files: ConfigFile[];

  constructor(
    files: ConfigFile[],
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.files = files;
  }

  /** Discovers the configuration files that apply to `cwd`. */
  static load(cwd: string, env: NodeJS.ProcessEnv = process.env): CargoConfig {
    const files: ConfigFile[] = [];
    const seen = new Set<string>();
    let dir = resolve(cwd);
    for (;;) {
      for (const name of ['config', 'config.toml']) {
        const p = join(dir, '.cargo', name);
        if (existsSync(p) && !seen.has(p)) {
          seen.add(p);
          files.push(readConfigFile(p, dir));
          break; // cargo uses `config` when both exist
        }
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    const home = cargoHome(env);
    for (const name of ['config', 'config.toml']) {
      const p = join(home, name);
      if (existsSync(p) && !seen.has(p)) {
        files.push(readConfigFile(p, home));
        break;
      }
    }
    return new CargoConfig(files, env);
  }

  /** The value at a dotted key path in the nearest file that defines it. */
  get<T = unknown>(keys: string[]): ConfigValue<T> | undefined {
    for (const f of this.files) {
      let cur: unknown = f.data;
      for (const k of keys) {
        if (cur && typeof cur === 'object' && !Array.isArray(cur) && k in (cur as object)) {
          cur = (cur as Record<string, unknown>)[k];
        } else {
          cur = undefined;
          break;
        }
      }
      if (cur !== undefined) return { value: cur as T, definedIn: f.path, baseDir: f.baseDir };
    }
    return undefined;
  }

  getString(keys: string[]): ConfigValue<string> | undefined {
    const v = this.get(keys);
    return v && typeof v.value === 'string' ? (v as ConfigValue<string>) : undefined;
  }

  /** Union of the keys of a table across all files (e.g. every `[source.NAME]`). */
  tableKeys(keys: string[]): string[] {
    const out = new Set<string>();
    for (const f of this.files) {
      let cur: unknown = f.data;
      for (const k of keys) {
        cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
      }
      if (cur && typeof cur === 'object' && !Array.isArray(cur)) for (const k of Object.keys(cur)) out.add(k);
    }
    return [...out];
  }

  /** `net.offline` or `CARGO_NET_OFFLINE`. */
  get offline(): boolean {
    const e = this.env.CARGO_NET_OFFLINE;
    if (e !== undefined) return e === 'true' || e === '1';
    return this.get<boolean>(['net', 'offline'])?.value === true;
  }
}
