/**
 * The GitHub Action (action.yml, composite): its shape is what GitHub
 * requires (every `run` step names its shell; every input, step and output
 * an expression names exists), and its steps run here as a runner would run
 * them: expressions filled in, `if:` conditions judged, `$GITHUB_ENV`,
 * `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` as files, `uses:` steps
 * recorded rather than run, and `npm` (the install step's `npm ci`)
 * stood in for, so that the checkout's own node_modules are left alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'example');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}

interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Every `${{ … }}` of the action's text, and every `if:` (an expression without the braces). */
function expressions(): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(EXPRESSION)) out.push(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(action);
  for (const s of action.runs.steps) if (s.if) out.push(s.if);
  return out;
}

/** The names an expression refers to: `inputs.x`, `steps.id.outputs.x`, `github.x`. */
const references = (expr: string) => [...expr.matchAll(/\b(inputs|steps|github|env|runner)\.([\w-]+)(?:\.outputs\.([\w-]+))?/g)];

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  steps: Record<string, Record<string, string>>;
}

function value(path: string, ctx: Context): string {
  const [root, name, , output] = path.split('.');
  if (root === 'inputs') return ctx.inputs[name!] ?? '';
  if (root === 'github') return ctx.github[name!] ?? '';
  if (root === 'steps') return ctx.steps[name!]?.[output!] ?? '';
  throw new Error(`no value for ${path}`);
}

/** `${{ path }}` filled in. */
const fill = (text: string, ctx: Context) => text.replace(EXPRESSION, (_, expr: string) => value(expr, ctx));

/** An `if:` condition: terms joined by `&&`, each `always()`, `A == 'x'` or `A != 'x'`; anything else is refused. */
function judge(condition: string, ctx: Context): boolean {
  return condition.split('&&').every((term) => {
    const t = term.trim();
    if (t === 'always()') return true;
    const m = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(t);
    if (!m) throw new Error(`condition not understood: ${t}`);
    return (value(m[1]!, ctx) === m[3]) === (m[2] === '==');
  });
}

interface RunResult {
  ran: string[];
  uses: { uses: string; with: Record<string, string> }[];
  failed?: { step: string; code: number; output: string };
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

let work: string | undefined;
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the action's steps in order, as a runner would, in a fresh workspace holding a copy of the example. */
function runAction(given: Record<string, string>, more: { cli?: string } = {}): RunResult {
  work ??= mkdtempSync(join(tmpdir(), 'cargo-preflight-action-'));
  const dir = mkdtempSync(join(work, 'run-'));
  const workspace = join(dir, 'workspace');
  cpSync(EXAMPLE, join(workspace, 'example'), { recursive: true });
  const temp = join(dir, 'runner-temp');
  mkdirSync(temp);
  const shims = join(dir, 'shims');
  mkdirSync(shims);
  // `npm ci` of the install step: recorded, not run (the checkout is installed and built already).
  writeFileSync(join(shims, 'npm'), `#!/bin/sh\necho "npm $*" >> "${join(dir, 'npm.log')}"\n`);
  chmodSync(join(shims, 'npm'), 0o755);
  const files = { GITHUB_ENV: join(dir, 'env'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? spec.default ?? '';
  const ctx: Context = { inputs, github: { action_path: ROOT, workspace }, steps: {} };
  const result: RunResult = { ran: [], uses: [], outputs: {}, summary: '', log: '' };
  const env: Record<string, string> = {};
  for (const step of action.runs.steps) {
    const label = step.name ?? step.id ?? step.uses ?? 'step';
    if (result.failed && !step.if?.includes('always()')) continue;
    if (step.if && !judge(step.if, ctx)) continue;
    if (step.uses) {
      result.uses.push({ uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, fill(String(v), ctx)])) });
      continue;
    }
    const output = join(dir, `output-${result.ran.length}`);
    writeFileSync(output, '');
    const stepEnv: NodeJS.ProcessEnv = {
      PATH: `${shims}${delimiter}${process.env.PATH}`,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: temp,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      ...files,
      ...env,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(String(v), ctx)])),
    };
    if (more.cli && env.CARGO_PREFLIGHT) stepEnv.CARGO_PREFLIGHT = more.cli;
    const cwd = step['working-directory'] ? resolve(workspace, fill(step['working-directory'], ctx)) : workspace;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', fill(step.run!, ctx)], { cwd, env: stepEnv, encoding: 'utf8' });
    result.ran.push(label);
    result.log += r.stdout + r.stderr;
    // What the step wrote to $GITHUB_ENV and $GITHUB_OUTPUT, for the steps after it.
    for (const line of readFileSync(files.GITHUB_ENV, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(output, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id) ctx.steps[step.id] = outputs;
    if (r.status !== 0) result.failed = { step: label, code: r.status ?? -1, output: r.stdout + r.stderr };
  }
  for (const [name, out] of Object.entries(action.outputs)) result.outputs[name] = fill(out.value, ctx);
  result.summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  result.log += existsSync(join(dir, 'npm.log')) ? readFileSync(join(dir, 'npm.log'), 'utf8') : '';
  return result;
}

