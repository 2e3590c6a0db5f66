/**
 * Unified diffs, as `diff -u` and git print them, for showing what an edit
 * will change before it is written.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change; 3 by default. */
  context?: number;
}

/** A line of a diff with what it is, for a presenter that colours it (the core writes no colours). */
export interface DiffLine {
  kind: 'header' | 'hunk' | 'context' | 'removed' | 'added' | 'note';
  text: string;
}

interface Line {
  content: string;
  /** `'\n'`, `'\r\n'`, or `''` for a last line without one. */
  eol: string;
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

/**
 * The diff from `oldText` to `newText` labelled `a/pathLabel` and
 * `b/pathLabel`; an empty string when they are equal. Line endings are part
 * of a line, so a change of line ending only is shown, with `^M` marking the
 * carriage returns in those lines.
 */
export function unifiedDiff(pathLabel: string, oldText: string, newText: string, options: DiffOptions = {}): string {
  const lines = unifiedDiffLines(pathLabel, oldText, newText, options);
  return lines.length ? `${lines.map((l) => l.text).join('\n')}\n` : '';
}

/** The lines of `unifiedDiff`, each with its kind; none when the texts are equal. */
export function unifiedDiffLines(pathLabel: string, oldText: string, newText: string, options: DiffOptions = {}): DiffLine[] {
  if (oldText === newText) return [];
  const context = options.context ?? 3;
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  markLineEndingChanges(ops);

  const out: DiffLine[] = [
    { kind: 'header', text: `--- a/${pathLabel}` },
    { kind: 'header', text: `+++ b/${pathLabel}` },
  ];
  for (const [start, end] of hunkRanges(ops, context)) {
    let oldStart = 0;
    let newStart = 0;
    for (const op of ops.slice(0, start)) {
      if (op.kind !== '+') oldStart++;
      if (op.kind !== '-') newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push({ kind: 'hunk', text: `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@` });
    for (const op of hunk) {
      out.push({ kind: op.kind === ' ' ? 'context' : op.kind === '-' ? 'removed' : 'added', text: op.kind + shown(op.line) });
      if (op.line.eol === '') out.push({ kind: 'note', text: '\\ No newline at end of file' });
    }
  }
  return out;
}

/** `start,count` with GNU diff's conventions: 1-based, `,1` left out, an empty range starts at the line before. */
function range(linesBefore: number, count: number): string {
  if (count === 0) return `${linesBefore},0`;
  return count === 1 ? `${linesBefore + 1}` : `${linesBefore + 1},${count}`;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) {
      lines.push({ content: text.slice(pos), eol: '' });
      break;
    }
    const crlf = nl > pos && text[nl - 1] === '\r';
    lines.push({ content: text.slice(pos, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    pos = nl + 1;
  }
  return lines;
}

/** Lines whose carriage returns must be visible: those that differ from a line of the other side only by them. */
const visibleCr = new WeakSet<Line>();

function shown(line: Line): string {
  const content = line.content.replaceAll('\r', '^M');
  return visibleCr.has(line) && line.eol === '\r\n' ? content + '^M' : content;
}

/** In each run of removed and added lines, marks pairs that differ only in line ending. */
function markLineEndingChanges(ops: readonly Op[]): void {
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && ops[j]!.kind !== ' ') j++;
    const removed = ops.slice(i, j).filter((op) => op.kind === '-');
    const added = ops.slice(i, j).filter((op) => op.kind === '+');
    for (const r of removed) {
      const twin = added.find((a) => a.line.content === r.line.content && differOnlyByCr(a.line.eol, r.line.eol));
      if (twin) {
        visibleCr.add(r.line);
        visibleCr.add(twin.line);
      }
    }
    i = j;
  }
}

/** A missing final newline is shown by its own marker; only CRLF against LF needs `^M`. */
function differOnlyByCr(a: string, b: string): boolean {
  return a !== b && a !== '' && b !== '';
}

/** Half-open op index ranges of the hunks: changes with `context` lines around, merged when they touch. */
function hunkRanges(ops: readonly Op[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  ops.forEach((op, i) => {
    if (op.kind === ' ') return;
    const start = Math.max(0, i - context);
    const end = Math.min(ops.length, i + 1 + context);
    const last = ranges.at(-1);
    if (last && start <= last[1]) last[1] = end;
    else ranges.push([start, end]);
  });
  return ranges;
}

/** Myers' O(ND) shortest edit script, after trimming the common head and tail. */
function diffLines(a: readonly Line[], b: readonly Line[]): Op[] {
  const same = (x: Line, y: Line) => x.content === y.content && x.eol === y.eol;
  let head = 0;
  while (head < a.length && head < b.length && same(a[head]!, b[head]!)) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail]!, b[b.length - 1 - tail]!)) {
    tail++;
  }
  const x0 = a.slice(head, a.length - tail);
  const y0 = b.slice(head, b.length - tail);
  const n = x0.length;
  const m = y0.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(x0[x]!, y0[y]!)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }

  const middle: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && t[offset + k - 1]! < t[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = t[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      middle.push({ kind: ' ', line: x0[--x]! });
    }
    if (d > 0) {
      if (x === prevX) middle.push({ kind: '+', line: y0[--y]! });
      else middle.push({ kind: '-', line: x0[--x]! });
    }
  }
  middle.reverse();
  return [...a.slice(0, head).map((line): Op => ({ kind: ' ', line })), ...removalsFirst(middle), ...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line }))];
}

/** Within each run of changes, removed lines before added ones, as diff and git print them. */
function removalsFirst(ops: readonly Op[]): Op[] {
  const out: Op[] = [];
  let run: Op[] = [];
  const flush = () => {
    out.push(...run.filter((op) => op.kind === '-'), ...run.filter((op) => op.kind === '+'));
    run = [];
  };
  for (const op of ops) {
    if (op.kind === ' ') {
      flush();
      out.push(op);
    } else run.push(op);
  }
  flush();
  return out;
}
