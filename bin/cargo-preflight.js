#!/usr/bin/env node
// Entry point. Also reached as `cargo preflight` (cargo passes "preflight" as the first argument).
import { main } from '../dist/cli/main.js';

const argv = process.argv.slice(2);
if (argv[0] === 'preflight') argv.shift();
main(argv).then(
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
