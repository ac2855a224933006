import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { toPaperText } from '../sources/fields.js';
import { readRows } from '../sources/read.js';
import type { LinearModel } from '../models/linear.js';
import { defaultModelPath } from '../models/load-model.js';
import { PredictPool } from '../models/predict-pool.js';
import { predictionLine } from '../models/prediction-line.js';
import type { PaperText, Prediction, PredictOptions } from '../models/model.js';
import { intOption, numberOption, parseCommandArgs } from './args.js';
import { UsageError, UserError, type Command } from './command.js';
import { resolveModel } from './model-option.js';
import { Progress } from './progress.js';
import { parseFormat } from './stats.js';

export const command: Command = {
  name: 'classify',
  summary: 'Classify papers: top categories with probabilities and the words behind them',
  usage: `Usage: arxiv-classifier classify [--model MODEL] --title T [--abstract A] [options]
       arxiv-classifier classify [--model MODEL] --input FILE|- [--out PRED.jsonl] [options]

Options:
  --model MODEL   model file (default: the model shipped with the package)
  --title T       paper title
  --abstract A    paper abstract (optional: title-only works, less accurately)
  --k N           labels to show (default 5; for multi-label models, a cap)
  --threshold X   multi-label: one threshold for every label instead of the tuned ones
  --explain       show the n-grams that pushed each label
  --input FILE    classify every paper in FILE (any format 'ingest' reads; '-' = JSONL on stdin)
  --out FILE      batch output, one JSON object per line (default: stdout)
  --format F      input format; guessed from the file when absent
  --threads N     batch: prediction threads (default: the CPU count; 1 = in this process)
  --json          machine-readable output (batch with --out: a summary with papers/s)
  -h, --help      this help`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      model: { type: 'string' },
      title: { type: 'string' },
      abstract: { type: 'string' },
      k: { type: 'string' },
      threshold: { type: 'string' },
      explain: { type: 'boolean' },
      input: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    });
    const options: PredictOptions = { k: intOption(values.k, 'k', 5), explain: values.explain ?? false };
    if (values.threshold !== undefined) options.threshold = numberOption(values.threshold, 'threshold', 0.5);
    if (options.k! < 1) throw new UsageError('--k must be >= 1');
    if (values.input === undefined && values.title === undefined && values.abstract === undefined) throw new UsageError('give --title (and optionally --abstract), or --input FILE');
    if (values.input !== undefined && (values.title !== undefined || values.abstract !== undefined)) throw new UsageError('--input cannot be combined with --title/--abstract');
    const model = await resolveModel(values.model);

    if (values.input === undefined) {
      const paper: PaperText = { title: values.title ?? '', abstract: values.abstract ?? '' };
      if (!paper.title.trim() && !paper.abstract!.trim()) throw new UserError('the title and abstract are both empty: nothing to classify');
      const prediction = model.predict(paper, options);
      if (values.json) process.stdout.write(JSON.stringify(prediction, null, 2) + '\n');
      else process.stdout.write(formatPrediction(prediction) + '\n');
      return 0;
    }
    const threads = intOption(values.threads, 'threads', Math.min(availableParallelism(), 8));
    if (threads < 1) throw new UsageError('--threads must be >= 1');
    const modelPath = values.model ?? defaultModelPath()!;
    const pool = threads > 1 ? await PredictPool.open(modelPath, model.classes, threads) : null;
    try {
      return await classifyBatch(model, pool, values.input, values.out, parseFormat(values.format), options, values.json ?? false);
    } finally {
      await pool?.close();
    }
  },
};

export function formatPrediction(p: Prediction): string {
  const lines: string[] = [];
  const g = p.groups[0];
  if (g) lines.push(`group: ${g.name} (${(g.probability * 100).toFixed(1)}%)`);
  for (const l of p.labels) {
    lines.push(`${(l.probability * 100).toFixed(1).padStart(5)}%  ${l.code.padEnd(18)} ${l.name}`);
    if (l.reasons?.length) lines.push(`        because of: ${l.reasons.map((r) => `${r.term} (${r.weight.toFixed(2)})`).join(', ')}`);
  }
  return lines.join('\n');
}

