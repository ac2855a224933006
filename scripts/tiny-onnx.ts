/**
 * Makes a small sequence-classification model in the Hugging Face export layout — model.onnx
 * (input_ids, attention_mask → logits), tokenizer.json (WordPiece), config.json (id2label) — from
 * a labelled corpus, so that the ONNX backend can be tested and benchmarked without downloading
 * weights. The network is an embedding bag: mean of token embeddings under the attention mask,
 * then a linear layer. Embeddings are per-class naive-Bayes log-likelihood ratios, so the model
 * really classifies (tests check its accuracy) while costing nothing to "train".
 *
 *   tsx scripts/tiny-onnx.ts CORPUS OUT_DIR [--max-vocab N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPapers } from '../src/corpus/load.js';
import type { PaperRecord } from '../src/corpus/record.js';
import { DataType, encodeModel, type Graph } from './onnx-proto.js';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

export interface TinyModel {
  labels: string[];
  vocab: string[];
  /** V × D token embeddings (D = number of labels). */
  embeddings: Float32Array;
  /** D × C. */
  weight: Float32Array;
  bias: Float32Array;
}

/** The words BertNormalizer + BertPreTokenizer produce, near enough to choose a vocabulary. */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Fit the embedding bag to papers labelled by their primary category. */
export function fitTinyModel(papers: readonly PaperRecord[], options: { maxVocab?: number; scale?: number } = {}): TinyModel {
  const labels = [...new Set(papers.map((p) => p.primary))].sort();
  const C = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = new Map<string, Float64Array>();
  const df = new Map<string, number>();
  const totals = new Float64Array(C);
  for (const p of papers) {
    const c = index.get(p.primary)!;
    const ws = words(`${p.title} ${p.abstract}`);
    for (const w of ws) {
      let row = counts.get(w);
      if (!row) counts.set(w, (row = new Float64Array(C)));
      row[c]!++;
      totals[c]!++;
    }
    for (const w of new Set(ws)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const vocabWords = [...df.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxVocab ?? 30_000)
    .map(([w]) => w);
  const vocab = [...SPECIAL, ...vocabWords];
  const V = vocab.length;
  const embeddings = new Float32Array(V * C);
  for (let v = SPECIAL.length; v < V; v++) {
    const row = counts.get(vocab[v]!)!;
    let mean = 0;
    const logs = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      logs[c] = Math.log((row[c]! + 1) / (totals[c]! + V));
      mean += logs[c]! / C;
    }
    for (let c = 0; c < C; c++) embeddings[v * C + c] = logs[c]! - mean;
  }
  const scale = options.scale ?? 8;
  const weight = new Float32Array(C * C);
  for (let c = 0; c < C; c++) weight[c * C + c] = scale;
  return { labels, vocab, embeddings, weight, bias: new Float32Array(C) };
}

/** The graph: Gather → mask → ReduceSum / count → Div → MatMul + bias (opset 13). */
export function tinyGraph(m: TinyModel): Graph {
  const V = m.vocab.length;
  const C = m.labels.length;
  return {
    name: 'tiny_embedding_bag',
    inputs: [
      { name: 'input_ids', type: DataType.INT64, shape: ['batch', 'sequence'] },
      { name: 'attention_mask', type: DataType.INT64, shape: ['batch', 'sequence'] },
    ],
    outputs: [{ name: 'logits', type: DataType.FLOAT, shape: ['batch', C] }],
    initializers: [
      { name: 'embeddings', dims: [V, C], data: m.embeddings },
      { name: 'classifier.weight', dims: [C, C], data: m.weight },
      { name: 'classifier.bias', dims: [C], data: m.bias },
      { name: 'axis_sequence', dims: [1], data: BigInt64Array.of(1n) },
      { name: 'axis_last', dims: [1], data: BigInt64Array.of(2n) },
      { name: 'one', dims: [1], data: Float32Array.of(1) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['embeddings', 'input_ids'], outputs: ['token_vectors'], attributes: [{ name: 'axis', int: 0 }] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_float'], attributes: [{ name: 'to', int: DataType.FLOAT }] },
      { op: 'Unsqueeze', inputs: ['mask_float', 'axis_last'], outputs: ['mask_3d'] },
      { op: 'Mul', inputs: ['token_vectors', 'mask_3d'], outputs: ['masked'] },
      { op: 'ReduceSum', inputs: ['masked', 'axis_sequence'], outputs: ['summed'], attributes: [{ name: 'keepdims', int: 0 }] },
      { op: 'ReduceSum', inputs: ['mask_3d', 'axis_sequence'], outputs: ['token_count'], attributes: [{ name: 'keepdims', int: 0 }] },
      { op: 'Max', inputs: ['token_count', 'one'], outputs: ['token_count_safe'] },
      { op: 'Div', inputs: ['summed', 'token_count_safe'], outputs: ['pooled'] },
      { op: 'MatMul', inputs: ['pooled', 'classifier.weight'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'classifier.bias'], outputs: ['logits'] },
    ],
  };
}

/** The same forward pass in plain JS, to check what onnxruntime computes. */
export function referenceLogits(m: TinyModel, ids: readonly number[], mask: readonly number[]): Float32Array {
  const C = m.labels.length;
  const pooled = new Float64Array(C);
  let count = 0;
  for (let t = 0; t < ids.length; t++) {
    if (!mask[t]) continue;
    count++;
    for (let d = 0; d < C; d++) pooled[d]! += m.embeddings[ids[t]! * C + d]!;
  }
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = m.bias[c]!;
    for (let d = 0; d < C; d++) s += (pooled[d]! / Math.max(count, 1)) * m.weight[d * C + c]!;
    out[c] = s;
  }
  return out;
}

/** tokenizer.json for a BERT-style uncased WordPiece tokenizer over `vocab`. */
export function tokenizerJson(vocab: readonly string[]): unknown {
  const id = (t: string) => vocab.indexOf(t);
  const special = (t: string) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

/** Write model.onnx, tokenizer.json, tokenizer_config.json and config.json into `dir`. */
export function writeTinyModel(m: TinyModel, dir: string, maxLength = 256): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), encodeModel(tinyGraph(m)));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(m.vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, model_max_length: maxLength, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', tokenizer_class: 'BertTokenizer' }, null, 2));
  const id2label = Object.fromEntries(m.labels.map((l, i) => [String(i), l]));
  const label2id = Object.fromEntries(m.labels.map((l, i) => [l, i]));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ architectures: ['TinyEmbeddingBagForSequenceClassification'], model_type: 'axc-tiny-bag', problem_type: 'single_label_classification', max_position_embeddings: maxLength, id2label, label2id }, null, 2),
  );
}

async function main(argv: string[]): Promise<void> {
  const [data, out] = argv;
  const at = argv.indexOf('--max-vocab');
  if (!data || !out) throw new Error('usage: tsx scripts/tiny-onnx.ts CORPUS OUT_DIR [--max-vocab N]');
  const { papers } = await loadPapers(data);
  const m = fitTinyModel(papers, { maxVocab: at >= 0 ? Number(argv[at + 1]) : undefined });
  writeTinyModel(m, out);
  process.stderr.write(`wrote ${out}: ${m.labels.length} labels, ${m.vocab.length} tokens\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
