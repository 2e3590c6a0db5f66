/**
 * The options of `check` and `fix`, declared once: the commands parse with
 * them, and the check pipeline, the fix engine and the triage screen take
 * the options they give, typed.
 */
import type { OptionSpec, Parsed } from '../args.js';
import { COMMON_OPTIONS } from '../common.js';
import { UserError } from '../../src/errors.js';

import { FORMATS } from '../output/outputs.js';

export { FORMATS, type Format } from '../output/outputs.js';

export const LEVELS = ['error', 'warning', 'info', 'never'] as const;
export const STRATEGIES = ['switch', 'static', 'pin', 'auto'] as const;
export const PIN_SCOPES = ['all', 'target'] as const;

export const HELP_OPTION = { name: 'help', short: 'h', kind: 'bool', help: 'Print help' } as const;

/** `--format human|json` of the commands that print a tree, a why or a doctor's checks. */
export const HUMAN_JSON_FORMAT = {
  name: 'format',
  kind: 'string',
  value: 'FORMAT',
  choices: ['human', 'json'],
  default: 'human',
  aliases: ['message-format'],
  help: 'Output format: human or json [default: human]',
} as const;

export const CHECK_OPTIONS = [
  {
    name: 'format',
    kind: 'multi',
    value: 'FORMAT',
    choices: FORMATS,
    usageHint: true,
    aliases: ['message-format'],
    help: 'Output format: human, json, sarif, github, markdown (repeatable) [default: human; github under GitHub Actions]',
  },
  { name: 'output', short: 'o', kind: 'multi', value: 'FILE', help: 'Write the report of the --format before it to FILE (else it goes to stdout)' },
  { name: 'baseline', kind: 'string', value: 'FILE', help: 'Fail only on findings not recorded in FILE; say which recorded ones are fixed' },
  { name: 'write-baseline', kind: 'string', value: 'FILE', help: 'Record the current findings in FILE (the run then exits 0)' },
  { name: 'include-environment', kind: 'bool', help: 'Keep the findings about this machine (cross-environment) in SARIF and baselines too' },
  { name: 'fail-on', kind: 'string', value: 'LEVEL', choices: LEVELS, help: 'Exit 1 when a finding is at or above: error, warning, info, never [default: error]' },
  { name: 'fix', kind: 'bool', help: 'Apply proven fixes to Cargo.toml (same as `cargo-preflight fix`)' },
  { name: 'dry-run', kind: 'bool', requires: ['fix'], help: 'With --fix: show the diff, write nothing' },
  { name: 'force', kind: 'bool', help: 'With --fix: replace a read-only Cargo.toml too' },
  { name: 'strategy', kind: 'string', value: 'STRATEGY', choices: STRATEGIES, default: 'auto', help: 'With --fix: switch, static, pin or auto [default: auto]' },
  { name: 'pin-scope', kind: 'string', value: 'SCOPE', choices: PIN_SCOPES, default: 'all', help: 'With --fix: where a pinned -sys dependency goes: all, target [default: all]' },
  { name: 'allow-unproven', kind: 'bool', requires: ['fix'], help: 'With --fix: where nothing is proven, apply a fix that could not be proven for want of crate metadata' },
  { name: 'interactive', short: 'i', kind: 'bool', help: 'Open the interactive triage screen' },
  ...COMMON_OPTIONS,
  HELP_OPTION,
] as const satisfies readonly OptionSpec[];

export const FIX_OPTIONS = [
  { name: 'strategy', kind: 'string', value: 'STRATEGY', choices: STRATEGIES, default: 'auto', help: 'switch, static, pin or auto (the first that proves out) [default: auto]' },
  { name: 'pin-scope', kind: 'string', value: 'SCOPE', choices: PIN_SCOPES, default: 'all', help: 'Where a pinned -sys dependency goes: all, target [default: all]' },
  { name: 'dry-run', kind: 'bool', help: 'Print the diff of the proven fixes, write nothing' },
  { name: 'force', kind: 'bool', help: 'Replace a read-only Cargo.toml too (it is refused otherwise)' },
  {
    name: 'allow-unproven',
    kind: 'bool',
    help: 'Where nothing is proven, apply a fix that could not be proven for want of crate metadata (a vendor directory or offline cache lacks a crate it needs)',
  },
  { name: 'fail-on', kind: 'string', value: 'LEVEL', choices: LEVELS, help: 'Exit 1 when a finding at or above it remains: error, warning, info, never [default: error]' },
  {
    name: 'message-format',
    kind: 'string',
    value: 'FMT',
    choices: ['human', 'json'],
    aliases: ['format'],
    help: 'human, or json: one JSON document on stdout of what was applied, what not and why [default: human]',
  },
  ...COMMON_OPTIONS,
  HELP_OPTION,
] as const satisfies readonly OptionSpec[];

/** `--max-glibc X.Y`: a glibc version (`2.28`, `2.17`). */
export function glibcVersion(value: string, flag: string): string {
  if (!/^2\.\d{1,3}$/.test(value)) throw new UserError(`invalid value '${value}' for '${flag}': a glibc version such as 2.28 is expected`);
  return value;
}

export const VERIFY_OPTIONS = [
  {
    name: 'format',
    kind: 'multi',
    value: 'FORMAT',
    choices: FORMATS,
    usageHint: true,
    help: 'Output format: human, json, sarif, github, markdown (repeatable) [default: human; github under GitHub Actions]',
  },
  { name: 'output', short: 'o', kind: 'multi', value: 'FILE', help: 'Write the report of the --format before it to FILE (else it goes to stdout)' },
  {
    name: 'expect',
    kind: 'string',
    value: 'LINKAGE',
    choices: ['static'],
    help: 'Fail (exit 1) unless every binary is static: ELF static or static-pie, PE importing only system DLLs, Mach-O loading only system libraries',
  },
  { name: 'max-glibc', kind: 'string', value: 'X.Y', parse: glibcVersion, help: 'Fail (exit 1) when a binary needs a newer glibc than X.Y' },
  { name: 'fail-on', kind: 'string', value: 'LEVEL', choices: LEVELS, help: 'Exit 1 when a problem is at or above: error, warning, info, never [default: error]' },
  { name: 'target-dir', kind: 'string', value: 'DIRECTORY', help: "Cargo's target directory the binaries were built in [default: CARGO_TARGET_DIR, build.target-dir, else target]" },
  { name: 'profile', kind: 'string', value: 'PROFILE-NAME', conflicts: [{ option: 'debug' }], help: 'The profile the binaries were built with [default: release]' },
  { name: 'debug', kind: 'bool', help: 'The binaries of the dev profile (target/debug)' },
  { name: 'target', kind: 'multi', value: 'TRIPLE', help: 'The target the binaries were built for (repeatable): they are in target/<TRIPLE>/<profile> [default: build.target, else the host]' },
  ...COMMON_OPTIONS.filter((o) => o.name !== 'target'),
  HELP_OPTION,
] as const satisfies readonly OptionSpec[];

export type VerifyArgs = Parsed<typeof VERIFY_OPTIONS>;

/** What the check pipeline reads: the common options and `--fail-on` (both `check` and `fix` give them). */
export type CheckArgs = Parsed<readonly [...typeof COMMON_OPTIONS, { name: 'fail-on'; kind: 'string'; choices: typeof LEVELS; help: string }]>;

/** What the fix run reads (`check --fix` gives it too, without `--message-format`). */
export type FixArgs = Parsed<typeof FIX_OPTIONS>;
