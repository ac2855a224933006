/**
 * The API's route table: one entry per method and path, holding its documentation (summary,
 * request schema, responses) next to its handler. The router dispatches from this table and
 * /openapi.json is generated from it, so the documented API is the served API.
 */
import type { ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { gunzip } from 'node:zlib';
import type { PaperText, PredictOptions } from '../models/model.js';
import { paperItem } from '../sources/fields.js';
import { readRows } from '../sources/read.js';
import { FORMAT_NAMES, type FormatName } from '../sources/source.js';
import { canonicalizeCategories, CATEGORIES, GROUPS, groupName } from '../taxonomy/taxonomy.js';
import { predictionOutput } from './output.js';
import { predictPapers, type ServedModel } from './model-slot.js';
import { describeLabel } from '../models/labels-info.js';
import type { AppState } from './app-state.js';
import { ndjsonLines, parseJson, readBody, requireMediaType } from './body.js';
import { processCpuSeconds, renderPrometheus } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { HttpError, invalid, sendJson } from './response.js';
import { validate, type FieldProblem, type Schema } from './schema.js';

import type { RequestContext, ResponseDoc, Route } from './route.js';

// ---- Schemas -------------------------------------------------------------------------------

const MAX_TITLE = 10_000;
const MAX_ABSTRACT = 100_000;

const paperProperties = {
  id: { type: 'string', maxLength: 200, description: 'Your identifier, echoed back (e.g. an arXiv id).' },
  title: { type: 'string', maxLength: MAX_TITLE, description: 'Paper title. A title alone works, less accurately.' },
  abstract: { type: 'string', maxLength: MAX_ABSTRACT, description: 'Paper abstract.' },
} satisfies Record<string, Schema>;

const optionProperties = {
  k: { type: 'integer', minimum: 1, maximum: 200, description: 'Labels to return (multi-label models: a cap). Default 5.' },
  explain: { oneOf: [{ type: 'boolean' }, { type: 'integer', minimum: 0, maximum: 50 }], description: 'Attach the n-grams that pushed each label: true for 5, or a number.' },
  threshold: { type: 'number', minimum: 0, maximum: 1, description: 'Multi-label models: one threshold for every label instead of the tuned ones.' },
} satisfies Record<string, Schema>;

const classifyRequest: Schema = {
  type: 'object',
  properties: { ...paperProperties, ...optionProperties },
  required: ['title'],
  additionalProperties: false,
};

const batchPaper: Schema = { type: 'object', properties: paperProperties, required: ['title'], additionalProperties: false };

const batchRequest: Schema = {
  type: 'array',
  items: batchPaper,
  minItems: 1,
  maxItems: 10_000,
  description: 'Papers to classify; options go in the query string.',
};

const feedbackRequest: Schema = {
  type: 'object',
  properties: {
    ...paperProperties,
    categories: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, minItems: 1, maxItems: 20, description: 'The correct arXiv categories, primary first.' },
    predicted: { type: 'string', maxLength: 40, description: 'The label the model gave, for analysis.' },
  },
  required: ['title', 'categories'],
  additionalProperties: false,
};

const optionQuery: Record<string, Schema> = optionProperties;

const labelSchema: Schema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    group: { type: 'string' },
    groupName: { type: 'string' },
    probability: { type: 'number' },
  },
  required: ['code', 'name', 'group', 'groupName', 'probability'],
};

const predictionSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    labels: { type: 'array', items: labelSchema },
    groups: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, probability: { type: 'number' } } } },
    archive: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
  },
  required: ['labels', 'groups'],
};

const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string): ResponseDoc => ({ description, content: { 'application/json': { schema: errorRef } } });
const E400 = errorResponse('Invalid request: the body names the field');
const E401 = errorResponse('Missing or wrong bearer token');
const E413 = errorResponse('Body too large');
const E415 = errorResponse('Wrong Content-Type');

// ---- Helpers -------------------------------------------------------------------------------

