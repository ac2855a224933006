/**
 * Prometheus metrics in the text exposition format (version 0.0.4). Counters and histograms are
 * kept as plain numbers in a snapshot object, so that the processes of a cluster can send theirs
 * to one place and be summed.
 */

/** Upper bounds (seconds) of the request-latency histogram buckets. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsSnapshot {
  /** `method route status` → count. */
  requests: Record<string, number>;
  /** route → per-bucket counts (non-cumulative, LATENCY_BUCKETS plus +Inf), sum and count. */
  latency: Record<string, { buckets: number[]; sum: number; count: number }>;
  papersClassified: number;
  /** route → requests answered with a status >= 400. */
  errors: Record<string, number>;
  feedbackStored: number;
  reloads: { ok: number; failed: number };
  /** How the model backend failed (UpstreamFailure) → count. */
  upstreamErrors: Record<string, number>;
}

export function emptySnapshot(): MetricsSnapshot {
  return { requests: {}, latency: {}, papersClassified: 0, errors: {}, feedbackStored: 0, reloads: { ok: 0, failed: 0 }, upstreamErrors: {} };
}

export class Metrics {
  snapshot: MetricsSnapshot = emptySnapshot();

  /** Record one finished request; `route` is the route's path template, never the raw URL (bounded label values). */
  observe(method: string, route: string, status: number, seconds: number): void {
    const s = this.snapshot;
    const key = `${method} ${route} ${status}`;
    s.requests[key] = (s.requests[key] ?? 0) + 1;
    const h = (s.latency[route] ??= { buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 });
    let b = 0;
    while (b < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[b]!) b++;
    h.buckets[b]!++;
    h.sum += seconds;
    h.count++;
    if (status >= 400) s.errors[route] = (s.errors[route] ?? 0) + 1;
  }
}

/** Add `from` into `into` (cluster workers' snapshots into one). */
export function mergeSnapshots(into: MetricsSnapshot, from: MetricsSnapshot): MetricsSnapshot {
  for (const [k, v] of Object.entries(from.requests)) into.requests[k] = (into.requests[k] ?? 0) + v;
  for (const [route, h] of Object.entries(from.latency)) {
    const t = (into.latency[route] ??= { buckets: new Array<number>(h.buckets.length).fill(0), sum: 0, count: 0 });
    h.buckets.forEach((c, i) => (t.buckets[i] = (t.buckets[i] ?? 0) + c));
    t.sum += h.sum;
    t.count += h.count;
  }
  for (const [k, v] of Object.entries(from.errors)) into.errors[k] = (into.errors[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.upstreamErrors)) into.upstreamErrors[k] = (into.upstreamErrors[k] ?? 0) + v;
  into.papersClassified += from.papersClassified;
  into.feedbackStored += from.feedbackStored;
  into.reloads.ok += from.reloads.ok;
  into.reloads.failed += from.reloads.failed;
  return into;
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** This process's user + system CPU time. */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface Gauges {
  residentBytes: number;
  heapBytes: number;
  /** User + system CPU time of the serving processes (summed). */
  cpuSeconds: number;
  uptimeSeconds: number;
  model: { path: string; task: string; labels: number; etag: string } | null;
  processes: number;
  /** 1 while this process finds the model backend failing (see upstream-health.ts). */
  backendFailing: number;
}

/** The text format Prometheus scrapes. */
export function renderPrometheus(s: MetricsSnapshot, g: Gauges): string {
  const out: string[] = [];
  out.push('# HELP axc_http_requests_total HTTP requests answered, by method, route and status.', '# TYPE axc_http_requests_total counter');
  for (const [key, v] of Object.entries(s.requests).sort()) {
    const [method, route, status] = key.split(' ');
    out.push(`axc_http_requests_total{method="${label(method!)}",route="${label(route!)}",status="${status}"} ${v}`);
  }
  out.push('# HELP axc_http_request_duration_seconds Time from request start to the last byte of the response.', '# TYPE axc_http_request_duration_seconds histogram');
  for (const [route, h] of Object.entries(s.latency).sort(([a], [b]) => (a < b ? -1 : 1))) {
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((le, i) => {
      cumulative += h.buckets[i]!;
      out.push(`axc_http_request_duration_seconds_bucket{route="${label(route)}",le="${le}"} ${cumulative}`);
    });
    cumulative += h.buckets[LATENCY_BUCKETS.length]!;
    out.push(`axc_http_request_duration_seconds_bucket{route="${label(route)}",le="+Inf"} ${cumulative}`);
    out.push(`axc_http_request_duration_seconds_sum{route="${label(route)}"} ${h.sum}`);
    out.push(`axc_http_request_duration_seconds_count{route="${label(route)}"} ${h.count}`);
  }
  out.push('# HELP axc_http_errors_total Requests answered with a 4xx or 5xx status, by route.', '# TYPE axc_http_errors_total counter');
  for (const [route, v] of Object.entries(s.errors).sort()) out.push(`axc_http_errors_total{route="${label(route)}"} ${v}`);
  out.push('# HELP axc_papers_classified_total Papers classified (single and batch).', '# TYPE axc_papers_classified_total counter', `axc_papers_classified_total ${s.papersClassified}`);
  out.push('# HELP axc_feedback_stored_total Feedback records committed to the store.', '# TYPE axc_feedback_stored_total counter', `axc_feedback_stored_total ${s.feedbackStored}`);
  out.push('# HELP axc_model_reloads_total Model reloads, by result.', '# TYPE axc_model_reloads_total counter');
  out.push(`axc_model_reloads_total{result="ok"} ${s.reloads.ok}`, `axc_model_reloads_total{result="failed"} ${s.reloads.failed}`);
  out.push('# HELP axc_backend_errors_total Requests the model backend failed, by how (timeout, unavailable, refused, bad_answer).', '# TYPE axc_backend_errors_total counter');
  for (const [failure, v] of Object.entries(s.upstreamErrors).sort()) out.push(`axc_backend_errors_total{failure="${label(failure)}"} ${v}`);
  out.push('# HELP axc_backend_failing 1 while the model backend is failing (as /readyz reports).', '# TYPE axc_backend_failing gauge', `axc_backend_failing ${g.backendFailing}`);
  if (g.model) {
    out.push('# HELP axc_model_info The model being served.', '# TYPE axc_model_info gauge');
    out.push(`axc_model_info{path="${label(g.model.path)}",task="${label(g.model.task)}",labels="${g.model.labels}",etag="${label(g.model.etag)}"} 1`);
  }
  out.push('# HELP axc_process_resident_memory_bytes Resident memory of the serving processes (summed).', '# TYPE axc_process_resident_memory_bytes gauge', `axc_process_resident_memory_bytes ${g.residentBytes}`);
  out.push('# HELP axc_process_cpu_seconds_total CPU time (user + system) of the serving processes (summed).', '# TYPE axc_process_cpu_seconds_total counter', `axc_process_cpu_seconds_total ${g.cpuSeconds}`);
  out.push('# HELP axc_process_heap_bytes V8 heap in use (summed).', '# TYPE axc_process_heap_bytes gauge', `axc_process_heap_bytes ${g.heapBytes}`);
  out.push('# HELP axc_serving_processes Processes answering requests.', '# TYPE axc_serving_processes gauge', `axc_serving_processes ${g.processes}`);
  out.push('# HELP axc_uptime_seconds Seconds since the server started.', '# TYPE axc_uptime_seconds gauge', `axc_uptime_seconds ${g.uptimeSeconds}`);
  return out.join('\n') + '\n';
}
