/**
 * `cargo-preflight fix` (and `check --fix`): propose fixes for the findings,
 * keep the proven ones, and apply them as minimal edits of Cargo.toml.
 * `--dry-run` prints the unified diff and writes nothing. Cargo.lock is never
 * touched: the command cargo needs to bring it up to date is printed.
 */
import { failsOn } from '../../src/rules/engine.js';
import type { Finding } from '../../src/rules/types.js';
import {
  applyChanges,
  parsedTexts,
  proposeFixes,
  reason,
  reasonsText,
  reasonText,
  renderChanges,
  unifiedDiff,
  type FixReason,
  type Reason,
  type ProposedFix,
} from '../../src/fixers/index.js';
import type { Options } from '../args.js';
import { lockFlag } from '../common.js';
import type { CommandContext } from '../context.js';
import { relPath } from '../output/report.js';
import { makeStyle, type Style } from '../output/style.js';
import { runCheck } from '../run/check.js';
import { keepTogether, proofContextFor } from '../run/fix.js';
import { lockWorkspace, pauseForTests } from '../run/fix-lock.js';
import { FIX_OPTIONS } from '../run/options.js';
import { defineCommand, type Invocation } from './command.js';

export const fixCommand = defineCommand({
  name: 'fix',
  about: 'Apply proven fixes for the findings of `check` to Cargo.toml',
  usage: 'cargo-preflight fix [OPTIONS] [PATH]',
  options: FIX_OPTIONS,
  positionals: [{ name: '[PATH]' }],
  run: (args, ctx) => runFix(args, ctx),
});

/** `fix --message-format json`: what a bot needs to act on a fix run. */
export interface FixJson {
  dryRun: boolean;
  /** Applied (or, with --dry-run, to be applied), each with the files it edits. */
  applied: { title: string; strategy: string; findings: string[]; files: string[]; description: string }[];
  /** Proven alone, but left out: with the others, or because of --locked. */
  notApplied: { title: string; strategy: string; reason: string; why: Reason }[];
  /** Findings no strategy could fix, with each strategy's reason (`why`: the same as ids and data). */
  notFixed: { package: string; findings: string[]; reasons: string[]; why: FixReason[] }[];
  /** Fixes that drop what brings the crate in: proven, never applied, with what would be lost. */
  suggestions: { title: string; lost: string[] }[];
  /** How Cargo.lock must change after the edits (it is never written), or null. */
  lockfile: { command: string; newCrates: string[]; newDependencies: string[] } | null;
  /** The unified diff of the edits, with --dry-run. */
  diff?: string;
  /** Findings left after the fixes (their id, rule, severity, target, package and message, with its id and data). */
  remaining: { id: string; rule: string; severity: string; target: string; package: string; message: string; messageId: string; data: Record<string, string> }[];
}

