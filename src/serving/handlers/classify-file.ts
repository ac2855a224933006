import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { gunzip } from 'node:zlib';
import { DecompressionLimitError } from '../../base/errors.js';
import { DecompressionLimit } from '../../sources/decompression-limit.js';
import { missingColumns, paperItem, type ColumnChoice } from '../../sources/fields.js';
import { readRows } from '../../sources/read.js';
import { FORMAT_NAMES, type FormatName } from '../../sources/source.js';
import { FILE_TYPES, MAX_ABSTRACT, MAX_TITLE } from '../api-schemas.js';
import { readBody, requireMediaType } from '../body.js';
import { predictPapers } from '../model-slot.js';
import { predictionRecord } from '../../models/prediction-json.js';
import { checkPriorOn, queryOptions } from '../request.js';
import { breathe, HttpError, invalid, startNdjson, write } from '../response.js';
import type { RequestContext } from '../route.js';

/**
 * A metadata file in any format `ingest` reads (CSV, TSV, JSON, JSON lines, xlsx, parquet, gzip),
 * uploaded as the raw body. The server parses it with the same readers as the CLI, so the page
 * needs no spreadsheet code. The answer streams NDJSON events (start with the row count,
 * predictions, skipped rows, end) so a page can draw a progress bar.
 */
export async function classifyFile(ctx: RequestContext): Promise<void> {
  requireMediaType(ctx.req, FILE_TYPES);
  const options = queryOptions(ctx.url);
  checkPriorOn(ctx.state.slot.current.model, options);
  const format = ctx.url.searchParams.get('format');
  if (format !== null && !(FORMAT_NAMES as readonly string[]).includes(format)) throw invalid([{ field: 'query.format', message: `must be one of ${FORMAT_NAMES.join(', ')}` }]);
  const name = uploadName(ctx.url.searchParams.get('filename'));
  const columns: ColumnChoice = {};
  for (const key of ['title', 'abstract', 'id'] as const) {
    const v = ctx.url.searchParams.get(`${key}_col`);
    if (v !== null && v.trim()) columns[key] = v;
  }
  // One limit for the body and everything it decompresses to, layer after layer (gzip, then the
  // zip entries of an xlsx or the pages of a parquet file).
  const limit = new DecompressionLimit(ctx.state.config.maxBatchBodyBytes, 'the uploaded file');
  const bytes = await uncompressed(await readBody(ctx.req, limit.maxBytes), limit);
  if (bytes.length === 0) throw invalid([{ field: '(body)', message: 'the uploaded file is empty' }]);
  const dir = await mkdtemp(join(tmpdir(), 'axc-upload-'));
  const path = join(dir, extname(name) ? name : `${name}.dat`);
  try {
    await writeFile(path, bytes);
    const rows: { line: number; paper?: { id?: string; title: string; abstract: string }; error?: string }[] = [];
    try {
      for await (const row of readRows(path, (format as FormatName | null) ?? undefined, limit)) {
        // A field name the first row lacks is wrong for the whole file.
        if (rows.length === 0 && 'row' in row) {
          const missing = missingColumns(row.row, columns);
          if (missing) throw invalid([{ field: 'query', message: missing.replace(/--(title|abstract|id)-col/g, '$1_col') }]);
        }
        const item = paperItem(row, columns);
        rows.push('error' in item ? item : { line: item.line, ...withinLimits(item.paper) });
        if (rows.length > ctx.state.config.maxBatch * 10) throw invalid([{ field: '(body)', message: `the file has more than ${ctx.state.config.maxBatch * 10} rows; use NDJSON streaming for large jobs` }]);
      }
    } catch (e) {
      if (e instanceof HttpError) throw e;
      if (e instanceof DecompressionLimitError) throw tooLarge(e);
      // Reader errors name our temp path; the user knows the file by its own name.
      throw invalid([{ field: '(body)', message: (e as Error).message.split(path).join(name) }]);
    }
    const { res } = ctx;
    startNdjson(res);
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
        out.push(JSON.stringify({ type: 'prediction', line: r.line, title: r.paper.title, ...predictionRecord(p!, r.paper.id, r.line) }));
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
async function uncompressed(bytes: Buffer, limit: DecompressionLimit): Promise<Buffer> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  let out: Buffer;
  try {
    out = await new Promise<Buffer>((resolve, reject) => gunzip(bytes, { maxOutputLength: limit.remaining }, (e, out) => (e ? reject(e) : resolve(out))));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(new DecompressionLimitError(limit.what, limit.maxBytes));
    throw invalid([{ field: '(body)', message: `the upload looks gzipped but does not decompress: ${(e as Error).message}` }]);
  }
  limit.count(out.length);
  return out;
}

function tooLarge(e: DecompressionLimitError): HttpError {
  return new HttpError(413, 'payload_too_large', e.message);
}

/** A row of an uploaded file, or why it is skipped: the JSON routes' limits on title and abstract hold here too. */
function withinLimits(p: { id?: string; title: string; abstract: string }): { paper: typeof p } | { error: string } {
  if (p.title.length > MAX_TITLE) return { error: `title: must be at most ${MAX_TITLE} characters (got ${p.title.length})` };
  if (p.abstract.length > MAX_ABSTRACT) return { error: `abstract: must be at most ${MAX_ABSTRACT} characters (got ${p.abstract.length})` };
  return { paper: p };
}
