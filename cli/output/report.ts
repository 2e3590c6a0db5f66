/** The report every output format renders: findings of all targets plus what could not be resolved. */
import { relative, sep } from 'node:path';
import { summarize } from '../../src/rules/engine.js';
import type { Finding, Severity } from '../../src/rules/types.js';

export const SCHEMA_VERSION = 1;

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Absolute workspace root; paths in findings are shown relative to it. */
  root: string;
  targets: string[];
  summary: Record<Severity, number>;
  findings: Finding[];
  /** Crates whose metadata could not be read (offline without cache, git without vendor, ...). */
  unresolved: { name: string; version: string; source: string | null; reason: string }[];
  warnings: string[];
}

export function makeReport(root: string, targets: string[], findings: Finding[], unresolved: Report['unresolved'], warnings: string[]): Report {
  const seen = new Set<string>();
  const uniq = unresolved.filter((u) => {
    const k = `${u.name} ${u.version} ${u.source}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { schemaVersion: SCHEMA_VERSION, root, targets, summary: summarize(findings), findings, unresolved: uniq, warnings };
}

/** A path relative to the workspace root, with forward slashes (stable across machines). */
export function relPath(root: string, p: string): string {
  const r = relative(root, p) || p;
  return sep === '/' ? r : r.split(sep).join('/');
}

/** `weather-report → reqwest [default-tls] → native-tls → openssl-sys` */
export function pathText(steps: Finding['paths'][number]): string {
  return steps.map((s, i) => (i === 0 ? s.name : `${s.as ? `${s.as} (${s.name})` : s.name}${s.via.length ? ` [${s.via.join(', ')}]` : ''}`)).join(' → ');
}
