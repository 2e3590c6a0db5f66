/**
 * Random Cargo.toml texts for property tests: every dependency form (string,
 * inline table, `[table.dep]` section, dotted keys, root-level dotted keys),
 * target and workspace tables, random spacing, quoting, comments (some that
 * look like TOML), array layouts, CRLF or LF, BOM, final newline or not.
 * Along with the text come the data it means and the character ranges of
 * each dependency and table, so a test can check that an edit touched
 * nothing else.
 */
import fc from 'fast-check';
import type { DepTable } from '../../src/fixers/toml-edit/index.js';

type Quote = 'bare' | 'basic' | 'literal';
type StrQuote = '"' | "'";

export interface ArrayStyle {
  multiline: boolean;
  trailing: boolean;
  sep: string;
  pad: string;
  comments: boolean;
  openComment: boolean;
  closeOnLast: boolean;
}

export type Attr =
  | { name: 'version' | 'package'; value: string; quote: StrQuote; keyQuote: Quote }
  | { name: 'workspace' | 'optional' | 'default-features' | 'default_features'; value: boolean; keyQuote: Quote }
  | { name: 'features'; value: string[]; style: ArrayStyle; keyQuote: Quote };

export interface DepModel {
  key: string;
  keyQuote: Quote;
  form: 'string' | 'inline' | 'section' | 'dotted';
  attrs: Attr[];
  comment: string | null;
  commentAbove: string | null;
  pad: string;
  blankAfter: boolean;
}

export interface TableModel {
  table: DepTable;
  style: 'section' | 'root-dotted' | 'implicit';
  headerSpaces: boolean;
  targetQuote: StrQuote;
  headerComment: string | null;
  deps: DepModel[];
}

export interface DocModel {
  eol: '\n' | '\r\n';
  bom: boolean;
  finalNewline: boolean;
  eq: string;
  indent: string;
  tables: TableModel[];
}

/** Half-open character range of the text. */
export type Region = [number, number];

export interface Rendered {
  text: string;
  /** What the text means (plain objects, as JSON). */
  data: Record<string, unknown>;
  /** Per table (by `tableId`): where a new dependency may go. */
  tableRegions: Map<string, Region>;
  /** Per dependency (by `depId`): its lines. */
  depRegions: Map<string, Region>;
}

export const FEATURES = ['std', 'alloc', 'serde', 'tls', 'vendored', 'rustls-tls', 'x y', "it's"];
export const KEYS = ['serde', 'tokio', 'openssl', 'libz-sys', 'ssl', 'rand_core', 'my.dep', 'cfg-if'];
export const TABLES: DepTable[] = [
  { kind: 'dependencies' },
  { kind: 'dev-dependencies' },
  { kind: 'build-dependencies' },
  { kind: 'dependencies', target: 'cfg(unix)' },
  { kind: 'dependencies', target: 'cfg(target_env = "musl")' },
  { kind: 'build-dependencies', target: 'x86_64-unknown-linux-musl' },
  { kind: 'workspace' },
];
const COMMENTS = ['note', 'features = ["evil"]', '[dependencies]', 'serde = "1"', 'default-features = false', ''];

export function tablePath(table: DepTable): string[] {
  if (table.kind === 'workspace') return ['workspace', 'dependencies'];
  return table.target === undefined ? [table.kind] : ['target', table.target, table.kind];
}

export const tableId = (table: DepTable) => tablePath(table).join('\u0000');
export const depId = (table: DepTable, key: string) => `${tableId(table)}\u0001${key}`;

const quote = fc.constantFrom<Quote>('bare', 'bare', 'basic', 'literal');
const strQuote = fc.constantFrom<StrQuote>('"', "'");
const comment = fc.option(fc.constantFrom(...COMMENTS), { freq: 3 });

const arrayStyle: fc.Arbitrary<ArrayStyle> = fc.record({
  multiline: fc.boolean(),
  trailing: fc.boolean(),
  sep: fc.constantFrom(', ', ',', ' , '),
  pad: fc.constantFrom('', ' '),
  comments: fc.boolean(),
  openComment: fc.boolean(),
  closeOnLast: fc.boolean(),
});

