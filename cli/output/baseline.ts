/**
 * Baselines: a file recording the findings a project has accepted for now,
 * so that CI fails only on new ones. Entries are keyed by the stable finding
 * id (rule, crate, target, responsible dependency: never line numbers); rule,
 * crate, target and dependency are kept beside it for the people reading
 * the file in review. Versioned JSON, sorted, no timestamps: the same
 * findings give the same bytes.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lineColumnAt, UserError } from '../../src/errors.js';
import { readTextFile } from '../../src/io/text-file.js';
import type { Finding } from '../../src/rules/types.js';
import { summarize } from '../../src/rules/engine.js';
import { TOOL_NAME } from '../package.js';
import { isMachineDependent, type BaselineComparison, type BaselineEntry, type Report } from './report.js';

export const BASELINE_VERSION = 1;
export const BASELINE_KIND = `${TOOL_NAME}-baseline`;

export interface Baseline {
  version: typeof BASELINE_VERSION;
  entries: BaselineEntry[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortEntries(entries: BaselineEntry[]): BaselineEntry[] {
  return entries.sort((a, b) => cmp(a.target, b.target) || cmp(a.rule, b.rule) || cmp(a.crate, b.crate) || cmp(a.dependency ?? '', b.dependency ?? '') || cmp(a.id, b.id));
}

export function entryOf(f: Finding): BaselineEntry {
  return { id: f.id, rule: f.rule, crate: f.package.name, target: f.target, dependency: f.direct ? `${f.direct.member}/${f.direct.dependency}` : null };
}

/**
 * The entries a baseline records: every finding that is not allowed by
 * configuration, whatever its severity; a machine-dependent one
 * (`cross-environment`) only with `includeMachine`, since it differs between
 * the machine that writes the baseline and the one that reads it.
 */
export function baselineOf(findings: Finding[], includeMachine = false): Baseline {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    if (f.allowed || seen.has(f.id) || (!includeMachine && isMachineDependent(f))) continue;
    seen.add(f.id);
    entries.push(entryOf(f));
  }
  return { version: BASELINE_VERSION, entries: sortEntries(entries) };
}

export function renderBaseline(b: Baseline): string {
  const lines = b.entries.map((e) => `    ${JSON.stringify({ id: e.id, rule: e.rule, crate: e.crate, target: e.target, dependency: e.dependency })}`);
  return `{\n  "kind": "${BASELINE_KIND}",\n  "version": ${b.version},\n  "findings": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

/** Writes the baseline next to its final place and renames it over, so a reader never sees half a file. */
export function writeBaseline(path: string, b: Baseline, display = path): void {
  const text = renderBaseline(b);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    throw new UserError(`could not write the baseline: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: display });
  }
}

/** Reads and checks a baseline file; every problem is a UserError naming the file (and line and column for bad JSON). */
export function readBaseline(path: string, display = path): Baseline {
  let text: string;
  try {
    text = readTextFile(path, { what: 'baseline', named: true });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, { ...e.location, path: display }, e.help);
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `could not read the baseline: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`,
      { path: display },
      code === 'ENOENT' ? 'write one with `--write-baseline FILE`' : undefined,
    );
  }
  return parseBaseline(text, display);
}

export function parseBaseline(text: string, path: string): Baseline {
  let doc: unknown;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    if (body.trim() === '') throw new UserError('invalid baseline: not JSON: the file is empty', { path });
    const offset = jsonErrorOffset(body) + (body === text ? 0 : 1);
    // V8's message names the offset for some errors and quotes the whole text for others: keep only its first clause.
    const reason = (e as Error).message.replace(/\s*(?:in|after) JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
    throw new UserError(`invalid baseline: not JSON: ${reason}`, { path, ...lineColumnAt(text, offset) });
  }
  // At the key (or element) the fault is in: the text scanned again for it, only then.
  const bad = (what: string, keys: (string | number)[] = []) =>
    new UserError(`invalid baseline: ${what}`, { path, ...lineColumnAt(text, jsonKeyOffset(body, keys) + (body === text ? 0 : 1)) }, 'write a new one with `--write-baseline FILE`');
  if (!isObject(doc)) throw bad('expected a JSON object');
  if (doc.kind !== BASELINE_KIND) throw bad(`\`kind\` must be "${BASELINE_KIND}"`, ['kind']);
  if (doc.version !== BASELINE_VERSION) {
    throw bad(typeof doc.version === 'number' ? `version ${doc.version} is not supported (this cargo-preflight reads version ${BASELINE_VERSION})` : '`version` must be a number', ['version']);
  }
  for (const k of Object.keys(doc)) if (!['kind', 'version', 'findings'].includes(k)) throw bad(`unknown key \`${k}\``, [k]);
  if (!Array.isArray(doc.findings)) throw bad('`findings` must be an array', ['findings']);
  const entries = doc.findings.map((raw: unknown, i: number): BaselineEntry => {
    const at = `findings[${i}]`;
    if (!isObject(raw)) throw bad(`${at} must be an object`, ['findings', i]);
    for (const k of ['id', 'rule', 'crate', 'target'] as const) {
      if (typeof raw[k] !== 'string' || raw[k] === '') throw bad(`${at}.${k} must be a non-empty string`, ['findings', i, k]);
    }
    if (raw.dependency !== null && typeof raw.dependency !== 'string') throw bad(`${at}.dependency must be a string or null`, ['findings', i, 'dependency']);
    for (const k of Object.keys(raw)) if (!['id', 'rule', 'crate', 'target', 'dependency'].includes(k)) throw bad(`${at}: unknown key \`${k}\``, ['findings', i, k]);
    return { id: raw.id as string, rule: raw.rule as string, crate: raw.crate as string, target: raw.target as string, dependency: (raw.dependency as string | null) ?? null };
  });
  return { version: BASELINE_VERSION, entries: sortEntries(entries) };
}

