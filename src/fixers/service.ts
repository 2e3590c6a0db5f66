/**
 * The fix service: given a project (its check: graphs, findings, lint
 * settings), the targets and the options, every candidate fix for every
 * native crate reported, each with what became of it (applied, proven,
 * not proven with every reason, refused), the edits as rendered text, the
 * Cargo.lock change and what remains. `fix`, `check` (its help lines and
 * every report format) and the triage screen only present this plan; none
 * assembles fixes of its own.
 */
import type { Finding } from '../rules/types.js';
import { resolveTarget, selectRoots } from '../resolve/index.js';
import { LOCK_UPDATE_COMMAND } from '../resolve/packages.js';
import { mergeEdits, parsedTexts, renderChanges } from './apply.js';
import { disableCandidates } from './disable.js';
import { pinCandidates } from './pin.js';
import { aboutEnvironment, lintGraphs, memberBuilds, proveEdits, type Proof, type ProofContext } from './prove.js';
import { reason, reasonText, reasonsText, type FixReason, type Reason, type ReasonId } from './reasons.js';
import { staticCandidates } from './static.js';
import { code, type Candidate, type NativeTarget, type PinScope, type StrategyInput, type StrategyResult } from './strategy.js';
import { switchCandidates } from './switch.js';
import type { FileChange, FixStrategy, ProposedFix } from './types.js';

export type StrategyChoice = 'switch' | 'static' | 'pin' | 'auto';

export interface FixOptions {
  /** `auto` (the default): switch, static, pin, the first that proves out; else that strategy alone. */
  strategy?: StrategyChoice;
  pinScope?: PinScope;
  /** `--locked` or `--frozen` as given: only fixes that leave Cargo.lock as it is are applied. */
  lock?: string | null;
  /** Apply, where nothing is proven, a fix that could not be proven for want of crate metadata (`--allow-unproven`). */
  allowUnproven?: boolean;
}

/** Every fix tried for one native crate. */
export interface CrateFixes {
  name: string;
  version: string;
  /** The findings about it (one per target where it is reported). */
  findingIds: string[];
  /** Every entry, in the order tried: the candidates of each strategy, or its refusal. */
  fixes: ProposedFix[];
  /** The fix `fix` applies for it (`applied` or `not-applied`), or null. */
  chosen: ProposedFix | null;
}

export interface LockfileChange {
  /** The command that brings Cargo.lock in line (it moves nothing else). */
  command: string;
  /** Crates it adds, `name version`. */
  newCrates: string[];
  /** Dependencies it adds between packages it holds, `from -> to`. */
  newDependencies: string[];
}

export interface FixPlan {
  strategy: StrategyChoice;
  lock: string | null;
  crates: CrateFixes[];
  /** Every entry of every crate, in order. */
  fixes: ProposedFix[];
  /** What `fix` writes (and `--dry-run` shows), proven together. */
  applied: ProposedFix[];
  /** Chosen but left out, each with `notApplied`. */
  notApplied: ProposedFix[];
  /** Crates with no fix chosen, with every reason (refusals and unproven candidates, each once). */
  notFixed: { crate: CrateFixes; why: FixReason[] }[];
  /** Proven fixes that turn a feature off: never applied. */
  suggestions: ProposedFix[];
  /** The manifests as the applied fixes leave them. */
  changes: FileChange[];
  lockfile: LockfileChange | null;
  /** What to run after the edits besides the lockfile command (`cargo vendor` …), each once. */
  then: string[];
  /** The findings after the applied fixes. */
  remaining: Finding[];
}

/** The proof of each proven candidate: a fix applied alone needs no second proof. */
const PROOFS = new WeakMap<ProposedFix, Proof>();

const BUILDERS: Record<FixStrategy, (input: StrategyInput) => StrategyResult> = {
  switch: switchCandidates,
  static: staticCandidates,
  pin: pinCandidates,
  disable: disableCandidates,
};

/** The command that brings Cargo.lock in line with the edited manifests without moving other locked versions. */
export const LOCKFILE_COMMAND = LOCK_UPDATE_COMMAND;

