/**
 * The errors every layer may throw for a person to read: the CLI prints them without a stack
 * (exit 1, or 2 with the command's usage), the server maps them to 4xx answers.
 */

/** Bad command-line usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad file, bad model): printed without a stack, exit code 1. */
export class UserError extends Error {
  override name = 'UserError';
}
