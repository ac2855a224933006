/** One CLI subcommand: its own file exports one of these. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text shown by `--help`. */
  usage: string;
  /** Returns the process exit code: 0 success, 1 failure. Throw UsageError for bad usage (exit 2). */
  run(argv: string[]): Promise<number>;
}

/** Bad command-line usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad file, bad model): printed without a stack, exit code 1. */
export class UserError extends Error {
  override name = 'UserError';
}
