import { UsageError } from './command.js';
import { defaultModelPath, loadModel, type LoadedModel } from '../models/load-model.js';

/** `--model PATH`, or the packaged default model when the flag is absent. */
export async function resolveModel(path: string | undefined): Promise<LoadedModel> {
  const p = path ?? defaultModelPath();
  if (!p) throw new UsageError('--model is required (no default model is installed)');
  return loadModel(p);
}
