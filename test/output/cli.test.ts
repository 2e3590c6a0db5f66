/**
 * `check` in CI: exit codes for every --fail-on level, --format/--output
 * pairing and its usage errors, and the GitHub Actions default format. Real
 * runs of the CLI on copies of the fixture workspace with settings changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { GOLDEN, workspaceCopy } from './helpers.js';

const ROOT_MANIFEST = readFileSync(join(GOLDEN, 'workspace/Cargo.toml'), 'utf8');

/** The fixture workspace with extra lines in its `[workspace.metadata.cargo-preflight.severity]` table. */
function withSeverity(lines: string): string {
  const text = ROOT_MANIFEST.replace('cross-environment = "off"\n', `cross-environment = "off"\n${lines}\n`);
  if (text === ROOT_MANIFEST) throw new Error('severity table not found in the fixture manifest');
  return workspaceCopy('workspace', { 'Cargo.toml': text });
}

const run = (cwd: string, ...args: string[]) => cli(['check', '--offline', '--quiet', ...args], { cwd });

async function summary(cwd: string): Promise<Record<string, number>> {
  return JSON.parse((await run(cwd, '--format', 'json')).stdout).summary;
}

describe('exit codes for --fail-on', () => {
  it('errors present: 1 for error, warning and info; 0 for never', async () => {
    const root = workspaceCopy('workspace');
    expect(await summary(root)).toEqual({ error: 4, warning: 0, info: 4 });
    for (const [level, code] of [
      ['error', 1],
      ['warning', 1],
      ['info', 1],
      ['never', 0],
    ] as const) {
      expect((await run(root, '--format', 'json', '--fail-on', level)).code, level).toBe(code);
    }
    expect((await run(root, '--format', 'json')).code).toBe(1);
  });

  it('warnings at most: 0 for error, 1 for warning and info', async () => {
    const root = withSeverity('native-library = "warning"');
    expect(await summary(root)).toEqual({ error: 0, warning: 4, info: 4 });
    for (const [level, code] of [
      ['error', 0],
      ['warning', 1],
      ['info', 1],
      ['never', 0],
    ] as const) {
      expect((await run(root, '--format', 'json', '--fail-on', level)).code, level).toBe(code);
    }
    expect((await run(root, '--format', 'json')).code).toBe(0);
  });

  it('notes only: 1 for info alone', async () => {
    const root = withSeverity('native-library = "off"');
    expect(await summary(root)).toEqual({ error: 0, warning: 0, info: 4 });
    for (const [level, code] of [
      ['error', 0],
      ['warning', 0],
      ['info', 1],
      ['never', 0],
    ] as const) {
      expect((await run(root, '--format', 'json', '--fail-on', level)).code, level).toBe(code);
    }
  });

  it('allowed findings never fail the run', async () => {
    const root = withSeverity('native-library = "off"\nmusl-behaviour = "off"');
    const r = await run(root, '--format', 'json', '--fail-on', 'info');
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { package: { name: string }; allowed?: unknown }) => [f.package.name, !!f.allowed])).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('an unknown level is a usage error', async () => {
    const r = await run(workspaceCopy('workspace'), '--fail-on', 'warnings');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid value 'warnings' for '--fail-on <LEVEL>' [possible values: error, warning, info, never]\n");
  });
});

