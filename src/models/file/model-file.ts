/**
 * Model files on disk: the container format itself (model-codec.ts, environment-neutral) plus
 * atomic writes and validated reads through Node's file system.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContents } from './model-codec.js';

export * from './model-codec.js';

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EISDIR') return 'is a directory, not a model file';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  return err.message ?? String(e);
}

/**
 * Writes a model file atomically: the bytes go to a temporary file in the same directory, are
 * flushed to disk, and the temporary file is renamed over `path`, so readers never see a
 * half-written model and a failed write leaves any previous model in place.
 */
export async function writeModelFile(path: string, contents: ModelFileContents): Promise<void> {
  const bytes = encodeModelFile(contents, path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    if (e instanceof ModelFileError) throw e;
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
