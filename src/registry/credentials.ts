/**
 * Registry tokens, looked up as cargo does for `[registries.NAME]`:
 * `CARGO_REGISTRIES_<NAME>_TOKEN`, then `token` in cargo's configuration,
 * then `$CARGO_HOME/credentials.toml`.
 * https://doc.rust-lang.org/cargo/reference/config.html#credentials
 *
 * A token is wrapped in `Secret` from the moment it is read, so that an
 * accidental log, template string or JSON dump shows `<redacted>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { inspect } from 'node:util';
import { cargoHome, type CargoConfig } from '../config/cargo-config.js';
import { fullTomlParser, tomlUserError } from '../manifest/toml.js';
import { UserError } from '../errors.js';
import { registryEnvName } from './source-id.js';

/** `util.inspect.custom`, without loading node:util for it. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom') as typeof inspect.custom;

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The token itself: only for the `Authorization` header. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '<redacted>';
  }

  toJSON(): string {
    return '<redacted>';
  }

  [INSPECT](): string {
    return 'Secret(<redacted>)';
  }
}

export { registryEnvName } from './source-id.js';

export function registryToken(name: string, config: CargoConfig, env: NodeJS.ProcessEnv): Secret | undefined {
  // `--config` first, then CARGO_REGISTRIES_<NAME>_TOKEN, then the files, then credentials.toml.
  const configured = config.getWithEnv(['registries', name, 'token'], registryEnvName(name, 'TOKEN'), env);
  if (configured && typeof configured.value === 'string' && configured.value) return new Secret(configured.value);
  const token = credentialsTable(env)?.[name]?.token;
  return typeof token === 'string' ? new Secret(token) : undefined;
}

type RegistriesTable = Record<string, { token?: unknown } | undefined>;

/** `[registries]` of `$CARGO_HOME/credentials.toml` (or the older `credentials`). */
function credentialsTable(env: NodeJS.ProcessEnv): RegistriesTable | undefined {
  const home = cargoHome(env);
  for (const file of ['credentials.toml', 'credentials']) {
    const path = join(home, file);
    if (!existsSync(path)) continue;
    let data: Record<string, unknown>;
    try {
      data = fullTomlParser().parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      // Only the first line of the parser's message: the rest quotes the file, tokens included.
      const error = tomlUserError(e, 'could not parse cargo credentials', path);
      throw error instanceof UserError ? error : new UserError(`could not read cargo credentials: ${(e as Error).message}`, { path });
    }
    const registries = data.registries;
    return registries && typeof registries === 'object' ? (registries as RegistriesTable) : undefined;
  }
  return undefined;
}
