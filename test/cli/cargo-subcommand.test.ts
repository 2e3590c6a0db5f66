/**
 * Installed on PATH as `cargo-preflight`, the tool is also cargo's external
 * subcommand `cargo preflight` (cargo runs `cargo-preflight preflight ARGS`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoAvailable } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');
const EXAMPLE = resolve(__dirname, '../../example');

describe.skipIf(!cargoAvailable())('cargo preflight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-path-'));
  symlinkSync(BIN, join(dir, 'cargo-preflight'));
  const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}`, CARGO_TERM_COLOR: 'never' };

  it('answers --version through cargo', () => {
    const out = execFileSync('cargo', ['preflight', '--version'], { env, encoding: 'utf8' });
    expect(out).toMatch(/^cargo-preflight \d+\.\d+\.\d+\n$/);
  });

  it('runs tree through cargo with the same output as the direct call', () => {
    const args = ['tree', '--format', 'json', '--manifest-path', join(EXAMPLE, 'Cargo.toml'), '--quiet'];
    const viaCargo = execFileSync('cargo', ['preflight', ...args], { env, encoding: 'utf8', cwd: EXAMPLE });
    const direct = execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: EXAMPLE });
    expect(JSON.parse(viaCargo).packages.length).toBeGreaterThan(50);
    expect(viaCargo).toBe(direct);
  });
});
