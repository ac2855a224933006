import { parseJsonText } from '../base/json-text.js';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './response.js';

/** The media type of a request without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** 415 unless the request's media type is one of `accepted`. */
export function requireMediaType(req: IncomingMessage, accepted: readonly string[]): string {
  const type = mediaType(req);
  if (!accepted.includes(type)) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be ${accepted.join(' or ')}${type ? `, got ${type}` : ' (none was sent)'}`, [], { accept: accepted.join(', ') });
  }
  return type;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`);
}

/**
 * The whole body, refusing more than `limit` bytes: early from Content-Length, otherwise as the
 * bytes arrive, so an endless body costs at most `limit` of memory.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  // Listeners rather than `for await`: this runs for every request, and the async iterator
  // costs measurably more per small body.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(Object.assign(new Error('the client closed the connection before the body ended'), { code: 'ECONNRESET' }));
    });
  });
}

/** Parse a JSON body, with a 400 that says where the syntax broke. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'invalid_json', 'the request body is empty; expected JSON', [{ field: '(body)', message: 'empty' }]);
  try {
    return parseJsonText(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `the request body is not valid JSON: ${(e as Error).message}`, [{ field: '(body)', message: (e as Error).message }]);
  }
}

/** One line of an NDJSON body: its text, or that it ran past the limit (its text is dropped). */
export type NdjsonLine = { line: number; text: string } | { line: number; tooLong: true };

/**
 * Lines of an NDJSON body as they arrive (1-based numbers). A line longer than `maxLine` bytes
 * comes out as `tooLong` and is skipped to its end, so it costs no more memory than the limit and
 * the lines after it still come; the whole stream may be any length.
 */
export async function* ndjsonLines(req: IncomingMessage, maxLine: number): AsyncGenerator<NdjsonLine> {
  let pending = '';
  let line = 0;
  /** Inside a line already reported as too long: drop text until its newline. */
  let skipping = false;
  const decoder = new TextDecoder();
  for await (const chunk of req as AsyncIterable<Buffer>) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    if (skipping) {
      const nl = pending.indexOf('\n');
      if (nl < 0) {
        pending = '';
        continue;
      }
      skipping = false;
      start = nl + 1;
    }
    let nl: number;
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      line++;
      yield nl - start > maxLine ? { line, tooLong: true } : { line, text: pending.slice(start, nl) };
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLine) {
      line++;
      yield { line, tooLong: true };
      skipping = true;
      pending = '';
    }
  }
  pending += decoder.decode();
  if (!skipping && pending.trim()) yield { line: line + 1, text: pending };
}
