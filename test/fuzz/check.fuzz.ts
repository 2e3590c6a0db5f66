/**
 * The `check` command end to end on mutated inputs: a vendored project with
 * every kind of file a run reads (Cargo.toml with `[package.metadata.cargo-preflight]`,
 * Cargo.lock, .cargo/config.toml, cargo-preflight.toml with an extra
 * knowledge-base entry, a baseline, vendored manifests and their
 * `.cargo-checksum.json`), one file at a time mutated by the readers' fuzz
 * arbitraries, and `check --offline` run in-process. A run that fails on its
 * input (exit 2) must say where: `path:line:col: error:` for what a file
 * holds, `path: error:` for a fault of the file as a whole. Anything else
 * (an error naming no file, an exception out of `main`) is counted and shown.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { cli } from '../check/cli.js';
import { ACME_ENTRY } from '../check/fixtures.js';
import { mutated, SEEDS } from './readers.fuzz.js';

const FIXTURES = resolve(__dirname, '../fixtures/projects');

/** The files mutated, relative to the project. */
export const CHECK_INPUTS = [
  'Cargo.toml',
  'Cargo.lock',
  '.cargo/config.toml',
  'cargo-preflight.toml',
  'baseline.json',
  'vendor/openssl-sys-0.9.107/Cargo.toml',
  'vendor/openssl-sys-0.9.107/.cargo-checksum.json',
] as const;

const SETTINGS = `targets = ["x86_64-unknown-linux-musl"]

[severity]
cross-environment = "warning"

[[allow]]
crate = "tokio"
reason = "checked by hand"

${ACME_ENTRY}`;

/** A fresh copy of the project (openssl-reqwest with its vendored crates), its baseline written by the tool. */
export async function checkProject(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-check-fuzz-'));
  cpSync(join(FIXTURES, 'openssl-reqwest'), dir, { recursive: true });
  cpSync(join(FIXTURES, 'vendor'), join(dir, 'vendor'), { recursive: true });
  writeFileSync(join(dir, '.cargo/config.toml'), '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n');
  writeFileSync(join(dir, 'Cargo.toml'), `${readFileSync(join(dir, 'Cargo.toml'), 'utf8')}\n[package.metadata.cargo-preflight]\nfail-on = "error"\n`);
  writeFileSync(join(dir, 'cargo-preflight.toml'), SETTINGS);
  const r = await cli(['check', dir, '--offline', '--quiet', '--write-baseline', join(dir, 'baseline.json')]);
  if (r.code !== 0) throw new Error(`the unmutated project does not check (exit ${r.code}): ${r.stderr}`);
  return dir;
}

/** How a run ended: read (exit 0 or 1), refused at a place, refused naming a file, or neither. */
export type CheckOutcome = 'ran' | 'located' | 'file' | 'unlocated' | 'internal';

export function outcomeOf(code: number | 'threw', stderr: string, dir: string): CheckOutcome {
  if (code === 'threw') return 'internal';
  if (code === 0 || code === 1) return 'ran';
  if (code !== 2) return 'internal';
  const first = stderr.split('\n').find((l) => !l.startsWith('warning: ')) ?? '';
  const m = /^(\/[^\n]*?)(:\d+:\d+)?: error: /.exec(first);
  if (!m?.[1].startsWith(dir)) return 'unlocated';
  return m[2] ? 'located' : 'file';
}

export interface CheckFuzzResult {
  counts: Record<CheckOutcome, number>;
  /** The first line of every run that said nowhere, or the exception, by input. */
  unlocated: string[];
  /** The first line of every refusal that named a file but no place in it, by input. */
  fileOnly: string[];
}

/** Values of every type TOML and JSON have, and some that name nothing that exists. */
const OTHER_VALUES = ['1', '-7', '"x"', '""', 'true', '[]', '["x", 1]', '{}', '{ a = 1 }', '"../../etc"', '"no-such-thing"', '"*"', '"0.0.0"'];
const JSON_VALUES = ['1', '"x"', '""', 'true', 'null', '[]', '{}', '[1]', '{"a": 1}'];

/**
 * One value of the file replaced by a value of another type or meaning
 * (the right syntax, the wrong data): what byte flips seldom reach.
 */
export function retyped(base: Buffer, json: boolean): fc.Arbitrary<Buffer> {
  const text = base.toString('utf8');
  const spots = [...text.matchAll(json ? /(:\s*)("(?:[^"\\]|\\.)*"|-?\d+|true|false|null)/g : /^([ \t]*[A-Za-z0-9_."-]+[ \t]*=[ \t]*)([^\n]*)$/gm)];
  if (!spots.length) return fc.constant(base);
  return fc.tuple(fc.nat(spots.length - 1), fc.constantFrom(...(json ? JSON_VALUES : OTHER_VALUES))).map(([i, v]) => {
    const m = spots[i]!;
    const at = m.index! + m[1]!.length;
    return Buffer.from(text.slice(0, at) + v + text.slice(at + m[2]!.length));
  });
}

/** Mutates each input in turn `runs` times and runs `check` on the project. */
export async function fuzzCheck(opts = { seed: SEEDS.seed, runs: Number(process.env.FUZZ_CHECK_RUNS ?? 40) }): Promise<CheckFuzzResult> {
  const counts: Record<CheckOutcome, number> = { ran: 0, located: 0, file: 0, unlocated: 0, internal: 0 };
  const unlocated: string[] = [];
  const fileOnly: string[] = [];
  const dir = await checkProject();
  try {
    for (const [i, rel] of CHECK_INPUTS.entries()) {
      const path = join(dir, rel);
      const original = readFileSync(path);
      const json = rel.endsWith('.json');
      const samples = fc.sample(fc.oneof({ arbitrary: mutated(original), weight: 1 }, { arbitrary: retyped(original, json), weight: 1 }), { seed: opts.seed + i, numRuns: opts.runs });
      for (const bytes of samples) {
        writeFileSync(path, bytes);
        let code: number | 'threw';
        let stderr = '';
        try {
          const r = await cli(['check', dir, '--offline', '--quiet', '--baseline', join(dir, 'baseline.json')]);
          code = r.code;
          stderr = r.stderr;
        } catch (e) {
          code = 'threw';
          stderr = (e as Error).stack ?? String(e);
        }
        const outcome = outcomeOf(code, stderr, dir);
        counts[outcome]++;
        if (outcome === 'file') fileOnly.push(`${rel}: ${stderr.split('\n').find((l) => !l.startsWith('warning: '))}`);
        if (outcome === 'unlocated' || outcome === 'internal')
          unlocated.push(
            `${rel}: ${outcome}: ${stderr
              .split('\n')
              .slice(0, outcome === 'internal' ? 4 : 1)
              .join(' | ')}`,
          );
      }
      writeFileSync(path, original);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { counts, unlocated, fileOnly };
}
