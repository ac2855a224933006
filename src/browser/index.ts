/**
 * The browser bundle's entry (built by `npm run build:web` into
 * dist/web/assets/arxiv-classifier.browser.js): the same model code as Node, exposed as
 * `globalThis.ArxivClassifier` so a page can classify with no server round-trip.
 *
 *   const bytes = await (await fetch('model.axcm')).arrayBuffer();
 *   const model = await ArxivClassifier.loadModelFromBytes(bytes);
 *   model.predict({ title, abstract }, { k: 5, explain: true });
 */
import type { LabelTask } from '../corpus/labels.js';
import { simdAvailable } from '../models/linear/kernels.js';
import { describeLabel, type LabelInfo } from '../models/labels-info.js';
import type { Classifier, Prediction, SyncPath } from '../models/model.js';
import { modelFromBytes } from '../models/open-model.js';
import { archiveOfCode, predictionRecord, type PredictionRecord } from '../models/prediction-json.js';
import { papersOfText } from './file-papers.js';
import type { PaperItem } from '../sources/fields.js';


/** What a page gets: models with the Classifier protocol and its synchronous path. */
export interface ArxivClassifierApi {
  /** Decodes and validates a model file's bytes; rejects with a ModelFileError naming the problem. */
  loadModelFromBytes(bytes: ArrayBuffer | Uint8Array, source?: string): Promise<Classifier & SyncPath>;
  /** Fetches a model file (once; cache it yourself) and loads it. */
  loadModelFromUrl(url: string): Promise<Classifier & SyncPath>;
  /** Which kernels score papers here: 'wasm-simd', or 'js' where WebAssembly SIMD is missing. */
  readonly kernelBackend: 'wasm-simd' | 'js';
  /** A label's official name and group, as `/v1/models` lists a model's labels. */
  describeLabel(label: string, task: LabelTask): LabelInfo;
  /** A category's archive with its official name, as the API adds to a prediction; undefined outside arXiv's taxonomy. */
  archiveOf(code: string): { code: string; name: string } | undefined;
  /** The papers of a CSV, TSV, JSON or JSON-lines file's text, read as `ingest` reads them (each with its line, or why it has no text). */
  papersOfText(name: string, text: string): PaperItem[] | { unsupported: string };
  /** A prediction as the API and `classify --input` write it (src/models/prediction-json.ts). */
  predictionRecord(p: Prediction, id?: string, row?: number): PredictionRecord;
}

declare global {
  // eslint-disable-next-line no-var
  var ArxivClassifier: ArxivClassifierApi;
}

async function loadModelFromBytes(bytes: ArrayBuffer | Uint8Array, source = '<buffer>'): Promise<Classifier & SyncPath> {
  return modelFromBytes(bytes, source);
}

async function loadModelFromUrl(url: string): Promise<Classifier & SyncPath> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return modelFromBytes(await response.arrayBuffer(), url);
}

globalThis.ArxivClassifier = {
  loadModelFromBytes,
  loadModelFromUrl,
  kernelBackend: simdAvailable() ? 'wasm-simd' : 'js',
  describeLabel,
  archiveOf: archiveOfCode,
  papersOfText,
  predictionRecord,
};
