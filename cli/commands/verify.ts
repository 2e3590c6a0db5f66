/** `cargo-preflight verify`: reads the built binaries and says whether they are what the preflight promised. */
import { resolve as resolvePath } from 'node:path';
import type { CommandContext } from '../context.js';
import type { Options } from '../args.js';
import { repositoryRoot } from '../output/report.js';
import { makeStyle } from '../output/style.js';
import { renderVerifyGithub, renderVerifyHuman, renderVerifyJson, renderVerifyMarkdown, renderVerifySarif, verifyFails, type VerifyReport } from '../output/verify.js';
import { VERIFY_OPTIONS, type Format } from '../run/options.js';
import { runVerify } from '../run/verify.js';
import { checkOutputPath, planOutputs, writeReportFile } from '../output/outputs.js';
import { defineCommand, type Invocation } from './command.js';

type Render = (report: VerifyReport, ctx: CommandContext, o: { color: boolean; base: string }) => string;

const RENDERERS: Record<Format, Render> = {
  human: (r, ctx, o) => renderVerifyHuman(r, makeStyle(o.color), ctx.cwd),
  json: (r, _ctx, o) => renderVerifyJson(r, o.base),
  sarif: (r, _ctx, o) => renderVerifySarif(r, o.base),
  github: (r, _ctx, o) => renderVerifyGithub(r, o.base),
  markdown: (r, _ctx, o) => renderVerifyMarkdown(r, o.base),
};

export const verifyCommand = defineCommand({
  name: 'verify',
  about: 'Read the built binaries: linkage, needed libraries, glibc floor, and the crates that link them',
  usage: 'cargo-preflight verify [OPTIONS] [BINARY]...',
  options: VERIFY_OPTIONS,
  positionals: [{ name: '[BINARY]...' }],
  run: verify,
});

async function verify(args: Invocation<Options<typeof VERIFY_OPTIONS>>, ctx: CommandContext): Promise<number> {
  const plan = planOutputs(args.given, ctx.env, 'verify');
  for (const p of plan) if (p.output !== undefined) checkOutputPath(resolvePath(ctx.cwd, p.output), p.output, p.format);
  const run = await runVerify(args, ctx);
  try {
    for (const w of run.report.warnings) ctx.warn(w);
    const base = repositoryRoot(ctx.cwd);
    for (const p of plan) {
      if (p.output === undefined) continue;
      writeReportFile(resolvePath(ctx.cwd, p.output), RENDERERS[p.format](run.report, ctx, { color: false, base }), p.output, p.format);
    }
    const color = args.color(ctx.stdout);
    for (const p of plan) if (p.output === undefined) ctx.stdout.write(RENDERERS[p.format](run.report, ctx, { color, base }));
  } finally {
    await run.close();
  }
  return verifyFails(run.report, run.failOn) ? 1 : 0;
}
