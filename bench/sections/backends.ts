/**
 * Throughput of the ONNX backend on the CPU, with the tiny embedding-bag model that
 * scripts/tiny-onnx.ts generates (no real transformer weights can be downloaded here): fitted on
 * 10,000 papers of the shared corpus, timed on the next 2,000 (synthetic papers when the corpus
 * is absent). End to end through the backend — tokenising with @huggingface/tokenizers, batching,
 * onnxruntime-node — on 1 and 2 intra-op threads, tokenising alone, and the shipped linear model
 * on the same papers for scale. A real DistilBERT does ~100× the arithmetic per token of this
 * model, so these numbers bound the backend's own overhead, not a transformer's speed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fitTinyModel, writeTinyModel } from '../../scripts/tiny-onnx.js';
import { ROOT } from '../child.js';
import type { SectionResult } from '../run.js';
import { readPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { defaultModelPath, loadModel } from '../../src/models/load-model.js';
import { OnnxClassifier } from '../../src/models/onnx/onnx-classifier.js';
import { syntheticPapers } from '../../test/models/synthetic.js';

const SHARED = resolve(ROOT, '..', 'shared/data/arxiv-papers.jsonl.gz');
const FIT = 10_000;
const TIMED = 2_000;

async function slice(): Promise<{ fit: PaperRecord[]; timed: PaperRecord[]; source: string }> {
  if (!existsSync(SHARED)) {
    const all = syntheticPapers(Math.ceil((FIT + TIMED) / 4), 1);
    return { fit: all.slice(0, FIT), timed: all.slice(FIT, FIT + TIMED), source: 'synthetic papers (shared corpus absent)' };
  }
  const papers: PaperRecord[] = [];
  for await (const p of readPapers(SHARED)) {
    papers.push(p);
    if (papers.length >= FIT + TIMED) break;
  }
  return { fit: papers.slice(0, FIT), timed: papers.slice(FIT), source: `the first ${FIT + TIMED} papers of ../shared/data/arxiv-papers.jsonl.gz` };
}

function ortVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '(version unknown)';
  }
}

export async function run(): Promise<SectionResult> {
  const { fit, timed, source } = await slice();
  const dir = mkdtempSync(join(tmpdir(), 'axc-bench-onnx-'));
  try {
    const tiny = fitTinyModel(fit, { maxVocab: 30_000 });
    writeTinyModel(tiny, dir, 256);
    const modelBytes = statSync(join(dir, 'model.onnx')).size;
    const timedSet = new Set(tiny.labels);
    const test = timed.filter((p) => timedSet.has(p.primary));
    const texts = test.map((p) => ({ title: p.title, abstract: p.abstract }));
    const rows: { name: string; docsPerSecond: number; accuracy?: number }[] = [];

    for (const threads of [1, 2]) {
      const model = await OnnxClassifier.open({ modelDir: dir, threads });
      await model.predictProbaAsync(texts.slice(0, 100));
      const ev = (await evaluate(model, test)).summary;
      rows.push({ name: `onnx, ${threads} thread${threads > 1 ? 's' : ''} (tokenise + infer)`, docsPerSecond: ev.papersPerSecond, accuracy: ev.accuracy });
      if (threads === 2) {
        const t0 = performance.now();
        let tokens = 0;
        for (const t of texts) tokens += model.encode(t).length;
        const s = (performance.now() - t0) / 1000;
        rows.push({ name: `tokenise only (${(tokens / texts.length).toFixed(0)} tokens/doc)`, docsPerSecond: texts.length / s });
      }
      await model.close();
    }
    const linearPath = defaultModelPath();
    if (linearPath) {
      const linear = await loadModel(linearPath);
      linear.predictProba(texts.slice(0, 100));
      const ev = (await evaluate(linear, test)).summary;
      rows.push({ name: 'linear, shipped models/primary.axcm (1 thread)', docsPerSecond: ev.papersPerSecond, accuracy: ev.accuracy });
    }
    const table = [
      '| backend | docs/s | top-1 accuracy |',
      '| --- | ---: | ---: |',
      ...rows.map((r) => `| ${r.name} | ${r.docsPerSecond.toFixed(0)} | ${r.accuracy === undefined ? '–' : `${(r.accuracy * 100).toFixed(1)}%`} |`),
    ].join('\n');
    const markdown = `Tiny ONNX model from \`scripts/tiny-onnx.ts\`: embedding bag (${tiny.vocab.length} WordPiece tokens × ${tiny.labels.length} dims) + linear layer, ${(modelBytes / 1e6).toFixed(1)} MB, max 256 tokens, batches of 32 sorted by length. Fitted on ${fit.length} papers, timed on ${test.length} papers (${source}; papers whose primary the tiny model never saw are left out). Accuracy is the naive-Bayes-style tiny model's, shown only to prove it classifies. The shipped linear model was trained on every paper of the shared corpus, these included: its accuracy here is on papers it saw (models/README.md has its held-out scores), and the row is there for its speed.

${table}

onnxruntime-node ${ortVersion()} CPU execution provider; each figure is one timed pass after a 100-paper warm-up, run once.`;
    return {
      title: 'Backends: ONNX throughput (tiny model, CPU)',
      command: 'npm run bench -- backends',
      markdown,
      json: { fitPapers: fit.length, timedPapers: test.length, vocab: tiny.vocab.length, labels: tiny.labels.length, modelBytes, rows },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
