import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readModelFile } from './file/model-file.js';
import type { LinearModel } from './linear/linear.js';
import { modelFromContents } from './open-model.js';

/** Load any model file this version can read, dispatching on the backend named in its metadata. */
export async function loadModel(path: string): Promise<LinearModel> {
  return modelFromContents(await readModelFile(path), path);
}

/** Models shipped with the package (models/NAME.axcm): `primary` is the default, `multilabel` gives cross-lists. */
export const SHIPPED_MODELS = ['primary', 'multilabel'] as const;

/** The path of a model shipped with the package; `primary` is used when a command gets no --model. */
export function defaultModelPath(name: (typeof SHIPPED_MODELS)[number] = 'primary'): string | undefined {
  const p = fileURLToPath(new URL(`../../models/${name}.axcm`, import.meta.url));
  return existsSync(p) ? p : undefined;
}

/**
 * What `--model` names: a file, or the name of a shipped model (`primary`, `multilabel`) when no
 * file of that name exists.
 */
export function modelPathFor(value: string | undefined): string | undefined {
  if (value === undefined) return defaultModelPath();
  if ((SHIPPED_MODELS as readonly string[]).includes(value) && !existsSync(value)) return defaultModelPath(value as (typeof SHIPPED_MODELS)[number]) ?? value;
  return value;
}
