/**
 * One exit-code table for every command: the same codes in every `--help`,
 * in the README and in docs/ci.md, and the commands keeping to them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES_HELP } from '../../cli/exit-codes.js';
import { cli } from '../check/cli.js';
import { workspaceCopy } from '../output/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const COMMANDS = ['check', 'fix', 'tree', 'why', 'doctor'];

/** The codes of a Markdown table under `heading` (its first column). */
function tableCodes(text: string, heading: string): number[] {
  const at = text.indexOf(heading);
  expect(at).toBeGreaterThanOrEqual(0);
  const rows = text.slice(at).split('\n').slice(1);
  const codes: number[] = [];
  let inTable = false;
  for (const row of rows) {
    const m = /^\| (\d+) \|/.exec(row);
    if (m) {
      codes.push(Number(m[1]));
      inTable = true;
    } else if (inTable && !row.startsWith('|')) break;
  }
  return codes;
}

describe('exit codes', () => {
  const codes = [0, 1, 2, 3, 101];

  it('are listed at the end of the general help and of every command', async () => {
    const helps = [await cli(['--help']), ...(await Promise.all(COMMANDS.map((c) => cli([c, '--help']))))];
    for (const h of helps) {
      expect(h.code).toBe(0);
      expect(h.stdout.endsWith(EXIT_CODES_HELP)).toBe(true);
    }
    expect([...EXIT_CODES_HELP.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]))).toEqual(codes);
    expect(EXIT_CODES_HELP).toMatch(/^ {2}3 +could not get the data: a registry unreachable after its retries/m);
  });

  it('are the same table in the README and in docs/ci.md', () => {
    expect(tableCodes(readFileSync(resolve(ROOT, 'README.md'), 'utf8'), '### Exit codes')).toEqual(codes);
    expect(tableCodes(readFileSync(resolve(ROOT, 'docs/ci.md'), 'utf8'), '## Exit codes')).toEqual(codes);
  });

  it('2 for usage and input errors of every command, with a JSON document on stdout under --format json', async () => {
    const root = workspaceCopy('workspace');
    for (const c of ['check', 'tree', 'why', 'doctor']) {
      const argv = c === 'why' ? [c, 'x', '--offline', '--jobs', '0'] : [c, '--offline', '--jobs', '0'];
      const human = await cli(argv, { cwd: root });
      expect(human).toMatchObject({ code: 2, stdout: '' });
      const json = await cli([...argv, '--format', 'json'], { cwd: root });
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toEqual({
        error: { message: expect.stringContaining('--jobs') as unknown, kind: 'usage', exitCode: 2, help: [] },
      });
      expect(json.stderr).toBe(human.stderr);
    }
    // An error at a place carries it.
    const bad = await cli(['tree', '--offline', '--format', 'json', '--config', 'build.target = 5'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ kind: expect.stringMatching(/usage|input/) as unknown, exitCode: 2 });
  });
});
