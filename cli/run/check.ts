/** The check pipeline shared by `check`, `fix` and the triage screen: load, resolve every target, lint. */
import { readFileSync } from 'node:fs';
import { lineCounter } from '../../src/errors.js';
import { relative } from 'node:path';
import { devPackageLibrary, readCrossConfig } from '../../src/config/cross-config.js';
import type { PreflightConfig } from '../../src/config/preflight-config.js';
import { lint, type LintInput } from '../../src/rules/engine.js';
import { memberBuilds, onlyBuiltAlone } from '../../src/rules/member-builds.js';
import { configuredKnowledgeBase } from '../../src/knowledge/load.js';
import type { KnowledgeBase } from '../../src/knowledge/lookup.js';
import { RULES } from '../../src/rules/index.js';
import type { EnvironmentSnapshot, Finding, ManifestLocation, Severity } from '../../src/rules/types.js';
import { resolveTarget } from '../../src/resolve/index.js';
import type { TargetGraph } from '../../src/resolve/types.js';
import type { LoadedProject } from '../load.js';
import { loadWithSettings } from '../settings.js';
import { refuseAllTargets } from '../targets.js';
import type { CommandContext } from '../context.js';
import { inspectEnvironment, probeToolchain } from '../environment.js';
import { makeReport, type Report } from '../output/report.js';
import { buildScriptEvidence, type BuildScriptEvidence } from './build-scripts.js';
import type { CheckArgs } from './options.js';
import { readReleases, releasesWanted } from './releases.js';

export interface CheckRun {
  loaded: LoadedProject;
  graphs: TargetGraph[];
  report: Report;
  failOn: Severity | 'never';
  /** What the lint ran with, so fixes can be proven by the same standard. */
  settings: PreflightConfig;
  kb: KnowledgeBase;
  environments: Map<string, EnvironmentSnapshot>;
  /** What the build scripts of crates the knowledge base does not know show, by target and package. */
  buildScripts?: BuildScriptEvidence['byTarget'];
  /** Archives downloaded for build scripts. */
  scriptDownloads?: number;
  /** The releases read of crates with no static option at their version. */
  releases?: LintInput['releases'];
}

/** Loads, resolves every target, and lints: shared by check, fix and the terminal UI. */
export async function runCheck(args: CheckArgs, ctx: CommandContext): Promise<CheckRun> {
  refuseAllTargets(args.options.target);
  // rustup and rustc answer while the project and the index are read.
  const toolchain = probeToolchain(ctx.env);
  const { loaded, settings } = await loadWithSettings(args, ctx, args.positionals[0], { checkLock: true });
  try {
    refuseAllTargets(loaded.targets);
  } catch (e) {
    await loaded.sources.close();
    throw e;
  }
  const kb = configuredKnowledgeBase(settings.knowledgeBase);
  const graphs: TargetGraph[] = [];
  for (const [i, t] of loaded.targets.entries()) {
    if (ctx.resolving) await ctx.resolving({ target: t, done: i, total: loaded.targets.length });
    graphs.push(resolveTarget(loaded.project, t, loaded.includeDev).graph);
  }

  const environments = new Map<string, EnvironmentSnapshot>();
  if (settings.severity['cross-environment'] !== 'off') {
    const tc = await toolchain;
    for (const t of loaded.targets) environments.set(t, inspectEnvironment(t, tc, loaded.config, ctx.env));
  }

  const lock = loaded.project.lockfile;
  // Asked for every finding of every graph linted (the proofs lint many): the file is read and
  // indexed once (each package's line, by name and version), on the first finding.
  let lockLines: Map<string, ManifestLocation> | undefined;
  const lockLocation = (name: string, version: string): ManifestLocation | null => {
    lockLines ??= packageLines(lock.path);
    return lockLines.get(`${name} ${version}`) ?? null;
  };

  // The few crates with no static option at their version: their other releases say which one has one.
  const wanted = settings.severity['no-static-option'] === 'off' ? new Map() : releasesWanted(graphs, kb);
  const releases = wanted.size ? await readReleases(wanted, loaded.sources.sourceFor) : undefined;
  // Build scripts of the crates the knowledge base does not know, read as text (downloaded only for those with a native sign).
  const scripts = await buildScriptEvidence({
    graphs,
    kb,
    lockfile: lock,
    config: loaded.config,
    workspaceRoot: loaded.project.workspace.rootDir,
    sourceFor: (s) => loaded.sources.sourceFor(s),
  });
  const lintGraphs = (gs: TargetGraph[]) => lint({ graphs: gs, kb, rules: RULES, settings, environments, lockLocation, buildScripts: scripts.byTarget, ...(releases ? { releases } : {}) });
  const together = lintGraphs(graphs);
  // With several members selected, each built on its own too (`cargo build -p M`): a problem only such a build has is reported.
  const findings: Finding[] = [...together, ...onlyBuiltAlone(together, memberBuilds(loaded.project, loaded.targets, loaded.includeDev, lintGraphs))];
  const unresolved = graphs.flatMap((g) => g.unresolved);
  const warnings = [...loaded.project.packages.warnings, ...crossWarnings(loaded.project.workspace.rootDir, ctx.env, findings)];
  const report = makeReport(loaded.project.workspace.rootDir, loaded.targets, findings, unresolved, warnings);
  const failOn: Severity | 'never' = args.options['fail-on'] ?? settings.failOn ?? 'error';
  return { loaded, graphs, report, failOn, settings, kb, environments, buildScripts: scripts.byTarget, scriptDownloads: scripts.downloads, ...(releases ? { releases } : {}) };
}

/**
 * What the workspace's Cross.toml changes for the findings: a `pre-build`
 * that installs the `-dev` package of a library a finding's crate links
 * means that under `cross build` the crate finds and links the image's
 * system library instead of failing: one warning per crate and target.
 */
function crossWarnings(root: string, env: NodeJS.ProcessEnv, findings: readonly Finding[]): string[] {
  const cross = readCrossConfig(root, env);
  if (!cross) return [];
  const out = new Set<string>();
  for (const f of findings) {
    if (f.allowed || !f.package.links) continue;
    for (const pkg of cross.target(f.target).packages) {
      const lib = devPackageLibrary(pkg);
      if (!lib?.links.includes(f.package.links)) continue;
      out.add(
        `${relative(root, cross.path) || 'Cross.toml'}: the pre-build for ${f.target} installs \`${pkg}\`: under \`cross build\`, \`${f.package.name} v${f.package.version}\` links the image's ${lib.library} ` +
          `(as its build script chooses, often dynamically) rather than failing; the ${f.rule} finding stands for a static binary`,
      );
    }
  }
  return [...out];
}

/** The line of each `[[package]]` of a Cargo.lock (its `name = ` line), by name and version. */
function packageLines(path: string): Map<string, ManifestLocation> {
  const out = new Map<string, ManifestLocation>();
  const text = readFileSync(path, 'utf8');
  const lineAt = lineCounter(text);
  for (const m of text.matchAll(/^name = "([^"\n]*)"\r?\nversion = "([^"\n]*)"/gm)) {
    const key = `${m[1]} ${m[2]}`;
    if (!out.has(key)) out.set(key, { path, line: lineAt(m.index), column: 1 });
  }
  return out;
}
