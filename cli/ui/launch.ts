/**
 * When the triage screen opens without being asked for: `cargo-preflight`
 * with no subcommand, at a terminal (stdin and stdout both TTYs), and no
 * option that asks for a report or for writing (`--format`, `--output`,
 * `--fix`, `--dry-run`, `--baseline`, `--write-baseline`, `--quiet`,
 * `--help`). Kept apart from the UI so deciding costs no ink or React.
 */
import { readArgs } from '../args.js';
import { CHECK_OPTIONS } from '../run/options.js';

const REPORT_OPTIONS = ['format', 'output', 'fix', 'dry-run', 'baseline', 'write-baseline', 'help', 'quiet'] as const;

export function opensUiByDefault(argv: string[], ctx: { stdout: { isTTY?: boolean }; stdin?: { isTTY?: boolean } }): boolean {
  if (!ctx.stdout.isTTY || !ctx.stdin?.isTTY) return false;
  // Read as `check` reads them (`-or.json` is `--output r.json`); what it would refuse, it refuses once it runs.
  const { given } = readArgs(argv, CHECK_OPTIONS, 'check');
  return !given.some((g) => REPORT_OPTIONS.some((name) => name === g.name));
}
