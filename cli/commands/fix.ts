/**
 * `cargo-preflight fix` (and `check --fix`): propose fixes for the findings,
 * keep the proven ones, and apply them as minimal edits of Cargo.toml.
 * `--dry-run` prints the unified diff and writes nothing. Cargo.lock is never
 * touched: the command cargo needs to bring it up to date is printed.
 */
import { failsOn } from '../../src/rules/engine.js';
import type { Finding } from '../../src/rules/types.js';
import { applyChanges, passedOver, reason, reasonsText, reasonText, renderChanges, parsedTexts, type FixPlan, type FixReason, type ProposedFix } from '../../src/fixers/index.js';
import { shownDiff } from '../output/diff.js';
import type { Options } from '../args.js';
import { lockFlag } from '../common.js';
import type { CommandContext } from '../context.js';
import { relPath } from '../output/report.js';
import { makeStyle, type Style } from '../output/style.js';
import { runCheck } from '../run/check.js';
import { planFor } from '../run/fix.js';
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

/** `fix --message-format json` (and `check --fix --format json`): what a bot needs to act on a fix run. */
export interface FixJson {
  dryRun: boolean;
  /** Applied (or, with --dry-run, to be applied), each with the files it edits. */
  applied: {
    title: string;
    strategy: string;
    findings: string[];
    files: string[];
    description: string;
    /** False for a fix applied without proof (`--allow-unproven`). */
    proven: boolean;
    /** Why the candidates of earlier strategies were not taken (auto mode), once each. */
    passedOver?: { reason: string; why: FixReason }[];
    /** Why it is not proven, for a fix applied without proof. */
    reasons?: { reason: string; why: FixReason }[];
  }[];
  /** Proven alone, but left out: with the others, or because of --locked. */
  notApplied: { title: string; strategy: string; reason: string; why: FixReason }[];
  /** Findings no strategy could fix, with each strategy's reason (`why`: the same as ids and data). */
  notFixed: { package: string; findings: string[]; reasons: string[]; why: FixReason[] }[];
  /** Fixes that drop what brings the crate in: proven, never applied, with what would be lost. */
  suggestions: { title: string; lost: string[] }[];
  /** How Cargo.lock must change after the edits (it is never written), or null. */
  lockfile: { command: string; newCrates: string[]; newDependencies: string[] } | null;
  /** What else to run after the edits (`cargo vendor` for crates the vendor directory lacks). */
  then?: string[];
  /** The unified diff of the edits, with --dry-run. */
  diff?: string;
  /** Findings left after the fixes (their id, rule, severity, target, package and message, with its id and data). */
  remaining: { id: string; rule: string; severity: string; target: string; package: string; message: string; messageId: string; data: Record<string, string> }[];
}