function attrsArb(inherited: boolean): fc.Arbitrary<Attr[]> {
  const features = fc.record({
    name: fc.constant('features' as const),
    value: fc.uniqueArray(fc.constantFrom(...FEATURES), { maxLength: 4 }),
    style: arrayStyle,
    keyQuote: quote,
  });
  const flag = (name: 'optional' | 'default-features' | 'default_features') => fc.record({ name: fc.constant(name), value: fc.boolean(), keyQuote: quote });
  const extras = inherited
    ? fc.tuple(fc.option(features), fc.option(flag('optional')))
    : fc.tuple(
        fc.option(features),
        fc.option(flag('optional')),
        fc.option(fc.oneof(flag('default-features'), flag('default_features'))),
        fc.option(fc.record({ name: fc.constant('package' as const), value: fc.constant('real-name'), quote: strQuote, keyQuote: quote })),
      );
  const first: fc.Arbitrary<Attr> = inherited
    ? fc.record({ name: fc.constant('workspace' as const), value: fc.constant(true), keyQuote: quote })
    : fc.record({ name: fc.constant('version' as const), value: fc.constantFrom('1', '0.2.3', '^1.0'), quote: strQuote, keyQuote: quote });
  return fc.tuple(first, extras).chain(([head, rest]) => {
    const all = [head, ...(rest as (Attr | null)[]).filter((a): a is Attr => a !== null)];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });
}

function depArb(key: string, table: DepTable): fc.Arbitrary<DepModel> {
  const inherited = table.kind === 'workspace' ? fc.constant(false) : fc.boolean();
  return fc
    .record({
      key: fc.constant(key),
      keyQuote: quote,
      form: fc.constantFrom<DepModel['form']>('string', 'inline', 'inline', 'section', 'dotted'),
      attrs: inherited.chain(attrsArb),
      comment,
      commentAbove: comment,
      pad: fc.constantFrom('', ' ', '  '),
      blankAfter: fc.boolean(),
    })
    .map((d) => {
      if (d.form !== 'string') return d;
      // `dep = "1"` holds a version and nothing else.
      const version = d.attrs.find((a) => a.name === 'version');
      return version ? { ...d, attrs: [version] } : { ...d, form: 'inline' as const };
    });
}

function tableArb(table: DepTable): fc.Arbitrary<TableModel> {
  const rootDotted = table.kind !== 'workspace' && table.target === undefined;
  return fc
    .record({
      keys: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 4 }),
      style: fc.constantFrom<TableModel['style']>('section', 'section', 'root-dotted', 'implicit'),
      headerSpaces: fc.boolean(),
      targetQuote: strQuote,
      headerComment: comment,
    })
    .chain(({ keys, ...rest }) =>
      fc.tuple(...keys.map((k) => depArb(k, table))).map((deps): TableModel => {
        let style = rest.style;
        if (style !== 'section' && (deps.length === 0 || (style === 'root-dotted' && !rootDotted))) style = 'section';
        // Root-level dotted tables have no `[table.dep]` sections here; implicit tables have nothing else.
        const form = (d: DepModel): DepModel['form'] => {
          if (style === 'implicit') return 'section';
          return style === 'root-dotted' && d.form === 'section' ? 'dotted' : d.form;
        };
        return { table, ...rest, style, deps: deps.map((d) => ({ ...d, form: form(d) })) };
      }),
    );
}

export const docArb: fc.Arbitrary<DocModel> = fc
  .record({
    eol: fc.constantFrom<DocModel['eol']>('\n', '\r\n'),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    eq: fc.constantFrom(' = ', '=', '  =  '),
    indent: fc.constantFrom('', '', '  '),
    tables: fc.shuffledSubarray(TABLES, { minLength: 1 }),
  })
  .chain(({ tables, ...rest }) => fc.tuple(...tables.map(tableArb)).map((t) => ({ ...rest, tables: t })));

function renderKey(key: string, q: Quote): string {
  if (q === 'bare' && /^[A-Za-z0-9_-]+$/.test(key)) return key;
  if (q === 'literal' && !key.includes("'")) return `'${key}'`;
  return JSON.stringify(key);
}