/** Reasons that say only that crate metadata was missing: the fix is undecided, not wrong. */
const UNDECIDED: ReadonlySet<ReasonId> = new Set(['lockfileLacks', 'vendorLacksOffline', 'weakDependenciesMissing', 'metadataUnreadable']);

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
    // A problem only members built on their own have is fixed where those builds have it.
    const graphs = f.builtAlone ? memberBuilds(ctx).flatMap((b) => (f.builtAlone!.includes(b.name) ? b.graphs : [])) : ctx.graphs;
    for (const graph of graphs) {
      if (graph.target !== f.target) continue;
      const pkg = graph.packages.get(f.packageKey);
      if (pkg && !t.graphs.some((g) => g.graph === graph)) t.graphs.push({ graph, pkg });
    }
  }
  return [...byKey.values()].filter((t) => t.graphs.length > 0);
}

/** Reasons, each once (by text), in order. */
export function uniqueReasons<R extends FixReason>(rs: readonly R[]): R[] {
  const seen = new Set<string>();
  return rs.filter((r) => {
    const t = reasonText(r);
    if (seen.has(t)) return false;
    seen.add(t);
    return true;
  });
}

/**
 * The plan: for each native crate reported, the candidates of every strategy
 * asked for (with `auto`: switch, static and pin, each proven, so that every
 * help line can say whether it is proven; the feature to turn off only when
 * none of them proves out), the first proven one chosen, the chosen ones
 * proven together (and, under `--locked`, only those that leave Cargo.lock as
 * it is), rendered, with the lockfile change and what remains.
 */
export async function planFixes(ctx: ProofContext, opts: FixOptions = {}): Promise<FixPlan> {
  const strategy = opts.strategy ?? 'auto';
  const auto = strategy === 'auto';
  const order: FixStrategy[] = auto ? ['switch', 'static', 'pin'] : [strategy];
  const widened: { ctx?: ProofContext | null } = {};
  // Each crate's candidates are proven at once, and the crates at once: a proof that brings new crates
  // waits for their index files, and proofs waiting together wait once. Results keep their order.
  const crates = await Promise.all(
    fixableFindings(ctx).map(async (target): Promise<CrateFixes> => {
      const builds = memberBuilds(ctx);
      const linking = builds.length
        ? new Set(builds.filter((b) => b.findings.some((f) => target.findings.some((t) => t.rule === f.rule && t.package.name === f.package.name))).map((b) => b.key))
        : undefined;
      const input: StrategyInput = { project: ctx.project, kb: ctx.kb, target, targets: ctx.targets, pinScope: opts.pinScope ?? 'all', ...(linking ? { linking } : {}) };
      const findingIds = target.findings.map((f) => f.id);
      const entry: CrateFixes = { name: target.name, version: target.version, findingIds, fixes: [], chosen: null };
      const tryStrategy = async (s: FixStrategy): Promise<ProposedFix[]> => {
        const res = BUILDERS[s](input);
        // A strategy's refusals are its reasons only when it has no candidate: a static option reached
        // through one dependency holds for every other through feature unification.
        if (!res.candidates.length) return [refused(target, s, findingIds, res.refused.length ? res.refused : [reason('noStrategy', { crate: target.name })])];
        return Promise.all(
          res.candidates.map(async (c) => {
            let proof = await proveEdits(ctx, c.edits, findingIds, c.giveUp, c.narrows);
            if (proof.proven) proof = await proveForWholeWorkspace(ctx, c, proof, target.name, widened);
            const fix = toFix(c, proof, target, findingIds, ctx);
            if (proof.proven) PROOFS.set(fix, proof);
            return fix;
          }),
        );
      };
      for (const fixes of await Promise.all(order.map(tryStrategy))) entry.fixes.push(...fixes);
      const proven = entry.fixes.find((f) => f.proven);
      if (auto && !proven) entry.fixes.push(...(await tryStrategy('disable')));
      entry.chosen = proven ?? (opts.allowUnproven ? (entry.fixes.find((f) => f.undecided && f.strategy !== 'disable') ?? null) : null);
      return entry;
    }),
  );

  const chosen = crates.flatMap((c) => (c.chosen ? [c.chosen] : []));
  const { kept, proof, dropped } = await keepTogether(
    ctx,
    chosen.filter((f) => f.proven),
    opts.lock ?? null,
  );
  // Fixes no proof could decide (for want of metadata) go with the proven ones only when asked for.
  const unproven = chosen.filter((f) => !f.proven);
  const applied = [...kept, ...unproven];
  for (const f of applied) f.status = 'applied';
  for (const d of dropped) {
    d.fix.status = 'not-applied';
    d.fix.notApplied = d.reason;
  }
  for (const c of crates) {
    for (const f of c.fixes) {
      if (f.status === 'applied' || f.status === 'not-applied' || f.status === 'refused') continue;
      if (f.strategy === 'disable') f.status = f.proven ? 'suggestion' : 'not-proven';
      else f.status = f.proven ? 'proven' : 'not-proven';
    }
  }
  const changes = renderChanges(applied, ctx.read ?? parsedTexts(ctx.project.workspace));
  let lockfile: LockfileChange | null = null;
  const lockChanging = applied.filter((f) => f.lockfileCommand);
  if (lockChanging.length) {
    lockfile = {
      command: lockChanging[0]!.lockfileCommand!,
      newCrates: [...new Set([...(proof?.newCrates ?? kept.flatMap((f) => f.newCrates)), ...unproven.flatMap((f) => f.newCrates)])],
      newDependencies: proof?.lockEdges ?? [],
    };
  }
  const notFixed = crates
    .filter((c) => !c.chosen)
    .map((crate) => ({
      crate,
      why: uniqueReasons(crate.fixes.filter((f) => f.strategy !== 'disable').flatMap((f) => (f.reasons?.length ? f.reasons.map((r) => labelled(f, r)) : [labelled(f, reason('notProven'))]))),
    }));
  return {
    strategy,
    lock: opts.lock ?? null,
    crates,
    fixes: crates.flatMap((c) => c.fixes),
    applied,
    notApplied: dropped.map((d) => d.fix),
    notFixed,
    suggestions: crates.flatMap((c) => c.fixes.filter((f) => f.status === 'suggestion')),
    changes,
    lockfile,
    then: [...new Set(applied.flatMap((f) => f.then ?? []))],
    remaining: proof ? proof.after : ctx.findings,
  };
}

