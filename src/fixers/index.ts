/**
 * Fix proposals for the findings of a check: for each native crate reported,
 * the strategies in order of preference (switch backend, static option
 * through the wrapper, pin the -sys crate), each candidate proven by
 * resolving the patched manifests again; where none proves out, which
 * feature to turn off and what that loses. The CLI, the terminal UI and the
 * reports all go through this one engine.
 */
import type { Finding } from '../rules/types.js';
import { lint } from '../rules/engine.js';
import { resolveTarget, selectRoots } from '../resolve/index.js';
import { LOCK_UPDATE_COMMAND } from '../resolve/packages.js';
import { disableCandidates } from './disable.js';
import { pinCandidates } from './pin.js';
import { aboutEnvironment, proveEdits, type Proof, type ProofContext } from './prove.js';
import { staticCandidates } from './static.js';
import { code, type Candidate, type NativeTarget, type PinScope, type StrategyInput, type StrategyResult } from './strategy.js';
import { switchCandidates } from './switch.js';
import { mergeEdits } from './apply.js';
import { reason, reasonsText, type FixReason, type Reason } from './reasons.js';
import type { FixStrategy, ProposedFix } from './types.js';

export { renderChanges, applyChanges, mergeEdits, parsedTexts, readText, type TextSource } from './apply.js';
export { unifiedDiff } from './diff.js';
export { proveEdits, type Proof, type ProofContext } from './prove.js';
export type { FileChange, FixStrategy, ManifestEdits, ProposedFix } from './types.js';
export { reason, reasonText, reasonsText, REASON_MESSAGES, type FixReason, type Reason, type ReasonId } from './reasons.js';
export type { PinScope } from './strategy.js';

export type StrategyChoice = 'switch' | 'static' | 'pin' | 'auto';

export interface ProposeOptions {
  strategy?: StrategyChoice;
  pinScope?: PinScope;
}

const BUILDERS: Record<'switch' | 'static' | 'pin' | 'disable', (input: StrategyInput) => StrategyResult> = {
  switch: switchCandidates,
  static: staticCandidates,
  pin: pinCandidates,
  disable: disableCandidates,
};

/** The command that brings Cargo.lock in line with the edited manifests without moving other locked versions. */
export const LOCKFILE_COMMAND = LOCK_UPDATE_COMMAND;

/** The findings a Cargo.toml edit can address: native crates the knowledge base knows, not allowed, error or warning. */
export function fixableFindings(ctx: ProofContext): NativeTarget[] {
  const byKey = new Map<string, NativeTarget>();
  for (const f of ctx.findings) {
    // What the machine lacks (a C compiler for the target) is not a Cargo.toml problem.
    if (f.allowed || f.severity === 'info' || aboutEnvironment(f)) continue;
    const sys = ctx.kb.sysCrate(f.package.name);
    if (!sys) continue;
    let t = byKey.get(f.packageKey);
    if (!t) {
      t = { name: f.package.name, version: f.package.version, key: f.packageKey, entry: sys.entry, findings: [], graphs: [] };
      byKey.set(f.packageKey, t);
    }
    t.findings.push(f);
    const graph = ctx.graphs.find((g) => g.target === f.target);
    const pkg = graph?.packages.get(f.packageKey);
    if (graph && pkg && !t.graphs.some((g) => g.graph === graph)) t.graphs.push({ graph, pkg });
  }
  return [...byKey.values()].filter((t) => t.graphs.length > 0);
}

/**
 * Proposes one fix per reported native crate: the first candidate of the
 * chosen strategies that proves out, or the first candidate with the reason
 * it does not (and, with `auto`, a proven `disable` fix saying what is lost,
 * when one exists). Every returned fix is proven or carries its reason.
 */
