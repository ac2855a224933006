/**
 * The API's route table: one entry per method and path, holding its documentation (summary,
 * request schema, responses) next to its handler. The router dispatches from this table and
 * /openapi.json is generated from it, so the documented API is the served API. Schemas live in
 * api-schemas.ts, handlers in handlers/.
 */
import { FORMAT_NAMES } from '../sources/source.js';
import { batchPaper, batchRequest, classifyRequest, E400, E401, E413, E415, errorResponse, feedbackRequest, FILE_TYPES, modelsResponse, NDJSON, optionQuery, predictionSchema } from './api-schemas.js';
import { classify, classifyBatch } from './handlers/classify.js';
import { classifyFile } from './handlers/classify-file.js';
import { feedback } from './handlers/feedback.js';
import { modelFile, modelSummary, reload, report } from './handlers/models.js';
import { metrics, taxonomy } from './handlers/ops.js';
import { buildOpenApi } from './openapi.js';
import { sendJson } from './response.js';
import type { Route } from './route.js';

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
      title_col: { type: 'string', maxLength: 200, description: 'The field holding the title, in any letter case (default: title, titles, paper_title).' },
      abstract_col: { type: 'string', maxLength: 200, description: 'The field holding the abstract, in any letter case (default: abstract, summary, abstract_text, …).' },
      id_col: { type: 'string', maxLength: 200, description: 'The field holding the id, in any letter case (default: id, aid, arxiv_id, …).' },
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
    summary: 'The served model: task, labels, training data size, validation metrics, its model card; and whether this server takes corrections',
    responses: { '200': { description: 'Model facts', content: { 'application/json': { schema: modelsResponse } } } },
    handle: (ctx) => sendJson(ctx.res, 200, { current: modelSummary(ctx.state), feedback: { enabled: ctx.state.feedback !== null, token: ctx.state.config.token !== undefined } }),
  },
  {
    method: 'GET',
    path: '/v1/models/current/file',
    tag: 'model',
    summary: 'The model file itself (for in-browser classification); gzip-compressed for clients that accept it (X-Decoded-Length gives the size once decompressed); honours If-None-Match',
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
    summary: 'Readiness: a model is loaded, its backend answers, and the server is not shutting down',
    responses: { '200': { description: 'Ready', content: { 'application/json': {} } }, '503': { description: 'Shutting down, or the model backend is failing' } },
    handle: (ctx) => {
      const failing = ctx.state.upstream.failing();
      if (ctx.state.draining) sendJson(ctx.res, 503, { ready: false, reason: 'shutting down' });
      else if (failing !== null) sendJson(ctx.res, 503, { ready: false, reason: `the model backend is failing: ${failing}` });
      else sendJson(ctx.res, 200, { ready: true, model: ctx.state.slot.current.etag });
    },
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
