/** Shared by the comparisons with real cargo: cargo tree's lines and the tool's, for one selection. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CargoConfig, cargoHome } from '../../src/config/cargo-config.js';
import { openSources } from '../../cli/sources.js';
import { loadProject, resolveTarget, type Selection } from '../../src/resolve/index.js';
import { builtInProcMacroHints } from '../../src/knowledge/proc-macros.js';
import { treeLines } from '../../src/resolve/display.js';

const run = promisify(execFile);

/** `cargo tree --target T -e normal,no-proc-macro`, one unique sorted `{p}|{f}` line per package. */
export async function cargoTree(dir: string, target: string, extra: string[], edges = 'normal,no-proc-macro'): Promise<string[]> {
  const { stdout } = await run('cargo', ['tree', '--offline', '--locked', '--target', target, '-e', edges, '--prefix', 'none', '-f', '{p}|{f}', '--no-dedupe', ...extra], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, CARGO_TERM_COLOR: 'never' },
  });
  return [...new Set(stdout.split('\n').filter(Boolean))].sort();
}

/** The tool's lines for the same selection, for each target. */
export async function toolLines(dir: string, sel: Selection, targets: string[]): Promise<Map<string, string[]>> {
  const config = CargoConfig.load(dir, process.env);
  const sources = openSources({ cwd: dir, config, env: process.env, offline: true, quiet: true });
  try {
    const project = await loadProject(dir, undefined, sources.sourceFor, sel, { procMacroHints: builtInProcMacroHints(), cargoHome: cargoHome(process.env) });
    return new Map(targets.map((t) => [t, treeLines(resolveTarget(project, t, !!sel.includeDev).graph.packages.values())]));
  } finally {
    await sources.close();
  }
}

/** Runs the tasks `width` at a time (cargo processes are the slow part). */
export async function pooled<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}
