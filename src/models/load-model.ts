import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LinearModel } from './linear.js';
import { readModelFile, ModelFileError } from './model-file.js';

export type LoadedModel = LinearModel;

/** Load any model file this version can read, dispatching on the backend named in its metadata. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const contents = await readModelFile(path);
  const backend = (contents.meta as { backend?: unknown }).backend;
  if (backend === 'linear') return LinearModel.fromContents(contents, path);
  throw new ModelFileError(path, 'invalid', `unknown model backend "${String(backend)}"`);
}

/** The model shipped with the package, used when a command gets no --model. */
export function defaultModelPath(): string | undefined {
  const p = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));
  return existsSync(p) ? p : undefined;
}
