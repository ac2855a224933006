/** The served model: its facts, its file, its report, and reloading it. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { describeLabel } from '../../models/labels-info.js';
import type { AppState } from '../app-state.js';
import { readBody } from '../body.js';
import type { Served } from '../model-slot.js';
import { authorize } from '../request.js';
import { HttpError, invalid, sendJson } from '../response.js';
import type { RequestContext } from '../route.js';

export async function reload(ctx: RequestContext): Promise<void> {
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
export function servedName(served: Served): string {
  return served.bytes ? basename(served.path) : served.path;
}

export function modelSummary(state: AppState, served = state.slot.current): Record<string, unknown> {
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
    ...(info.card ? { card: info.card } : {}),
  };
}

export async function report(ctx: RequestContext): Promise<void> {
  const p = ctx.state.config.reportPath;
  if (!p) throw new HttpError(404, 'not_found', 'no evaluation report is configured (serve --report FILE)');
  let html: Buffer;
  try {
    html = await readFile(p);
  } catch (e) {
    // The file was there at start-up (serve checks it); moved or deleted since, it is simply not found.
    throw new HttpError(404, 'not_found', `the evaluation report ${basename(p)} can no longer be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); serve was started with it`);
  }
  ctx.res.writeHead(200, { 'content-type': p.endsWith('.html') || p.endsWith('.htm') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8', 'content-length': html.length });
  ctx.res.end(html);
}

/** The served file gzipped, made once per model (keyed by its ETag): a page downloads it in a third of the bytes. */
let gzipped: { etag: string; body: Promise<Buffer> } | null = null;

function gzippedModel(etag: string, bytes: Buffer): Promise<Buffer> {
  if (gzipped?.etag !== etag) gzipped = { etag, body: promisify(gzip)(bytes, { level: 6 }) };
  return gzipped.body;
}

/** Whether the request's Accept-Encoding takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** If-None-Match as RFC 9110 (section 13.1.2) reads it: `*`, or a list of tags compared weakly (W/ ignored). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => bare(t) === bare(etag));
}

export async function modelFile(ctx: RequestContext): Promise<void> {
  const { bytes, etag, path, model } = ctx.state.slot.current;
  if (bytes === null) throw new HttpError(404, 'not_found', `the served backend (${model.info.backend}) is not one model file, so it cannot run in the browser`);
  // Vary keeps what CORS set (Origin) beside the encoding this route varies on.
  const vary = [ctx.res.getHeader('vary'), 'Accept-Encoding'].filter((v) => v !== undefined).join(', ');
  const headers: Record<string, string | number> = { etag, 'cache-control': 'no-cache', vary, 'content-disposition': `attachment; filename="${basename(path).replace(/"/g, '')}"` };
  if (matchesEtag(ctx.req.headers['if-none-match'], etag)) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  // The page shows download progress in bytes: behind Content-Encoding its reader sees decoded
  // bytes, so it is told their total too.
  const body = acceptsGzip(ctx.req.headers['accept-encoding']) ? await gzippedModel(etag, bytes) : null;
  if (body) Object.assign(headers, { 'content-encoding': 'gzip', 'x-decoded-length': bytes.length });
  ctx.res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': (body ?? bytes).length });
  ctx.res.end(body ?? bytes);
}
