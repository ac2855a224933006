/**
 * Parquet and xlsx readers need random access (a parquet footer, a zip's central directory), which
 * a gzip stream cannot give. detectFormat looks inside gzip, so such files are recognised; to read
 * one, it is gunzipped to a temp file first, read from there, and the copy is removed however the
 * reading ends (done, failed, or stopped early by the consumer).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { trackTemp, untrackTemp } from '../base/temp-files.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../base/errors.js';
import type { DecompressionLimit } from './decompression-limit.js';
import { isGzipFile, openBytes } from './open.js';

/**
 * What `read` yields for `path`, handed a file it can seek in: `path` itself, or a gunzipped copy
 * (within `limit`) under `tempRoot` when `path` is gzipped. `name` is what messages should call
 * the file: never the copy's path, which means nothing to the user and is gone by the time they
 * read it.
 */
export async function* readSeekable<T>(path: string, read: (file: string, name: string) => AsyncIterable<T>, options: { tempRoot?: string; limit?: DecompressionLimit } = {}): AsyncGenerator<T> {
  const tempRoot = options.tempRoot ?? tmpdir();
  if (!(await isGzipFile(path))) {
    yield* read(path, path);
    return;
  }
  const dir = trackTemp(await mkdtemp(join(tempRoot, 'axc-gunzip-')));
  try {
    const copy = join(dir, 'content');
    try {
      await pipeline(Readable.from(openBytes(path, options.limit)), createWriteStream(copy));
    } catch (err) {
      if (err instanceof UserError) throw err; // corrupt gzip: already names the file
      throw new UserError(`${path}: cannot gunzip it into ${tempRoot} to read it: ${err instanceof Error ? err.message : String(err)}`);
    }
    yield* read(copy, `${path} (gunzipped)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrackTemp(dir);
  }
}
