/**
 * Records cargo's verdict on each invalid document of the toml-test suite
 * (test/fixtures/toml-test, TOML 1.0.0 list) composed after a valid
 * `[package]` header, as the tests' expected answers:
 * test/fixtures/toml-test/cargo-verdicts.json maps each file to "accepted"
 * or "refused" (`cargo metadata --offline --no-deps` on a package whose
 * Cargo.toml is the composed document).
 *
 * Run after `npm run build`: node dist/scripts/toml-test-verdicts.js
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const SUITE = join(ROOT, 'test/fixtures/toml-test');

/** The header every document is composed after. */
export const PACKAGE_HEADER = '[package]\nname = "fixture"\nversion = "0.1.0"\nedition = "2021"\n';

export function composed(doc: Buffer): Buffer {
  return Buffer.concat([Buffer.from(PACKAGE_HEADER), doc]);
}

export function suiteFiles(): string[] {
  return (readdirSync(join(SUITE, 'invalid'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.toml'))
    .map((f) => `invalid/${f.split('\\').join('/')}`)
    .sort();
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'toml-test-verdicts-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/lib.rs'), '');
  const verdicts: Record<string, 'accepted' | 'refused'> = {};
  try {
    for (const file of suiteFiles()) {
      writeFileSync(join(dir, 'Cargo.toml'), composed(readFileSync(join(SUITE, file))));
      const r = spawnSync('cargo', ['metadata', '--offline', '--no-deps', '--format-version', '1'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.error) throw r.error;
      verdicts[file] = r.status === 0 ? 'accepted' : 'refused';
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const version = spawnSync('cargo', ['--version'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(SUITE, 'cargo-verdicts.json'), JSON.stringify({ cargo: version, verdicts }, null, 2) + '\n');
  const refused = Object.values(verdicts).filter((v) => v === 'refused').length;
  console.log(`${relative(ROOT, join(SUITE, 'cargo-verdicts.json'))}: ${refused} of ${Object.keys(verdicts).length} refused by ${version}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
