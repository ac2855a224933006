import type { Prediction } from '../models/model.js';
import { archiveOf, archiveTitle } from '../taxonomy/taxonomy.js';

/** A prediction as the API returns it: with the caller's id and the top label's archive. */
export type PredictionOutput = Prediction & { id?: string; archive?: { code: string; name: string } };

export function predictionOutput(p: Prediction, id: string | undefined): PredictionOutput {
  const top = p.labels[0];
  const out: PredictionOutput = id === undefined ? { labels: p.labels, groups: p.groups } : { id, labels: p.labels, groups: p.groups };
  // An LLM answer that named no valid category: said so, never guessed.
  if (p.unparsed !== undefined) out.unparsed = p.unparsed;
  if (top) {
    const archive = archiveOf(top.code);
    const name = archiveTitle(archive);
    if (name) out.archive = { code: archive, name };
  }
  return out;
}
