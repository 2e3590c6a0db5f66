/** The fixture workspaces of test/fixtures/projects (see generate.mjs there), and copies to change. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECTS = fileURLToPath(new URL('../fixtures/projects', import.meta.url));

export function project(name: string): string {
  return join(PROJECTS, name);
}

/** A copy of a fixture workspace (with the shared vendor folder beside it), with files added or replaced. */
export function projectCopy(name: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'cargo-preflight-check-'));
  cpSync(join(PROJECTS, 'vendor'), join(root, 'vendor'), { recursive: true });
  cpSync(join(PROJECTS, name), join(root, name), { recursive: true });
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(root, name, rel), text);
  return join(root, name);
}

/** 1-based line and column of the first line of `file` that starts with `prefix`. */
export function lineOf(file: string, prefix: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith(prefix));
  if (i < 0) throw new Error(`no line starting with ${prefix} in ${file}`);
  return { line: i + 1, column: 1 };
}

/** A configured knowledge-base entry for an in-house `-sys` crate, as a user writes it in the tool's settings. */
export const ACME_ENTRY = `[[knowledge-base]]
id = "acme-codec"
name = "ACME codec"
category = "compression"
system-library = "libacme"
summary = "Links the in-house codec; its static feature builds it from the bundled source."

[[knowledge-base.crates]]
name = "acme-codec-sys"
role = "sys"
links = "acme_codec"
without-static = "system"
build-requires = ["c-compiler"]

[[knowledge-base.crates.static-options]]
feature = "static"
versions = ">=0.3.0, <0.4.0-0"
`;