/**
 * Which findings are new against the baseline, and which baseline entries are
 * gone (an allowed finding still counts as present). A machine-dependent
 * entry (recorded with `--include-environment`) is never said to be fixed
 * unless `includeMachine`: another machine may simply have what it lacked.
 */
export function compareBaseline(findings: Finding[], baseline: Baseline, path: string, includeMachine = false): BaselineComparison {
  const known = new Set(baseline.entries.map((e) => e.id));
  const current = new Set(findings.map((f) => f.id));
  return {
    path,
    newIds: new Set(findings.filter((f) => !known.has(f.id)).map((f) => f.id)),
    fixed: baseline.entries.filter((e) => !current.has(e.id) && (includeMachine || !isMachineDependent(e))),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The report without the findings the baseline records (what the human report shows). */
export function withoutBaselined(report: Report): Report {
  const b = report.baseline;
  if (!b) return report;
  const findings = report.findings.filter((f) => b.newIds.has(f.id));
  return { ...report, findings, summary: summarize(findings) };
}

/** Lines the human report ends with when a baseline was given: what it hid, and what is fixed. */
export function baselineNote(report: Report): string {
  const b = report.baseline;
  if (!b) return '';
  const known = report.findings.filter((f) => !b.newIds.has(f.id)).length;
  const lines = [`note: ${known} finding${known === 1 ? ' is' : 's are'} recorded in the baseline ${b.path} and not shown`];
  if (b.fixed.length) {
    lines.push(`note: ${b.fixed.length} baseline entr${b.fixed.length === 1 ? 'y is' : 'ies are'} no longer reported (fixed):`);
    for (const e of b.fixed) lines.push(`  ${e.rule}: ${e.crate} for ${e.target}${e.dependency ? ` (through ${e.dependency})` : ''}`);
    lines.push(`  help: drop ${b.fixed.length === 1 ? 'it' : 'them'} with \`--write-baseline ${b.path}\``);
  }
  return lines.join('\n') + '\n';
}

/**
 * The offset of the first character where `text` stops being JSON (called
 * only after JSON.parse failed, so that the error can carry a line and column).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}

/**
 * Where the member or element at `keys` is in valid JSON `text` (the offset of
 * a member's key, or of an element), else of the deepest part of `keys` that
 * is there: a baseline's error is given at its place.
 */
export function jsonKeyOffset(text: string, keys: readonly (string | number)[]): number {
  let i = 0;
  let best = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  // Reads the value at `i`; `depth` parts of `keys` lead here (-1: off the path). True once the whole path is found.
  const value = (depth: number): boolean => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const isObject = c === '{';
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === '}' || text[i] === ']') {
          i++;
          return false;
        }
        const at = i;
        let name: string | number = n;
        if (isObject) {
          const start = i;
          skipString();
          name = JSON.parse(text.slice(start, i)) as string;
          ws();
          i++; // the colon
        }
        const onPath = depth >= 0 && depth < keys.length && keys[depth] === name;
        if (onPath) {
          best = at;
          if (depth + 1 === keys.length) return true;
        }
        if (value(onPath ? depth + 1 : -1)) return true;
        ws();
        if (text[i] === ',') i++;
      }
    }
    if (c === '"') skipString();
    else while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
    return false;
  };
  try {
    value(0);
  } catch {
    // Nested beyond the stack: the deepest place found so far.
  }
  return best;
}
