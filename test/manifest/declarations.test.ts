/**
 * Option declarations: one declaration per option gives the parsed value's
 * type, the checks of its value (in clap's words), conflicts, requirements,
 * suggestions and the help text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { helpText, parseArgs, positiveInteger, readArgs, type OptionSpec } from '../../cli/args.js';
import { commandHelp } from '../../cli/commands/command.js';
import { checkCommand } from '../../cli/commands/check.js';
import { COMMON_OPTIONS } from '../../cli/common.js';
import { CHECK_OPTIONS } from '../../cli/run/options.js';
import { UserError } from '../../src/errors.js';

const OPTIONS = [
  { name: 'verbose', short: 'v', kind: 'count', help: 'More' },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'Less' },
  { name: 'package', short: 'p', kind: 'multi', value: 'SPEC', help: 'Packages' },
  { name: 'features', short: 'F', kind: 'multi', value: 'FEATURES', help: 'Features' },
  { name: 'jobs', short: 'j', kind: 'string', value: 'N', parse: positiveInteger, help: 'Jobs' },
  { name: 'level', kind: 'string', value: 'LEVEL', choices: ['error', 'warning'], default: 'error', help: 'Level' },
  { name: 'format', kind: 'multi', value: 'FORMAT', choices: ['human', 'json'], usageHint: true, help: 'Format' },
  { name: 'output', short: 'o', kind: 'multi', value: 'FILE', help: 'Output' },
  { name: 'invert', kind: 'string', value: 'SPEC', conflicts: [{ option: 'format', value: 'json', note: 'use why' }], help: 'Invert' },
  { name: 'workspace', kind: 'bool', help: 'All members' },
  { name: 'exclude', kind: 'multi', value: 'SPEC', requires: ['workspace'], help: 'Leave out' },
  { name: 'help', short: 'h', kind: 'bool', help: 'Print help' },
] as const satisfies readonly OptionSpec[];

const parse = (argv: string[]) => parseArgs(argv, OPTIONS, 'demo', [{ name: '[PATH]' }]);
const refusal = (argv: string[]): { message: string; help?: string } => {
  try {
    parse(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return { message: (e as UserError).message, help: (e as UserError).help };
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};
const HINT = "for more information, try 'cargo-preflight demo --help'";

describe('parsing with a declaration', () => {
  it("keeps cargo's conventions: --flag=value, -pNAME, stacked flags, -j=4, -- ends the options", () => {
    const p = parse(['-qvv', '-pfoo', '--package=bar', '-qF', 'x y', '-j=4', '--', '--not-an-option']);
    expect(p.options).toEqual({ quiet: true, verbose: 2, package: ['foo', 'bar'], features: ['x y'], jobs: 4, level: 'error' });
    expect(p.positionals).toEqual(['--not-an-option']);
  });

  it('gives the options in the order given (for options that pair up)', () => {
    const p = parse(['--format', 'json', '-o', 'a', '--format=human', '-ob']);
    expect(p.given).toEqual([
      { name: 'format', value: 'json' },
      { name: 'output', value: 'a' },
      { name: 'format', value: 'human' },
      { name: 'output', value: 'b' },
    ]);
    expect(p.options.format).toEqual(['json', 'human']);
  });

  it('applies defaults only to what is not given, and leaves the rest out', () => {
    expect(parse([]).options).toEqual({ level: 'error' });
    expect(parse(['--level', 'warning']).options.level).toBe('warning');
  });

  it('refuses a value outside the choices as clap does, with the possible values', () => {
    expect(refusal(['--level', 'info'])).toEqual({ message: "invalid value 'info' for '--level <LEVEL>' [possible values: error, warning]", help: undefined });
    // An option whose errors end with the --help hint.
    expect(refusal(['--format', 'xml'])).toEqual({ message: "invalid value 'xml' for '--format <FORMAT>' [possible values: human, json]", help: HINT });
  });

  it("refuses what its parser refuses, in the parser's words", () => {
    expect(refusal(['-j', '0']).message).toBe("invalid value '0' for '--jobs <N>': a positive integer is expected");
  });

  it('refuses an unknown option, suggesting a similar one', () => {
    expect(refusal(['--pakage', 'x'])).toEqual({ message: "unexpected argument '--pakage' found", help: "a similar argument exists: '--package'" });
    expect(refusal(['--frobnicate=3'])).toEqual({ message: "unexpected argument '--frobnicate=3' found", help: HINT });
    expect(refusal(['-x']).message).toBe("unexpected argument '-x' found");
    expect(refusal(['-vx']).message).toBe("unexpected argument '-x' found");
  });

  it('refuses a missing value and a value given to a flag', () => {
    expect(refusal(['--jobs'])).toEqual({ message: "a value is required for '--jobs <N>' but none was supplied", help: HINT });
    expect(refusal(['-qp'])).toEqual({ message: "a value is required for '--package <SPEC>' but none was supplied", help: HINT });
    // As clap: an option after it is not its value.
    expect(refusal(['--jobs', '--quiet'])).toEqual({ message: "a value is required for '--jobs <N>' but none was supplied", help: HINT });
    expect(refusal(['-p', '-q'])).toEqual({ message: "a value is required for '--package <SPEC>' but none was supplied", help: HINT });
    expect(refusal(['--quiet=yes']).message).toBe("unexpected value 'yes' for '--quiet' found; no more were expected");
  });

  it('refuses a conflict (here with one value of the other option) and a missing requirement', () => {
    expect(refusal(['--invert', 'a', '--format', 'json']).message).toBe("the argument '--invert <SPEC>' cannot be used with '--format json' (use why)");
    expect(parse(['--invert', 'a', '--format', 'human']).options.invert).toBe('a');
    expect(refusal(['--exclude', 'a']).message).toBe('--exclude can only be used together with --workspace');
    expect(parse(['--exclude', 'a', '--workspace']).options.exclude).toEqual(['a']);
  });

  it('refuses positionals beyond those declared, and a missing required one; --help is not refused for them', () => {
    expect(refusal(['a', 'b']).message).toBe("unexpected argument 'b' found");
    const why = (argv: string[]) => parseArgs(argv, OPTIONS, 'why', [{ name: '<CRATE>', required: true }]);
    expect(() => why([])).toThrow('the following required arguments were not provided: <CRATE>');
    expect(why(['--help']).options.help).toBe(true);
  });

  it('reads without refusing: what is understood, and each problem in order (an argument with an unknown flag is not read)', () => {
    const read = readArgs(['-v', '--bogus', '-qx', '--level', 'info', '--color=never'], OPTIONS, 'demo');
    expect(read.options).toEqual({ verbose: 1, level: 'error' });
    expect(read.problems.map((p) => p.message)).toEqual([
      "unexpected argument '--bogus' found",
      "unexpected argument '-x' found",
      "invalid value 'info' for '--level <LEVEL>' [possible values: error, warning]",
      "unexpected argument '--color=never' found",
    ]);
    expect(readArgs(['-vv', '--color', 'x'], COMMON_OPTIONS).options).toEqual({ verbose: 2, color: 'x' });
  });
});

describe('help from the declaration', () => {
  it('lists every option with its short form and value name, in declaration order', () => {
    const text = helpText('About', 'cargo-preflight demo [OPTIONS]', OPTIONS);
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual(['About', '', 'Usage: cargo-preflight demo [OPTIONS]', '', 'Options:']);
    expect(lines[5]).toBe(`  ${'-v, --verbose'.padEnd(34)} More`);
    expect(lines[7]).toBe(`  ${'-p, --package <SPEC>'.padEnd(34)} Packages`);
    expect(lines[9]).toBe(`  ${'-j, --jobs <N>'.padEnd(34)} Jobs`);
    expect(lines[15]).toBe(`  ${'    --exclude <SPEC>'.padEnd(34)} Leave out`);
    expect(lines.length).toBe(5 + OPTIONS.length + 1);
  });

  it("a command's help is its declaration's: usage, then each of its options", () => {
    const text = commandHelp(checkCommand);
    expect(text.startsWith(`${checkCommand.about}\n\nUsage: cargo-preflight check [OPTIONS] [PATH]\n`)).toBe(true);
    for (const o of CHECK_OPTIONS) expect(text).toContain(`--${o.name}${'value' in o ? ` <${o.value}>` : ''}`);
  });
});

describe('types from the declaration', () => {
  // The parsed options are typed from the declaration, without casts: checked by the compiler itself.
  const compile = (body: string): string[] => {
    const dir = mkdtempSync(join(tmpdir(), 'cargo-preflight-decl-'));
    const file = join(dir, 'use.ts');
    const args = resolve(__dirname, '../../cli/args.js');
    writeFileSync(
      file,
      `import { parseArgs, positiveInteger, type OptionSpec } from ${JSON.stringify(args)};\n` +
        `const D = [\n` +
        `  { name: 'jobs', kind: 'string', value: 'N', parse: positiveInteger, help: '' },\n` +
        `  { name: 'level', kind: 'string', value: 'L', choices: ['error', 'warning'], default: 'error', help: '' },\n` +
        `  { name: 'format', kind: 'multi', value: 'F', choices: ['human', 'json'], help: '' },\n` +
        `  { name: 'verbose', short: 'v', kind: 'count', help: '' },\n` +
        `  { name: 'quiet', kind: 'bool', help: '' },\n` +
        `  { name: 'target', kind: 'multi', value: 'T', help: '' },\n` +
        `] as const satisfies readonly OptionSpec[];\n` +
        `const o = parseArgs([], D, 'demo').options;\n${body}\n`,
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [resolve(__dirname, '../../node_modules/@types')],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };

  it('infers each value: parsed, chosen, defaulted, repeated, counted, flagged', () => {
    const ok = compile(
      [
        'const jobs: number | undefined = o.jobs;',
        "const level: 'error' | 'warning' = o.level;",
        "const format: ('human' | 'json')[] | undefined = o.format;",
        'const verbose: number | undefined = o.verbose;',
        'const quiet: boolean | undefined = o.quiet;',
        'const target: string[] | undefined = o.target;',
        'export { jobs, level, format, verbose, quiet, target };',
      ].join('\n'),
    );
    expect(ok).toEqual([]);
  }, 60_000);

  it('refuses what the declaration does not give', () => {
    const errors = compile(['const jobs: string | undefined = o.jobs;', "const level: 'info' = o.level;", 'const nope = o.nope;', 'export { jobs, level, nope };'].join('\n'));
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/'number \| undefined' is not assignable to type 'string \| undefined'/);
    expect(errors.join('\n')).toMatch(/Property 'nope' does not exist/);
  }, 60_000);
});
