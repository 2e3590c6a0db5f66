/** Glob patterns of names, as cargo reads them with the `glob` crate. */
import { UserError } from '../errors.js';

/**
 * A glob of one name (a package name of `-p` and `--exclude`, a folder name
 * in a workspace's `members`) as the `glob` crate reads it: `*` any run of
 * characters, `?` one, `[abc]`, `[a-z]` and `[!abc]` one of (or none of) a set.
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  // `**` is a whole path component or nothing, and a name is one component.
  if (pattern.includes('**') && pattern !== '**') throw new UserError(`cannot build glob pattern from \`${pattern}\``);
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const negated = pattern[i + 1] === '!';
      const first = i + (negated ? 2 : 1);
      // A `]` right after `[` or `[!` is one of the set, not its end.
      const close = pattern.indexOf(']', first + 1);
      if (close < 0) throw new UserError(`cannot build glob pattern from \`${pattern}\``);
      const set = pattern.slice(first, close);
      // Ranges in any order: a reversed one (`b-a`) holds nothing, as for the glob crate.
      let cls = '';
      for (let j = 0; j < set.length; j++) {
        if (set[j + 1] === '-' && j + 2 < set.length) {
          if (set[j] <= set[j + 2]) cls += `${escInClass(set[j])}-${escInClass(set[j + 2])}`;
          j += 2;
        } else cls += escInClass(set[j]);
      }
      // A set left empty (only reversed ranges) matches nothing, or, negated, any one character.
      re += cls ? `[${negated ? '^' : ''}${cls}]` : negated ? '[\\s\\S]' : '(?!)';
      i = close;
    } else re += esc(c); // `]` outside a set too stands for itself
  }
  const compiled = new RegExp(`^${re}$`, 'u');
  return (name) => compiled.test(name);
}

/** A character escaped for a regular expression (`u` flag), outside a class and in one. */
const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escInClass = (c: string) => c.replace(/[\\\]^-]/g, '\\$&');
