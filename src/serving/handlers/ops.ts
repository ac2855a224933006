/** What operators read: Prometheus metrics and the taxonomy. */
import { CATEGORIES, GROUPS, groupName } from '../../taxonomy/taxonomy.js';
import { processCpuSeconds, renderPrometheus } from '../metrics.js';
import type { RequestContext } from '../route.js';
import { servedName } from './models.js';

export async function metrics(ctx: RequestContext): Promise<void> {
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
    backendFailing: state.upstream.failing() === null ? 0 : 1,
  });
  ctx.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  ctx.res.end(text);
}

let taxonomyCache: string | null = null;

export function taxonomy(ctx: RequestContext): void {
  taxonomyCache ??= JSON.stringify({
    groups: GROUPS.map((g) => ({ code: g, name: groupName(g) })),
    categories: CATEGORIES.map((c) => ({ code: c.code, name: c.name, archive: c.archive, group: c.group, groupName: c.groupName, archiveLevel: c.archiveLevel, aliases: c.aliases })),
  });
  ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  ctx.res.end(taxonomyCache);
}
