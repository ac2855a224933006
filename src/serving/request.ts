/** What every handler does with a request before its own work: validate, read options, check the token. */
import { timingSafeEqual } from 'node:crypto';
import type { Classifier, PaperText, PredictOptions } from '../models/model.js';
import { checkPriorFor } from '../models/predict-options.js';
import { checkPriorChoice, parsePriorWord } from '../models/prior.js';
import { optionQuery } from './api-schemas.js';
import { HttpError, invalid } from './response.js';
import type { RequestContext } from './route.js';
import { validate, type FieldProblem, type Schema } from './schema.js';

export function check(schema: Schema, value: unknown, path = ''): void {
  const problems = validate(schema, value, path);
  if (problems.length > 0) throw invalid(problems);
}

export function hasText(p: { title?: string; abstract?: string }): boolean {
  return (p.title ?? '').trim() !== '' || (p.abstract ?? '').trim() !== '';
}

/** A validated request paper as every backend takes it: a title (empty when only an abstract came) and its id. */
export function paperOf(p: { id?: string; title?: string; abstract?: string }): PaperText & { id?: string } {
  const paper: PaperText & { id?: string } = { title: p.title ?? '' };
  if (p.abstract !== undefined) paper.abstract = p.abstract;
  if (p.id !== undefined) paper.id = p.id;
  return paper;
}

/** Options from the query string, typed by the same schemas as the JSON body's options. */
export function queryOptions(url: URL): PredictOptions {
  const raw: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [key, value] of url.searchParams) {
    if (!Object.hasOwn(optionQuery, key)) continue;
    // An option the body gives as an object (a prior's shares) comes as JSON in the query string.
    if (value.trimStart().startsWith('{')) {
      try {
        raw[key] = JSON.parse(value) as unknown;
      } catch (e) {
        problems.push({ field: `query.${key}`, message: `not valid JSON: ${(e as Error).message}` });
      }
    } else if (value === 'true' || value === 'false') raw[key] = value === 'true';
    // Decimal only: Number() would also read "0x10" as 16 and "" as 0.
    else if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) raw[key] = Number(value);
    else raw[key] = value;
  }
  for (const [key, schema] of Object.entries(optionQuery)) if (raw[key] !== undefined) problems.push(...validate(schema, raw[key], `query.${key}`));
  if (problems.length > 0) throw invalid(problems);
  return toOptions(raw);
}

export function toOptions(o: { k?: unknown; explain?: unknown; threshold?: unknown; prior?: unknown }): PredictOptions {
  const options: PredictOptions = {};
  if (typeof o.k === 'number') options.k = o.k;
  if (typeof o.explain === 'boolean' || typeof o.explain === 'number') options.explain = o.explain;
  if (typeof o.threshold === 'number') options.threshold = o.threshold;
  if (o.prior !== undefined) {
    try {
      options.prior = (typeof o.prior === 'string' ? parsePriorWord(o.prior) : undefined) ?? checkPriorChoice(o.prior);
    } catch (e) {
      throw invalid([{ field: 'prior', message: (e as Error).message.replace(/^prior:? ?/, '') }]);
    }
  }
  return options;
}

/** A prior the served model cannot take (a multi-label or non-linear model, an unknown code) is the caller's error, found before any work. */
export function checkPriorOn(model: Classifier, options: PredictOptions): void {
  if (options.prior === undefined) return;
  try {
    checkPriorFor(model, options.prior);
  } catch (e) {
    if (e instanceof RangeError) throw invalid([{ field: 'prior', message: e.message.replace(/^prior:? ?/, '') }]);
    throw e;
  }
}

export function authorize(ctx: RequestContext): void {
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
