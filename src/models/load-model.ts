import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readModelFile } from './model-file.js';
import { modelFromContents, type LoadedModel } from './open-model.js';

export type { LoadedModel } from './open-model.js';

/** Load any model file this version can read, dispatching on the backend named in its metadata. */
export async function loadModel(path: string): Promise<LoadedModel> {
  return modelFromContents(await readModelFile(path), path);
}

/** The model shipped with the package, used when a command gets no --model. */
export function defaultModelPath(): string | undefined {
  const p = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));
  return existsSync(p) ? p : undefined;
}
