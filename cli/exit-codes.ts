/**
 * The exit codes every command shares, as the help and the README list
 * them, and the help lines of a registry that cannot be reached.
 */
import type { NetworkError } from '../src/registry/types.js';

export const EXIT = {
  /** Ready: nothing at or above `--fail-on`. */
  ok: 0,
  /** Findings (a crate whose metadata a source lacks among them), an expectation not met. */
  findings: 1,
  /** Usage or input error: options, manifests, lockfile (stale under `--locked`), configuration. */
  usage: 2,
  /** The data could not be had: a registry unreachable after its retries. Worth retrying alone. */
  network: 3,
  /** A bug. */
  internal: 101,
} as const;

/** The table of `--help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0    ready: nothing at or above --fail-on (or only what the --baseline records)
  1    findings (a crate whose metadata a source lacks, metadata-missing, among them); \`why\`: the crate is not in the graph; \`doctor\`: a needed check failed
  2    usage or input error: an option, a manifest, the lockfile (out of date under --locked), the configuration
  3    could not get the data: a registry unreachable after its retries (worth retrying in CI)
  101  internal error (a bug; -v shows the backtrace)
`;

/**
 * What to do when a registry cannot be reached: work offline from what the
 * caches hold (said with how much they hold of what the run asked for), fill
 * a cache elsewhere, set a proxy, or read another index.
 */
export function networkHelp(e: NetworkError): string[] {
  const c = e.cache;
  const offline =
    c && c.asked > 0
      ? c.cached === c.asked
        ? `\`--offline\` reads only the caches, which hold all ${c.asked} index entries this run asked for`
        : `\`--offline\` reads only the caches: they hold ${c.cached} of the ${c.asked} index entries this run asked for (an offline run reports the others as metadata-missing)`
      : "`--offline` reads only the caches (this tool's and cargo's)";
  return [
    offline,
    "`cargo fetch` where the registry can be reached fills cargo's cache, which `--offline` reads; `cargo vendor` copies every crate into the project",
    "behind a proxy, set HTTPS_PROXY (or HTTP_PROXY; NO_PROXY for the hosts to reach directly) or cargo's `http.proxy`",
    '`--index URL|DIR` reads a mirror or a local copy of the index instead of crates.io',
  ];
}
