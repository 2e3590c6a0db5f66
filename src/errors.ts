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
