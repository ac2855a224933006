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

/**
 * An input that decompresses to more than its limit allows (a zip bomb, or just too big for the
 * server): a UserError for the CLI, a 413 for the server.
 */
export class DecompressionLimitError extends UserError {
  override name = 'DecompressionLimitError';
  constructor(
    what: string,
    readonly limit: number,
  ) {
    super(`${what}: decompresses to more than the limit of ${limit} bytes`);
  }
}

/**
 * How a model backend behind the classifier (an LLM endpoint) failed: `timeout`, it did not answer
 * in time; `unavailable`, it could not be reached or said it was overloaded or broken (429, 5xx);
 * `refused`, it turned the request down (a wrong key, URL or model: 4xx); `bad_answer`, it
 * answered with something that is not an answer.
 */
export type UpstreamFailure = 'timeout' | 'unavailable' | 'refused' | 'bad_answer';

/**
 * A model backend failed. `message` is for the operator (it may name the endpoint's URL);
 * `reason` is short and names nothing internal, for clients. Both carry no secret.
 */
export class UpstreamError extends UserError {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly failure: UpstreamFailure,
    readonly reason: string,
  ) {
    super(message);
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/**
 * What a file-system error means, in words, for a message that already names the file; the
 * error's own text ("EISDIR: illegal operation on a directory, read") for any other error.
 */
export function fileErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return (code !== undefined && FILE_ERRORS[code]) || (e instanceof Error ? e.message : String(e));
}

/** A file-system error that escaped every handler, as the user should read it: its path, then what happened; undefined for any other error. */
export function describeFileError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | null;
  if (err?.code === undefined || FILE_ERRORS[err.code] === undefined) return undefined;
  return err.path ? `${err.path}: ${FILE_ERRORS[err.code]}` : FILE_ERRORS[err.code];
}

/**
 * A value a caller passed, as an error message quotes it: primitives as JSON, objects and arrays by
 * kind only (one nested deep enough would overflow JSON.stringify, and a paper is not worth echoing).
 */
export function shownValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  // String(NaN) is "NaN" where JSON.stringify would say "null".
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
