/**
 * Evaluating `cfg(...)` expressions and target specs against a target's cfg
 * set, with the answers kept per target and the parses per spec.
 */
import { parsePlatform } from './parse.js';
import type { CfgExpr, Platform, TargetInfo } from './types.js';

/** Whether `expr` holds for the target. `true` and `false` are cfg literals (cargo >= 1.88). */
export function evalCfg(expr: CfgExpr, target: TargetInfo): boolean {
  switch (expr.kind) {
    case 'name':
      if (expr.name === 'true') return true;
      if (expr.name === 'false') return false;
      return target.names.has(expr.name);
    case 'keyvalue':
      return target.values.get(expr.key)?.has(expr.value) ?? false;
    case 'not':
      return !evalCfg(expr.arg, target);
    case 'all':
      return expr.args.every((arg) => evalCfg(arg, target));
    case 'any':
      return expr.args.some((arg) => evalCfg(arg, target));
  }
}

/**
 * Answers per target and spec. Keyed by the TargetInfo object, which
 * `targetInfo()` hands out once per triple, so an ad-hoc TargetInfo with a
 * different cfg set can never read another's answers.
 */
const answers = new WeakMap<TargetInfo, Map<string, boolean>>();

/** Parsed specs, shared by all targets (a run asks about the target and the host). */
const parsed = new Map<string, Platform>();

/**
 * Checks a target spec's syntax when a manifest is read, so that a typo is
 * reported at its table header; the parse is kept for `platformMatches`.
 * Throws CfgSyntaxError.
 */
export function checkPlatform(spec: string): void {
  if (!parsed.has(spec)) parsed.set(spec, parsePlatform(spec));
}

/**
 * Whether a target spec (`cfg(...)` or a triple, as in `[target.<spec>]`)
 * applies to the target. Throws CfgSyntaxError for a malformed spec.
 */
export function platformMatches(spec: string, target: TargetInfo): boolean {
  if (target.all) {
    // Still a syntax check, as for a real target.
    if (!parsed.has(spec)) parsed.set(spec, parsePlatform(spec));
    return true;
  }
  let known = answers.get(target);
  if (!known) answers.set(target, (known = new Map()));
  let answer = known.get(spec);
  if (answer === undefined) {
    let platform = parsed.get(spec);
    if (!platform) parsed.set(spec, (platform = parsePlatform(spec)));
    answer = platform.kind === 'cfg' ? evalCfg(platform.expr, target) : platform.triple === (target.base ?? target.triple);
    known.set(spec, answer);
  }
  return answer;
}