describe('action.yml', () => {
  it('is a composite action whose run steps all name their shell', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    for (const step of action.runs.steps) {
      expect(!!step.run !== !!step.uses, `${step.name}: a step has either run or uses`).toBe(true);
      if (step.run) expect(step.shell, `${step.name} has no shell`).toBe('bash');
    }
    const ids = action.runs.steps.flatMap((s) => (s.id ? [s.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses only inputs, steps and outputs that exist, and every input is used', () => {
    const used = new Set<string>();
    for (const expr of expressions()) {
      for (const [, root, name, output] of references(expr)) {
        if (root === 'inputs') {
          expect(Object.keys(action.inputs), `\`${expr}\` names no input`).toContain(name);
          used.add(name!);
        } else if (root === 'steps') {
          expect(
            action.runs.steps.map((s) => s.id),
            `\`${expr}\` names no step`,
          ).toContain(name);
          expect(output, `\`${expr}\``).toBeDefined();
        } else expect(['github'], `\`${expr}\``).toContain(root);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs)) expect(spec.description, `input ${name}`).toBeTruthy();
    // Every condition is one the runner (and judge() here) understands.
    const ctx: Context = { inputs: {}, github: {}, steps: {} };
    for (const s of action.runs.steps) if (s.if) expect(() => judge(s.if!, ctx)).not.toThrow();
  });

  it('sets up Node, checks with annotations, SARIF (uploaded) and the step summary, and fails on findings', () => {
    const r = runAction({ path: 'example' });
    expect(r.uses.map((u) => u.uses)).toEqual(['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);
    expect(r.uses[0]!.with).toEqual({ 'node-version': '20' });
    expect(r.uses[1]!.with).toEqual({ sarif_file: 'cargo-preflight.sarif', category: 'cargo-preflight' });
    expect(r.log).toContain('npm ci --no-audit --no-fund --loglevel=error');
    expect(r.ran).toEqual(['Install cargo-preflight', 'Check', 'Result']);
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'cargo-preflight.sarif' });
    // Annotations in the log, the Markdown report in the summary, and the SARIF file where the upload looks.
    expect(r.log).toMatch(/^::error file=example\/Cargo\.toml,line=\d+/m);
    expect(r.summary).toContain('| **error** | `native-library` |');
    expect(r.failed).toMatchObject({ step: 'Result', code: 1 });
    expect(r.failed!.output).toContain('::error title=cargo-preflight::findings at or above the fail-on level');
  });

  it('takes targets (spaces or commas), fail-on and a baseline; skips the check and the upload when asked', () => {
    const r = runAction({ path: 'example', targets: 'x86_64-unknown-linux-musl, aarch64-unknown-linux-musl', 'fail-on': 'never', sarif: 'false' });
    expect(r.failed).toBeUndefined();
    expect(r.outputs['exit-code']).toBe('0');
    expect(r.uses.map((u) => u.uses)).toEqual(['actions/setup-node@v4']);
    expect(r.summary).toContain('aarch64-unknown-linux-musl');
    expect(r.log).toContain('cargo-preflight: ready');
    // A baseline that records every finding: nothing new, the step passes.
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-action-baseline-'));
    const baseline = join(dir, 'baseline.json');
    const w = spawnSync(process.execPath, [join(ROOT, 'bin/cargo-preflight.js'), 'check', EXAMPLE, '--write-baseline', baseline, '--quiet'], { encoding: 'utf8' });
    expect(w.status).toBe(0);
    const b = runAction({ path: 'example', baseline });
    expect(b.outputs['exit-code']).toBe('0');
    expect(b.failed).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
    // Only the verify step: the check, its upload and its result are skipped.
    const stub = join(work!, 'stub-cli.js');
    writeFileSync(stub, 'console.log(`stub ${process.argv.slice(2).join(" ")}`);\n');
    const v = runAction({ check: 'false', verify: 'target/x86_64-unknown-linux-musl/release/app' }, { cli: stub });
    expect(v.ran).toEqual(['Install cargo-preflight', 'Verify the built binary']);
    expect(v.uses.map((u) => u.uses)).toEqual(['actions/setup-node@v4']);
    expect(v.log).toContain('stub verify target/x86_64-unknown-linux-musl/release/app');
    expect(v.failed).toBeUndefined();
  });

  it('is documented in docs/ci.md with every input', () => {
    const doc = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
    expect(doc).toContain('uses: ');
    for (const name of Object.keys(action.inputs)) expect(doc, `docs/ci.md does not name the input ${name}`).toContain(`\`${name}\``);
  });
});
