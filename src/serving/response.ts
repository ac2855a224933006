import type { ServerResponse } from 'node:http';
import type { UpstreamError } from '../base/errors.js';
import { NDJSON } from './api-schemas.js';
import type { FieldProblem } from './schema.js';

/**
 * A request the server refuses, with the status and the error body the client gets. Thrown by
 * the edges (body reading, validation, auth) and turned into a response in one place, so bad
 * input is never a 500.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const UPSTREAM_STATUS = { timeout: 504, unavailable: 503, refused: 502, bad_answer: 502 } as const;

/** A model backend's failure as the client sees it: 502, 503 or 504 with its short reason, never the endpoint's URL. */
export function upstreamHttpError(e: UpstreamError): HttpError {
  return new HttpError(UPSTREAM_STATUS[e.failure], `backend_${e.failure}`, `the model backend failed: ${e.reason}`);
}

/** The JSON error body every non-2xx response carries. */
export interface ErrorBody {
  error: { status: number; code: string; message: string; field?: string; problems?: FieldProblem[] };
}

export function errorBody(e: HttpError): ErrorBody {
  const error: ErrorBody['error'] = { status: e.status, code: e.code, message: e.message };
  if (e.problems.length > 0) {
    error.field = e.problems[0]!.field;
    error.problems = e.problems;
  }
  return { error };
}

/** 400 naming the first bad field in the message, with every problem listed in the body. */
export function invalid(problems: FieldProblem[]): HttpError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new HttpError(400, 'invalid_request', `${first.field}: ${first.message}${more}`, problems);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) {
    // A stream of JSON lines already under way ends with the error as its last line, so the
    // client learns why it stopped; any other answer can only be cut off.
    if (String(res.getHeader('content-type') ?? '').startsWith(NDJSON) && !res.writableEnded && !res.destroyed) res.end(JSON.stringify({ type: 'error', ...errorBody(e) }) + '\n');
    else res.destroy(e);
    return;
  }
  sendJson(res, e.status, errorBody(e), e.headers);
}

/**
 * Start a 200 answer of JSON lines. The header is set, not passed to writeHead, so that it can
 * be read back: a failure part way through ends such a stream with an error line (sendError).
 */
export function startNdjson(res: ServerResponse): void {
  res.setHeader('content-type', `${NDJSON}; charset=utf-8`);
  res.writeHead(200);
}

/** Yield to the event loop between chunks of a long batch so other requests still get answers. */
export const breathe = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Write and wait for the socket to drain when its buffer is full: a slow client throttles us. A
 * client that has gone ends the handler (as a hang-up, see server.ts) instead of leaving it
 * waiting for a drain that never comes.
 */
export async function write(res: ServerResponse, text: string): Promise<void> {
  const gone = () => Object.assign(new Error('the client closed the connection'), { code: 'ECONNRESET' });
  if (res.destroyed) throw gone();
  if (res.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const drained = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', drained);
      reject(gone());
    };
    res.once('drain', drained);
    res.once('close', closed);
  });
}
