import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CfgSyntaxError, formatCfgExpr, parseCfgExpr, parsePlatform, type CfgExpr } from '../../src/cfg/index.js';

const name = (n: string): CfgExpr => ({ kind: 'name', name: n });
const kv = (key: string, value: string): CfgExpr => ({ kind: 'keyvalue', key, value });
const all = (...args: CfgExpr[]): CfgExpr => ({ kind: 'all', args });
const any = (...args: CfgExpr[]): CfgExpr => ({ kind: 'any', args });
const not = (arg: CfgExpr): CfgExpr => ({ kind: 'not', arg });

function syntaxError(fn: () => unknown): CfgSyntaxError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CfgSyntaxError);
    return e as CfgSyntaxError;
  }
  throw new Error('expected a CfgSyntaxError');
}

describe('parseCfgExpr', () => {
  it.each<[string, CfgExpr]>([
    // cargo-platform's tests/test_cfg.rs
    ['foo', name('foo')],
    ['_bar', name('_bar')],
    [' foo', name('foo')],
    [' foo  ', name('foo')],
    [' foo  = "bar"', kv('foo', 'bar')],
    ['foo=""', kv('foo', '')],
    [' foo="3"      ', kv('foo', '3')],
    ['foo = "3 e"', kv('foo', '3 e')],
    ['all()', all()],
    ['all(a)', all(name('a'))],
    ['all(a, b)', all(name('a'), name('b'))],
    ['all(a, )', all(name('a'))],
    ['not(a = "b")', not(kv('a', 'b'))],
    ['not(all(a))', not(all(name('a')))],
    // spaces anywhere between tokens
    ['  any (  unix ,target_os=  "wasi" , )  ', any(name('unix'), kv('target_os', 'wasi'))],
    ['any()', any()],
    ['target_pointer_width = "64"', kv('target_pointer_width', '64')],
    ['x86_64', name('x86_64')],
    // raw identifiers name the same cfg; `r#all` is a name, not the operator
    ['r#unix', name('unix')],
    ['r#all', name('all')],
    ['any(r#not, r#any = "x")', any(name('not'), kv('any', 'x'))],
    ['r', name('r')],
    // boolean literals are names that evalCfg knows
    ['not(true)', not(name('true'))],
    ['any(false)', any(name('false'))],
    // strings have no escapes: they end at the next quote, backslashes included
    ['foo = "a\\"', kv('foo', 'a\\')],
    ['foo = "a\\nb"', kv('foo', 'a\\nb')],
    ['foo = "(,=)"', kv('foo', '(,=)')],
    ['foo = "ünï ✓"', kv('foo', 'ünï ✓')],
  ])('%s', (text, expected) => {
    expect(parseCfgExpr(text)).toEqual(expected);
  });

  it.each<[string, string, number]>([
    // cargo-platform's tests/test_cfg.rs
    [' ', 'expected start of a cfg expression, but cfg expression ended', 1],
    [' all', 'expected `(`, but cfg expression ended', 4],
    ['all(a', 'expected `)`, but cfg expression ended', 5],
    ['not', 'expected `(`, but cfg expression ended', 3],
    ['not(a', 'expected `)`, but cfg expression ended', 5],
    ['a = ', 'expected a string, but cfg expression ended', 4],
    ['all(not())', 'expected identifier, found `)`', 8],
    ['foo(a)', 'unexpected content `(a)` found after cfg expression', 3],
    ['\t', 'unexpected character `\t` in cfg, expected parens, a comma, an identifier, or a string', 0],
    ['7', 'unexpected character `7` in cfg, expected parens, a comma, an identifier, or a string', 0],
    ['=', 'expected identifier, found `=`', 0],
    [',', 'expected identifier, found `,`', 0],
    ['(', 'expected identifier, found `(`', 0],
    ['foo (', 'unexpected content `(` found after cfg expression', 4],
    ['bar =', 'expected a string, but cfg expression ended', 5],
    ['bar = "', 'unterminated string in cfg', 6],
    ['foo, bar', 'unexpected content `, bar` found after cfg expression', 3],
    // more
    ['', 'expected start of a cfg expression, but cfg expression ended', 0],
    ['all(a b)', 'expected `)`, found an identifier', 6],
    ['any(a,, b)', 'expected identifier, found `,`', 6],
    ['not(a, b)', 'expected `)`, found `,`', 5],
    ['not()', 'expected identifier, found `)`', 4],
    ['all(a', 'expected `)`, but cfg expression ended', 5],
    ['all(unix))', 'unexpected content `)` found after cfg expression', 9],
    ['a = b', 'expected a string, found an identifier', 4],
    ['"x"', 'expected identifier, found a string', 0],
    ['all(a, "b c")', 'expected identifier, found a string', 7],
    ['all(a) "b c"', 'unexpected content `"b c"` found after cfg expression', 7],
    ['foo $', 'unexpected content `$` found after cfg expression', 4],
    ['all(foo $)', 'unexpected character `$` in cfg, expected parens, a comma, an identifier, or a string', 8],
    ['any(unix,\twindows)', 'unexpected character `\t` in cfg, expected parens, a comma, an identifier, or a string', 9],
    ['r#', 'expected identifier, but cfg expression ended', 2],
    ['r#1', 'unexpected character `1` in cfg, expected parens, a comma, an identifier, or a string', 2],
    ['all(😀)', 'unexpected character `😀` in cfg, expected parens, a comma, an identifier, or a string', 4],
    ['target_os = "linux', 'unterminated string in cfg', 12],
  ])('rejects %j', (text, reason, offset) => {
    const e = syntaxError(() => parseCfgExpr(text));
    expect(e.reason).toBe(reason);
    expect(e.offset).toBe(offset);
    expect(e.expression).toBe(text);
    expect(e.message).toBe(`failed to parse \`${text}\` as a cfg expression: ${reason}`);
  });
});

