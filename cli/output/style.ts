/** Terminal styling in cargo's conventions: `--color`, `NO_COLOR`, `FORCE_COLOR`, `CARGO_TERM_COLOR`. */
export interface Style {
  enabled: boolean;
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
}

import { UserError } from '../../src/errors.js';

const CHOICES = ['auto', 'always', 'never'];

/**
 * The colour choice of `--color` or else `CARGO_TERM_COLOR` (`auto` when
 * neither is set; an empty variable is unset), refused as cargo refuses it when it is none of `auto`,
 * `always`, `never`.
 */
export function colorChoice(when: string | undefined, env: NodeJS.ProcessEnv): 'auto' | 'always' | 'never' {
  const choice = when ?? (env.CARGO_TERM_COLOR || undefined) ?? 'auto';
  if (!CHOICES.includes(choice)) throw new UserError(`argument for --color must be auto, always, or never, but found \`${choice}\``);
  return choice as 'auto' | 'always' | 'never';
}

/** The `--color` value in raw arguments (`--color WHEN`, `--color=WHEN`; the last one wins), before `--`. */
export function colorArgument(argv: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--color' && i + 1 < argv.length) found = argv[++i];
    else if (a.startsWith('--color=')) found = a.slice('--color='.length);
  }
  return found;
}

export function useColor(when: string | undefined, isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  const choice = colorChoice(when, env);
  if (choice === 'always') return true;
  if (choice === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTty;
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: string) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[0m` : s);
  return {
    enabled,
    bold: wrap('1'),
    red: wrap('1;31'),
    yellow: wrap('1;33'),
    green: wrap('1;32'),
    cyan: wrap('1;36'),
    dim: wrap('2'),
  };
}