/** A reason of an entry with its strategy and, for a candidate, its title in front. */
function labelled(f: ProposedFix, r: FixReason): FixReason {
  return { ...r, strategy: r.strategy ?? f.strategy, ...(f.status !== 'refused' && !r.candidate ? { candidate: f.title } : {}) };
}

/**
 * Why the chosen fix of a crate is not of an earlier strategy (auto mode):
 * the earlier entries' reasons, each labelled with its strategy and
 * candidate, once each. Empty when the chosen fix is the first entry.
 */
export function passedOver(crate: CrateFixes): FixReason[] {
  if (!crate.chosen) return [];
  const before = crate.fixes.slice(0, crate.fixes.indexOf(crate.chosen)).filter((f) => f.strategy !== crate.chosen!.strategy && !f.proven);
  return uniqueReasons(before.flatMap((f) => (f.reasons ?? [reason('notProven')]).map((r) => labelled(f, r))));
}

function refused(target: NativeTarget, strategy: FixStrategy, findingIds: string[], reasons: Reason[]): ProposedFix {
  const why = uniqueReasons(reasons.map((r) => ({ ...r, strategy })));
  return {
    id: `${strategy}:${target.name}:${findingIds.join('+')}`,
    crate: { name: target.name, version: target.version },
    status: 'refused',
    findingIds,
    strategy,
    title: `no ${STRATEGY_WORDS[strategy]} for ${code(`${target.name} v${target.version}`)}`,
    description: reasonsText(why.map((r) => ({ ...r, strategy: undefined }))),
    edits: [],
    proven: false,
    reasons: why,
    reason: reasonsText(why),
    newCrates: [],
    lockfileCommand: null,
  };
}

const STRATEGY_WORDS: Record<FixStrategy, string> = {
  switch: 'backend switch',
  static: 'static option to turn on',
  pin: 'pin',
  disable: 'feature to turn off',
};

function toFix(c: Candidate, proof: Proof, target: NativeTarget, findingIds: string[], ctx: ProofContext): ProposedFix {
  const reasons = uniqueReasons(proof.reasons ?? []);
  const undecided = !proof.proven && reasons.length > 0 && reasons.every((r) => UNDECIDED.has(r.id));
  return {
    id: `${c.strategy}:${c.deps.join(',')}:${findingIds.join('+')}`,
    crate: { name: target.name, version: target.version },
    status: proof.proven ? 'proven' : 'not-proven',
    findingIds,
    strategy: c.strategy,
    title: c.title,
    description: c.description,
    edits: c.edits,
    proven: proof.proven,
    ...(undecided ? { undecided } : {}),
    ...(reasons.length ? { reasons, reason: reasonsText(reasons) } : {}),
    newCrates: proof.newCrates,
    lockfileCommand: lockfileChanges(ctx, proof) ? LOCKFILE_COMMAND : null,
    ...(c.needs ? { needs: c.needs } : {}),
    ...(proof.then?.length ? { then: proof.then } : {}),
    ...(c.lost ? { lost: c.lost } : {}),
    ...(c.giveUp.size ? { giveUp: [...c.giveUp].sort() } : {}),
  };
}

