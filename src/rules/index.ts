/** The rules `check` runs, in report order. */
import type { Rule } from './types.js';

export const RULES: Rule[] = [];
