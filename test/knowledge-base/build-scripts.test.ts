/**
 * Names are not meanings: each family's claim about how its crate links (system, bundled, bundled
 * when pkg-config finds nothing, the static switch its script reads) is checked against an
 * excerpt of the crate's real build script (test/knowledge-base/build-scripts.ts), judged by the
 * classifier `check` uses for crates the knowledge base does not know.
 */
import { describe, expect, it } from 'vitest';
import { compileKnowledgeBase } from '../../src/knowledge/compile.js';
import { crateAt, staticOptionsAt } from '../../src/knowledge/lookup.js';
import type { KnowledgeBaseEntry } from '../../src/knowledge/types.js';
import { classifyBuildScript, type BuildScriptVerdict } from '../../src/evidence/build-script.js';
import { EXCERPTS, NO_SCRIPT, PENDING, type BuildScriptExcerpt } from './build-scripts.js';
import { featureNames, recorded, sourceFiles } from './helpers.js';
import type { IndexVersion } from '../../src/registry/types.js';

const { entries } = compileKnowledgeBase(sourceFiles());
const TARGET = 'x86_64-unknown-linux-musl';

function lineOf(x: BuildScriptExcerpt): IndexVersion {
  const line = recorded(x.crate)?.find((v) => v.vers === x.version);
  if (!line) throw new Error(`${x.crate} ${x.version} is not recorded (test/fixtures/crates-index)`);
  return line;
}

function verdictOf(x: BuildScriptExcerpt): BuildScriptVerdict {
  const line = lineOf(x);
  return classifyBuildScript({ root: `${x.crate}-${x.version}`, links: line.links, features: [...featureNames(line)] }, [
    { path: x.file, text: x.model, ...(x.crateSource ? { crateSource: true } : {}) },
  ]);
}

/**
 * The features a feature turns on in a release, itself included, through its feature table
 * (`static` = static-libbpf, static-libelf, static-zlib): cargo turns them all on with it, so a
 * script that reads one of them reads it on whenever the feature is on.
 */
function turnsOn(line: IndexVersion, feature: string): Set<string> {
  const on = new Set<string>();
  const todo = [feature];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (on.has(f)) continue;
    on.add(f);
    for (const v of line.features[f] ?? []) if (!v.startsWith('dep:') && !v.includes('/')) todo.push(v);
  }
  return on;
}

const optionName = (o: { kind: 'feature'; feature: string } | { kind: 'env'; env: string }) => (o.kind === 'feature' ? `feature:${o.feature}` : `env:${o.env}`);

/** What the family says of the crate at the excerpt's release, on a musl target, against the excerpt. Throws when they disagree. */
function check(entries: readonly KnowledgeBaseEntry[], x: BuildScriptExcerpt, v: BuildScriptVerdict = verdictOf(x)): void {
  const where = `${x.family}/${x.crate} ${x.version} (${x.repository} ${x.commit} ${x.file}:${x.lines}, ${x.path})`;
  const entry = entries.find((e) => e.id === x.family);
  const base = entry?.crates.find((c) => c.name === x.crate);
  if (!entry || !base) throw new Error(`${where}: no such crate in the family`);
  const spec = crateAt(base, x.version, TARGET, []);
  const options = staticOptionsAt(entry, spec, x.version).map(optionName);

  expect(v.kind, `${where}: the classifier's verdict`).toBe(x.verdict);
  if (v.kind === 'system') {
    if (x.libraries) expect(v.libraries, `${where}: libraries`).toEqual(x.libraries);
    const switches = v.switches.map((s) => `${s.kind}:${s.name}`);
    expect(switches, `${where}: static switches read`).toEqual(x.switches ?? []);
    // A switch the family lists, or a feature that a feature it lists turns on (libbpf-sys's `static` turns on `static-libelf`).
    const line = lineOf(x);
    const reached = new Set(options.flatMap((o) => (o.startsWith('feature:') ? [...turnsOn(line, o.slice('feature:'.length))].map((f) => `feature:${f}`) : [o])));
    for (const s of switches) expect([...reached], `${where}: the script reads ${s}, which the family does not list (nor a feature that turns it on)`).toContain(s);
  }
  if (x.path === 'default') {
    const claimed = spec.withoutStatic;
    const agrees = claimed === 'system' || claimed === 'bundled-fallback' ? v.kind === 'system' : claimed === 'static' ? v.kind === 'bundled' : v.kind === 'runtime';
    expect(agrees, `${where}: the family says \`${claimed}\` without a static option, the script reads ${v.kind}`).toBe(true);
  } else if (x.path === 'fallback') {
    expect(spec.withoutStatic, `${where}: a fallback excerpt for a crate that does not fall back`).toBe('bundled-fallback');
    expect(v.kind, `${where}`).toBe('bundled');
  } else {
    expect(options, `${where}: not a static option of the family`).toContain(x.path);
    expect(v.kind, `${where}: a static option's lines build the bundled source`).toBe('bundled');
  }
}

