/** POST /v1/classify and /v1/classify/batch: one paper, a JSON array, or NDJSON streamed both ways. */
import { hasSyncPath, type PaperText, type PredictOptions } from '../../models/model.js';
import { batchPaper, batchRequest, classifyRequest, NDJSON } from '../api-schemas.js';
import { ndjsonLines, parseJson, readBody, requireMediaType } from '../body.js';
import { predictPapers } from '../model-slot.js';
import { predictionLine, predictionRecord } from '../../models/prediction-json.js';
import { check, checkPriorOn, hasText, paperOf, queryOptions, toOptions } from '../request.js';
import { invalid, sendJson, startNdjson, write } from '../response.js';
import type { RequestContext } from '../route.js';
import { validate, type Schema } from '../schema.js';

export async function classify(ctx: RequestContext): Promise<void> {
  requireMediaType(ctx.req, ['application/json']);
  const body = parseJson(await readBody(ctx.req, ctx.state.config.maxBodyBytes));
  check(classifyRequest, body);
  const b = body as Partial<PaperText> & { id?: string; k?: number; explain?: boolean | number; threshold?: number; prior?: unknown };
  if (!hasText(b)) throw invalid([{ field: 'title', message: 'the title and abstract are both empty: nothing to classify' }]);
  const options = toOptions(b);
  checkPriorOn(ctx.state.slot.current.model, options);
  const [p] = await predictPapers(ctx.state.slot.current, [paperOf(b)], options);
  ctx.classified = 1;
  sendJson(ctx.res, 200, predictionRecord(p!, b.id));
}

export async function classifyBatch(ctx: RequestContext): Promise<void> {
  const type = requireMediaType(ctx.req, ['application/json', NDJSON]);
  const options = queryOptions(ctx.url);
  checkPriorOn(ctx.state.slot.current.model, options);
  if (type === NDJSON) return classifyNdjson(ctx, options);
  const body = parseJson(await readBody(ctx.req, ctx.state.config.maxBatchBodyBytes));
  const schema = { ...batchRequest, maxItems: ctx.state.config.maxBatch } as Schema;
  check(schema, body);
  const papers = (body as (Partial<PaperText> & { id?: string })[]).map(paperOf);
  const empty = papers.findIndex((p) => !hasText(p));
  if (empty >= 0) throw invalid([{ field: `[${empty}].title`, message: 'the title and abstract are both empty: nothing to classify' }]);
  const served = ctx.state.slot.current;
  const { model } = served;
  const parts =
    ctx.state.pool && hasSyncPath(model)
      ? await ctx.state.pool.predictShared({ model, etag: served.etag }, papers, options)
      : (await predictPapers(served, papers, options)).map((p, i) => predictionLine(papers[i]!.id, p, i + 1));
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
  startNdjson(res);
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
    const p = paperOf(paper as Partial<PaperText> & { id?: string });
    if (problems.length === 0 && !hasText(p)) problems.push({ field: 'title', message: 'the title and abstract are both empty: nothing to classify' });
    if (problems.length > 0) {
      out.push(JSON.stringify({ line, error: { code: 'invalid_request', message: `line ${line}: ${problems[0]!.field}: ${problems[0]!.message}`, field: problems[0]!.field } }));
      continue;
    }
    // The model is read per line: a reload in the middle of a long stream takes effect at once.
    const [prediction] = await predictPapers(ctx.state.slot.current, [p], options);
    out.push(JSON.stringify({ line, ...predictionRecord(prediction!, p.id, line) }));
    ctx.classified++;
    if (out.length >= 256) {
      await write(res, out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0) res.write(out.join('\n') + '\n');
  res.end();
}
