/**
 * The strategies and the proof on resolved fixture graphs: which edits each
 * strategy builds for a native crate, what it refuses and why, and what the
 * proof rejects (lost features, findings left on a target).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixableFindings, planFixes, proveEdits, reasonsText, reasonText, type ProofContext } from '../../src/fixers/index.js';
import { featuresReaching } from '../../src/fixers/reach.js';
import { disableCandidates } from '../../src/fixers/disable.js';
import { switchCandidates } from '../../src/fixers/switch.js';
import type { StrategyInput } from '../../src/fixers/strategy.js';
import { contextFor, inheritedTlsWorkspace, read, zlibProject } from './helpers.js';

async function withContext<T>(dir: string, extra: string[], f: (ctx: ProofContext) => Promise<T>): Promise<T> {
  const { ctx, close } = await contextFor(dir, extra);
  try {
    return await f(ctx);
  } finally {
    await close();
  }
}

function input(ctx: ProofContext, name: string): StrategyInput {
  const target = fixableFindings(ctx).find((t) => t.name === name)!;
  expect(target, `a finding on ${name}`).toBeDefined();
  return { project: ctx.project, kb: ctx.kb, target, targets: ctx.targets, pinScope: 'all' };
}

describe('tracing static options through feature maps', () => {
  it('finds the wrapper feature that turns on libz-sys/static', async () => {
    await withContext(zlibProject(), [], async (ctx) => {
      const t = input(ctx, 'libz-sys').target;
      const wrapper = [...ctx.graphs[0]!.packages.values()].find((p) => p.name === 'compress-lite')!;
      expect(featuresReaching(ctx.project.packages.summaries, wrapper.key, t.key, ['static'])).toEqual([{ feature: 'static', closure: 2 }]);
      expect(featuresReaching(ctx.project.packages.summaries, wrapper.key, t.key, ['no-such-feature'])).toEqual([]);
    });
  });
});

describe('switch', () => {
  it('refuses when a feature of the member turns the native backend on, naming it', async () => {
    const dir = inheritedTlsWorkspace();
    writeFileSync(join(dir, 'api/Cargo.toml'), `${read(dir, 'api/Cargo.toml')}\n[features]\ndefault = ["tls"]\ntls = ["reqwest/native-tls"]\n`);
    await withContext(dir, [], async (ctx) => {
      const res = switchCandidates(input(ctx, 'openssl-sys'));
      expect(res.candidates).toEqual([]);
      expect(res.refused).toEqual([{ id: 'memberFeatureTurnsOn', data: { feature: 'tls', member: 'api', dependencyFeature: 'reqwest/native-tls' } }]);
      expect(res.refused.map(reasonText)).toEqual(['feature `tls` of `api` turns on `reqwest/native-tls`; change [features] by hand']);
    });
  });

  it('proves for every selected target at once', async () => {
    const dir = inheritedTlsWorkspace();
    await withContext(dir, ['--target', 'x86_64-unknown-linux-musl', '--target', 'aarch64-unknown-linux-musl'], async (ctx) => {
      const plan = await planFixes(ctx);
      const [fix, ...rest] = plan.applied;
      expect(rest).toEqual([]);
      expect(fix!.proven).toBe(true);
      expect(fix!.status).toBe('applied');
      expect(fix!.findingIds).toHaveLength(2);
      expect(new Set(ctx.findings.filter((f) => fix!.findingIds.includes(f.id)).map((f) => f.target))).toEqual(new Set(['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl']));
    });
  });
});

describe('the proof', () => {
  it('rejects an edit that loses a default feature', async () => {
    const dir = inheritedTlsWorkspace();
    await withContext(dir, [], async (ctx) => {
      const ids = fixableFindings(ctx).flatMap((t) => t.findings.map((f) => f.id));
      const proof = await proveEdits(
        ctx,
        [
          { path: join(dir, 'Cargo.toml'), ops: [{ op: 'set-default-features', table: { kind: 'workspace' }, key: 'reqwest', value: false }] },
          { path: join(dir, 'api/Cargo.toml'), ops: [{ op: 'add-features', table: { kind: 'dependencies' }, key: 'reqwest', features: ['rustls-tls'] }] },
          { path: join(dir, 'worker/Cargo.toml'), ops: [{ op: 'add-features', table: { kind: 'dependencies' }, key: 'reqwest', features: ['rustls-tls'] }] },
        ],
        ids,
        new Set(['reqwest/default', 'reqwest/default-tls']),
      );
      expect(proof.proven).toBe(false);
      expect(proof.reasons).toEqual([
        {
          id: 'featuresLost',
          data: { features: 'reqwest/charset (x86_64-unknown-linux-musl), reqwest/http2 (x86_64-unknown-linux-musl), reqwest/macos-system-configuration (x86_64-unknown-linux-musl)' },
        },
      ]);
    });
  });

  it('rejects an edit that leaves the finding on a target', async () => {
    const dir = inheritedTlsWorkspace();
    await withContext(dir, [], async (ctx) => {
      const ids = fixableFindings(ctx).flatMap((t) => t.findings.map((f) => f.id));
      const proof = await proveEdits(ctx, [{ path: join(dir, 'api/Cargo.toml'), ops: [{ op: 'add-features', table: { kind: 'dependencies' }, key: 'reqwest', features: ['gzip'] }] }], ids);
      expect(proof.proven).toBe(false);
      expect(proof.reasons).toEqual([{ id: 'stillReported', data: { findings: 'openssl-sys (native-library, x86_64-unknown-linux-musl)' } }]);
      expect(reasonsText(proof.reasons!)).toBe('openssl-sys (native-library, x86_64-unknown-linux-musl) still reported after the change');
    });
  });
});

describe('disable', () => {
  it('says which feature goes and what is lost; proven with the loss allowed', async () => {
    const dir = inheritedTlsWorkspace();
    await withContext(dir, [], async (ctx) => {
      const inp = input(ctx, 'openssl-sys');
      const [c] = disableCandidates(inp).candidates;
      expect(c!.title).toBe('reqwest: turn off `default-tls`');
      expect(c!.lost).toEqual(['reqwest/__tls', 'reqwest/default-tls']);
      const proof = await proveEdits(
        ctx,
        c!.edits,
        inp.target.findings.map((f) => f.id),
        c!.giveUp,
      );
      expect(proof.proven).toBe(true);
    });
  });

  it('is offered, never applied, when nothing else proves out', async () => {
    const dir = inheritedTlsWorkspace();
    await withContext(dir, [], async (ctx) => {
      const plan = await planFixes(ctx, { strategy: 'auto' });
      expect(plan.applied.map((f) => f.strategy)).toEqual(['switch']);
      // Every strategy is tried; no feature is turned off while one proves out.
      expect(plan.fixes.map((f) => [f.strategy, f.status])).toEqual([
        ['switch', 'applied'],
        ['static', 'proven'],
        ['pin', 'proven'],
      ]);
    });
    // Without rustls in the vendor set, the switch cannot be proven; vendoring needs openssl-src, also removed.
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'vendor/rustls'), { recursive: true });
    rmSync(join(dir, 'vendor/openssl-src'), { recursive: true });
    await withContext(dir, [], async (ctx) => {
      const plan = await planFixes(ctx, { strategy: 'auto' });
      expect(plan.fixes.map((f) => [f.strategy, f.status])).toEqual([
        ['switch', 'not-proven'],
        ['static', 'not-proven'],
        ['pin', 'not-proven'],
        ['disable', 'suggestion'],
      ]);
      expect(plan.applied).toEqual([]);
      // Each candidate's own reasons: only metadata is missing, so each is undecided rather than wrong.
      for (const f of plan.fixes.slice(0, 3)) {
        expect(f.undecided).toBe(true);
        expect(f.reasons!.map((r) => r.id)).toEqual(['vendorLacksOffline']);
      }
      expect(plan.fixes[0]!.reasons![0]!.data.crates).toContain('`rustls`');
      expect(plan.fixes[1]!.reasons![0]!.data.crates).toContain('`openssl-src`');
      expect(plan.fixes[2]!.reasons![0]!.data.crates).toContain('`openssl-src`');
      // The crate is not fixed: one reason per candidate tried, each naming its strategy and candidate, each once.
      const [{ why }] = plan.notFixed;
      expect(why.map((r) => [r.strategy, r.id])).toEqual([
        ['switch', 'vendorLacksOffline'],
        ['static', 'vendorLacksOffline'],
        ['pin', 'vendorLacksOffline'],
      ]);
      expect(why.map((r) => r.candidate)).toEqual(plan.fixes.slice(0, 3).map((f) => f.title));
      expect(reasonText(why[0]!)).toContain('`rustls`, which Cargo.lock and the vendor directory `vendor` lack');
      const fixes = plan.fixes.filter((f) => f.strategy === 'switch' || f.strategy === 'disable');
      expect(fixes[1]!.lost).toEqual(['reqwest/__tls', 'reqwest/default-tls']);
    });
  });
});

describe('disable without knowledge-base data', () => {
  it('names the feature that activates the optional dependency leading to the native crate', async () => {
    const dir = zlibProject();
    writeFileSync(
      join(dir, 'vendor/compress-lite/Cargo.toml'),
      '[package]\nname = "compress-lite"\nversion = "0.3.1"\nedition = "2021"\n\n[dependencies.libz-sys]\nversion = "1.1.8"\noptional = true\n\n[features]\ndefault = ["zlib"]\nzlib = ["dep:libz-sys"]\nfast = []\n',
    );
    await withContext(dir, [], async (ctx) => {
      const inp = input(ctx, 'libz-sys');
      const [c] = disableCandidates(inp).candidates;
      expect(c!.title).toBe('compress-lite: turn off `zlib`');
      expect(c!.lost).toEqual(['compress-lite/zlib']);
      expect(c!.edits).toEqual([{ path: join(dir, 'Cargo.toml'), ops: [{ op: 'set-default-features', table: { kind: 'dependencies' }, key: 'compress-lite', value: false }] }]);
      const proof = await proveEdits(
        ctx,
        c!.edits,
        inp.target.findings.map((f) => f.id),
        c!.giveUp,
      );
      expect(proof.proven).toBe(true);
      // The wrapper has no static feature now; pinning libz-sys still proves out, so auto offers no disable.
      const plan = await planFixes(ctx);
      expect(plan.fixes.map((f) => [f.strategy, f.status])).toEqual([
        ['switch', 'refused'],
        ['static', 'refused'],
        ['pin', 'applied'],
      ]);
    });
  });
});
