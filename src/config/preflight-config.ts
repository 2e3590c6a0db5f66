/**
 * The tool's own settings: `[workspace.metadata.cargo-preflight]` or
 * `[package.metadata.cargo-preflight]` in the root manifest, and
 * `cargo-preflight.toml` at the workspace root (which wins where both set a
 * key). Unknown keys are errors that name the key and the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, UserError, type SourceLocation } from '../errors.js';
import { readTextFile } from '../io/text-file.js';
import { parseTomlWithPositions, type PositionIndex } from '../manifest/positions.js';
import { isTable } from '../manifest/toml.js';
import type { Workspace } from '../manifest/workspace.js';

export interface PreflightConfigOptions {
  /** Rule ids `severity` may name (unchecked when absent). */
  rules?: string[];
}

export type Level = 'error' | 'warning' | 'info';

export interface PreflightConfig {
  targets?: string[];
  /** Where `targets` is written, for an error about one of them. */
  targetsAt?: SourceLocation;
  severity: Record<string, Level | 'off'>;
  allow: { crate: string; reason: string; targets?: string[] }[];
  /** Extra knowledge-base entries as written, one group per place that has some: validated by the knowledge layer. */
  knowledgeBase: ConfiguredEntries[];
  failOn?: Level | 'never';
  /** Files the settings came from, for messages. */
  files: string[];
}

/** The `knowledge-base` array of one settings table, as written, with where its keys are (for `file:line:col` errors). */
export interface ConfiguredEntries {
  entries: unknown[];
  /** The file it is in. */
  path: string;
  /** Position of a key path below the array (`[0, "crates", 1, "role"]`), or of its nearest written prefix. */
  locate(keys: (string | number)[]): { line: number; column: number } | undefined;
}

const KEYS = new Set(['targets', 'severity', 'allow', 'knowledge-base', 'fail-on']);
const LEVELS = ['error', 'warning', 'info'];

interface Origin {
  path: string;
  positions: PositionIndex;
  prefix: string[];
}

function apply(cfg: PreflightConfig, data: Record<string, unknown>, o: Origin, opts: PreflightConfigOptions): void {
  const at = (k: (string | number)[]) => ({ path: o.path, ...o.positions.find([...o.prefix, ...k]) });
  cfg.files.push(o.path);
  for (const [key, value] of Object.entries(data)) {
    if (!KEYS.has(key)) {
      throw new UserError(`unknown cargo-preflight setting \`${key}\``, at([key]), didYouMean(key, KEYS) ?? `known settings: ${[...KEYS].join(', ')}`);
    }
    if (key === 'targets') {
      if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) throw new UserError('`targets` must be an array of target triples', at([key]));
      cfg.targets = value as string[];
      cfg.targetsAt = at([key]);
    } else if (key === 'severity') {
      if (!isTable(value)) throw new UserError('`severity` must be a table of rule = "error" | "warning" | "info" | "off"', at([key]));
      for (const [rule, level] of Object.entries(value)) {
        if (opts.rules && !opts.rules.includes(rule)) {
          throw new UserError(`unknown rule \`${rule}\` in \`severity\``, at([key, rule]), didYouMean(rule, opts.rules) ?? `rules: ${opts.rules.join(', ')}`);
        }
        if (typeof level !== 'string' || ![...LEVELS, 'off'].includes(level)) {
          throw new UserError(`severity of \`${rule}\` must be "error", "warning", "info" or "off"`, at([key, rule]));
        }
        cfg.severity[rule] = level as Level | 'off';
      }
    } else if (key === 'allow') {
      if (!Array.isArray(value)) throw new UserError('`allow` must be an array of { crate = "…", reason = "…" }', at([key]));
      value.forEach((entry, i) => {
        if (!isTable(entry)) throw new UserError('each `allow` entry must be a table { crate = "…", reason = "…" }', at([key, i]));
        for (const k of Object.keys(entry)) {
          const keys = ['crate', 'reason', 'targets'];
          if (!keys.includes(k)) throw new UserError(`unknown key \`${k}\` in \`allow\` entry`, at([key, i, k]), didYouMean(k, keys) ?? `keys: ${keys.join(', ')}`);
        }
        if (typeof entry.crate !== 'string') throw new UserError('`allow` entry needs `crate = "name"`', at([key, i]));
        if (typeof entry.reason !== 'string' || !entry.reason.trim()) {
          throw new UserError(`\`allow\` entry for \`${entry.crate}\` needs a \`reason\``, at([key, i]), 'say why the crate may stay; reports show it');
        }
        const targets = entry.targets;
        if (targets !== undefined && (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string'))) {
          throw new UserError('`targets` of an `allow` entry must be an array of triples', at([key, i, 'targets']));
        }
        cfg.allow.push({ crate: entry.crate, reason: entry.reason, ...(targets ? { targets: targets as string[] } : {}) });
      });
    } else if (key === 'knowledge-base') {
      if (!Array.isArray(value)) throw new UserError('`knowledge-base` must be an array of entries', at([key]));
      cfg.knowledgeBase.push({ entries: value, path: o.path, locate: (keys) => o.positions.find([...o.prefix, key, ...keys]) });
    } else if (key === 'fail-on') {
      if (typeof value !== 'string' || ![...LEVELS, 'never'].includes(value)) throw new UserError('`fail-on` must be "error", "warning", "info" or "never"', at([key]));
      cfg.failOn = value as Level | 'never';
    }
  }
}

export function loadPreflightConfig(ws: Workspace, opts: PreflightConfigOptions = {}): PreflightConfig {
  const cfg: PreflightConfig = { severity: {}, allow: [], knowledgeBase: [], files: [] };
  const root = ws.rootData;
  const origin = (prefix: string[]): Origin => ({ path: ws.rootManifestPath, positions: ws.rootPositions, prefix });
  const wsMeta = isTable(root.workspace) && isTable(root.workspace.metadata) ? root.workspace.metadata['cargo-preflight'] : undefined;
  if (wsMeta !== undefined) {
    if (!isTable(wsMeta)) throw new UserError('`workspace.metadata.cargo-preflight` must be a table', { path: ws.rootManifestPath });
    apply(cfg, wsMeta, origin(['workspace', 'metadata', 'cargo-preflight']), opts);
  }
  const pkgMeta = isTable(root.package) && isTable(root.package.metadata) ? root.package.metadata['cargo-preflight'] : undefined;
  if (pkgMeta !== undefined) {
    if (!isTable(pkgMeta)) throw new UserError('`package.metadata.cargo-preflight` must be a table', { path: ws.rootManifestPath });
    apply(cfg, pkgMeta, origin(['package', 'metadata', 'cargo-preflight']), opts);
  }
  const file = join(ws.rootDir, 'cargo-preflight.toml');
  if (existsSync(file)) {
    const parsed = parseTomlWithPositions(readTextFile(file, { what: 'configuration file' }), file);
    apply(cfg, parsed.data, { path: file, positions: parsed.positions, prefix: [] }, opts);
  }
  return cfg;
}
