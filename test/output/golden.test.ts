/**
 * Golden outputs of every format on a fixture workspace, from real runs of
 * the CLI (real resolution, rules and knowledge base, fixes proven by the
 * fixers): byte-identical to the files in test/fixtures/golden/workspace.expected,
 * and byte-identical between two copies of the workspace in different folders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../check/cli.js';
import { expectGolden, workspaceCopy } from './helpers.js';
import { knowledgeBaseVersion } from '../../src/knowledge/version.js';

const FORMATS: [format: string, file: string][] = [
  ['json', 'report.json'],
  ['sarif', 'report.sarif'],
  ['github', 'github.txt'],
  ['markdown', 'report.md'],
  ['human', 'human.txt'],
];

describe('golden reports of the fixture workspace', () => {
  let root: string;
  let other: string;
  const outputs = new Map<string, string>();

  beforeAll(async () => {
    root = workspaceCopy('workspace');
    other = workspaceCopy('workspace');
    for (const [format] of FORMATS) {
      const r = await cli(['check', '--offline', '--quiet', '--format', format], { cwd: root });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      outputs.set(format, r.stdout);
    }
  });

  for (const [format, file] of FORMATS) {
    it(`--format ${format} matches ${file}`, () => {
      expectGolden('workspace', file, outputs.get(format)!);
    });
  }

  it('names the knowledge base the findings were judged by (JSON, SARIF tool.driver, Markdown)', () => {
    const version = knowledgeBaseVersion();
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.parse(outputs.get('json')!).knowledgeBase).toEqual({ version });
    expect(JSON.parse(outputs.get('sarif')!).runs[0].tool.driver.properties.knowledgeBase).toEqual({ version });
    expect(outputs.get('markdown')).toContain(`Knowledge base \`${version}\``);
  });

  it('holds no path of the machine it ran on', () => {
    for (const [format, out] of outputs) {
      expect(out, format).not.toContain(root);
      expect(out, format).not.toContain('/tmp');
    }
  });

  it('gives the same bytes from another folder and on a second run', async () => {
    for (const [format] of FORMATS) {
      const again = await cli(['check', '--offline', '--quiet', '--format', format], { cwd: other });
      expect(again.stdout, format).toBe(outputs.get(format));
    }
    const second = await cli(['check', '--offline', '--quiet', '--format', 'sarif'], { cwd: root });
    expect(second.stdout).toBe(outputs.get('sarif'));
  });

  it('writes several formats in one run, each file equal to that format alone', async () => {
    const r = await cli(['check', '--offline', '--quiet', '--format', 'sarif', '--output', 'out/a.sarif', '--format', 'markdown', '--output', 'summary.md', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(outputs.get('json'));
    expect(readFileSync(join(root, 'out/a.sarif'), 'utf8')).toBe(outputs.get('sarif'));
    expect(readFileSync(join(root, 'summary.md'), 'utf8')).toBe(outputs.get('markdown'));
  });

  it('the Markdown fix diff is the one `fix --dry-run` prints, for the proven fixes only', async () => {
    const dry = await cli(['fix', '--dry-run', '--offline', '--quiet'], { cwd: root });
    expect(dry.stdout).toMatch(/^--- a\//);
    const md = outputs.get('markdown')!;
    const block = /```diff\n([\s\S]*?)```\n/.exec(md);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(dry.stdout.endsWith('\n') ? dry.stdout : `${dry.stdout}\n`);
    const listed = [...md.split('### Proven fixes\n')[1].matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => m[1]);
    const applied = [...dry.stderr.matchAll(/^note: would apply: (.+)$/gm)].map((m) => m[1].replace(/[`*_[\]|~\\]/g, ''));
    expect(listed.map((t) => t.replace(/[`*_[\]|~\\]/g, ''))).toEqual(applied);
  });

  it('--write-baseline records the findings that are not allowed', async () => {
    const r = await cli(['check', '--offline', '--write-baseline', 'preflight-baseline.json', '--format', 'json', '--output', 'r.json'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('note: recorded 8 findings in preflight-baseline.json\n');
    expectGolden('workspace', 'baseline.json', readFileSync(join(root, 'preflight-baseline.json'), 'utf8'));
  });
});