function renderStr(value: string, q: StrQuote): string {
  return q === "'" && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

function renderArray(values: readonly string[], s: ArrayStyle, eol: string, indent: string): string {
  const strs = values.map((v, i) => renderStr(v, i % 2 ? "'" : '"'));
  if (!s.multiline) {
    return strs.length === 0 ? '[]' : `[${s.pad}${strs.join(s.sep)}${s.trailing ? ',' : ''}${s.pad}]`;
  }
  let out = '[' + (s.openComment ? ' # open' : '') + eol;
  strs.forEach((v, i) => {
    const last = i === strs.length - 1;
    const comma = !last || s.trailing ? ',' : '';
    if (last && s.closeOnLast) out += `${indent}    ${v}${comma}]`;
    else out += `${indent}    ${v}${comma}${s.comments && i % 2 === 0 ? ' # why' : ''}${eol}`;
  });
  return strs.length > 0 && s.closeOnLast ? out : out + indent + ']';
}

function renderAttrValue(a: Attr, eol: string, indent: string): string {
  if (a.name === 'features') return renderArray(a.value, a.style, eol, indent);
  if (a.name === 'version' || a.name === 'package') return renderStr(a.value, a.quote);
  return String(a.value);
}

function depData(d: DepModel): unknown {
  if (d.form === 'string') return d.attrs[0]!.value;
  return Object.fromEntries(d.attrs.map((a) => [a.name, a.value]));
}

/** Renders a document, its data and the ranges of its tables and dependencies. */
export function render(doc: DocModel): Rendered {
  const { eol, eq, indent } = doc;
  let out = '';
  const data: Record<string, unknown> = {};
  const tableRegions = new Map<string, Region>();
  const depRegions = new Map<string, Region>();
  const line = (s: string) => {
    out += s + eol;
  };
  const trail = (c: string | null) => (c === null ? '' : ` #${c ? ' ' + c : ''}`);

  const header = (t: TableModel, extra: string[] = []) => {
    const path = tablePath(t.table).map((k, i) => (t.table.kind !== 'workspace' && i === 1 && t.table.target !== undefined ? renderStr(k, t.targetQuote) : renderKey(k, 'bare')));
    const keys = [...path, ...extra];
    return t.headerSpaces ? `[ ${keys.join(' . ')} ]` : `[${keys.join('.')}]`;
  };

  /** A dependency on lines of a section (or the root, with `prefix`). */
  const inlineDep = (d: DepModel, prefix: string) => {
    if (d.commentAbove !== null) line(`#${d.commentAbove}`);
    const start = out.length;
    const key = prefix + renderKey(d.key, d.keyQuote);
    if (d.form === 'dotted') {
      d.attrs.forEach((a, i) => {
        line(`${indent}${key}.${renderKey(a.name, a.keyQuote)}${eq}${renderAttrValue(a, eol, indent)}${i === 0 ? trail(d.comment) : ''}`);
      });
    } else {
      const value =
        d.form === 'string'
          ? renderAttrValue(d.attrs[0]!, eol, indent)
          : `{${d.pad}${d.attrs.map((a) => `${renderKey(a.name, a.keyQuote)}${eq}${renderAttrValue(a, eol, indent)}`).join(', ')}${d.pad}}`;
      line(`${indent}${key}${eq}${value}${trail(d.comment)}`);
    }
    return [start, out.length] as Region;
  };

  const sectionDep = (t: TableModel, d: DepModel) => {
    const blockStart = out.length;
    if (d.commentAbove !== null) line(`#${d.commentAbove}`);
    const start = out.length;
    line(header(t, [renderKey(d.key, d.keyQuote)]) + trail(d.comment));
    for (const a of d.attrs) line(`${indent}${renderKey(a.name, a.keyQuote)}${eq}${renderAttrValue(a, eol, indent)}`);
    depRegions.set(depId(t.table, d.key), [start, out.length]);
    return blockStart;
  };

  const setData = (t: TableModel) => {
    let node = data;
    for (const k of tablePath(t.table)) node = (node[k] ??= {}) as Record<string, unknown>;
    for (const d of t.deps) node[d.key] = depData(d);
  };

  // Root-level dotted keys must come before any header.
  for (const t of doc.tables.filter((t) => t.style === 'root-dotted')) {
    const prefix =
      tablePath(t.table)
        .map((k) => renderKey(k, 'bare'))
        .join('.') + '.';
    const start = out.length;
    for (const d of t.deps) depRegions.set(depId(t.table, d.key), inlineDep(d, prefix));
    tableRegions.set(tableId(t.table), [start, out.length]);
    setData(t);
  }
  line('[package]');
  line(`name${eq}"generated"`);
  data.package = { name: 'generated' };
  for (const t of doc.tables.filter((t) => t.style !== 'root-dotted')) {
    line('');
    if (t.style === 'section') {
      const start = out.length;
      line(header(t) + trail(t.headerComment));
      for (const d of t.deps.filter((d) => d.form !== 'section')) {
        depRegions.set(depId(t.table, d.key), inlineDep(d, ''));
        if (d.blankAfter) line('');
      }
      tableRegions.set(tableId(t.table), [start, out.length]);
    }
    const sections = t.deps.filter((d) => d.form === 'section');
    sections.forEach((d, i) => {
      if (i > 0 || t.style === 'section') line('');
      const blockStart = sectionDep(t, d);
      if (i === 0 && t.style === 'implicit') tableRegions.set(tableId(t.table), [blockStart, blockStart]);
    });
    setData(t);
  }

  if (!doc.finalNewline) out = out.slice(0, -eol.length);
  const shift = doc.bom ? 1 : 0;
  const clip = ([a, b]: Region): Region => [Math.min(a, out.length) + shift, Math.min(b, out.length) + shift];
  for (const [k, r] of tableRegions) tableRegions.set(k, clip(r));
  for (const [k, r] of depRegions) depRegions.set(k, clip(r));
  return { text: (doc.bom ? '\uFEFF' : '') + out, data, tableRegions, depRegions };
}