export async function proposeFixes(ctx: ProofContext, opts: ProposeOptions = {}): Promise<ProposedFix[]> {
  const order: FixStrategy[] = !opts.strategy || opts.strategy === 'auto' ? ['switch', 'static', 'pin'] : [opts.strategy];
  const out: ProposedFix[] = [];
  const widened: { ctx?: ProofContext | null } = {};
  for (const target of fixableFindings(ctx)) {
    const input: StrategyInput = { project: ctx.project, kb: ctx.kb, target, targets: ctx.targets, pinScope: opts.pinScope ?? 'all' };
    const findingIds = target.findings.map((f) => f.id);
    const reasons: FixReason[] = [];
    let fallback: { c: Candidate; proof: Proof } | undefined;
    let done = false;
    for (const s of order) {
      const res = BUILDERS[s as keyof typeof BUILDERS](input);
      reasons.push(...res.refused.map((r) => ({ strategy: s, ...r })));
      for (const c of res.candidates) {
        let proof = await proveEdits(ctx, c.edits, findingIds, c.giveUp);
        if (proof.proven) proof = await proveForWholeWorkspace(ctx, c, proof, target.name, widened);
        if (proof.proven) {
          out.push(toFix(c, proof, findingIds, ctx));
          done = true;
          break;
        }
        reasons.push(...(proof.reasons ?? []).map((r) => ({ strategy: s, candidate: c.title, ...r })));
        fallback ??= { c, proof };
      }
      if (done) break;
    }
    if (done) continue;
    if (!reasons.length) reasons.push(reason('noStrategy', { crate: target.name }));
    if (fallback) out.push({ ...toFix(fallback.c, fallback.proof, findingIds, ctx), proven: false, ...withReasons(reasons) });
    else out.push(unfixable(target, order[0]!, findingIds, reasons));
    if (!opts.strategy || opts.strategy === 'auto') {
      for (const c of disableCandidates(input).candidates) {
        const proof = await proveEdits(ctx, c.edits, findingIds, c.giveUp);
        out.push({ ...toFix(c, proof, findingIds, ctx), ...(proof.proven ? withReasons([reason('loses', { features: c.lost!.map(code).join(', ') })]) : {}) });
      }
    }
  }
  return out;
}

/**
 * A fix that edits the root's `[workspace.dependencies]` changes every member
 * inheriting the entry, selected or not: it is proven again with the whole
 * workspace selected, so no member loses a feature or gains a problem.
 */
async function proveForWholeWorkspace(
  ctx: ProofContext,
  c: Candidate,
  proof: Proof,
  crate: string,
  cache: { ctx?: ProofContext | null },
): Promise<Proof> {
  const root = ctx.project.workspace.rootManifestPath;
  const members = ctx.project.workspace.members;
  if (!c.edits.some((e) => e.path === root) || ctx.project.roots.length === members.length) return proof;
  if (cache.ctx === undefined) cache.ctx = wholeWorkspace(ctx);
  const wide = cache.ctx;
  if (!wide) return { ...proof, reasons: [...(proof.reasons ?? []), reason('membersNotChecked')] };
  const ids = wide.findings.filter((f) => f.package.name === crate).map((f) => f.id);
  const again = await proveEdits(wide, c.edits, ids, c.giveUp);
  return again.proven ? proof : { ...again, reasons: [reason('wholeWorkspace', {}, again.reasons)] };
}

function wholeWorkspace(ctx: ProofContext): ProofContext | null {
  const { project } = ctx;
  const selection = { ...project.selection, workspace: true, packages: undefined, exclude: undefined };
  let roots;
  try {
    roots = selectRoots(project.workspace, project.packages, selection);
  } catch {
    return null;
  }
  const wide = { ...project, selection, roots };
  const graphs = ctx.targets.map((t) => resolveTarget(wide, t, ctx.includeDev).graph);
  const findings = lint({ graphs, kb: ctx.kb, rules: ctx.rules, settings: ctx.settings, environments: ctx.environments, lockLocation: ctx.lockLocation, buildScripts: ctx.buildScripts });
  return { ...ctx, project: wide, graphs, findings };
}

