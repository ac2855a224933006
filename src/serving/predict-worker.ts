/**
 * A thread that classifies slices of large batches (see predict-pool.ts). It holds its own copy
 * of the model, loaded from the same file as the server's, and answers with JSON text so the
 * server can splice the answers together without copying objects between threads.
 */
import { readFile } from 'node:fs/promises';
import { loadModel, type LoadedModel } from '../models/load-model.js';
import type { PaperText, PredictOptions } from '../models/model.js';
import { serve } from '../parallel/rpc.js';
import { predictionOutput } from './output.js';
import { modelEtag } from './model-slot.js';

let model: LoadedModel | null = null;
let etag = '';

serve(async (m) => {
  if (m.op === 'load') {
    const path = m.path as string;
    const bytes = await readFile(path);
    const next = await loadModel(path);
    next.predict({ title: 'warm up' });
    model = next;
    etag = modelEtag(bytes);
    return { result: etag };
  }
  // A slice for a model this thread does not hold (a reload is under way): the server does it.
  if (!model || m.etag !== etag) return { result: null };
  const papers = m.papers as (PaperText & { id?: string })[];
  const options = m.options as PredictOptions;
  return { result: papers.map((p) => JSON.stringify(predictionOutput(model!.predict({ title: p.title, abstract: p.abstract ?? '' }, options), p.id))) };
});

