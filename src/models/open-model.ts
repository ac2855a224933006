import { LinearModel } from './linear/linear.js';
import { decodeModelFile, ModelFileError, type ModelFileContents } from './file/model-codec.js';

/**
 * The model a decoded file holds, dispatching on the backend named in its metadata. Only linear
 * models are stored as files so far; a second kind widens the return type to a union.
 */
export function modelFromContents(contents: ModelFileContents, source: string): LinearModel {
  const backend = (contents.meta as { backend?: unknown }).backend;
  if (backend === 'linear') return LinearModel.fromContents(contents, source);
  throw new ModelFileError(source, 'invalid', `unknown model backend "${String(backend)}"`);
}

/**
 * A model from the bytes of a model file (fetched, embedded, read by other means): works in
 * any JavaScript runtime. The model keeps views onto `bytes`, so do not modify them afterwards.
 * `source` names the bytes in error messages.
 */
export function modelFromBytes(bytes: Uint8Array | ArrayBuffer, source = '<buffer>'): LinearModel {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return modelFromContents(decodeModelFile(view, source), source);
}
