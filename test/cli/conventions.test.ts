/**
 * Cargo's conventions for bad input: the colour choice, `help` of an unknown
 * command, `--output` naming a directory, `--exclude` without `--workspace`,
 * and usage lines in the words the tool was run with (`cargo preflight`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { workspaceCopy } from '../output/helpers.js';
import { cargoAvailable } from '../helpers/realworld.js';

const BIN = resolve(__dirname, '../../bin/cargo-preflight.js');

describe('--color and CARGO_TERM_COLOR', () => {
  it('refuses a choice other than auto, always, never, as cargo does (exit 2, nothing run)', async () => {
    const root = workspaceCopy('workspace');
    for (const argv of [
      ['check', '--offline', '--color', 'sometimes'],
      ['check', '--offline', '--color=sometimes'],
      ['tree', '--offline', '--color', 'sometimes'],
    ]) {
      const r = await cli(argv, { cwd: root });
      expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: argument for --color must be auto, always, or never, but found `sometimes`\n' });
    }
    const env = await cli(['check', '--offline'], { cwd: root, env: { CARGO_TERM_COLOR: 'bogus' } });
    expect(env).toEqual({ code: 2, stdout: '', stderr: 'error: argument for --color must be auto, always, or never, but found `bogus`\n' });
  });

  it('takes --color over CARGO_TERM_COLOR, and an empty variable as unset', async () => {
    const root = workspaceCopy('workspace');
    const over = await cli(['check', '--offline', '--quiet', '--color', 'always'], { cwd: root, env: { CARGO_TERM_COLOR: 'bogus' } });
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('\x1b[');
    const empty = await cli(['check', '--offline', '--quiet'], { cwd: root, env: { CARGO_TERM_COLOR: '' } });
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('error[native-library]');
    expect(empty.stdout).not.toContain('\x1b[');
    // `--color` after `--` is a positional, not the option.
    const after = await cli(['check', '--offline', '--quiet', '--color', 'never', '--', '--color=bogus'], { cwd: root });
    expect(after.stderr).not.toContain('argument for --color');
  });
});

describe('help of a command', () => {
  it('prints the help of a known command; an unknown one is `no such command` (exit 2)', async () => {
    const known = await cli(['help', 'tree']);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('Usage: cargo-preflight tree');
    const r = await cli(['help', 'nosuch']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: no such command: `nosuch`\n  help: view all commands with 'cargo-preflight --help'\n" });
    const general = await cli(['help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('Usage: cargo-preflight [COMMAND] [OPTIONS]');
  });
});

describe('--output naming a directory', () => {
  it('refuses a path ending in a separator and an existing directory, before any work, writing nothing (exit 2)', async () => {
    const root = workspaceCopy('workspace');
    mkdirSync(join(root, 'reports'));
    const before = readdirSync(root).sort();
    const cases: [string[], string][] = [
      [['--output', 'out/'], 'error: --output `out/` is a directory; the report needs a file name, e.g. `out/report.txt`\n'],
      [['--format', 'sarif', '--output', 'reports'], 'error: --output `reports` is a directory; the report needs a file name, e.g. `reports/report.sarif`\n'],
      [['--format', 'json', '-o', 'a.json', '--format', 'markdown', '--output=reports/'], 'error: --output `reports/` is a directory; the report needs a file name, e.g. `reports/report.md`\n'],
      [['-o', '.'], 'error: --output `.` is a directory; the report needs a file name, e.g. `./report.txt`\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await cli(['check', '--offline', '--quiet', ...args], { cwd: root });
      expect({ args, ...r }).toEqual({ args, code: 2, stdout: '', stderr });
    }
    expect(readdirSync(root).sort()).toEqual(before);
    expect(readdirSync(join(root, 'reports'))).toEqual([]);
    expect(existsSync(join(root, 'out'))).toBe(false);
    // A file in a folder that does not exist yet is still written.
    const ok = await cli(['check', '--offline', '--quiet', '--format', 'json', '--output', 'new/r.json'], { cwd: root });
    expect(ok.code).toBe(1);
    expect(statSync(join(root, 'new/r.json')).isFile()).toBe(true);
  });
});

describe('--exclude', () => {
  it('needs --workspace, as in cargo (exit 2)', async () => {
    const root = workspaceCopy('workspace');
    for (const cmd of ['check', 'tree']) {
      const r = await cli([cmd, '--offline', '--quiet', '--exclude', 'app'], { cwd: root });
      expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --exclude can only be used together with --workspace\n' });
    }
    const ok = await cli(['check', '--offline', '--quiet', '--workspace', '--exclude', 'nosuch-member', '--format', 'json'], { cwd: root });
    expect(ok.stderr).not.toContain('--exclude can only be used');
  });
});

describe('usage lines as the tool was run', () => {
  const node = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CARGO_TERM_COLOR: 'never' } });

  it('say `cargo preflight` when cargo runs the tool (first argument `preflight`), else `cargo-preflight`', () => {
    const sub = node(['preflight', 'check', '--help']);
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('Usage: cargo preflight check [OPTIONS] [PATH]');
    expect(sub.stdout).not.toContain('Usage: cargo-preflight');
    const general = node(['preflight', '--help']);
    expect(general.stdout).toContain('Usage: cargo preflight [COMMAND] [OPTIONS]');
    expect(general.stdout).toContain("Run 'cargo preflight <COMMAND> --help'");
    const bad = node(['preflight', 'check', '--nosuch']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("error: unexpected argument '--nosuch' found\n  help: for more information, try 'cargo preflight check --help'\n");
    const unknown = node(['preflight', 'nosuch']);
    expect(unknown.stderr).toBe("error: no such command: `nosuch`\n  help: view all commands with 'cargo preflight --help'\n");
    const direct = node(['check', '--help']);
    expect(direct.stdout).toContain('Usage: cargo-preflight check [OPTIONS] [PATH]');
  });

  it.skipIf(!cargoAvailable())('say `cargo preflight` through real cargo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-usage-'));
    symlinkSync(BIN, join(dir, 'cargo-preflight'));
    const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}`, CARGO_TERM_COLOR: 'never' };
    const out = execFileSync('cargo', ['preflight', 'tree', '--help'], { env, encoding: 'utf8' });
    expect(out).toContain('Usage: cargo preflight tree');
  });
});
