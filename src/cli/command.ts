/** One CLI subcommand: its own file exports one of these; its one-line summary lives in main.ts's list, which lists commands without loading them. */
export interface Command {
  name: string;
  /** Full help text shown by `--help`. */
  usage: string;
  /** Returns the process exit code: 0 success, 1 failure. Throw UsageError for bad usage (exit 2). */
  run(argv: string[]): Promise<number>;
}