describe('build-script excerpts agree with the families', () => {
  for (const x of EXCERPTS) {
    it(`${x.crate} ${x.version}: ${x.path} (${x.repository} ${x.file}:${x.lines})`, () => check(entries, x));
  }

  it('a bundled-fallback claim has both halves: the probe and the fallback build', () => {
    for (const x of EXCERPTS.filter((e) => e.path === 'default')) {
      const entry = entries.find((e) => e.id === x.family)!;
      const spec = crateAt(entry.crates.find((c) => c.name === x.crate)!, x.version, TARGET, []);
      if (spec.withoutStatic !== 'bundled-fallback') continue;
      expect(
        EXCERPTS.some((y) => y.crate === x.crate && y.version === x.version && y.path === 'fallback'),
        `${x.crate} ${x.version}`,
      ).toBe(true);
    }
  });

  it('every family has an excerpt, is listed as pending, or has no script to read', () => {
    const covered = new Set(EXCERPTS.map((x) => x.family));
    for (const id of covered) expect(PENDING, `${id} has an excerpt: take it off PENDING`).not.toContain(id);
    const ids = entries.map((e) => e.id).sort();
    expect([...new Set([...covered, ...PENDING, ...Object.keys(NO_SCRIPT)])].sort()).toEqual(ids);
  });
});

describe('the checks catch a disagreement', () => {
  const harfbuzz = EXCERPTS.find((x) => x.crate === 'harfbuzz-sys' && x.version === '0.6.1' && x.path === 'default')!;
  const mutated = (f: (e: KnowledgeBaseEntry) => void) => {
    const copy = structuredClone(entries) as KnowledgeBaseEntry[];
    f(copy.find((e) => e.id === 'harfbuzz')!);
    return copy;
  };

  it('accepts the real claim', () => expect(() => check(entries, harfbuzz)).not.toThrow());

  it('a family that says the crate always builds its bundled source', () => {
    const wrong = mutated((e) => (e.crates[0]!.withoutStatic = 'static'));
    expect(() => check(wrong, harfbuzz)).toThrow(/without a static option/);
  });

  it('a static option named differently from the switch the script reads', () => {
    const wrong = mutated((e) => {
      const o = e.crates[0]!.staticOptions[0]!;
      if (o.kind === 'feature') o.feature = 'vendored';
    });
    expect(() => check(wrong, harfbuzz)).toThrow(/does not list/);
  });

  it('a model the classifier reads otherwise than the excerpt says', () => {
    expect(() => check(entries, { ...harfbuzz, model: 'fn main() {\n    cc::Build::new().file("a.c").compile("a");\n}\n' })).toThrow(/verdict/);
  });

  it('a switch that no listed feature turns on (libbpf-sys without `vendored` and `static`; with `novendor`, which turns on nothing)', () => {
    const libbpf = EXCERPTS.find((x) => x.crate === 'libbpf-sys' && x.path === 'default')!;
    expect(() => check(entries, libbpf)).not.toThrow();
    const withOptions = (features: string[]) => {
      const copy = structuredClone(entries) as KnowledgeBaseEntry[];
      const c = copy.find((e) => e.id === 'libbpf')!.crates.find((k) => k.name === 'libbpf-sys')!;
      const template = c.staticOptions.find((o) => o.kind === 'feature')!;
      c.staticOptions = features.map((feature) => ({ ...template, feature }));
      return copy;
    };
    expect(() => check(withOptions(['static']), libbpf)).toThrow(/vendored-libbpf, which the family does not list/);
    expect(() => check(withOptions(['novendor']), libbpf)).toThrow(/does not list/);
    expect(() => check(withOptions([]), libbpf)).toThrow(/does not list/);
  });

  it('a fallback excerpt for a crate that has none', () => {
    const bundled = EXCERPTS.find((x) => x.crate === 'harfbuzz-sys' && x.version === '0.6.1' && x.path === 'feature:bundled')!;
    expect(() => check(entries, { ...bundled, path: 'fallback' })).toThrow(/does not fall back/);
  });
});