/** The fix JSON document of a plan (paths relative to the workspace root). */
export function fixJson(plan: FixPlan, root: string, dryRun: boolean, diff: string): FixJson {
  const crateOf = (f: ProposedFix) => plan.crates.find((c) => c.fixes.includes(f));
  const withText = (rs: FixReason[]) => rs.map((why) => ({ reason: reasonText(why), why }));
  return {
    dryRun,
    applied: plan.applied.map((f) => {
      const over = crateOf(f) ? passedOver(crateOf(f)!) : [];
      return {
        title: f.title,
        strategy: f.strategy,
        findings: f.findingIds,
        files: [...new Set(f.edits.map((e) => relPath(root, e.path)))],
        description: f.description,
        proven: f.proven,
        ...(over.length ? { passedOver: withText(over) } : {}),
        ...(!f.proven && f.reasons?.length ? { reasons: withText(f.reasons) } : {}),
      };
    }),
    notApplied: plan.notApplied.map((f) => ({ title: f.title, strategy: f.strategy, reason: reasonText(f.notApplied!), why: f.notApplied! })),
    notFixed: plan.notFixed.map(({ crate, why }) => {
      const list = why.length ? why : [reason('notProven')];
      return { package: `${crate.name} v${crate.version}`, findings: crate.findingIds, reasons: list.map(reasonText), why: list };
    }),
    suggestions: plan.suggestions.map((f) => ({ title: f.title, lost: f.lost ?? [] })),
    lockfile: plan.lockfile,
    ...(plan.then.length ? { then: plan.then } : {}),
    ...(dryRun && { diff }),
    remaining: plan.remaining
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
}

/** The fix run on already parsed arguments (shared by `fix` and `check --fix`). */
export async function runFix(args: Invocation<Options<typeof FIX_OPTIONS>>, ctx: CommandContext, asJson?: boolean): Promise<number> {
  const dryRun = !!args.options['dry-run'];
  const json = asJson ?? args.options['message-format'] === 'json';
  const style = makeStyle(args.color(ctx.stderr));
  // A run that writes holds the workspace's lock from before it reads the manifests until it has written them.
  const held = dryRun ? null : await lockWorkspace(args, ctx, args.positionals[0], style);
  let run: Awaited<ReturnType<typeof runCheck>>;
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
    const plan = await planFor(run, {
      strategy: args.options.strategy,
      pinScope: args.options['pin-scope'],
      lock: lockFlag(args.options),
      allowUnproven: !!args.options['allow-unproven'],
    });
    const { changes } = plan;
    const root = run.report.root;
    const status = (word: string, text: string) => {
      if (!quiet) ctx.stderr.write(`${style.green(word.padStart(12))} ${text}\n`);
    };
    // Diff headers relative to the directory the command ran in: `git apply` works from there.
    const diffOf = (cs: typeof changes, paint: boolean) => cs.map((c) => shownDiff(relPath(ctx.cwd, c.path), c.before, c.after, paint)).join('');
    const diff = dryRun ? diffOf(changes, color && !json) : '';
    if (dryRun) {
      if (!json) ctx.stdout.write(diff);
    } else {
      await applyChanges(changes, { force: !!args.options.force });
    }
    for (const c of changes) {
      const n = plan.applied.filter((f) => f.edits.some((e) => e.path === c.path)).length;
      status(dryRun ? 'Would fix' : 'Fixing', `${relPath(ctx.cwd, c.path)} (${n} fix${n === 1 ? '' : 'es'})`);
    }
    for (const f of plan.applied) {
      const crate = plan.crates.find((c) => c.fixes.includes(f));
      const over = crate ? passedOver(crate) : [];
      if (f.proven) say(`${style.bold('note')}: ${dryRun ? 'would apply' : 'applied'}: ${f.title}\n${describe(f, style)}`);
      else say(`${style.yellow('warning')}: ${dryRun ? 'would apply without proof' : 'applied without proof'} (--allow-unproven): ${f.title}\n${describe(f, style)}`);
      for (const r of over) say(`  ${style.cyan('=')} not taken: ${reasonText(r)}\n`);
    }
    for (const f of plan.notApplied) say(`${style.yellow('warning')}: not applied: ${f.title}\n  ${style.cyan('=')} reason: ${reasonText(f.notApplied!)}\n`);
    for (const { crate, why } of plan.notFixed) {
      const reasons = (why.length ? why : [reason('notProven')]).map(reasonText);
      say(`${style.yellow('warning')}: not fixed: \`${crate.name} v${crate.version}\`\n${reasons.map((r) => `  ${style.cyan('=')} reason: ${r}\n`).join('')}`);
      // A candidate no proof could decide (a crate it needs cannot be had here): its diff, and how to apply it anyway.
      const undecided = crate.fixes.find((f) => f.undecided && f.strategy !== 'disable');
      if (undecided) {
        const text = diffOf(renderChanges([undecided], parsedTexts(run.loaded.project.workspace)), false);
        say(`  ${style.cyan('=')} help: not proven for want of crate metadata: ${undecided.title}; \`--allow-unproven\` applies it:\n${text.replace(/^/gm, '    ')}`);
      }
    }
    for (const f of plan.suggestions) {
      say(`${style.cyan('help')}: if the project can do without them: ${f.title}\n  ${style.cyan('=')} lost: ${(f.lost ?? []).join(', ')}\n`);
    }
    if (plan.lockfile) {
      const { newCrates: fresh, newDependencies: edges, command } = plan.lockfile;
      const what = [fresh.length ? `new: ${fresh.join(', ')}` : '', edges.length ? `new dependencies: ${edges.join(', ')}` : ''].filter(Boolean);
      say(`${style.bold('note')}: Cargo.lock will change${what.length ? ` (${what.join('; ')})` : ''}; ${dryRun ? 'after the fix, ' : ''}run \`${command}\` to update it\n`);
    }
    for (const t of plan.then) say(`${style.bold('note')}: then run ${t}\n`);

    const remaining: Finding[] = plan.remaining;
    const failing = remaining.filter((f) => !f.allowed && failsOn([f], run.failOn));
    if (plan.fixes.length === 0 && failing.length === 0) status('Finished', 'nothing to fix');
    for (const f of failing) {
      say(`${f.severity === 'error' ? style.red('error') : style.yellow(f.severity === 'info' ? 'note' : f.severity)}: remains: ${f.message} (${f.rule}, ${f.target})\n`);
    }
    if (dryRun && changes.length) status('Finished', 'dry run: nothing written');
    if (json) ctx.stdout.write(JSON.stringify(fixJson(plan, root, dryRun, diff), null, 2) + '\n');
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
