/**
 * Regenerates data/target-cfg.json from the local rustc: `rustc --print cfg
 * --target T` for every T of `rustc --print target-list`. Run it from the
 * package root after a toolchain update:
 *
 *   npx tsc -p . && node dist/scripts/gen-target-cfg.js [output.json]
 */
import { writeFileSync } from 'node:fs';
import { cfgLines, runRustc, type TargetCfgTable } from '../src/cfg/index.js';

function rustc(args: string[]): string {
  const r = runRustc(args);
  if (!r.ok) throw new Error(`rustc ${args.join(' ')} failed: ${r.missing ? 'rustc not found' : r.stderr.trim()}`);
  return r.stdout;
}

/** The only line shapes the loader's quick split understands. */
const CFG_LINE = /^[A-Za-z_][A-Za-z0-9_]*(="[^"]*")?$/;

const output = process.argv[2] ?? 'data/target-cfg.json';
const version = rustc(['-V']).trim();
const triples = cfgLines(rustc(['--print', 'target-list'])).sort();

const perTarget = new Map<string, string[]>();
for (const [i, triple] of triples.entries()) {
  if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${triples.length} ${triple}`.padEnd(70));
  const lines = cfgLines(rustc(['--print', 'cfg', `--target=${triple}`]));
  const odd = lines.find((l) => !CFG_LINE.test(l));
  if (odd !== undefined) throw new Error(`unexpected cfg line from rustc for ${triple}: ${odd}`);
  perTarget.set(triple, lines);
}
if (process.stderr.isTTY) process.stderr.write('\n');

// Most shared lines first, so most indices are one or two digits.
const uses = new Map<string, number>();
for (const lines of perTarget.values()) for (const l of lines) uses.set(l, (uses.get(l) ?? 0) + 1);
const cfgs = [...uses.keys()].sort((a, b) => uses.get(b)! - uses.get(a)! || (a < b ? -1 : 1));
const index = new Map(cfgs.map((line, i) => [line, i]));

const table: TargetCfgTable = { rustc: version, cfgs, targets: {} };
for (const [triple, lines] of perTarget) table.targets[triple] = lines.map((l) => index.get(l)!).sort((a, b) => a - b);

// One target per line: still compact, and a toolchain update reads as a diff.
const targets = Object.entries(table.targets).map(([t, ids]) => `${JSON.stringify(t)}:${JSON.stringify(ids)}`);
writeFileSync(output, `{"rustc":${JSON.stringify(table.rustc)},\n"cfgs":${JSON.stringify(table.cfgs)},\n"targets":{\n${targets.join(',\n')}\n}}\n`);
process.stderr.write(`${output}: ${triples.length} targets, ${cfgs.length} distinct cfg lines, ${version}\n`);
