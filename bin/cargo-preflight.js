#!/usr/bin/env node
// Entry point. Also reached as `cargo preflight` (cargo passes "preflight" as the first argument).
import { defaultContext, main } from '../dist/cli/main.js';

const argv = process.argv.slice(2);
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
    if (process.env.CARGO_PREFLIGHT_BACKTRACE || argv.includes('--verbose') || argv.includes('-v')) {
      process.stderr.write(`${err && err.stack ? err.stack : ''}\n`);
    }
    process.exitCode = 101;
  },
);