async function* stdinPapers(): AsyncIterable<{ paper: PaperText & { id?: string }; line: number } | { error: string; line: number }> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    try {
      const o = JSON.parse(text) as { id?: unknown; title?: unknown; abstract?: unknown; summary?: unknown };
      const title = typeof o.title === 'string' ? o.title : '';
      const abstract = typeof o.abstract === 'string' ? o.abstract : typeof o.summary === 'string' ? o.summary : '';
      if (!title.trim() && !abstract.trim()) yield { error: 'no title or abstract', line };
      else yield { paper: { id: typeof o.id === 'string' ? o.id : undefined, title, abstract }, line };
    } catch (e) {
      yield { error: `bad JSON: ${(e as Error).message}`, line };
    }
  }
}

async function* filePapers(path: string, format: ReturnType<typeof parseFormat>): AsyncIterable<{ paper: PaperText & { id?: string }; line: number } | { error: string; line: number }> {
  for await (const item of readRows(path, format)) {
    if ('error' in item) {
      yield item;
      continue;
    }
    const p = toPaperText(item.row);
    if ('reason' in p) yield { error: p.detail, line: item.line };
    else yield { paper: p, line: item.line };
  }
}

/** Papers per request to a prediction thread: big enough to amortise messaging, small enough to stream. */
const CHUNK = 1000;

async function classifyBatch(model: LinearModel, pool: PredictPool | null, input: string, out: string | undefined, format: ReturnType<typeof parseFormat>, options: PredictOptions, json: boolean): Promise<number> {
  const t0 = performance.now();
  const tmp = out ? `${out}.${process.pid}.tmp` : undefined;
  const sink = tmp ? createWriteStream(tmp) : process.stdout;
  const progress = new Progress('classifying');
  let done = 0;
  let failed = 0;
  const source = input === '-' ? stdinPapers() : filePapers(input, format);
  // Chunks are predicted in order of arrival and written in the same order; a few stay in flight
  // so every thread has work while this one reads input.
  const inFlight: Promise<string>[] = [];
  const maxInFlight = pool ? pool.threads * 2 : 1;
  const write = async (text: string) => {
    if (!sink.write(text + '\n')) await new Promise<void>((r) => sink.once('drain', () => r()));
  };
  const flushOne = async () => {
    await write(await inFlight.shift()!);
    progress.update(done);
  };
  try {
    let chunk: (PaperText & { id?: string })[] = [];
    const submit = async () => {
      const papers = chunk;
      chunk = [];
      inFlight.push(pool ? pool.predictLines(papers, options) : Promise.resolve(papers.map((p) => predictionLine(p.id, model.predict(p, options))).join('\n')));
      done += papers.length;
      while (inFlight.length >= maxInFlight) await flushOne();
    };
    for await (const item of source) {
      if ('error' in item) {
        failed++;
        process.stderr.write(`${input === '-' ? 'stdin' : input}:${item.line}: skipped: ${item.error}\n`);
        continue;
      }
      chunk.push(item.paper);
      if (chunk.length >= CHUNK) await submit();
    }
    if (chunk.length) await submit();
    while (inFlight.length) await flushOne();
    if (tmp) {
      const file = sink as ReturnType<typeof createWriteStream>;
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.once('close', resolve);
        file.end();
      });
      await rename(tmp, out!);
    }
  } catch (e) {
    if (tmp) await rm(tmp, { force: true });
    throw e;
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`classified ${done} papers${failed ? `, skipped ${failed}` : ''}${out ? ` → ${out}` : ''} in ${seconds.toFixed(1)} s\n`);
  // With --out, --json summarises the run on stdout (the predictions are in the file).
  if (json && out) process.stdout.write(JSON.stringify({ papers: done, skipped: failed, out, threads: pool?.threads ?? 1, seconds, papersPerSecond: done / Math.max(seconds, 1e-9) }, null, 2) + '\n');
  return done === 0 && failed > 0 ? 1 : 0;
}
