/** Command-line parsing as cargo (clap) does it: stacked short flags, `-pNAME`, errors naming the flag. */
import { describe, expect, it } from 'vitest';
import { parseArgs, type OptionSpec } from '../../cli/args.js';
import { UserError } from '../../src/errors.js';

const SPECS: OptionSpec[] = [
  { name: 'verbose', short: 'v', kind: 'count', help: '' },
  { name: 'quiet', short: 'q', kind: 'bool', help: '' },
  { name: 'package', short: 'p', kind: 'multi', value: 'SPEC', help: '' },
  { name: 'jobs', short: 'j', kind: 'string', value: 'N', help: '' },
];

describe('parseArgs', () => {
  it('counts -v, -vv and -vvv as cargo does', () => {
    expect(parseArgs(['-v'], SPECS, 'check').options.verbose).toBe(1);
    expect(parseArgs(['-vv'], SPECS, 'check').options.verbose).toBe(2);
    expect(parseArgs(['-vvv'], SPECS, 'check').options.verbose).toBe(3);
    expect(parseArgs(['-vv', '--verbose', '-v'], SPECS, 'check').options.verbose).toBe(4);
  });

  it('stacks flags before one that takes a value, which takes the rest or the next argument', () => {
    expect(parseArgs(['-qvpfoo'], SPECS, 'check').options).toEqual({ quiet: true, verbose: 1, package: ['foo'] });
    expect(parseArgs(['-vp', 'bar', '-j=4'], SPECS, 'check').options).toEqual({ verbose: 1, package: ['bar'], jobs: '4' });
    expect(parseArgs(['-pvv'], SPECS, 'check').options).toEqual({ package: ['vv'] });
  });

  it('an unknown short flag in a stack is named', () => {
    expect(() => parseArgs(['-vx'], SPECS, 'check')).toThrow(UserError);
    expect(() => parseArgs(['-vx'], SPECS, 'check')).toThrow("unexpected argument '-x' found");
    expect(() => parseArgs(['-x'], SPECS, 'check')).toThrow("unexpected argument '-x' found");
  });
});
