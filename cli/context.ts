/** What a command runs with: the directory, the environment, the streams, and how progress and warnings are shown. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  warn(message: string): void;
  /** Progress of index fetching; replaces the progress line on stderr (the terminal UI draws its own). */
  progress?: (p: import('../src/registry/progress.js').FetchProgress) => void;
  /** Called before each target is resolved (the terminal UI shows it, and draws before resolution goes on). */
  resolving?: (p: { target: string; done: number; total: number }) => Promise<void>;
  /** How the user ran the tool, for usage lines: `cargo preflight` when cargo ran it as its subcommand (default `cargo-preflight`). */
  program?: string;
}
