/**
 * When the triage screen opens without being asked for: `cargo-preflight`
 * with no subcommand, at a terminal (stdin and stdout both TTYs), and no
 * option that asks for a report or for writing (`--format`, `--output`,
 * `--fix`, `--dry-run`, `--baseline`, `--write-baseline`, `--quiet`,
 * `--help`). Kept apart from the UI so deciding costs no ink or React.
 */
const REPORT_OPTIONS = /^(?:--format|--output|-o|--fix|--dry-run|--baseline|--write-baseline|--help|-h|--quiet|-q)(?:=|$)|^-o./;

export function opensUiByDefault(argv: string[], ctx: { stdout: { isTTY?: boolean }; stdin?: { isTTY?: boolean } }): boolean {
  if (!ctx.stdout.isTTY || !ctx.stdin?.isTTY) return false;
  return !argv.some((a) => REPORT_OPTIONS.test(a));
}
