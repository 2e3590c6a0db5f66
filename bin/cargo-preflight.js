#!/usr/bin/env node
// Entry point. Also reached as `cargo preflight` (cargo passes "preflight" as the first argument).
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const backtrace = !!process.env.CARGO_PREFLIGHT_BACKTRACE || argv.includes('--verbose') || argv.some((a) => /^-v+$/.test(a));
// A backtrace names the modules and lines of the sources, not of the bundle.
if (backtrace) process.setSourceMapsEnabled(true);

const { ChunkLoader, setShortRun } = await import('../dist/bundle/loader.js');
// A run lasts a fraction of a second: V8's optimizing compiler and incremental marking cost more than they gain (cli/v8.ts).
// Turned off before any chunk is compiled: V8's code cache holds the flags it was made with.
setShortRun(true);
// The bundle's chunks, with V8's code cache (cli/chunk-loader.ts), written at exit for the chunks compiled without one.
const loader = ChunkLoader.read(fileURLToPath(new URL('../dist/bundle/', import.meta.url)), process.env, backtrace);
// Written with the short run's flags, whatever the run set since (the triage screen turns them back): V8 stamps a cache with the flags at writing.
// Not by a run that only prints the version or help: a cache holds what its run compiled, and that would be little of a command's.
const informational = argv.some((a) => /^(-V|--version|-h|--help)$/.test(a)) || argv[argv[0] === 'preflight' ? 1 : 0] === 'help';
process.on('exit', () => {
  if (informational) return;
  setShortRun(true);
  loader.writeCache();
});
const { defaultContext, main } = await loader.load('cargo-preflight.cjs');

// Run by cargo, usage lines and hints say `cargo preflight`, as the user typed it.
const program = argv[0] === 'preflight' ? 'cargo preflight' : 'cargo-preflight';
if (argv[0] === 'preflight') argv.shift();
// A reader that stops early (`| head`) is not an error, as for cargo: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
main(argv, { ...defaultContext(), program }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`error: internal error: ${err?.message ? err.message : String(err)}\n`);
    if (backtrace) {
      process.stderr.write(`${err?.stack ? err.stack : ''}\n`);
    }
    process.exitCode = 101;
  },
);
