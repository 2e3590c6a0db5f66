import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeToolchain } from '../../cli/environment.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sysroot with the standard library of `targets`, a rustc that answers like one older than 1.84 (no `host-tuple`), and a rustup on PATH. */
function oldToolchain(targets: string[]): { env: NodeJS.ProcessEnv; sysroot: string } {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-toolchain-'));
  dirs.push(dir);
  const sysroot = join(dir, 'sysroot');
  for (const t of targets) mkdirSync(join(sysroot, 'lib', 'rustlib', t, 'lib'), { recursive: true });
  // Not targets: rustup's files and folders beside them.
  mkdirSync(join(sysroot, 'lib', 'rustlib', 'etc'), { recursive: true });
  writeFileSync(join(sysroot, 'lib', 'rustlib', 'components'), 'rust-std-x86_64-unknown-linux-gnu\n');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const rustc = join(bin, 'rustc');
  writeFileSync(
    rustc,
    `#!/bin/sh
case "$*" in
  "--print sysroot --print host-tuple") echo "error: unknown print request: \\\`host-tuple\\\`" >&2; exit 1 ;;
  "--print sysroot") echo "${sysroot}" ;;
  "-vV") printf 'rustc 1.80.0\\nhost: riscv64gc-unknown-linux-gnu\\nrelease: 1.80.0\\n' ;;
  *) exit 2 ;;
esac
`,
  );
  chmodSync(rustc, 0o755);
  writeFileSync(join(bin, 'rustup'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'rustup'), 0o755);
  return { env: { PATH: bin, RUSTC: rustc }, sysroot };
}

describe('probeToolchain', () => {
  it('asks the rustc of this machine once, and finds what rustup has installed as rustup lists it', async () => {
    const tc = await probeToolchain(process.env);
    const version = execFileSync('rustc', ['-vV'], { encoding: 'utf8' });
    expect(tc.host).toBe(/^host: (\S+)$/m.exec(version)![1]);
    expect(tc.sysroot).toBe(execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim());
    let listed: string[] | null = null;
    try {
      listed = execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    } catch {
      // No rustup here: nothing to compare with.
    }
    if (listed) expect(tc.installedTargets).toEqual(listed);
  });

  it('asks a rustc older than 1.84 again with -vV, and reads the targets from its sysroot', async () => {
    const { env, sysroot } = oldToolchain(['x86_64-unknown-linux-musl', 'riscv64gc-unknown-linux-gnu']);
    expect(await probeToolchain(env)).toEqual({
      host: 'riscv64gc-unknown-linux-gnu',
      sysroot,
      installedTargets: ['riscv64gc-unknown-linux-gnu', 'x86_64-unknown-linux-musl'],
    });
  });

  it('asks a rustc that fails for another reason (rustup with no toolchain to choose) only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-toolchain-'));
    dirs.push(dir);
    const rustc = join(dir, 'rustc');
    const log = join(dir, 'asked');
    writeFileSync(rustc, `#!/bin/sh\necho "$*" >> "${log}"\necho "error: rustup could not choose a version of rustc to run" >&2\nexit 1\n`);
    chmodSync(rustc, 0o755);
    const tc = await probeToolchain({ PATH: dir, RUSTC: rustc });
    expect(tc).toMatchObject({ sysroot: null, installedTargets: null });
    expect(readFileSync(log, 'utf8')).toBe('--print sysroot --print host-tuple\n');
  });

  it('says nothing of installed targets without rustup, and falls back on the platform without rustc', async () => {
    const { env } = oldToolchain(['x86_64-unknown-linux-musl']);
    const noRustup = await probeToolchain({ ...env, PATH: '/nonexistent' });
    expect(noRustup.installedTargets).toBeNull();
    const none = await probeToolchain({ PATH: '/nonexistent', RUSTC: '/nonexistent/rustc' });
    expect(none).toMatchObject({ sysroot: null, installedTargets: null });
    expect(none.host).toMatch(/^\w+-/);
  });
});
