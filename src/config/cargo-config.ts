/**
 * Cargo's configuration, read as cargo reads it: `--config` arguments first
 * (`KEY=VALUE` in TOML, or the path of an extra file; the last one wins),
 * then `CARGO_*` environment variables where cargo has one for the key, then
 * `.cargo/config.toml` (or `.cargo/config`) in the current directory and
 * every parent, then `$CARGO_HOME/config.toml`. The nearest file wins for a
 * key; relative paths in a value are relative to the directory holding the
 * `.cargo` folder (for a `--config` file, the parent of its directory; for a
 * `--config` value, the current directory).
 * https://doc.rust-lang.org/cargo/reference/config.html
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import { readTextFile } from '../io/text-file.js';
import { parseTomlWithPositions } from '../manifest/positions.js';
import { readSimpleToml } from '../manifest/simple-toml.js';
import { fullTomlParser, isTable, tomlUserError } from '../manifest/toml.js';

export interface ConfigFile {
  path: string;
  /** Directory that relative paths in this file are relative to (parent of `.cargo`). */
  baseDir: string;
  data: Record<string, unknown>;
  /** The text read (a file's, not a `--config` expression's), to say where a value is written. */
  text?: string;
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
  const text = readTextFile(path, { what: 'configuration file' });
  try {
    const simple = readSimpleToml(text);
    return { path, baseDir, data: simple ? simple.data : (fullTomlParser().parse(text) as Record<string, unknown>), text };
  } catch (e) {
    throw tomlUserError(e, 'could not parse cargo configuration', path);
  }
}

/**
 * One `--config` argument: the path of an existing file (read as a
 * configuration file), or a TOML dotted key set to a value that is not an
 * inline table, as cargo accepts them.
 */
function commandLineConfig(arg: string, cwd: string): ConfigFile {
  const asPath = resolve(cwd, arg);
  if (arg !== '' && existsSync(asPath)) {
    if (!statSync(asPath).isFile()) throw new UserError(`failed to load config from \`${asPath}\`: failed to read configuration file \`${asPath}\` (not a file)`);
    return readConfigFile(asPath, dirname(dirname(asPath)));
  }
  const where = `--config argument \`${arg}\``;
  // Nothing but the key, `=` and the value: a comment is decoration cargo refuses.
  if (hasComment(arg)) throw new UserError(`${where} includes non-whitespace decoration`);
  let data: Record<string, unknown>;
  try {
    data = fullTomlParser().parse(arg) as Record<string, unknown>;
  } catch (e) {
    throw tomlUserError(e, `failed to parse value from ${where} as a dotted key expression`);
  }
  // One dotted key: a single key at every level, down to a value that is not a table.
  const notDotted = () => new UserError(`${where} was not a TOML dotted key expression (such as \`build.jobs = 2\`)`);
  if (arg.slice(valueStart(arg)).trimStart().startsWith('{')) throw new UserError(`${where} sets a value to an inline table, which is not accepted`);
  if (arg.trimStart().startsWith('[')) throw notDotted();
  let cur: unknown = data;
  while (isTable(cur)) {
    const keys = Object.keys(cur);
    if (keys.length !== 1) throw notDotted();
    cur = cur[keys[0]];
  }
  return { path: where, baseDir: cwd, data };
}

/** Where `char` first stands outside quoted strings and keys (-1: nowhere). */
function outsideQuotes(text: string, char: string): number {
  // The closing quote of the string open (`"`, `'`, or a multi-line `"""` / `'''`), or null.
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote[0] === '"') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === char) return i;
  }
  return -1;
}

/** Whether a `#` stands outside strings (a comment). */
const hasComment = (text: string) => outsideQuotes(text, '#') >= 0;

/** Where the value of `key = value` starts: after the first `=` outside quoted keys. */
function valueStart(text: string): number {
  const eq = outsideQuotes(text, '=');
  return eq < 0 ? text.length : eq + 1;
}

export interface ConfigOverrides {
  /** `--config` arguments, in command-line order. */
  args: string[];
  /** The directory they are relative to (the current directory). */
  cwd: string;
}

export class CargoConfig {
  /** Highest priority first: `--config` arguments, then files. */
  readonly files: ConfigFile[];

  constructor(
    files: ConfigFile[],
    readonly env: NodeJS.ProcessEnv = process.env,
    /** How many of `files` come from `--config` (they rank above the environment). */
    private readonly fromCommandLine = 0,
  ) {
    this.files = files;
  }

  /** Discovers the configuration files that apply to `cwd`, under the `--config` arguments given. */
  static load(cwd: string, env: NodeJS.ProcessEnv = process.env, overrides?: ConfigOverrides): CargoConfig {
    // The last `--config` wins: highest priority first.
    const cli = (overrides?.args ?? []).map((a) => commandLineConfig(a, overrides!.cwd)).reverse();
    const files: ConfigFile[] = [...cli];
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
    return new CargoConfig(files, env, cli.length);
  }

  /** The value at a dotted key path in the nearest file that defines it. */
  get<T = unknown>(keys: string[]): ConfigValue<T> | undefined {
    return this.lookup<T>(this.files, keys);
  }

  /**
   * The value of a key that cargo also reads from an environment variable
   * (`net.offline` and `CARGO_NET_OFFLINE`): a `--config` argument first,
   * then the variable (a string, relative to the current directory), then the files.
   */
  getWithEnv<T = unknown>(keys: string[], variable: string, env: NodeJS.ProcessEnv = this.env, cwd = process.cwd()): ConfigValue<T | string> | undefined {
    const cli = this.lookup<T>(this.files.slice(0, this.fromCommandLine), keys);
    if (cli) return cli;
    const e = env[variable];
    if (e !== undefined) return { value: e, definedIn: `environment variable ${variable}`, baseDir: cwd };
    return this.lookup<T>(this.files.slice(this.fromCommandLine), keys);
  }

  private lookup<T>(files: ConfigFile[], keys: string[]): ConfigValue<T> | undefined {
    for (const f of files) {
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

  /**
   * Where a value `get` found (at `keys`) is written, for an error about it:
   * its file with the line and column of its key (the file parsed again with
   * positions, only then); the file alone for a `--config` expression;
   * undefined for an environment variable.
   */
  where(found: ConfigValue<unknown>, keys: string[]): SourceLocation | undefined {
    const f = this.files.find((x) => x.path === found.definedIn);
    if (!f) return undefined;
    if (f.text === undefined) return { path: f.path };
    try {
      return { path: f.path, ...parseTomlWithPositions(f.text, f.path).positions.find(keys) };
    } catch {
      return { path: f.path };
    }
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
    const v = this.getWithEnv<boolean>(['net', 'offline'], 'CARGO_NET_OFFLINE')?.value;
    return v === true || v === 'true' || v === '1';
  }
}