describe('parsePlatform', () => {
  it('reads cfg(...) and triples', () => {
    expect(parsePlatform('cfg(unix)')).toEqual({ kind: 'cfg', expr: name('unix') });
    expect(parsePlatform('cfg(any(windows, target_os = "wasi"))')).toEqual({
      kind: 'cfg',
      expr: any(name('windows'), kv('target_os', 'wasi')),
    });
    expect(parsePlatform('x86_64-pc-windows-msvc')).toEqual({ kind: 'triple', triple: 'x86_64-pc-windows-msvc' });
    expect(parsePlatform('thumbv8m.main-none-eabihf')).toEqual({ kind: 'triple', triple: 'thumbv8m.main-none-eabihf' });
    // cargo accepts any Unicode alphanumeric in a target name
    expect(parsePlatform('ärm-ünknown')).toEqual({ kind: 'triple', triple: 'ärm-ünknown' });
  });

  it('gives offsets into the whole spec', () => {
    const e = syntaxError(() => parsePlatform('cfg(all(unix, ))x)'));
    expect(e.reason).toBe('unexpected content `)x` found after cfg expression');
    expect(e.expression).toBe('all(unix, ))x');
    expect(e.offset).toBe(15);
    expect(syntaxError(() => parsePlatform('cfg()')).offset).toBe(4);
  });

  it.each<[string, string, number]>([
    ['any(cfg(unix), cfg(windows))', 'invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`', 3],
    ['!foo', 'invalid target specifier: unexpected character ! in target name', 0],
    ['cfg(unix', 'invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`', 3],
    ['cfg(', 'invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`', 3],
    ['x86_64 linux', 'invalid target specifier: unexpected character   in target name', 6],
  ])('rejects target name %j', (spec, reason, offset) => {
    const e = syntaxError(() => parsePlatform(spec));
    expect(e.reason).toBe(reason);
    expect(e.offset).toBe(offset);
    expect(e.message).toBe(`failed to parse \`${spec}\` as a cfg expression: ${reason}`);
  });
});

describe('formatCfgExpr', () => {
  it('prints like cargo', () => {
    expect(formatCfgExpr(parseCfgExpr(' all(unix,any( a="1" ,b),not(c), ) '))).toBe('all(unix, any(a = "1", b), not(c))');
    expect(formatCfgExpr(all())).toBe('all()');
    expect(formatCfgExpr(any(name('all'), kv('not', 'x')))).toBe('any(r#all, r#not = "x")');
  });

  const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
  const exprs = fc.letrec<{ expr: CfgExpr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      ident.map(name),
      fc
        .tuple(
          ident,
          fc.string({ unit: 'grapheme', maxLength: 8 }).filter((v) => !v.includes('"')),
        )
        .map(([k, v]) => kv(k, v)),
      tie('expr').map(not),
      fc.array(tie('expr'), { maxLength: 4 }).map((args) => all(...args)),
      fc.array(tie('expr'), { maxLength: 4 }).map((args) => any(...args)),
    ),
  })).expr;

  it('reads back what it prints', () => {
    fc.assert(
      fc.property(exprs, (expr) => {
        expect(parseCfgExpr(formatCfgExpr(expr))).toEqual(expr);
      }),
    );
  });

  it('fails only with CfgSyntaxError, at an offset inside the text', () => {
    const noise = fc.string({ unit: fc.constantFrom(...'ab_r#(),="\t 7'.split('')), maxLength: 24 });
    fc.assert(
      fc.property(
        fc.oneof(
          noise,
          exprs.map(formatCfgExpr).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
        ),
        (text) => {
          try {
            parseCfgExpr(text);
          } catch (e) {
            expect(e).toBeInstanceOf(CfgSyntaxError);
            expect((e as CfgSyntaxError).offset).toBeGreaterThanOrEqual(0);
            expect((e as CfgSyntaxError).offset).toBeLessThanOrEqual(text.length);
          }
        },
      ),
    );
  });
});
