/**
 * One prediction thread of a PredictPool: loads the model file itself (weights are not shared
 * across threads: an int8 model expands to float32 per thread, which is the price of SIMD scoring
 * without locks) and answers chunks of papers.
 */
import { serve } from '../parallel/rpc.js';
import { loadModel, type LoadedModel } from './load-model.js';
import type { PaperText, PredictOptions } from './model.js';
import { predictionLine } from './prediction-line.js';

let model: LoadedModel | null = null;

serve(async (m) => {
  if (m.type === 'load') {
    model = await loadModel(m.path as string);
    return { result: null };
  }
  if (!model) throw new Error('predict worker: no model loaded');
  const papers = m.papers as (PaperText & { id?: string })[];
  if (m.type === 'proba') {
    const proba = model.predictProba(papers);
    return { result: proba, transfer: [proba.buffer as ArrayBuffer] };
  }
  if (m.type === 'lines') {
    const options = m.options as PredictOptions;
    return { result: papers.map((p) => predictionLine(p.id, model!.predict(p, options))).join('\n') };
  }
  throw new Error(`predict worker: unknown request ${String(m.type)}`);
});
