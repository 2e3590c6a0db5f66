import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { UserError } from '../../src/errors.js';
import { hostTriple, platformMatches, targetInfo } from '../../src/cfg/index.js';

/**
 * A stand-in rustc (through $RUSTC) that knows one target the bundled table
 * does not, and logs its calls. Runs in its own test file because the host
 * triple and target infos are cached per process.
 */
const dir = mkdtempSync(join(tmpdir(), 'cfg-rustc-'));
const log = join(dir, 'calls.log');
const fake = join(dir, 'rustc');

beforeAll(() => {
  writeFileSync(
    fake,
    `#!${process.execPath}
const args = process.argv.slice(2);
require('node:fs').appendFileSync(${JSON.stringify(log)}, args.join(' ') + '\\n');
if (args[0] === '-vV') console.log('rustc 9.9.9\\nhost: riscv64gc-unknown-linux-musl\\nrelease: 9.9.9');
else if (args.includes('--target=x86_64-unknown-newos')) console.log('unix\\ntarget_os="newos"\\ntarget_arch="x86_64"\\ntarget_feature="crt-static"');
else { console.error('error: error loading target specification: could not find specification for target'); process.exit(1); }
`,
  );
  chmodSync(fake, 0o755);
  process.env.RUSTC = fake;
});

afterAll(() => {
  delete process.env.RUSTC;
  rmSync(dir, { recursive: true, force: true });
});

const calls = () => readFileSync(log, 'utf8').trim().split('\n');

describe.skipIf(process.platform === 'win32')('with rustc on hand', () => {
  it('asks rustc for targets missing from the table, once', () => {
    const info = targetInfo('x86_64-unknown-newos');
    expect(info.triple).toBe('x86_64-unknown-newos');
    expect(info.names).toEqual(new Set(['unix']));
    expect(info.values.get('target_os')).toEqual(new Set(['newos']));
    expect(platformMatches('cfg(all(unix, target_feature = "crt-static"))', info)).toBe(true);
    expect(targetInfo('x86_64-unknown-newos')).toBe(info);
    expect(calls()).toEqual(['--print cfg --target=x86_64-unknown-newos']);
  });

  it('does not ask rustc about targets in the table', () => {
    targetInfo('x86_64-unknown-linux-musl');
    expect(calls()).toEqual(['--print cfg --target=x86_64-unknown-newos']);
  });

  it('reports a target rustc does not know either as a UserError', () => {
    expect(() => targetInfo('x86_64-unknown-oldos')).toThrow(UserError);
    expect(() => targetInfo('x86_64-unknown-oldos')).toThrow(/^unknown target `x86_64-unknown-oldos`$/);
  });

  it('takes the host triple from `rustc -vV`, once', () => {
    expect(hostTriple()).toBe('riscv64gc-unknown-linux-musl');
    expect(hostTriple()).toBe('riscv64gc-unknown-linux-musl');
    expect(calls().filter((c) => c === '-vV')).toHaveLength(1);
  });
});