/** `reasons` and their text, for a ProposedFix. */
function withReasons(reasons: FixReason[] | undefined): Pick<ProposedFix, 'reasons' | 'reason'> {
  return reasons?.length ? { reasons, reason: reasonsText(reasons) } : {};
}

function unfixable(target: NativeTarget, strategy: FixStrategy, findingIds: string[], reasons: FixReason[]): ProposedFix {
  const text = reasonsText(reasons);
  return {
    id: `${strategy}:${target.name}:${findingIds.join('+')}`,
    findingIds,
    strategy,
    title: `no proven fix for ${code(`${target.name} v${target.version}`)}`,
    description: text,
    edits: [],
    proven: false,
    reasons,
    reason: text,
    newCrates: [],
    lockfileCommand: null,
  };
}

function toFix(c: Candidate, proof: Proof, findingIds: string[], ctx: ProofContext): ProposedFix {
  return {
    id: `${c.strategy}:${c.deps.join(',')}:${findingIds.join('+')}`,
    findingIds,
    strategy: c.strategy,
    title: c.title,
    description: c.description,
    edits: c.edits,
    proven: proof.proven,
    ...withReasons(proof.reasons),
    newCrates: proof.newCrates,
    lockfileCommand: lockfileChanges(ctx, proof) ? LOCKFILE_COMMAND : null,
    ...(c.lost ? { lost: c.lost } : {}),
    ...(c.giveUp.size ? { giveUp: [...c.giveUp].sort() } : {}),
  };
}

/** True when Cargo.lock will differ: crates it lacks, or crates and edges of the graphs that come or go. */
function lockfileChanges(ctx: ProofContext, proof: Proof): boolean {
  if (proof.newCrates.length || proof.lockEdges?.length) return true;
  const sig = (graphs: ProofContext['graphs']) => {
    const s = new Set<string>();
    for (const g of graphs) for (const [from, edges] of g.edges) for (const e of edges) s.add(`${from}>${e.to}`);
    return s;
  };
  const a = sig(ctx.graphs);
  const b = sig(proof.graphs);
  return a.size !== b.size || [...a].some((x) => !b.has(x));
}

/**
 * Proves fixes together, as `--fix` applies them: the merged edits must
 * still prove out. When they do not, fixes are added one at a time and each
 * that breaks the combination is left out. Returns the fixes kept, the proof
 * of the combination, and those left out with the reason.
 */
export async function proveTogether(
  ctx: ProofContext,
  fixes: ProposedFix[],
): Promise<{ kept: ProposedFix[]; proof: Proof | null; dropped: { fix: ProposedFix; reason: Reason }[] }> {
  if (fixes.length === 0) return { kept: [], proof: null, dropped: [] };
  const prove = (fs: ProposedFix[]) =>
    proveEdits(ctx, mergeEdits(fs.map((f) => f.edits)), fs.flatMap((f) => f.findingIds), new Set(fs.flatMap((f) => f.giveUp ?? [])));
  const whole = await prove(fixes);
  if (whole.proven || fixes.length === 1) {
    return whole.proven ? { kept: fixes, proof: whole, dropped: [] } : { kept: [], proof: null, dropped: [{ fix: fixes[0]!, reason: whole.reasons?.[0] ?? reason('notProven') }] };
  }
  const kept: ProposedFix[] = [];
  const dropped: { fix: ProposedFix; reason: Reason }[] = [];
  let proof: Proof | null = null;
  for (const f of fixes) {
    const p = await prove([...kept, f]);
    if (p.proven) {
      kept.push(f);
      proof = p;
    } else dropped.push({ fix: f, reason: reason('together', {}, p.reasons) });
  }
  return { kept, proof, dropped };
}

export function findingLabel(f: Finding): string {
  return `${f.package.name} v${f.package.version} (${f.rule}, ${f.target})`;
}