/**
 * A fix that edits the root's `[workspace.dependencies]` changes every member
 * inheriting the entry, selected or not: it is proven again with the whole
 * workspace selected, so no member loses a feature or gains a problem.
 */
async function proveForWholeWorkspace(ctx: ProofContext, c: Candidate, proof: Proof, crate: string, cache: { ctx?: ProofContext | null }): Promise<Proof> {
  const root = ctx.project.workspace.rootManifestPath;
  const members = ctx.project.workspace.members;
  if (!c.edits.some((e) => e.path === root) || ctx.project.roots.length === members.length) return proof;
  if (cache.ctx === undefined) cache.ctx = wholeWorkspace(ctx);
  const wide = cache.ctx;
  if (!wide) return { ...proof, reasons: [...(proof.reasons ?? []), reason('membersNotChecked')] };
  const ids = wide.findings.filter((f) => f.package.name === crate).map((f) => f.id);
  const again = await proveEdits(wide, c.edits, ids, c.giveUp, c.narrows);
  return again.proven ? proof : { ...again, reasons: [reason('wholeWorkspace', {}, again.reasons)] };
}

function wholeWorkspace(ctx: ProofContext): ProofContext | null {
  const { project } = ctx;
  const selection = { ...project.selection, workspace: true, packages: undefined, exclude: undefined };
  let roots: ReturnType<typeof selectRoots>;
  try {
    roots = selectRoots(project.workspace, project.packages, selection);
  } catch {
    return null;
  }
  const wide = { ...project, selection, roots };
  const graphs = ctx.targets.map((t) => resolveTarget(wide, t, ctx.includeDev).graph);
  const findings = lintGraphs(ctx, graphs);
  return { ...ctx, project: wide, graphs, findings };
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
 * Proves fixes together, as `fix` applies them: the merged edits must still
 * prove out. When they do not, fixes are added one at a time and each that
 * breaks the combination is left out. Returns the fixes kept, the proof of
 * the combination, and those left out with the reason.
 */
export async function proveTogether(ctx: ProofContext, fixes: ProposedFix[]): Promise<{ kept: ProposedFix[]; proof: Proof | null; dropped: { fix: ProposedFix; reason: Reason }[] }> {
  if (fixes.length === 0) return { kept: [], proof: null, dropped: [] };
  const alone = fixes.length === 1 ? PROOFS.get(fixes[0]!) : undefined;
  if (alone?.proven) return { kept: fixes, proof: alone, dropped: [] };
  const prove = (fs: ProposedFix[]) =>
    proveEdits(
      ctx,
      mergeEdits(fs.map((f) => f.edits)),
      fs.flatMap((f) => f.findingIds),
      new Set(fs.flatMap((f) => f.giveUp ?? [])),
    );
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

/**
 * The proven fixes applied together (`proveTogether`). With `--locked` (as
 * for `cargo add --locked`), only those that leave Cargo.lock as it is, alone
 * and taken together; the others are dropped with the reason. The triage
 * screen applies the fixes a user selects through this too.
 */
export async function keepTogether(
  ctx: ProofContext,
  proven: ProposedFix[],
  lock: string | null,
): Promise<{ kept: ProposedFix[]; proof: Proof | null; dropped: { fix: ProposedFix; reason: Reason }[] }> {
  const allowed = lock ? proven.filter((p) => !p.lockfileCommand) : proven;
  const together = await proveTogether(ctx, allowed);
  const dropped = [...together.dropped, ...proven.filter((p) => !allowed.includes(p)).map((fix) => ({ fix, reason: reason('changesLockfile', { flag: lock! }) }))];
  if (lock && together.proof && (together.proof.newCrates.length || together.proof.lockEdges?.length)) {
    const why = reason('togetherChangesLockfile', { flag: lock });
    return { kept: [], proof: null, dropped: [...dropped, ...together.kept.map((fix) => ({ fix, reason: why }))] };
  }
  return { kept: together.kept, proof: together.proof, dropped };
}