describe('--format and --output', () => {
  it('pairs each --output with the --format before it; the format without one prints to stdout', async () => {
    const root = workspaceCopy('workspace');
    const alone = await run(root, '--format', 'github');
    const r = await run(root, '--format', 'json', '-o', 'r.json', '--format', 'github', '--format', 'sarif', '--output=reports/r.sarif');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(alone.stdout);
    expect(JSON.parse(readFileSync(join(root, 'r.json'), 'utf8')).schemaVersion).toBe(1);
    expect(JSON.parse(readFileSync(join(root, 'reports/r.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('with as many files as formats, pairs them in order', async () => {
    const root = workspaceCopy('workspace');
    const r = await run(root, '--format', 'markdown', '--format', 'json', '--output', 'a.md', '--output', 'a.json');
    expect(r.stdout).toBe('');
    expect(readFileSync(join(root, 'a.md'), 'utf8')).toMatch(/^## cargo-preflight: /);
    expect(JSON.parse(readFileSync(join(root, 'a.json'), 'utf8')).schemaVersion).toBe(1);
  });

  it('an --output without --format takes the default format', async () => {
    const root = workspaceCopy('workspace');
    const r = await run(root, '--output', 'report.txt');
    expect(r.stdout).toBe('');
    const human = readFileSync(join(root, 'report.txt'), 'utf8');
    expect(human).toContain('error[native-library]');
    expect(human).not.toContain('\x1b[');
  });

  it('mismatched counts and other misuse are usage errors (exit 2), and nothing is written', async () => {
    const root = workspaceCopy('workspace');
    const cases: [string[], string][] = [
      [['--format', 'json', '--output', 'a', '--output', 'b'], 'error: 2 --output given for 1 --format; each --output takes the report of one --format\n'],
      [['--output', 'a', '--output', 'b'], 'error: 2 --output given for 0 --format; each --output takes the report of one --format\n'],
      [
        ['--format', 'json', '--output', 'a', '--output', 'b', '--format', 'sarif', '--format', 'human'],
        "error: '--output b': --format json already writes to 'a'; give each --output its own --format\n",
      ],
      [['--format', 'json', '--format', 'sarif'], 'error: 2 formats would print to stdout (json, sarif); give all but one an --output FILE\n'],
      [['--format', 'json', '--output', 'a', '--format', 'sarif', '--output', 'a'], "error: 'a' is given to --output twice\n"],
      [['--format', 'xml'], "error: invalid value 'xml' for '--format <FORMAT>' [possible values: human, json, sarif, github, markdown]\n"],
    ];
    for (const [args, message] of cases) {
      const r = await run(root, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(`${message}  help: for more information, try 'cargo-preflight check --help'\n`);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(root, 'a'))).toBe(false);
    expect(existsSync(join(root, 'b'))).toBe(false);
  });

  it('an unwritable --output is exit 2 with its path', async () => {
    const root = workspaceCopy('workspace');
    const r = await run(root, '--format', 'json', '--output', 'Cargo.toml/r.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Cargo\.toml\/r\.json: error: could not write the report: (EEXIST|ENOTDIR)\n$/);
  });

  it('chooses github under GitHub Actions when no --format is given', async () => {
    const root = workspaceCopy('workspace');
    const auto = await cli(['check', '--offline', '--quiet'], { cwd: root, env: { GITHUB_ACTIONS: 'true' } });
    const explicit = await run(root, '--format', 'github');
    expect(auto.stdout).toBe(explicit.stdout);
    expect(auto.stdout).toMatch(/^::error file=store\/Cargo\.toml,line=7,col=1,title=native-library%3A libsqlite3-sys/);
    const chosen = await cli(['check', '--offline', '--quiet', '--format', 'json'], { cwd: root, env: { GITHUB_ACTIONS: 'true' } });
    expect(JSON.parse(chosen.stdout).schemaVersion).toBe(1);
    const local = await cli(['check', '--offline', '--quiet'], { cwd: root, env: { GITHUB_ACTIONS: undefined } });
    expect(local.stdout).toContain('error[native-library]');
  });

  it('paths are relative to the repository root above the current folder (here a member: cargo selects it)', async () => {
    const root = workspaceCopy('workspace');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, '..', '.git'));
    const r = await cli(['check', '--offline', '--quiet', '--format', 'github'], { cwd: join(root, 'app') });
    const files = [...r.stdout.matchAll(/^::\w+ file=([^,]+),/gm)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files)).toEqual(new Set(['workspace/app/Cargo.toml']));
  });
});
