#!/usr/bin/env node
// Entry point. Also reached as `cargo preflight` (cargo passes "preflight" as the first argument).
import { setFlagsFromString } from 'node:v8';

// A run lasts a fraction of a second. V8's optimizing compiler spends more
// than it saves in that time: on 2 cores it competes with the run, and at exit
// the process waits for the compile jobs still going (up to 10 ms, on 40% of
// `tree` runs measured). The baseline compilers stay on. Run as
// `node --opt bin/cargo-preflight.js …`, node's own choice stands.
if (!process.execArgv.some((f) => /^--(no-)?(opt|turbofan)\b/.test(f))) setFlagsFromString('--no-opt');

const argv = process.argv.slice(2);
const backtrace = !!process.env.CARGO_PREFLIGHT_BACKTRACE || argv.includes('--verbose') || argv.some((a) => /^-v+$/.test(a));
// A backtrace names the modules and lines of the sources, not of the bundle.
if (backtrace) process.setSourceMapsEnabled(true);

const { defaultContext, main } = await import('../dist/bundle/cargo-preflight.js');

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
    process.stderr.write(`error: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (backtrace) {
      process.stderr.write(`${err && err.stack ? err.stack : ''}\n`);
    }
    process.exitCode = 101;
  },
);
