/** A unified diff for the terminal: the core's lines, coloured as git colours them when asked. */
import { unifiedDiffLines, type DiffLine } from '../../src/fixers/index.js';

const STYLE: Record<DiffLine['kind'], string | null> = { header: '\x1b[1m', hunk: '\x1b[36m', removed: '\x1b[31m', added: '\x1b[32m', context: null, note: null };
const RESET = '\x1b[0m';

/** `unifiedDiff`'s text; with `color`, bold headers, cyan hunk headers, red and green lines. */
export function shownDiff(pathLabel: string, oldText: string, newText: string, color: boolean): string {
  const lines = unifiedDiffLines(pathLabel, oldText, newText);
  if (!lines.length) return '';
  return `${lines.map((l) => (color && STYLE[l.kind] ? STYLE[l.kind] + l.text + RESET : l.text)).join('\n')}\n`;
}
