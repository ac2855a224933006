/**
 * Model files on disk: the container format itself (model-codec.ts, environment-neutral) plus
 * atomic writes and validated reads through Node's file system.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../base/atomic-file.js';
import { fileErrorText } from '../../base/errors.js';
import { decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContents } from './model-codec.js';

export * from './model-codec.js';

function ioMessage(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory, not a model file' : fileErrorText(e);
}

/**
 * Writes a model file atomically (base/atomic-file.ts): readers never see a half-written model
 * and a failed write leaves any previous model in place.
 */
export async function writeModelFile(path: string, contents: ModelFileContents): Promise<void> {
  const bytes = encodeModelFile(contents, path);
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw new ModelFileError(path, 'io', `cannot write model file: ${ioMessage(e)}`);
  }
}

/** A model file's bytes, unchecked; a read error is a ModelFileError naming `path`. */
export async function readModelBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ModelFileError(path, 'io', `cannot read model file: ${ioMessage(e)}`);
  }
}

/**
 * A model file's bytes, unchecked, in memory that worker threads can share: read straight into it,
 * with no second copy on the way. A read error is a ModelFileError naming `path`.
 */
export async function readModelBytesShared(path: string): Promise<Uint8Array> {
  try {
    const file = await open(path, 'r');
    try {
      const size = (await file.stat()).size;
      const bytes = new Uint8Array(new SharedArrayBuffer(size));
      let at = 0;
      while (at < size) {
        const { bytesRead } = await file.read(bytes, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      // A file that shrank while it was read: what was read is what the checks see.
      return at === size ? bytes : bytes.subarray(0, at);
    } finally {
      await file.close();
    }
  } catch (e) {
    throw new ModelFileError(path, 'io', `cannot read model file: ${ioMessage(e)}`);
  }
}

/** Reads and fully validates a model file; errors name `path`. */
export async function readModelFile(path: string): Promise<ModelFileContents> {
  return decodeModelFile(await readModelBytes(path), path);
}

/**
 * The ETag of a model file's bytes (a strong validator: equal bytes, equal tag). The server and
 * its prediction threads compare tags to know they hold the same model.
 */
export function modelEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}
