/**
 * Errors the user can act on. The CLI prints them as `path:line:col: message`
 * (or `error: message` without a location) and exits with code 2, never with a
 * stack trace unless `--verbose` is given.
 */
export interface SourceLocation {
  path: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** `path:line:col: message`, cargo style. */
  format(): string {
    const loc = this.location;
    let where = '';
    if (loc) {
      where = loc.path;
      if (loc.line !== undefined) where += `:${loc.line}`;
      if (loc.line !== undefined && loc.column !== undefined) where += `:${loc.column}`;
      where += ': ';
    }
    return `${where}${this.message}${this.help ? `\n  help: ${this.help}` : ''}`;
  }
}

/**
 * 1-based line numbers of offsets in a text, asked for in ascending order:
 * each call counts on from the last, so numbering many lines is one pass
 * over the text, not one from its start per line.
 */
export function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let at = 0;
  return (offset) => {
    if (offset < at) [line, at] = [1, 0];
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = offset;
    return line;
  };
}

/** 1-based line and column of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/**
 * The names of `known` that `input` may have meant, closest first (at most
 * `max`): within an edit distance of a third of its length (at least 1; `-`
 * and `_` count as one), or differing only in case. Empty when none is close.
 */
export function closestNames(input: string, known: Iterable<string>, max = 3): string[] {
  const norm = (s: string) => s.toLowerCase().replaceAll('_', '-');
  const want = norm(input);
  const limit = want.length < 3 ? 0 : Math.max(1, Math.floor(want.length / 3));
  const scored: [number, string][] = [];
  for (const name of new Set(known)) {
    if (name === input) continue;
    const d = editDistance(want, norm(name), limit);
    if (d <= limit) scored.push([d, name]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return scored.slice(0, max).map(([, n]) => n);
}

/** `did you mean `a`?` (or `` `a`, `b` ``) for the names `input` may have meant; undefined when none is close. */
export function didYouMean(input: string, known: Iterable<string>): string | undefined {
  const close = closestNames(input, known);
  return close.length ? `did you mean ${close.map((n) => `\`${n}\``).join(', ')}?` : undefined;
}

/** Levenshtein distance; with a `limit`, it gives up (returning `limit + 1`) once every path is over it. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]!);
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}
