import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { renameDurably, tempPathBeside } from '../base/atomic-file.js';
import { missingColumns, paperItem, type ColumnChoice, type PaperItem } from '../sources/fields.js';
import { detectFormat } from '../sources/detect.js';
import { parseJsonlChunk, tooLongLineItem } from '../sources/jsonl.js';
import { lineByteChunks, readLineByteChunks } from '../sources/lines.js';
import { openStreamBytes } from '../sources/open.js';
import { readRows } from '../sources/read.js';
import type { Classifier, PaperText, Prediction, PredictOptions } from '../models/model.js';
import { PredictPool, type LinesChunk, type NumberedPaper } from '../models/predict-pool.js';
import { predictionRecord } from '../models/prediction-json.js';
import { ChunkEncoder, type PredictionFormat } from '../models/prediction-table.js';
import { framing, ParquetPredictions, predictionFormatOf } from './prediction-output.js';
import { checkPredictOptions } from '../models/predict-options.js';
import { intOption, numberOption, parseCommandArgs, threadsOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, backendCall, backendOptions, reportUsage, resolveBackend } from './model-option.js';
import { checkOutputFile } from '../base/output-path.js';
import { Progress } from './progress.js';
import { PRIOR_OPTION, PRIOR_USAGE, priorOption, usablePrior } from './prior-option.js';
import { parseFormat } from './stats.js';
import { defaultThreads } from '../parallel/threads.js';
import { columnChoice, columnOptions } from './column-options.js';

