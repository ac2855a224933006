import type { LabelTask } from '../../corpus/labels.js';
import type { Loss, LossName } from './loss.js';
import { ONE_VS_REST } from './ova-loss.js';
import { SOFTMAX } from './softmax-loss.js';

const LOSSES: { readonly [N in LossName]: Loss } = { softmax: SOFTMAX, ova: ONE_VS_REST };

export function isLossName(name: unknown): name is LossName {
  return typeof name === 'string' && Object.hasOwn(LOSSES, name);
}

/** The loss a model file or message names. */
export function lossFor(name: LossName): Loss {
  return LOSSES[name];
}

/** The loss a task trains: one-vs-rest where a paper has several labels, softmax where it has one. */
export function lossForTask(task: LabelTask): Loss {
  return lossFor(task === 'multilabel' ? 'ova' : 'softmax');
}
