/**
 * Version ranges of the knowledge base: comparators with an operator and a
 * full version, separated by spaces or commas, `||` between alternatives;
 * pre-releases compare by their order.
 */
import Range from 'semver/classes/range.js';
import valid from 'semver/functions/valid.js';

const COMPARATOR = /^(?:>=|<=|>|<|=|\^|~)?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const rangeCache = new Map<string, Range | null>();

/** Parses a knowledge-base range; null when it is not one (every comparator needs an operator and a full version). */
export function parseVersionRange(text: string): Range | null {
  let r = rangeCache.get(text);
  if (r !== undefined) return r;
  r = null;
  const alternatives = text.split('||').map((a) => a.split(/[\s,]+/).filter(Boolean));
  const ok = alternatives.length > 0 && alternatives.every((a) => a.length > 0 && a.every((c) => c === '*' || (COMPARATOR.test(c) && /^[<>=^~]/.test(c))));
  if (ok) {
    try {
      r = new Range(alternatives.map((a) => a.join(' ')).join(' || '), { includePrerelease: true });
    } catch {
      r = null;
    }
  }
  rangeCache.set(text, r);
  return r;
}

/** True when `version` is in the knowledge-base range `range` (false for an unparsable version or range). */
export function versionIn(version: string, range: string): boolean {
  const r = parseVersionRange(range);
  return r !== null && valid(version) !== null && r.test(version);
}