function check(schema: Schema, value: unknown, path = ''): void {
  const problems = validate(schema, value, path);
  if (problems.length > 0) throw invalid(problems);
}

function hasText(p: { title?: string; abstract?: string }): boolean {
  return (p.title ?? '').trim() !== '' || (p.abstract ?? '').trim() !== '';
}

/** Options from the query string, typed by the same schemas as the JSON body's options. */
function queryOptions(url: URL): PredictOptions {
  const raw: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [key, value] of url.searchParams) {
    if (!Object.hasOwn(optionQuery, key)) continue;
    if (value === 'true' || value === 'false') raw[key] = value === 'true';
    else if (value.trim() !== '' && Number.isFinite(Number(value))) raw[key] = Number(value);
    else raw[key] = value;
  }
  for (const [key, schema] of Object.entries(optionQuery)) if (raw[key] !== undefined) problems.push(...validate(schema, raw[key], `query.${key}`));
  if (problems.length > 0) throw invalid(problems);
  return toOptions(raw);
}

function toOptions(o: { k?: unknown; explain?: unknown; threshold?: unknown }): PredictOptions {
  const options: PredictOptions = {};
  if (typeof o.k === 'number') options.k = o.k;
  if (typeof o.explain === 'boolean' || typeof o.explain === 'number') options.explain = o.explain;
  if (typeof o.threshold === 'number') options.threshold = o.threshold;
  return options;
}

function authorize(ctx: RequestContext): void {
  const token = ctx.state.config.token;
  if (!token) return;
  const header = ctx.req.headers.authorization ?? '';
  // The scheme name is case-insensitive (RFC 9110, section 11.1).
  const given = /^bearer /i.test(header) ? Buffer.from(header.slice(7).trim()) : Buffer.alloc(0);
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new HttpError(401, 'unauthorized', header ? 'the bearer token is wrong' : 'this route needs "Authorization: Bearer <token>"', [], { 'www-authenticate': 'Bearer realm="arxiv-classifier"' });
  }
}

/** Yield to the event loop between chunks of a long batch so other requests still get answers. */
const breathe = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Write and wait for the socket to drain when its buffer is full: a slow client throttles us. A
 * client that has gone ends the handler (as a hang-up, see server.ts) instead of leaving it
 * waiting for a drain that never comes.
 */
async function write(res: ServerResponse, text: string): Promise<void> {
  const gone = () => Object.assign(new Error('the client closed the connection'), { code: 'ECONNRESET' });
  if (res.destroyed) throw gone();
  if (res.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const drained = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', drained);
      reject(gone());
    };
    res.once('drain', drained);
    res.once('close', closed);
  });
}

const NDJSON = 'application/x-ndjson';

// ---- Handlers ------------------------------------------------------------------------------

async function classify(ctx: RequestContext): Promise<void> {
  requireMediaType(ctx.req, ['application/json']);
  const body = parseJson(await readBody(ctx.req, ctx.state.config.maxBodyBytes));
  check(classifyRequest, body);
  const b = body as PaperText & { id?: string; k?: number; explain?: boolean | number; threshold?: number };
  if (!hasText(b)) throw invalid([{ field: 'title', message: 'the title and abstract are both empty: nothing to classify' }]);
  const [p] = await predictPapers(ctx.state.slot.current, [b], toOptions(b));
  ctx.classified = 1;
  sendJson(ctx.res, 200, predictionOutput(p!, b.id));
}

