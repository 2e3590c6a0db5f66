/**
 * Cargo.lock judged as cargo judges it (`lockGaps`), remembered in the tool's
 * cache by the bytes the judgement depends on, so that only the first run on
 * a lock state pays for it (a resolution of every platform reads the
 * manifests of crates no target of the run reaches: about 100 ms on a
 * 360-crate vendored project).
 *
 * The judgement is a function of Cargo.lock and of the manifests of the
 * packages it locks. Registry, vendored and local-registry packages are
 * pinned by the checksum Cargo.lock records (cargo refuses a build whose
 * crate does not match it), git packages by the commit in their source, so
 * the key is Cargo.lock's text, the text of every path package's manifest
 * (members and the rest), and the build of the tool. A lock that records a
 * registry package without a checksum is never remembered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockGaps, type LockGap, type Project } from './index.js';

const FOLDER = 'lock-judgements-v1';

/** Which build of the tool made a judgement: any rebuild forgets the old ones. */
function buildStamp(): string {
  try {
    const s = statSync(fileURLToPath(import.meta.url));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'unknown';
  }
}

/** The key of a project's lock judgement, or null when it cannot be pinned down. */
export function lockJudgementKey(project: Project): string | null {
  const hash = createHash('sha256').update(`${FOLDER}\0${buildStamp()}\0`);
  try {
    hash.update(readFileSync(project.lockfile.path));
  } catch {
    return null;
  }
  const paths: string[] = [];
  for (const p of project.lockfile.packages.values()) {
    if (p.source === null) {
      const s = project.packages.summaries.get(p.key);
      if (!s?.manifest) return null;
      paths.push(s.manifest.path);
    } else if (!p.source.startsWith('git+') && !p.checksum) return null;
  }
  for (const path of paths.sort()) {
    const text = project.workspace.sourceText(path) ?? readText(path);
    if (text === null) return null;
    hash.update(`\0${path}\0${text}`);
  }
  return hash.digest('hex');
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** `lockGaps(project)`, from the cache when this lock state was judged before; the judgement is stored for the next run. */
export function judgedLockGaps(project: Project, cacheDir: string): LockGap[] {
  const key = lockJudgementKey(project);
  const file = key ? join(cacheDir, FOLDER, `${key}.json`) : null;
  if (file) {
    const cached = readText(file);
    if (cached !== null) {
      try {
        const gaps: unknown = JSON.parse(cached);
        if (Array.isArray(gaps)) return gaps as LockGap[];
      } catch {
        // a damaged entry: judged again and written over
      }
    }
  }
  const gaps = lockGaps(project);
  if (file) {
    // Best effort: a cache that cannot be written costs the next run the judgement, nothing else.
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(join(cacheDir, FOLDER), { recursive: true });
      writeFileSync(temp, JSON.stringify(gaps));
      renameSync(temp, file);
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // nothing was written
      }
    }
  }
  return gaps;
}
