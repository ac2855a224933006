/**
 * Model files on disk: the container format itself (model-codec.ts, environment-neutral) plus
 * atomic writes and validated reads through Node's file system.
 */
import { readFile } from 'node:fs/promises';
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

/** Reads and fully validates a model file; errors name `path`. */
export async function readModelFile(path: string): Promise<ModelFileContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ModelFileError(path, 'io', `cannot read model file: ${ioMessage(e)}`);
  }
  return decodeModelFile(bytes, path);
}
