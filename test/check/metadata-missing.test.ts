/**
 * `metadata-missing` end to end: a check that could not read a crate of the
 * artifact graph fails (readiness cannot be confirmed), with the cause and the
 * remedy, through every output format. Real fixture workspaces: a vendor
 * directory missing a crate, a git dependency without vendored sources, an
 * offline run with empty caches, an index folder that lacks the crate.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkJson, cli, type JsonFinding } from './cli.js';
import { lineOf, projectCopy } from './fixtures.js';

const brief = (fs: JsonFinding[]) => fs.filter((f) => f.rule !== 'cross-environment').map((f) => `${f.severity} ${f.rule} ${f.package.name}@${f.package.version}`);
const empty = () => mkdtempSync(join(tmpdir(), 'cargo-preflight-empty-'));

/** sqlite-system without its .cargo/config.toml: crates come from crates.io, which offline and with empty caches has nothing. */
function uncached(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = projectCopy('sqlite-system');
  rmSync(join(dir, '.cargo'), { recursive: true });
  return { dir, env: { CARGO_HOME: empty(), XDG_CACHE_HOME: empty(), CARGO_NET_OFFLINE: undefined } };
}

describe('metadata-missing', () => {
  it('a vendored crate missing: an error at the direct dependency, not a pass', async () => {
    const dir = projectCopy('sqlite-system');
    rmSync(join(dirname(dir), 'vendor', 'libsqlite3-sys-0.32.0'), { recursive: true });
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    // The knowledge base still knows the crate by name and features: native-library stands beside it.
    expect(brief(report.findings)).toEqual(['error metadata-missing libsqlite3-sys@0.32.0', 'error native-library libsqlite3-sys@0.32.0']);
    const f = report.findings.find((x) => x.rule === 'metadata-missing')!;
    expect(f).toMatchObject({ messageId: 'unreadable', data: { crate: 'libsqlite3-sys', version: '0.32.0', cause: 'missing from the vendor directory' } });
    expect(f.manifest).toEqual({ path: 'Cargo.toml', ...lineOf(join(dir, 'Cargo.toml'), 'rusqlite =') });
    expect(f.fixes.map((x) => x.title).join('\n')).toContain('`cargo vendor` again');
    expect(report.summary.error).toBe(2);
  });

  it('a git dependency without vendored sources hides everything below it: reported, and the run fails', async () => {
    const rev = 'f'.repeat(40);
    const dir = projectCopy('sqlite-system');
    const manifest = join(dir, 'Cargo.toml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('rusqlite = "0.34"', 'rusqlite = { git = "https://github.com/rusqlite/rusqlite", tag = "v0.34.0" }'));
    const lock = join(dir, 'Cargo.lock');
    writeFileSync(
      lock,
      readFileSync(lock, 'utf8').replace(
        /name = "rusqlite"\nversion = "0.34.0"\nsource = "[^"]+"\nchecksum = "[^"]+"/,
        `name = "rusqlite"\nversion = "0.34.0"\nsource = "git+https://github.com/rusqlite/rusqlite?tag=v0.34.0#${rev}"`,
      ),
    );
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(brief(report.findings)).toEqual(['error metadata-missing rusqlite@0.34.0']);
    const f = report.findings.find((x) => x.rule === 'metadata-missing')!;
    expect(f).toMatchObject({ messageId: 'unreadable', data: { cause: 'git source not vendored' } });
    expect(f.fixes[0].title).toContain('`cargo vendor`');
    expect((await checkJson([dir, '--fail-on', 'never'])).code).toBe(0);
  });

  it('offline with empty caches: every direct dependency reported, the summary counts them, human output does not say "no errors"', async () => {
    const { dir, env } = uncached();
    const { code, report } = await checkJson([dir], { env });
    expect(code).toBe(1);
    expect(brief(report.findings)).toEqual(['error metadata-missing rusqlite@0.34.0']);
    expect(report.findings.find((x) => x.rule === 'metadata-missing')).toMatchObject({ messageId: 'unreadable', data: { cause: 'offline and not cached' } });
    expect(report.summary.error).toBe(1);
    const human = await cli(['check', dir, '--offline', '--color', 'never'], { env });
    expect(human.code).toBe(1);
    const out = human.stdout + human.stderr;
    expect(out).toContain('error[metadata-missing]: the metadata of `rusqlite v0.34.0` could not be read (offline and not cached)');
    expect(out).toContain('help: run once with the network on');
    expect(out).not.toContain('no errors');
  });

  it('the JSON report still validates against schema/report.schema.json; SARIF and GitHub outputs carry the finding', async () => {
    const { dir, env } = uncached();
    const json = await cli(['check', dir, '--offline', '--format', 'json'], { env });
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url)), 'utf8'));
    const validate = new Ajv2020.default({ allErrors: true, strict: true }).compile(schema);
    expect(validate(JSON.parse(json.stdout)), JSON.stringify(validate.errors)).toBe(true);
    const sarif = JSON.parse((await cli(['check', dir, '--offline', '--format', 'sarif'], { env })).stdout);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('metadata-missing');
    expect(run.results.filter((r: { ruleId: string; level: string }) => r.ruleId === 'metadata-missing').map((r: { level: string }) => r.level)).toEqual(['error']);
    const gh = await cli(['check', dir, '--offline', '--format', 'github'], { env });
    expect(gh.code).toBe(1);
    expect(gh.stdout).toMatch(/::error [^\n]*metadata-missing[^\n]*rusqlite v0\.34\.0/);
  });

  it('an index folder that lacks the crate: not in the index', async () => {
    const { dir, env } = uncached();
    const index = empty();
    mkdirSync(join(index, 'ru', 'sq'), { recursive: true });
    writeFileSync(join(index, 'config.json'), '{"dl":"https://example.invalid/{crate}/{version}"}');
    const { code, report } = await checkJson([dir, '--index', index], { env });
    expect(code).toBe(1);
    const f = report.findings.find((x) => x.rule === 'metadata-missing')!;
    expect(f.package.name).toBe('rusqlite');
    expect(f).toMatchObject({ messageId: 'unreadable', data: { cause: 'not in the index (404/410)' } });
  });

  it('`[severity]` can turn it down to accept an incomplete check', async () => {
    const { dir, env } = uncached();
    writeFileSync(join(dir, 'cargo-preflight.toml'), '[severity]\nmetadata-missing = "warning"\n');
    const { code, report } = await checkJson([dir], { env });
    expect(code).toBe(0);
    expect(brief(report.findings)).toEqual(['warning metadata-missing rusqlite@0.34.0']);
  });
});
