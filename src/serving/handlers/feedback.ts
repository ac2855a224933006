/** POST /v1/feedback: a correction, stored before it is acknowledged. */
import { canonicalizeCategories } from '../../taxonomy/taxonomy.js';
import { feedbackRequest } from '../api-schemas.js';
import { parseJson, readBody, requireMediaType } from '../body.js';
import { isBusy } from '../feedback-store.js';
import { authorize, check, hasText } from '../request.js';
import { HttpError, invalid, sendJson } from '../response.js';
import type { RequestContext } from '../route.js';
import type { FieldProblem } from '../schema.js';

export async function feedback(ctx: RequestContext): Promise<void> {
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
  // Durable commit (WAL, synchronous=FULL): the 201 goes out only after the row is on disk.
  let stored: Awaited<ReturnType<typeof store.add>>;
  try {
    stored = await store.add(input);
  } catch (e) {
    // Another process held the store's write lock for as long as a write waits.
    if (isBusy(e)) throw new HttpError(503, 'feedback_busy', 'the feedback store is locked by another writer; nothing was stored, try again', [], { 'retry-after': '1' });
    throw e;
  }
  ctx.state.metrics.snapshot.feedbackStored++;
  sendJson(ctx.res, 201, { stored: true, seq: stored.seq, id: stored.id ?? `feedback:${stored.seq}`, categories, receivedAt: stored.receivedAt });
}