export const command: Command = {
  name: 'classify',
  usage: `Usage: arxiv-classifier classify [--model MODEL] --title T [--abstract A] [options]
       arxiv-classifier classify [--model MODEL] --input FILE|- [--out PRED.jsonl] [options]

Options:
  --title T       paper title
  --abstract A    paper abstract (optional: title-only works, less accurately)
  --k N           labels to show (default 5; for multi-label models, a cap)
  --threshold X   multi-label: one threshold for every label instead of the tuned ones
  --explain       show the n-grams that pushed each label
${PRIOR_USAGE}
  --input FILE    classify every paper in FILE (any format 'ingest' reads; '-' = JSON lines on
                  stdin, gzipped or not, read as a JSON-lines file is). FILE is streamed: memory
                  does not grow with its size, and each answer is written as it comes
  --out FILE      batch output, in the format its extension names: .jsonl or .ndjson (one JSON
                  object per line, as on stdout), .json (a JSON array), .csv (one row per paper:
                  id, row, label, name, probability, group, group_name, group_probability,
                  archive, labels, uncertain, unparsed; cells a spreadsheet would run as formulas
                  start with ') or .parquet (the same columns). Default, or '-': JSON lines on
                  stdout. Each object has the paper's id, or its row (the line it is on) when it
                  has none
  --format F      input format; guessed from the file when absent (CSV: comma, semicolon or tab,
                  by the header line)
  --title-col C, --abstract-col C, --id-col C
                  the input's fields holding the title, the abstract and the id, in any letter
                  case (default: the usual names, title/titles/paper_title, abstract/summary/
                  abstract_text, id/aid/arxiv_id, in any letter case)
  --json          machine-readable output (batch with --out: a summary with papers/s)
  -h, --help      this help

${BACKEND_USAGE}`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      ...BACKEND_OPTIONS,
      title: { type: 'string' },
      abstract: { type: 'string' },
      k: { type: 'string' },
      threshold: { type: 'string' },
      explain: { type: 'boolean' },
      ...PRIOR_OPTION,
      input: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      ...columnOptions(['title-col', 'abstract-col', 'id-col']),
      json: { type: 'boolean' },
    });
    const columns = columnChoice(values);
    const options: PredictOptions = { k: intOption(values.k, 'k', 5), explain: values.explain ?? false };
    if (values.threshold !== undefined) options.threshold = numberOption(values.threshold, 'threshold', 0.5);
    const prior = priorOption(values.prior);
    if (prior !== undefined) options.prior = prior;
    try {
      checkPredictOptions(options);
    } catch (e) {
      // The library's words, with the flag's dashes.
      throw new UsageError(`--${(e as Error).message}`);
    }
    if (values.input === undefined && values.title === undefined && values.abstract === undefined) throw new UsageError('give --title (and optionally --abstract), or --input FILE');
    if (values.input !== undefined && (values.title !== undefined || values.abstract !== undefined)) throw new UsageError('--input cannot be combined with --title/--abstract');
    if (values.input === undefined && columns) throw new UsageError('--title-col, --abstract-col and --id-col name fields of an --input file');
    if (values.input === undefined) {
      const model = await resolveBackend(values);
      if (options.prior !== undefined) usablePrior(model, options.prior);
      const paper: PaperText = { title: values.title ?? '', abstract: values.abstract ?? '' };
      if (!paper.title.trim() && !paper.abstract!.trim()) throw new UserError('the title and abstract are both empty: nothing to classify');
      const [prediction] = await backendCall(model.predictBatchAsync([paper], options));
      if (values.json) process.stdout.write(JSON.stringify(predictionRecord(prediction!), null, 2) + '\n');
      else process.stdout.write(formatPrediction(prediction!) + '\n');
      reportUsage(model);
      return 0;
    }
    const format = parseFormat(values.format);
    if (values.input === '-' && format !== undefined && format !== 'jsonl') throw new UsageError(`--input - reads JSON lines from stdin; --format ${format} needs a file`);
    const out = values.out === '-' ? undefined : values.out;
    // A directory, or a file in a missing one, is said as such before its extension is looked at.
    if (out !== undefined) await checkOutputFile(out, '--out', [values.input]);
    const outFormat = predictionFormatOf(values.out);
    // A linear model file predicts batches on worker threads, each loading its own copy; this
    // thread then never loads the model (for the float model that took a quarter of a second).
    const chosen = backendOptions(values);
    const threads = values.threads === undefined ? defaultThreads() : threadsOption(values.threads, 'threads', 1);
    // Checked here, once, not in each thread (a model is loaded for it only when a prior is named).
    if (options.prior !== undefined) usablePrior(await resolveBackend(values), options.prior);
    const pool = chosen.backend === 'linear' && chosen.model && threads > 1 ? await backendCall(PredictPool.open(chosen.model, threads)) : null;
    try {
      const model = pool ? null : await resolveBackend(values);
      const code = await classifyBatch(pool ?? model!, values.input, out, outFormat, format, columns, options, values.json ?? false);
      if (model) reportUsage(model);
      return code;
    } finally {
      await pool?.close();
    }
  },
};

export function formatPrediction(p: Prediction): string {
  const lines: string[] = [];
  if (p.unparsed !== undefined) lines.push(`unparsed answer: ${p.unparsed}`);
  // Said first, so nobody reads the percentages below as confidence.
  if (p.uncertain) lines.push(`uncertain: ${p.uncertain.reason}; the guesses below are not to be trusted`);
  const g = p.groups[0];
  if (g) lines.push(`group: ${g.name} (${(g.probability * 100).toFixed(1)}%)`);
  for (const l of p.labels) {
    lines.push(`${(l.probability * 100).toFixed(1).padStart(5)}%  ${l.code.padEnd(18)} ${l.name}`);
    if (l.reasons?.length) lines.push(`        because of: ${l.reasons.map((r) => `${r.term} (${r.weight.toFixed(2)})`).join(', ')}`);
  }
  return lines.join('\n');
}


/** Papers in runs of JSON lines, mapped exactly as the JSON-lines reader and the prediction threads map a file's. */
function* jsonlPapers(bytes: Buffer, firstLine: number, columns: ColumnChoice | undefined): Iterable<PaperItem> {
  const items: PaperItem[] = [];
  parseJsonlChunk(bytes, firstLine, (item) => items.push(paperItem(item, columns)));
  yield* items;
}

