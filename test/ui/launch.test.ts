/**
 * When the triage screen opens and when it does not: the command line with
 * and without terminals, errors of the first check reported as `check`
 * reports them, and ink/React not loaded by the non-interactive commands.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { opensUiByDefault } from '../../cli/ui/launch.js';
import { REPO, captured, workspaceCopy } from './helpers.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('opening the triage screen', () => {
  it('opens by default only with no subcommand at a terminal and no report or write option', () => {
    expect(opensUiByDefault([], { stdout: tty, stdin: tty })).toBe(true);
    expect(opensUiByDefault(['--target', 'aarch64-unknown-linux-musl'], { stdout: tty, stdin: tty })).toBe(true);
    expect(opensUiByDefault([], { stdout: pipe, stdin: tty })).toBe(false);
    expect(opensUiByDefault([], { stdout: tty, stdin: pipe })).toBe(false);
    expect(opensUiByDefault([], { stdout: tty })).toBe(false);
    for (const a of [
      ['--format', 'json'],
      ['--format=json'],
      ['-o', 'r.json'],
      ['-or.json'],
      ['--output', 'x'],
      ['--fix'],
      ['--dry-run'],
      ['--baseline', 'b.json'],
      ['--write-baseline=b.json'],
      ['--help'],
      ['-h'],
      ['-q'],
    ]) {
      expect(opensUiByDefault(a, { stdout: tty, stdin: tty })).toBe(false);
    }
  });

  it('prints the check report when not at a terminal, with no subcommand and with check --interactive', async () => {
    const dir = workspaceCopy();
    const plain = captured(dir, false);
    const code = await main(['check'], plain.ctx);
    expect(code).toBe(1);
    expect(plain.out()).toContain('error[native-library]');
    const note = 'note: the triage screen needs a terminal (stdin and stdout); printing the report instead\n';
    expect(plain.err()).not.toContain(note);
    for (const argv of [[], ['check', '--interactive'], ['check', '-i']]) {
      const c = captured(dir, false);
      expect(await main(argv, c.ctx)).toBe(1);
      expect(c.out()).toBe(plain.out());
      // Asked for the screen away from a terminal: one line says why the report comes instead; not asked, nothing.
      if (argv.length) expect(c.err().split(note)).toHaveLength(2);
      else expect(c.err()).not.toContain('triage screen');
    }
    // With stdout a terminal but stdin not (input piped in), the same.
    const half = captured(dir, true);
    (half.ctx.stdin as { isTTY?: boolean }).isTTY = false;
    expect(await main(['check', '--interactive'], half.ctx)).toBe(1);
    expect(half.err()).toContain(note);
    expect(half.out()).not.toContain('\x1b[?1049h');
  });

  it('reports a bad manifest as check does (path:line:col, exit 2) when the screen was to open', async () => {
    const dir = workspaceCopy();
    const manifest = join(dir, 'Cargo.toml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('[dependencies]', '[dependencies]\nreqwest = 1 2'));
    const c = captured(dir, true);
    const code = await main([], c.ctx);
    expect(code).toBe(2);
    expect(c.err()).toMatch(/Cargo\.toml:\d+:\d+: error: /);
    expect(c.err()).not.toMatch(/\n\s+at /);
    // The screen was opened (alternate screen) and left again.
    expect(c.out()).toContain('\x1b[?1049h');
    expect(c.out().endsWith('\x1b[?1049l')).toBe(true);
  });

  it('at a terminal, opens the screen; after q, prints the warnings of the run once the screen is gone', async () => {
    const dir = workspaceCopy();
    rmSync(join(dir, 'vendor', 'ryu'), { recursive: true });
    const c = captured(dir, true);
    // stdout and warnings in the order they are written.
    let both = '';
    const out = c.ctx.stdout as PassThrough;
    const write = out.write.bind(out) as (chunk: unknown, ...rest: unknown[]) => boolean;
    out.write = ((chunk: unknown, ...rest: unknown[]) => {
      both += String(chunk);
      return write(chunk, ...rest);
    }) as typeof out.write;
    c.ctx.warn = (m) => void (both += `warning: ${m}\n`);
    const exit = main([], c.ctx);
    const end = Date.now() + 20_000;
    while (!c.out().includes('errors (')) {
      if (Date.now() > end) throw new Error(`no screen: ${c.out()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(c.out()).toContain('cargo-preflight: opening the triage screen...');
    expect(c.out()).toContain('1 crate not checked');
    (c.ctx.stdin as PassThrough).write('q');
    expect(await exit).toBe(1);
    const left = both.lastIndexOf('\x1b[?1049l');
    const warning = both.lastIndexOf('warning: could not read the metadata of `ryu v1.0.20`');
    expect(left).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(left);
  });

  it('does not load ink or React for the non-interactive commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-ui-lazy-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/\\/node_modules\\/(ink|react)\\//.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n');
  return r;
}
`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const bin = join(REPO, 'bin', 'cargo-preflight.js');
    const stderrOf = (args: string[]) =>
      spawnSync(process.execPath, ['--import', pathToFileURL(register).href, ...args], {
        cwd: join(REPO, 'example'),
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
      }).stderr;
    // The hook sees the UI's modules when the UI module is loaded.
    const ui = pathToFileURL(join(REPO, 'dist', 'cli', 'ui', 'run.js')).href;
    expect(stderrOf(['--input-type=module', '-e', `await import(${JSON.stringify(ui)})`])).toMatch(/LOADED .*node_modules\/ink\//);
    for (const args of [['check'], ['check', '--format', 'json'], ['tree'], ['--version'], []]) {
      expect(stderrOf([bin, ...args])).not.toContain('LOADED');
    }
  });
});