async function classifyBatch(ctx: RequestContext): Promise<void> {
  const type = requireMediaType(ctx.req, ['application/json', NDJSON]);
  const options = queryOptions(ctx.url);
  if (type === NDJSON) return classifyNdjson(ctx, options);
  const body = parseJson(await readBody(ctx.req, ctx.state.config.maxBatchBodyBytes));
  const schema = { ...batchRequest, maxItems: ctx.state.config.maxBatch } as Schema;
  check(schema, body);
  const papers = body as (PaperText & { id?: string })[];
  const empty = papers.findIndex((p) => !hasText(p));
  if (empty >= 0) throw invalid([{ field: `[${empty}].title`, message: 'the title and abstract are both empty: nothing to classify' }]);
  const served = ctx.state.slot.current;
  const parts =
    ctx.state.pool && served.linear
      ? await ctx.state.pool.predict(served, papers, options)
      : (await predictPapers(served, papers, options)).map((p, i) => JSON.stringify(predictionOutput(p, papers[i]!.id)));
  ctx.classified = papers.length;
  // Spliced from per-paper JSON: the batch threads answer in text, and parsing it back only to
  // serialise it again would cost more than the prediction. Written a slice at a time: with many
  // reasons per label the whole answer can outgrow the longest string JavaScript allows.
  const head = '{"predictions":[';
  let length = Buffer.byteLength(head) + 2 + Math.max(0, parts.length - 1);
  for (const part of parts) length += Buffer.byteLength(part);
  ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
  await write(ctx.res, head);
  for (let i = 0; i < parts.length; i += 256) await write(ctx.res, (i > 0 ? ',' : '') + parts.slice(i, i + 256).join(','));
  ctx.res.end(']}');
}

