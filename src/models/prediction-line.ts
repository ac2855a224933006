import type { Prediction } from './model.js';

/** One line of batch output (`classify --input`): the paper's id, its labels, its top group, and
 * the raw answer when a backend (an LLM) gave one that could not be parsed. */
export function predictionLine(id: string | undefined, p: Prediction): string {
  return JSON.stringify({ id, labels: p.labels, group: p.groups[0]?.code, ...(p.unparsed !== undefined ? { unparsed: p.unparsed } : {}) });
}
