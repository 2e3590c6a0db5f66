/**
 * The text rules of the CI formats: GitHub workflow-command escaping (as the
 * Actions runner reads it back), Markdown escaping, and findings about a
 * member itself (the build environment of a target), which have no
 * dependency line.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, workflowCommand } from '../../cli/output/github.js';
import { code, escapeHtml, escapeMarkdown, inline } from '../../cli/output/markdown.js';
import { cli } from '../check/cli.js';
import { workspaceCopy } from './helpers.js';

/** The runner's reading of a workflow command: `::name k=v,k=v::message`, each part percent-decoded. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties: Record<string, string> = {};
  for (const kv of m[2] ? m[2].split(',') : []) {
    const eq = kv.indexOf('=');
    properties[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
  }
  return { command: m[1], properties, message: unescape(m[3]) };
}

describe('GitHub workflow commands', () => {
  it('escape %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext%3A a%2C b');
    expect(escapeData('%0A')).toBe('%250A');
    expect(workflowCommand('error', { file: 'a,b/Cargo.toml', line: 3, col: 1, title: 'rule: x' }, 'one\ntwo')).toBe('::error file=a%2Cb/Cargo.toml,line=3,col=1,title=rule%3A x::one%0Atwo');
  });

  it('read back as written, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (file, title, message) => {
        const line = workflowCommand('warning', { file, title }, message);
        expect(line).not.toMatch(/[\r\n]/);
        expect(parseCommand(line)).toEqual({ command: 'warning', properties: { file, title }, message });
      }),
      { numRuns: 300 },
    );
  });
});

describe('Markdown', () => {
  it('escapes text, keeps code spans, and keeps tables whole', () => {
    expect(escapeMarkdown('a_b *c* [d](e) <f> | g & `h`')).toBe('a\\_b \\*c\\* \\[d\\](e) &lt;f&gt; \\| g &amp; \\`h\\`');
    expect(escapeHtml('<b> & "q"')).toBe('&lt;b&gt; &amp; "q"');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('a|b')).toBe('`a|b`');
    expect(code('a|b', true)).toBe('`a\\|b`');
    expect(inline('use `features = ["x"]` on *all*', true)).toBe('use `features = ["x"]` on \\*all\\*');
    expect(inline('a | `b|c`', true)).toBe('a \\| `b\\|c`');
  });
});

describe('a finding about the build environment (no dependency line)', () => {
  it('points at the root Cargo.toml in SARIF, annotations and Markdown', async () => {
    // A target no machine here is set up for: the cross-environment rule reports it.
    const manifest = readFileSync(workspaceCopy('workspace') + '/Cargo.toml', 'utf8').replace('cross-environment = "off"\n', '');
    const root = workspaceCopy('workspace', { 'Cargo.toml': manifest });
    const args = ['check', '--offline', '--quiet', '--target', 'riscv64gc-unknown-linux-musl'];
    // Machine-dependent: out of SARIF (and its fingerprints) unless asked for.
    const portable = JSON.parse((await cli([...args, '--format', 'sarif'], { cwd: root })).stdout);
    expect(portable.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'cross-environment')).toEqual([]);
    const sarif = JSON.parse((await cli([...args, '--format', 'sarif', '--include-environment'], { cwd: root })).stdout);
    const env = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'cross-environment');
    expect(env).toHaveLength(1);
    expect(env[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'Cargo.toml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1 } });
    expect(env[0].relatedLocations).toBeUndefined();
    expect(env[0].message.text).not.toContain('Included through');
    const ajv = new AjvDraft04.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8')));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);

    const gh = (await cli([...args, '--format', 'github'], { cwd: root })).stdout.split('\n');
    const line = gh.find((l) => l.includes('title=cross-environment'))!;
    const parsed = parseCommand(line);
    expect(parsed.command).toBe('warning');
    expect(parsed.properties).toMatchObject({ file: 'Cargo.toml', line: '1', col: '1', title: 'cross-environment: app v0.1.0 (riscv64gc-unknown-linux-musl)' });
    expect(parsed.message).not.toContain('Included through');

    const md = (await cli([...args, '--format', 'markdown'], { cwd: root })).stdout;
    expect(md).toMatch(/\| \*\*warning\*\* \| `cross-environment` \| `app` 0\.1\.0 \| `riscv64gc-unknown-linux-musl` \| `Cargo\.toml:1` \| /);
  });
});
