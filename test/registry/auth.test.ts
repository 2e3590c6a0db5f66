import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CargoConfig } from '../../src/config/cargo-config.js';
import { registryToken, Secret } from '../../src/registry/credentials.js';
import { server, project } from './setup.js';

const TOKEN_A = 'cio-secret-token-for-registry-a';
const AUTH_CONFIG = '{"dl":"https://a.example/dl","auth-required":true}';

/** Registry A requires a token; registry B is public. Both are named in the configuration. */
async function twoRegistries(opts: { env?: NodeJS.ProcessEnv; credentials?: string } = {}) {
  const a = await server({ requireToken: TOKEN_A });
  a.setFile('config.json', AUTH_CONFIG);
  const b = await server();
  const p = project({
    config: `[registries.reg-a]\nindex = "sparse+${a.url}"\n[registries.reg-b]\nindex = "sparse+${b.url}"\n`,
    env: opts.env ?? {},
    ...(opts.credentials !== undefined && { credentials: opts.credentials }),
  });
  return { a, b, p };
}

describe('registry tokens', () => {
  it('come from --config first, then CARGO_REGISTRIES_<NAME>_TOKEN, then the files, as cargo ranks them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-token-order-'));
    const env = { CARGO_HOME: join(dir, 'home'), CARGO_REGISTRIES_REG_A_TOKEN: 'from-env' };
    const withCli = CargoConfig.load(dir, env, { args: ['registries.reg-a.token="from-cli"'], cwd: dir });
    expect(registryToken('reg-a', withCli, env)?.reveal()).toBe('from-cli');
    expect(registryToken('reg-a', CargoConfig.load(dir, env), env)?.reveal()).toBe('from-env');
    expect(registryToken('reg-b', withCli, env)).toBeUndefined();
  });

  it('sends the token from CARGO_REGISTRIES_<NAME>_TOKEN to its registry, and never to another', async () => {
    const { a, b, p } = await twoRegistries({ env: { CARGO_REGISTRIES_REG_A_TOKEN: TOKEN_A } });
    const set = p.open();
    const fromA = await set.sourceFor(`sparse+${a.url}`)!.getCrate('serde');
    const fromB = await set.sourceFor(`sparse+${b.url}`)!.getCrate('libc');
    expect(fromA?.versions).toHaveLength(3);
    expect(fromB?.versions).toHaveLength(2);
    // As cargo: config.json first without the token, then with it once the registry asks.
    expect(a.log.map((r) => [r.path, r.status, r.headers.authorization])).toEqual([
      ['config.json', 401, undefined],
      ['config.json', 200, TOKEN_A],
      ['se/rd/serde', 200, TOKEN_A],
    ]);
    expect(b.log.length).toBeGreaterThan(0);
    expect(b.log.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('does not follow a redirect to another origin with the token', async () => {
    const { a, b, p } = await twoRegistries({ env: { CARGO_REGISTRIES_REG_A_TOKEN: TOKEN_A } });
    a.fault('se/rd/serde', { kind: 'redirect', location: `${b.url}se/rd/serde` });
    a.fault('li/bc/libc', { kind: 'redirect', location: '/moved/li/bc/libc', status: 301 });
    a.setFile('moved/li/bc/libc', '{"name":"libc","vers":"0.2.155","deps":[],"features":{}}\n');
    const source = p.open().sourceFor(`sparse+${a.url}`)!;
    expect((await source.getCrate('serde'))?.versions).toHaveLength(3);
    expect((await source.getCrate('libc'))?.versions).toHaveLength(1);
    expect(b.log.map((r) => [r.path, r.headers.authorization])).toEqual([['se/rd/serde', undefined]]);
    // Within its own origin, the token follows.
    expect(a.requests('moved/li/bc/libc')[0]!.headers.authorization).toBe(TOKEN_A);
  });

  it('reads the token from $CARGO_HOME/credentials.toml', async () => {
    const { a, p } = await twoRegistries({ credentials: `[registries.reg-a]\ntoken = "${TOKEN_A}"\n` });
    expect(await p.open().sourceFor(`sparse+${a.url}`)!.getCrate('serde')).not.toBeNull();
    expect(a.requests('se/rd/serde')[0]!.headers.authorization).toBe(TOKEN_A);
  });

  it('sends the token from the first request once config.json is cached as requiring it', async () => {
    const { a, p } = await twoRegistries({ env: { CARGO_REGISTRIES_REG_A_TOKEN: TOKEN_A } });
    const first = p.open();
    await first.sourceFor(`sparse+${a.url}`)!.getCrate('serde');
    await first.close();
    a.log.length = 0;
    await p.open().sourceFor(`sparse+${a.url}`)!.getCrate('serde');
    expect(a.log.map((r) => [r.path, r.status, r.headers.authorization])).toEqual([
      ['config.json', 304, TOKEN_A],
      ['se/rd/serde', 304, TOKEN_A],
    ]);
  });

  it('explains how to provide a missing token', async () => {
    const { a, p } = await twoRegistries();
    await expect(p.open().sourceFor(`sparse+${a.url}`)!.getCrate('serde')).rejects.toThrow(
      `config.json of sparse+${a.url}: the registry requires authentication (HTTP 401); set CARGO_REGISTRIES_REG_A_TOKEN, or a token for [registries.reg-a] in $CARGO_HOME/credentials.toml`,
    );
  });

  it('reports a refused token without printing it', async () => {
    const wrong = 'cio-wrong-token-0123456789';
    const { a, p } = await twoRegistries({ env: { CARGO_REGISTRIES_REG_A_TOKEN: wrong } });
    const err = (await p
      .open()
      .sourceFor(`sparse+${a.url}`)!
      .getCrate('serde')
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('the registry refused the token (HTTP 401)');
    expect(`${err.message} ${err.stack} ${inspect(err)}`).not.toContain(wrong);
  });

  it('fails when config.json demands a token the configuration does not have', async () => {
    const srv = await server();
    srv.setFile('config.json', AUTH_CONFIG);
    const p = project();
    await expect(p.open({ index: srv.url }).sourceFor('registry+https://github.com/rust-lang/crates.io-index')!.getCrate('serde')).rejects.toThrow(
      `sparse+${srv.url} requires authentication ("auth-required" in its config.json); name the registry in [registries] of .cargo/config.toml (index = "sparse+${srv.url}") and set CARGO_REGISTRIES_<NAME>_TOKEN`,
    );
  });

  it('keeps tokens out of logs, JSON and string conversions', () => {
    const s = new Secret(TOKEN_A);
    expect(`${s}`).toBe('<redacted>');
    expect(JSON.stringify({ s })).toBe('{"s":"<redacted>"}');
    expect(inspect({ s })).not.toContain(TOKEN_A);
    expect(s.reveal()).toBe(TOKEN_A);
  });

  it('refuses credentials in an index URL', async () => {
    const p = project({ config: '[registries.x]\nindex = "sparse+https://user:pw@registry.example/index/"\n' });
    expect(() => p.open().sourceFor('sparse+https://registry.example/index/')).toThrow('index URLs must not carry credentials');
  });
});