/** The fix run on already parsed arguments (shared by `fix` and `check --fix`). */
export async function runFix(args: Invocation<Options<typeof FIX_OPTIONS>>, ctx: CommandContext): Promise<number> {
  const opts = { strategy: args.options.strategy, pinScope: args.options['pin-scope'] };
  const dryRun = !!args.options['dry-run'];
  const json = args.options['message-format'] === 'json';
  const style = makeStyle(args.color(ctx.stderr));
  // A run that writes holds the workspace's lock from before it reads the manifests until it has written them.
  const held = dryRun ? null : await lockWorkspace(args, ctx, args.positionals[0], style);
  let run;
  try {
    run = await runCheck(args, ctx);
  } catch (e) {
    await held?.release();
    throw e;
  }
  try {
    await pauseForTests(ctx.env);
    for (const w of run.report.warnings) ctx.warn(w);
    const color = args.color(ctx.stdout);
    // With JSON on stdout, nothing of the human report goes to stderr.
    const quiet = !!args.options.quiet || json;
    const say = (text: string) => {
      if (!json) ctx.stderr.write(text);
    };
    const pctx = proofContextFor(run);
    const proposals = await proposeFixes(pctx, opts);
    const proven = proposals.filter((p) => p.proven && p.strategy !== 'disable');
    const { kept, proof, dropped: notApplied } = await keepTogether(pctx, proven, lockFlag(args.options));
    const changes = renderChanges(kept, parsedTexts(run.loaded.project.workspace));
    const root = run.report.root;
    const status = (word: string, text: string) => {
      if (!quiet) ctx.stderr.write(`${style.green(word.padStart(12))} ${text}\n`);
    };

    const diff = dryRun ? changes.map((c) => unifiedDiff(relPath(root, c.path), c.before, c.after, { color: color && !json })).join('') : '';
    if (dryRun) {
      if (!json) ctx.stdout.write(diff);
    } else {
      await applyChanges(changes, { force: !!args.options.force });
    }
    for (const c of changes) {
      const n = kept.filter((f) => f.edits.some((e) => e.path === c.path)).length;
      status(dryRun ? 'Would fix' : 'Fixing', `${relPath(ctx.cwd, c.path)} (${n} fix${n === 1 ? '' : 'es'})`);
    }
    for (const f of kept) {
      say(`${style.bold('note')}: ${dryRun ? 'would apply' : 'applied'}: ${f.title}\n${describe(f, style)}`);
    }
    for (const d of notApplied) say(`${style.yellow('warning')}: not applied: ${d.fix.title}\n  ${style.cyan('=')} reason: ${reasonText(d.reason)}\n`);
    const notFixed: FixJson['notFixed'] = [];
    for (const f of proposals.filter((p) => !p.proven && p.strategy !== 'disable')) {
      const why: FixReason[] = f.reasons?.length ? f.reasons : [reason('notProven')];
      const reasons = why.map(reasonText);
      const finding = run.report.findings.find((x) => f.findingIds.includes(x.id));
      const what = finding ? `\`${finding.package.name} v${finding.package.version}\`` : f.title;
      notFixed.push({ package: finding ? `${finding.package.name} v${finding.package.version}` : f.title, findings: f.findingIds, reasons, why });
      say(`${style.yellow('warning')}: not fixed: ${what}\n${reasons.map((r) => `  ${style.cyan('=')} reason: ${r}\n`).join('')}`);
    }
    for (const f of proposals.filter((p) => p.strategy === 'disable' && p.proven)) {
      say(`${style.cyan('help')}: if the project can do without them: ${f.title}\n  ${style.cyan('=')} lost: ${(f.lost ?? []).join(', ')}\n`);
    }
    const lock = kept.filter((f) => f.lockfileCommand);
    let lockfile: FixJson['lockfile'] = null;
    if (lock.length) {
      const fresh = [...new Set(proof?.newCrates ?? lock.flatMap((f) => f.newCrates))];
      const edges = proof?.lockEdges ?? [];
      lockfile = { command: lock[0]!.lockfileCommand!, newCrates: fresh, newDependencies: edges };
      const what = [fresh.length ? `new: ${fresh.join(', ')}` : '', edges.length ? `new dependencies: ${edges.join(', ')}` : ''].filter(Boolean);
      say(
        `${style.bold('note')}: Cargo.lock will change${what.length ? ` (${what.join('; ')})` : ''}; ` +
          `${dryRun ? 'after the fix, ' : ''}run \`${lock[0]!.lockfileCommand}\` to update it\n`,
      );
    }

    const remaining: Finding[] = proof ? proof.after : run.report.findings;
    const failing = remaining.filter((f) => !f.allowed && failsOn([f], run.failOn));
    if (proposals.length === 0 && failing.length === 0) status('Finished', 'nothing to fix');
    for (const f of failing) {
      say(`${f.severity === 'error' ? style.red('error') : style.yellow(f.severity === 'info' ? 'note' : f.severity)}: remains: ${f.message} (${f.rule}, ${f.target})\n`);
    }
    if (dryRun && changes.length) status('Finished', 'dry run: nothing written');
    if (json) {
      const out: FixJson = {
        dryRun,
        applied: kept.map((f) => ({
          title: f.title,
          strategy: f.strategy,
          findings: f.findingIds,
          files: [...new Set(f.edits.map((e) => relPath(root, e.path)))],
          description: f.description,
        })),
        notApplied: notApplied.map((d) => ({ title: d.fix.title, strategy: d.fix.strategy, reason: reasonText(d.reason), why: d.reason })),
        notFixed,
        suggestions: proposals.filter((p) => p.strategy === 'disable' && p.proven).map((f) => ({ title: f.title, lost: f.lost ?? [] })),
        lockfile,
        ...(dryRun && { diff }),
        remaining: remaining
          .filter((f) => !f.allowed)
          .map((f) => ({
            id: f.id,
            rule: f.rule,
            severity: f.severity,
            target: f.target,
            package: `${f.package.name} v${f.package.version}`,
            message: f.message,
            messageId: f.messageId,
            data: f.data,
          })),
      };
      ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
    }
    return failing.length ? 1 : 0;
  } finally {
    try {
      await run.loaded.sources.close();
    } finally {
      await held?.release();
    }
  }
}

function describe(f: ProposedFix, style: Style): string {
  const lines = [`  ${style.cyan('=')} ${f.description}`];
  if (f.reasons?.length) lines.push(`  ${style.cyan('=')} note: ${reasonsText(f.reasons)}`);
  return lines.join('\n') + '\n';
}
