/** This tool's own package: its name, and the version and home page of its package.json, read once. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAME = 'cargo-preflight';

let pkg: { version: string; homepage: string } | undefined;

/** The package's own package.json (found above this module, from source, from dist/ or from the bundle). */
function ownPackage(): { version: string; homepage: string } {
  if (pkg) return pkg;
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      const json = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string; homepage?: string };
      if (json.name === TOOL_NAME && json.version) {
        return (pkg = { version: json.version, homepage: json.homepage ?? `https://github.com/${TOOL_NAME}/${TOOL_NAME}` });
      }
    }
    if (dirname(d) === d) return (pkg = { version: '0.0.0', homepage: `https://github.com/${TOOL_NAME}/${TOOL_NAME}` });
  }
}

export function toolVersion(): string {
  return ownPackage().version;
}

/** Where users read about the tool: package.json's `homepage`, else the project repository. */
export function toolUri(): string {
  return ownPackage().homepage;
}