/** NDJSON in, NDJSON out, line by line: any size, constant memory, one bad line does not stop the rest. */
async function classifyNdjson(ctx: RequestContext, options: PredictOptions): Promise<void> {
  const { res } = ctx;
  res.writeHead(200, { 'content-type': `${NDJSON}; charset=utf-8` });
  let out: string[] = [];
  const maxLine = ctx.state.config.maxBodyBytes;
  for await (const item of ndjsonLines(ctx.req, maxLine)) {
    const { line } = item;
    if ('tooLong' in item) {
      out.push(JSON.stringify({ line, error: { code: 'payload_too_large', message: `line ${line} is longer than the limit of ${maxLine} bytes` } }));
      continue;
    }
    const { text } = item;
    if (!text.trim()) continue;
    let paper: unknown;
    try {
      paper = JSON.parse(text);
    } catch (e) {
      out.push(JSON.stringify({ line, error: { code: 'invalid_json', message: `line ${line}: ${(e as Error).message}` } }));
      continue;
    }
    const problems = validate(batchPaper, paper);
    const p = paper as PaperText & { id?: string };
    if (problems.length === 0 && !hasText(p)) problems.push({ field: 'title', message: 'the title and abstract are both empty: nothing to classify' });
    if (problems.length > 0) {
      out.push(JSON.stringify({ line, error: { code: 'invalid_request', message: `line ${line}: ${problems[0]!.field}: ${problems[0]!.message}`, field: problems[0]!.field } }));
      continue;
    }
    // The model is read per line: a reload in the middle of a long stream takes effect at once.
    const [prediction] = await predictPapers(ctx.state.slot.current, [p], options);
    out.push(JSON.stringify({ line, ...predictionOutput(prediction!, p.id) }));
    ctx.classified++;
    if (out.length >= 256) {
      await write(res, out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0) res.write(out.join('\n') + '\n');
  res.end();
}

const FILE_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/tab-separated-values',
  'text/plain',
  'application/json',
  NDJSON,
  'application/jsonl',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/gzip',
];

/**
 * A metadata file in any format `ingest` reads (CSV, TSV, JSON, JSON lines, xlsx, parquet, gzip),
 * uploaded as the raw body. The server parses it with the same readers as the CLI, so the page
 * needs no spreadsheet code. The answer streams NDJSON events (start with the row count,
 * predictions, skipped rows, end) so a page can draw a progress bar.
 */
async function classifyFile(ctx: RequestContext): Promise<void> {
  requireMediaType(ctx.req, FILE_TYPES);
  const options = queryOptions(ctx.url);
  const format = ctx.url.searchParams.get('format');
  if (format !== null && !(FORMAT_NAMES as readonly string[]).includes(format)) throw invalid([{ field: 'query.format', message: `must be one of ${FORMAT_NAMES.join(', ')}` }]);
  const name = uploadName(ctx.url.searchParams.get('filename'));
  const limit = ctx.state.config.maxBatchBodyBytes;
  const bytes = await uncompressed(await readBody(ctx.req, limit), limit);
  if (bytes.length === 0) throw invalid([{ field: '(body)', message: 'the uploaded file is empty' }]);
  const dir = await mkdtemp(join(tmpdir(), 'axc-upload-'));
  const path = join(dir, extname(name) ? name : `${name}.dat`);
  try {
    await writeFile(path, bytes);
    const rows: { line: number; paper?: { id?: string; title: string; abstract: string }; error?: string }[] = [];
    try {
      for await (const row of readRows(path, (format as FormatName | null) ?? undefined)) {
        const item = paperItem(row);
        rows.push('error' in item ? item : { line: item.line, ...withinLimits(item.paper) });
        if (rows.length > ctx.state.config.maxBatch * 10) throw invalid([{ field: '(body)', message: `the file has more than ${ctx.state.config.maxBatch * 10} rows; use NDJSON streaming for large jobs` }]);
      }
    } catch (e) {
      if (e instanceof HttpError) throw e;
      // Reader errors name our temp path; the user knows the file by its own name.
      throw invalid([{ field: '(body)', message: (e as Error).message.split(path).join(name) }]);
    }
    const { res } = ctx;
    res.writeHead(200, { 'content-type': `${NDJSON}; charset=utf-8` });
    const total = rows.filter((r) => r.paper).length;
    await write(res, JSON.stringify({ type: 'start', file: name, rows: rows.length, total }) + '\n');
    let out: string[] = [];
    let skipped = 0;
    for (const r of rows) {
      if (!r.paper) {
        skipped++;
        out.push(JSON.stringify({ type: 'skip', line: r.line, error: r.error }));
      } else {
        const [p] = await predictPapers(ctx.state.slot.current, [r.paper], options);
        out.push(JSON.stringify({ type: 'prediction', line: r.line, title: r.paper.title, ...predictionOutput(p!, r.paper.id) }));
        ctx.classified++;
      }
      if (out.length >= 200) {
        await write(res, out.join('\n') + '\n');
        out = [];
        await breathe();
      }
    }
    out.push(JSON.stringify({ type: 'end', classified: ctx.classified, skipped }));
    res.end(out.join('\n') + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The upload's file name, made safe to write in a temp folder: its base name, odd characters
 * replaced, and short enough for any file system (the extension, which format detection may use, kept).
 */
function uploadName(given: string | null): string {
  const name = basename(given ?? 'upload').replace(/[^\w.-]/g, '_') || 'upload';
  if (name.length <= 100) return name;
  const ext = extname(name).slice(0, 20);
  return name.slice(0, 100 - ext.length) + ext;
}

/**
 * A gzip upload, decompressed here, at most `limit` bytes of it: a few megabytes of gzip can hold
 * gigabytes of text, and the readers would hold every row of it in memory.
 */
async function uncompressed(bytes: Buffer, limit: number): Promise<Buffer> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return await new Promise<Buffer>((resolve, reject) => gunzip(bytes, { maxOutputLength: limit }, (e, out) => (e ? reject(e) : resolve(out))));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, 'payload_too_large', `the uploaded file decompresses to more than the limit of ${limit} bytes`);
    throw invalid([{ field: '(body)', message: `the upload looks gzipped but does not decompress: ${(e as Error).message}` }]);
  }
}

/** A row of an uploaded file, or why it is skipped: the JSON routes' limits on title and abstract hold here too. */
function withinLimits(p: { id?: string; title: string; abstract: string }): { paper: typeof p } | { error: string } {
  if (p.title.length > MAX_TITLE) return { error: `title: must be at most ${MAX_TITLE} characters (got ${p.title.length})` };
  if (p.abstract.length > MAX_ABSTRACT) return { error: `abstract: must be at most ${MAX_ABSTRACT} characters (got ${p.abstract.length})` };
  return { paper: p };
}

async function feedback(ctx: RequestContext): Promise<void> {
  authorize(ctx);
  requireMediaType(ctx.req, ['application/json']);
  const body = parseJson(await readBody(ctx.req, ctx.state.config.maxBodyBytes));
  check(feedbackRequest, body);
  const store = ctx.state.feedback;
  if (!store) throw new HttpError(503, 'feedback_disabled', 'this server has no feedback store (started with --feedback-db none)');
  const b = body as { id?: string; title: string; abstract?: string; categories: string[]; predicted?: string };
  if (!hasText(b)) throw invalid([{ field: 'title', message: 'the title and abstract are both empty' }]);
  const problems: FieldProblem[] = [];
  b.categories.forEach((code, i) => {
    const c = canonicalizeCategories([code]);
    if (c.categories.length === 0) problems.push({ field: `categories[${i}]`, message: `"${code}" is not an arXiv category` });
  });
  if (problems.length > 0) throw invalid(problems);
  const categories = canonicalizeCategories(b.categories).categories;
  const input = { title: b.title, abstract: b.abstract ?? '', categories, modelEtag: ctx.state.slot.current.etag } as Parameters<typeof store.add>[0];
  if (b.id !== undefined) input.id = b.id;
  if (b.predicted !== undefined) input.predicted = b.predicted;
  // Synchronous commit (WAL, synchronous=FULL): the 201 goes out only after the row is on disk.
  let stored: ReturnType<typeof store.add>;
  try {
    stored = store.add(input);
  } catch (e) {
    // Another process holds the store's write lock past its busy timeout.
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY') throw new HttpError(503, 'feedback_busy', 'the feedback store is locked by another writer; nothing was stored, try again', [], { 'retry-after': '1' });
    throw e;
  }
  ctx.state.metrics.snapshot.feedbackStored++;
  sendJson(ctx.res, 201, { stored: true, seq: stored.seq, id: stored.id ?? `feedback:${stored.seq}`, categories, receivedAt: stored.receivedAt });
}

async function reload(ctx: RequestContext): Promise<void> {
  authorize(ctx);
  const bytes = await readBody(ctx.req, 1024);
  if (bytes.length > 0 && bytes.toString('utf8').trim() !== '{}') throw invalid([{ field: '(body)', message: 'reload takes no body: it reloads the configured model file' }]);
  const r = ctx.state.cluster ? await ctx.state.cluster.reload() : await ctx.state.slot.reload();
  if (r.ok) ctx.state.metrics.snapshot.reloads.ok++;
  else ctx.state.metrics.snapshot.reloads.failed++;
  if (r.ok) sendJson(ctx.res, 200, { reloaded: true, model: modelSummary(ctx.state, r.model) });
  else sendJson(ctx.res, 409, { error: { status: 409, code: 'reload_failed', message: `the new model failed to load, still serving the old one: ${r.error}` }, reloaded: false, model: modelSummary(ctx.state, r.kept) });
}

/** A model file by its base name; another backend by its description (`llm:MODEL@URL`, ...). */
function servedName(served: ServedModel): string {
  return served.bytes ? basename(served.path) : served.path;
}

function modelSummary(state: AppState, served = state.slot.current): Record<string, unknown> {
  const { model, etag, loadedAt } = served;
  const info = model.info;
  return {
    file: servedName(served),
    etag,
    loadedAt,
    backend: info.backend,
    task: info.task,
    multiLabel: info.task === 'multilabel',
    createdAt: info.createdAt,
    quantized: info.quantized,
    training: { papers: info.training.papers, dataHash: info.training.dataHash, seconds: info.training.seconds, options: info.training.options },
    validation: info.validation,
    labels: info.labels.map((l) => describeLabel(l, info.task)),
    report: state.config.reportPath ? '/v1/models/current/report' : null,
  };
}

async function metrics(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  const own = process.memoryUsage();
  const all = state.cluster ? await state.cluster.metrics() : { snapshot: state.metrics.snapshot, residentBytes: own.rss, heapBytes: own.heapUsed, cpuSeconds: processCpuSeconds() };
  const m = state.slot.current;
  const text = renderPrometheus(all.snapshot, {
    residentBytes: all.residentBytes,
    heapBytes: all.heapBytes,
    cpuSeconds: all.cpuSeconds,
    uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
    model: { path: servedName(m), task: m.model.info.task, labels: m.model.labels.length, etag: m.etag },
    processes: state.cluster?.processes ?? 1,
  });
  ctx.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  ctx.res.end(text);
}

let taxonomyCache: string | null = null;

function taxonomy(ctx: RequestContext): void {
  taxonomyCache ??= JSON.stringify({
    groups: GROUPS.map((g) => ({ code: g, name: groupName(g) })),
    categories: CATEGORIES.map((c) => ({ code: c.code, name: c.name, archive: c.archive, group: c.group, groupName: c.groupName, archiveLevel: c.archiveLevel, aliases: c.aliases })),
  });
  ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  ctx.res.end(taxonomyCache);
}

function modelFile(ctx: RequestContext): void {
  const { bytes, etag, path, model } = ctx.state.slot.current;
  if (bytes === null) throw new HttpError(404, 'not_found', `the served backend (${model.info.backend}) is not one model file, so it cannot run in the browser`);
  const headers = { etag, 'cache-control': 'no-cache', 'content-disposition': `attachment; filename="${basename(path).replace(/"/g, '')}"` };
  if (ctx.req.headers['if-none-match'] === etag) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': bytes.length });
  ctx.res.end(bytes);
}

async function report(ctx: RequestContext): Promise<void> {
  const p = ctx.state.config.reportPath;
  if (!p) throw new HttpError(404, 'not_found', 'no evaluation report is configured (serve --report FILE)');
  const html = await readFile(p);
  ctx.res.writeHead(200, { 'content-type': p.endsWith('.html') || p.endsWith('.htm') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8', 'content-length': html.length });
  ctx.res.end(html);
}

// ---- The table -----------------------------------------------------------------------------

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/classify',
    tag: 'classify',
    summary: 'Classify one paper: top labels with official names, groups, probabilities and (on request) the words behind them',
    body: { required: true, content: { 'application/json': { schema: classifyRequest } } },
    responses: { '200': { description: 'The prediction', content: { 'application/json': { schema: predictionSchema } } }, '400': E400, '413': E413, '415': E415 },
    handle: classify,
  },
  {
    method: 'POST',
    path: '/v1/classify/batch',
    tag: 'classify',
    summary: 'Classify many papers: a JSON array (up to 10,000) or NDJSON streamed in and out (any size)',
    query: optionQuery,
    body: {
      required: true,
      description: 'A JSON array of papers, or one paper per line as application/x-ndjson.',
      content: { 'application/json': { schema: batchRequest }, [NDJSON]: { schema: batchPaper } },
    },
    responses: {
      '200': {
        description: 'JSON: {predictions: [...]} in input order. NDJSON: one line per input line, {line, ...prediction} or {line, error}.',
        content: { 'application/json': { schema: { type: 'object', properties: { predictions: { type: 'array', items: predictionSchema } }, required: ['predictions'] } }, [NDJSON]: { schema: predictionSchema } },
      },
      '400': E400,
      '413': E413,
      '415': E415,
    },
    handle: classifyBatch,
  },
  {
    method: 'POST',
    path: '/v1/classify/file',
    tag: 'classify',
    summary: 'Classify a metadata file (CSV, TSV, JSON, JSON lines, xlsx, parquet; gzip too) sent as the raw body; streams NDJSON progress events',
    query: {
      ...optionQuery,
      filename: { type: 'string', description: 'The file name, echoed back.' },
      format: { type: 'string', enum: FORMAT_NAMES, description: 'The format, when detection by content should be overridden.' },
    },
    body: { required: true, content: Object.fromEntries(FILE_TYPES.map((t) => [t, {}])) },
    responses: {
      '200': { description: 'NDJSON events: {type:"start",rows,total}, {type:"prediction",line,...}, {type:"skip",line,error}, {type:"end",classified,skipped}', content: { [NDJSON]: {} } },
      '400': E400,
      '413': E413,
      '415': E415,
    },
    handle: classifyFile,
  },
  {
    method: 'POST',
    path: '/v1/feedback',
    tag: 'feedback',
    auth: true,
    summary: 'Store a correction (the right categories for a paper); acknowledged only once committed to disk',
    body: { required: true, content: { 'application/json': { schema: feedbackRequest } } },
    responses: { '201': { description: 'Stored', content: { 'application/json': {} } }, '400': E400, '401': E401, '413': E413, '415': E415, '503': errorResponse('Feedback is turned off, or the store is locked by another writer (then with Retry-After)') },
    handle: feedback,
  },
  {
    method: 'POST',
    path: '/v1/admin/reload',
    tag: 'admin',
    auth: true,
    summary: 'Reload the model file; the old model keeps serving if the new one fails to load (same as SIGHUP)',
    responses: { '200': { description: 'Reloaded', content: { 'application/json': {} } }, '400': E400, '401': E401, '409': errorResponse('The new file failed to load; the old model is still served'), '413': E413 },
    handle: reload,
  },
  {
    method: 'GET',
    path: '/v1/models',
    tag: 'model',
    summary: 'The served model: task, labels, training data size, validation metrics',
    responses: { '200': { description: 'Model facts', content: { 'application/json': {} } } },
    handle: (ctx) => sendJson(ctx.res, 200, { current: modelSummary(ctx.state) }),
  },
  {
    method: 'GET',
    path: '/v1/models/current/file',
    tag: 'model',
    summary: 'The model file itself (for in-browser classification); honours If-None-Match',
    responses: { '200': { description: 'Model file bytes', content: { 'application/octet-stream': {} } }, '304': { description: 'Not modified' }, '404': errorResponse('The served backend is not a model file (an LLM, ONNX or ensemble backend)') },
    handle: modelFile,
  },
  {
    method: 'GET',
    path: '/v1/models/current/report',
    tag: 'model',
    summary: 'The evaluation report configured with serve --report',
    responses: { '200': { description: 'The report', content: { 'text/html': {} } }, '404': errorResponse('No report configured') },
    handle: report,
  },
  {
    method: 'GET',
    path: '/v1/taxonomy',
    tag: 'taxonomy',
    summary: 'Every arXiv category with its official name, archive and group',
    responses: { '200': { description: 'The taxonomy', content: { 'application/json': {} } } },
    handle: taxonomy,
  },
  {
    method: 'GET',
    path: '/healthz',
    tag: 'ops',
    summary: 'Liveness: the process answers',
    responses: { '200': { description: 'Alive', content: { 'application/json': {} } } },
    handle: (ctx) => sendJson(ctx.res, 200, { status: 'ok' }),
  },
  {
    method: 'GET',
    path: '/readyz',
    tag: 'ops',
    summary: 'Readiness: a model is loaded and the server is not shutting down',
    responses: { '200': { description: 'Ready', content: { 'application/json': {} } }, '503': { description: 'Shutting down' } },
    handle: (ctx) =>
      ctx.state.draining ? sendJson(ctx.res, 503, { ready: false, reason: 'shutting down' }) : sendJson(ctx.res, 200, { ready: true, model: ctx.state.slot.current.etag }),
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'ops',
    summary: 'Prometheus metrics: requests, latency histogram, papers classified, errors',
    responses: { '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': {} } } },
    handle: metrics,
  },
  {
    method: 'GET',
    path: '/openapi.json',
    tag: 'ops',
    summary: 'This API as an OpenAPI 3 document, generated from the route table',
    responses: { '200': { description: 'OpenAPI 3.0 document', content: { 'application/json': {} } } },
    handle: (ctx) => sendJson(ctx.res, 200, buildOpenApi(ROUTES)),
  },
];
