/** The fix engine of `--fix`, as the triage screen uses it. */
import type { ParsedArgs } from '../args.js';
import type { FixEngine } from './session.js';

export function fixEngine(_args: ParsedArgs): FixEngine | null {
  return null;
}