async function* filePapers(path: string, format: ReturnType<typeof parseFormat>, columns: ColumnChoice | undefined): AsyncIterable<PaperItem> {
  let first = true;
  for await (const item of readRows(path, format)) {
    // A field name that the file's first row lacks is wrong for the whole file.
    if (first && columns && 'row' in item) {
      first = false;
      const missing = missingColumns(item.row, columns);
      if (missing) throw new UserError(`${path}: ${missing}`);
    }
    yield paperItem(item, columns);
  }
}

/** Papers per request to a backend or prediction thread: amortises messaging and keeps LLM requests in flight, small enough to stream. */
const CHUNK = 1000;
/** Bytes of JSON lines per request when prediction threads parse the input themselves (~170 papers). */
const JSONL_CHUNK_BYTES = 256 * 1024;

/** The reader of stdout went away (`classify ... | head`): it has every line it wants. */
function isClosedPipe(e: unknown, sink: NodeJS.WritableStream): boolean {
  return sink === process.stdout && (e as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/** Batch prediction runs on a pool of threads, or on the backend itself. */
async function classifyBatch(predictor: PredictPool | Classifier, input: string, out: string | undefined, outFormat: PredictionFormat, format: ReturnType<typeof parseFormat>, columns: ColumnChoice | undefined, options: PredictOptions, json: boolean): Promise<number> {
  const pool = predictor instanceof PredictPool ? predictor : null;
  const t0 = performance.now();
  const tmp = out ? tempPathBeside(out) : undefined;
  const sink = tmp ? createWriteStream(tmp) : process.stdout;
  // A stream reports a failed open or write as an event, later: kept here, so that the next write
  // (or the wait for 'drain', which would never come) fails instead of the process crashing or hanging.
  let sinkError: Error | undefined;
  let onSinkError: (e: Error) => void = () => {};
  const sinkFailed = new Promise<never>((_, reject) => {
    onSinkError = (e) => {
      sinkError ??= e;
      reject(sinkError);
    };
  });
  sinkFailed.catch(() => {});
  sink.on('error', onSinkError);
  const progress = new Progress('classifying');
  const where = input === '-' ? 'stdin' : input;
  let done = 0;
  let failed = 0;
  // Chunks are predicted in order of arrival and written in the same order; a few stay in flight
  // so every thread has work while this one reads input.
  const inFlight: Promise<LinesChunk>[] = [];
  const maxInFlight = pool ? pool.threads * 2 : 1;
  const write = async (data: string | Uint8Array) => {
    if (sinkError) throw sinkError;
    if (data.length === 0) return;
    if (!sink.write(data)) await Promise.race([new Promise<void>((r) => sink.once('drain', () => r())), sinkFailed]);
    if (sinkError) throw sinkError;
  };
  const frame = framing(outFormat);
  let parquet: ParquetPredictions | null = null;
  let wrote = false;
  const flushOne = async () => {
    const chunk = await inFlight.shift()!;
    for (const e of chunk.errors) process.stderr.write(`${where}:${e.line}: skipped: ${e.error}\n`);
    failed += chunk.errors.length;
    done += chunk.papers;
    if (parquet) await parquet.add(chunk.rows ?? []);
    else if (chunk.papers > 0) {
      if (wrote) await write(frame.between);
      await write(chunk.lines);
      wrote = true;
    }
    progress.update(done);
  };
  const enqueue = async (chunk: Promise<LinesChunk>) => {
    inFlight.push(chunk);
    while (inFlight.length >= maxInFlight) await flushOne();
  };
  const predictLines = async (papers: NumberedPaper[]): Promise<LinesChunk> => {
    const predictions = await backendCall((predictor as Classifier).predictBatchAsync(papers, options));
    const chunk = new ChunkEncoder(outFormat);
    predictions.forEach((p, i) => chunk.add(papers[i]!.id, p, papers[i]!.row));
    return { lines: chunk.text(), papers: papers.length, errors: [], ...(parquet ? { rows: chunk.rows } : {}) };
  };
  try {
    if (outFormat === 'parquet') parquet = await ParquetPredictions.open(write);
    await write(frame.head);
    const stdinChunks = input === '-' ? lineByteChunks(openStreamBytes(process.stdin, where), JSONL_CHUNK_BYTES) : null;
    // Fields named by flags are looked up on this thread, which reports a wrong name once, as an error.
    if (pool && !columns && (stdinChunks || (format ?? (await detectFormat(input))) === 'jsonl')) {
      // JSON lines go to the threads as bytes: decoding and parsing them there leaves this thread
      // free, where otherwise it would be the bottleneck.
      for await (const { bytes, firstLine, tooLong } of stdinChunks ?? readLineByteChunks(input, JSONL_CHUNK_BYTES)) {
        if (tooLong !== undefined) {
          failed++;
          process.stderr.write(`${where}:${firstLine}: skipped: ${tooLongLineItem(firstLine).error}\n`);
          continue;
        }
        await enqueue(pool.predictJsonLines(bytes, firstLine, options, outFormat));
      }
    } else {
      let chunk: NumberedPaper[] = [];
      const submit = async () => {
        const papers = chunk;
        chunk = [];
        await enqueue(pool ? pool.predictLines(papers, options, outFormat) : predictLines(papers));
      };
      const items = stdinChunks ? (async function* () {
        for await (const { bytes, firstLine, tooLong } of stdinChunks) {
          if (tooLong !== undefined) yield tooLongLineItem(firstLine);
          else yield* jsonlPapers(bytes, firstLine, columns);
        }
      })() : filePapers(input, format, columns);
      for await (const item of items) {
        if ('error' in item) {
          failed++;
          process.stderr.write(`${where}:${item.line}: skipped: ${item.error}\n`);
          continue;
        }
        // Its row, for the output when it has no id (see PredictionRecord).
        (item.paper as NumberedPaper).row = item.line;
        chunk.push(item.paper);
        if (chunk.length >= CHUNK) await submit();
      }
      if (chunk.length) await submit();
    }
    while (inFlight.length) await flushOne();
    await write(frame.tail(wrote));
    await parquet?.finish();
    if (tmp) {
      const file = sink as ReturnType<typeof createWriteStream>;
      if (sinkError) throw sinkError;
      await new Promise<void>((resolve, reject) => {
        sinkFailed.catch(reject);
        file.once('close', resolve);
        file.end();
      });
      // A run that classified nothing leaves a file of the same name as it was.
      if (done === 0 && failed > 0) await rm(tmp, { force: true });
      else await renameDurably(tmp, out!);
    }
  } catch (e) {
    // Answers still in flight are no longer wanted; the pool closes when this returns.
    for (const c of inFlight) c.catch(() => {});
    if (tmp) {
      (sink as ReturnType<typeof createWriteStream>).destroy();
      await rm(tmp, { force: true });
    }
    if (isClosedPipe(e, sink)) {
      progress.done();
      return 0;
    }
    if (e === sinkError && tmp) throw new UserError(`cannot write ${out}: ${(e as Error).message}`);
    throw e;
  } finally {
    // stdout outlives this command (the tests run several in one process).
    if (sink === process.stdout) sink.off('error', onSinkError);
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const nothing = done === 0 && failed > 0;
  process.stderr.write(`classified ${done} papers${failed ? `, skipped ${failed}` : ''}${out ? (nothing ? `, so ${out} was not written` : ` → ${out}`) : ''} in ${seconds.toFixed(1)} s\n`);
  // With --out, --json summarises the run on stdout (the predictions are in the file).
  if (json && out) process.stdout.write(JSON.stringify({ papers: done, skipped: failed, out, threads: pool?.threads ?? 1, seconds, papersPerSecond: done / Math.max(seconds, 1e-9) }, null, 2) + '\n');
  return nothing ? 1 : 0;
}
