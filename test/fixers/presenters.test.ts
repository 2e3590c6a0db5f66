/**
 * One fix service, presented four ways: `fix --message-format json`, `check`
 * in its human, JSON and Markdown forms, and the triage screen's engine,
 * run on the same inputs with and without `--locked`, must name the same
 * fixes as applied, the same as left out (with the same reason), and the
 * same outcome for every candidate.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/args.js';
import { runCheck } from '../../cli/run/check.js';
import { CHECK_OPTIONS } from '../../cli/run/options.js';
import { firstChoice } from '../../cli/ui/model.js';
import { cli, exampleCopy, inheritedTlsWorkspace, QUINN, testContext, WEBPKI_ROOTS } from './helpers.js';

interface Proposed {
  strategy: string;
  status: string;
  title: string;
  proven: boolean;
  notApplied?: string;
}
interface JsonFinding {
  id: string;
  package: { name: string };
  target: string;
  proposedFixes?: Proposed[];
}

const strip = (s: string) => s.replace(/[`*\\]/g, '');

async function presentations(dir: string, flags: string[]) {
  const fix = await cli(['fix', dir, '--dry-run', '--message-format', 'json', ...flags], dir);
  const json = await cli(['check', dir, '--format', 'json', ...flags], dir);
  const markdown = await cli(['check', dir, '--format', 'markdown', ...flags], dir);
  const human = await cli(['check', dir, ...flags], dir);
  const { fixEngine } = await import('../../cli/ui/fix-engine.js');
  const args = parseArgs([dir, '--offline', ...flags], CHECK_OPTIONS, 'check');
  const run = await runCheck(args, testContext(dir).ctx);
  try {
    const plan = await fixEngine(args, testContext(dir).ctx).plan(run);
    const screen = run.report.findings.map((f) => firstChoice(plan.fixes, f)).filter((x) => x !== undefined);
    return { fix: JSON.parse(fix.stdout), json: JSON.parse(json.stdout) as { findings: JsonFinding[] }, markdown: markdown.stdout, human: human.stdout, screen, plan };
  } finally {
    await run.loaded.sources.close();
  }
}

const CASES: { name: string; dir: () => string }[] = [
  { name: 'the bundled example', dir: () => exampleCopy({ ...WEBPKI_ROOTS, ...QUINN }) },
  { name: 'the example without the crates a switch needs', dir: () => exampleCopy() },
  { name: 'a workspace inheriting reqwest', dir: () => inheritedTlsWorkspace() },
];

describe('fix, check and the triage screen present one plan', () => {
  for (const c of CASES) {
    for (const flags of [[], ['--locked']]) {
      it(`${c.name}${flags.length ? ' with --locked' : ''}`, async () => {
        const dir = c.dir();
        const p = await presentations(dir, flags);
        const applied: string[] = p.fix.applied.map((a: { title: string }) => a.title).sort();
        const notApplied: string[] = p.fix.notApplied.map((a: { title: string }) => a.title).sort();
        // Not vacuous: something is applied, or (under --locked, where every fix here changes Cargo.lock) left out.
        expect(flags.length ? notApplied.length : applied.length).toBeGreaterThan(0);

        // check --format json: each finding's entries; those `applied` are fix's applied, `not-applied` fix's notApplied.
        const entries = p.json.findings.flatMap((f) => f.proposedFixes ?? []);
        expect([...new Set(entries.filter((e) => e.status === 'applied').map((e) => e.title))].sort()).toEqual(applied);
        expect([...new Set(entries.filter((e) => e.status === 'not-applied').map((e) => e.title))].sort()).toEqual(notApplied);
        for (const n of p.fix.notApplied) {
          expect(entries.find((e) => e.title === n.title && e.status === 'not-applied')!.notApplied).toBe(n.reason);
        }

        // Markdown: "Proven fixes" lists what fix applies, "Proven, not applied" what it leaves out.
        const section = (name: string) => {
          const at = p.markdown.indexOf(`### ${name}\n`);
          if (at < 0) return [];
          const body = p.markdown.slice(at).split('\n\n')[1]!;
          return [...body.matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => strip(m[1]!)).sort();
        };
        expect(section('Proven fixes')).toEqual(applied.map(strip));
        expect(section('Proven, not applied')).toEqual(notApplied.map(strip));

        // Human: the help line of each applied fix says `fix` applies it; no other line says so.
        const says = [...p.human.matchAll(/= help: (.+) \(proven; `cargo-preflight fix` applies it/g)].map((m) => m[1]!);
        expect([...new Set(says)].sort()).toEqual(applied);
        for (const t of notApplied) expect(p.human).toContain(`${t} (proven; not applied: `);

        // The screen's engine: the fix it marks as the one `fix` applies, for every finding.
        const marked = [...new Set(p.screen.filter((x) => x.status === 'applied').map((x) => x.title))].sort();
        expect(marked).toEqual(applied);
        expect([...new Set(p.screen.filter((x) => x.status === 'not-applied').map((x) => x.title))].sort()).toEqual(notApplied);

        // Every candidate has the same outcome in check's JSON as in the engine's plan.
        for (const e of entries) expect(p.plan.fixes.find((x) => x.title === e.title && x.strategy === e.strategy)?.status).toBe(e.status);
        if (flags.length) expect(applied.filter((t) => p.plan.fixes.find((x) => x.title === t)?.lockfileCommand)).toEqual([]);
      });
    }
  }
});
