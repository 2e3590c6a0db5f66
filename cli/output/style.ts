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

export function useColor(when: string | undefined, isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  const choice = when ?? env.CARGO_TERM_COLOR ?? 'auto';
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
