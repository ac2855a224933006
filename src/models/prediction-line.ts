import type { Prediction } from './model.js';

/** One line of batch output (`classify --input`): the paper's id, its labels and its top group. */
export function predictionLine(id: string | undefined, p: Prediction): string {
  return JSON.stringify({ id, labels: p.labels, group: p.groups[0]?.code });
}
