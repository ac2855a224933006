import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { zipSync } from 'fflate';
import { train } from '../../src/index.js';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { ROUTES } from '../../src/serving/routes.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { syntheticPapers } from '../models/synthetic.js';
import { xlsxParts } from '../sources/xlsx-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-serve-'));
const modelPath = join(dir, 'model.axcm');
copyFileSync(defaultModelPath()!, modelPath);
const webDir = join(dir, 'web');
const reportPath = join(dir, 'report.html');
writeFileSync(reportPath, '<html><body><h1>Evaluation report</h1></body></html>');
const TOKEN = 's3cret-token';
let srv: RunningServer;
const logs: string[] = [];

before(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(webDir, 'assets'), { recursive: true });
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(webDir, 'assets', 'a.js'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  const config: ServeConfig = {
    modelPath,
    feedbackPath: join(dir, 'feedback.sqlite'),
    token: TOKEN,
    corsOrigins: ['https://example.org'],
    webDir,
    reportPath,
    ...DEFAULT_LIMITS,
    maxBodyBytes: 64 * 1024,
    batchThreads: 1,
  };
  srv = await startServer(config, { port: 0, host: '127.0.0.1' }, (l) => logs.push(l));
});

after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: string | Buffer, type = 'application/json', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(srv.url + path, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
}

type ErrorJson = { error: { status: number; code: string; message: string; field?: string } };
type Pred = { id?: string; line?: number; labels: { code: string; name: string; group: string; probability: number; reasons?: { term: string; weight: number }[] }[]; groups: { code: string; probability: number }[]; archive?: { code: string; name: string } };

const GRAPHENE = { title: 'Free electron trajectories in graphene', abstract: 'We measure ballistic transport and cyclotron orbits of Dirac electrons in monolayer graphene p-n junctions.' };

test('POST /v1/classify: labels with names, groups, archive and reasons', async () => {
  const r = await post('/v1/classify', JSON.stringify({ ...GRAPHENE, k: 3, explain: true, id: 'x1' }));
  assert.equal(r.status, 200);
  const p = (await r.json()) as Pred;
  assert.equal(p.id, 'x1');
  assert.equal(p.labels.length, 3);
  assert.equal(p.labels[0]!.code, 'cond-mat.mes-hall');
  assert.equal(p.labels[0]!.name, 'Mesoscale and Nanoscale Physics');
  assert.equal(p.labels[0]!.group, 'physics');
  assert.deepEqual(p.archive, { code: 'cond-mat', name: 'Condensed Matter' });
  assert.equal(p.groups[0]!.code, 'physics');
  assert.ok(p.labels[0]!.reasons!.some((x) => x.term === 'graphene'));
  assert.ok(p.labels[0]!.probability >= p.labels[1]!.probability);
  // Title only works too, and an abstract alone, as in the CLI and the library.
  const t = await post('/v1/classify', JSON.stringify({ title: 'Convolutional networks for image segmentation' }));
  assert.equal(((await t.json()) as Pred).labels[0]!.group, 'cs');
  const a = await post('/v1/classify', JSON.stringify({ id: 'only-abstract', abstract: GRAPHENE.abstract }));
  assert.equal(a.status, 200);
  const ap = (await a.json()) as Pred & { id: string };
  assert.equal(ap.id, 'only-abstract');
  assert.equal(ap.labels[0]!.group, 'physics');
});

test('bad input: 400 naming the field, 413, 415, 404, 405 — never 500', async () => {
  const cases: [Response, number, string | undefined][] = [
    [await post('/v1/classify', JSON.stringify({ title: 5 })), 400, 'title'],
    [await post('/v1/classify', JSON.stringify({ abstract: '  ' })), 400, 'title'],
    [await post('/v1/classify', JSON.stringify({})), 400, 'title'],
    [await post('/v1/classify', JSON.stringify({ title: '  ', abstract: '' })), 400, 'title'],
    [await post('/v1/classify', JSON.stringify({ title: 'x', k: 0 })), 400, 'k'],
    [await post('/v1/classify', JSON.stringify({ title: 'x', k: 2.5 })), 400, 'k'],
    [await post('/v1/classify', JSON.stringify({ title: 'x', threshold: 2 })), 400, 'threshold'],
    [await post('/v1/classify', JSON.stringify({ title: 'x', explain: 'yes' })), 400, 'explain'],
    [await post('/v1/classify', JSON.stringify({ title: 'x', tittle: 'y' })), 400, 'tittle'],
    [await post('/v1/classify', JSON.stringify([{ title: 'x' }])), 400, '(body)'],
    [await post('/v1/classify', '{"title": "x"'), 400, '(body)'],
    [await post('/v1/classify', ''), 400, '(body)'],
    [await post('/v1/classify', 'null'), 400, '(body)'],
    [await post('/v1/classify', JSON.stringify({ title: 'x'.repeat(70 * 1024) })), 413, undefined],
    [await post('/v1/classify', 'title=x', 'application/x-www-form-urlencoded'), 415, undefined],
    [await fetch(srv.url + '/v1/classify', { method: 'POST', body: new Uint8Array([1]) }), 415, undefined],
    [await fetch(srv.url + '/v1/classify'), 405, undefined],
    [await fetch(srv.url + '/v1/classify', { method: 'DELETE' }), 405, undefined],
    [await fetch(srv.url + '/v1/nope'), 404, undefined],
    [await post('/v1/classify/batch?k=zero', JSON.stringify([{ title: 'x' }])), 400, 'query.k'],
    [await post('/v1/classify/batch?k=0x10', JSON.stringify([{ title: 'x' }])), 400, 'query.k'],
    [await post('/v1/classify/batch', JSON.stringify([{ title: 'x' }, { title: 'y', abstract: 7 }])), 400, '[1].abstract'],
    [await post('/v1/classify/batch', JSON.stringify([{ title: 'x' }, { title: '' }])), 400, '[1].title'],
    [await post('/v1/classify/batch', JSON.stringify([])), 400, '(body)'],
    [await post('/v1/classify/batch', 'x', 'text/csv'), 415, undefined],
  ];
  for (const [r, status, field] of cases) {
    const body = (await r.json()) as ErrorJson;
    assert.equal(r.status, status, `${r.url}: ${JSON.stringify(body)}`);
    assert.equal(body.error.status, status);
    assert.ok(body.error.message.length > 0);
    if (field) {
      assert.equal(body.error.field, field, JSON.stringify(body));
      if (body.error.code === 'invalid_request') assert.ok(body.error.message.startsWith(field), body.error.message);
    }
  }
  const r405 = await fetch(srv.url + '/v1/classify');
  assert.match(r405.headers.get('allow') ?? '', /POST/);
  // A number where a boolean or a count is taken is told the count's range, not that it is a number.
  for (const explain of [51, -1]) {
    const r = (await (await post('/v1/classify', JSON.stringify({ title: 'x', explain }))).json()) as ErrorJson;
    assert.match(r.error.message, explain > 0 ? /^explain: must be <= 50 \(got 51\)/ : /^explain: must be >= 0 \(got -1\)/, r.error.message);
  }
  assert.ok(!logs.some((l) => l.startsWith('error')), logs.join('\n'));
});

test('batch: a JSON array of 10,000 papers in order; more is refused', async () => {
  const papers = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? { id: `p${i}`, title: 'graphene nanoribbons transport' } : { id: `p${i}`, title: 'deep convolutional networks for images' }));
  const r = await post('/v1/classify/batch?k=2', JSON.stringify(papers));
  assert.equal(r.status, 200);
  const { predictions } = (await r.json()) as { predictions: Pred[] };
  assert.equal(predictions.length, 10_000);
  assert.equal(predictions[1]!.id, 'p1');
  assert.equal(predictions[1]!.labels[0]!.group, 'physics');
  assert.equal(predictions[9998]!.labels[0]!.group, 'cs');
  assert.equal(predictions[0]!.labels.length, 2);
  const tooMany = await post('/v1/classify/batch', JSON.stringify([...papers, { title: 'one more' }]));
  assert.equal(tooMany.status, 400);
  assert.match(((await tooMany.json()) as ErrorJson).error.message, /at most 10000/);
});

test('batch split across threads answers exactly what single requests answer, in order', async () => {
  assert.ok(srv.state.pool, 'the server has a batch thread');
  const slicesBefore = srv.state.pool.threadSlices;
  const words = ['graphene', 'prime numbers', 'neural networks', 'black holes', 'protein folding', 'option pricing', 'lattice QCD', 'speech recognition'];
  const papers = Array.from({ length: 150 }, (_, i) => ({ id: `q${i}`, title: `${words[i % 8]} and ${words[(i * 3 + 1) % 8]} study ${i}` }));
  const r = await post('/v1/classify/batch?k=3&explain=2', JSON.stringify(papers));
  const { predictions } = (await r.json()) as { predictions: Pred[] };
  assert.equal(predictions.length, papers.length);
  for (const i of [0, 1, 49, 50, 51, 99, 100, 149]) {
    const one = (await (await post('/v1/classify', JSON.stringify({ ...papers[i], k: 3, explain: 2 }))).json()) as Pred;
    assert.deepEqual(predictions[i], one, `paper ${i}`);
  }
  assert.equal(srv.state.pool.threadSlices, slicesBefore + 1, 'the second half was done by the batch thread');
});

test('batch: NDJSON streamed in and out, bad lines answered in place', async () => {
  const body = [JSON.stringify({ id: 'a', ...GRAPHENE }), '{not json', '', JSON.stringify({ title: 7 }), JSON.stringify({ id: 'b', title: 'Zeros of the Riemann zeta function and gaps between primes' })].join('\n');
  const r = await post('/v1/classify/batch?k=1', body, 'application/x-ndjson');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type')!, /application\/x-ndjson/);
  const lines = (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as Pred & { error?: { message: string; field?: string } });
  assert.equal(lines.length, 4);
  assert.deepEqual(lines.map((l) => l.line), [1, 2, 4, 5]);
  assert.equal(lines[0]!.id, 'a');
  assert.equal(lines[0]!.labels[0]!.code, 'cond-mat.mes-hall');
  assert.match(lines[1]!.error!.message, /^line 2: /);
  assert.equal(lines[2]!.error!.field, 'title');
  assert.equal(lines[3]!.labels[0]!.group, 'math');
  // A stream sent in pieces, with no final newline.
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      const enc = new TextEncoder();
      c.enqueue(enc.encode('{"title":"graph'));
      c.enqueue(enc.encode('ene"}\n{"title":"quantum'));
      c.enqueue(enc.encode(' chromodynamics lattice"}'));
      c.close();
    },
  });
  const s = await fetch(srv.url + '/v1/classify/batch', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: stream, duplex: 'half' } as RequestInit);
  const out = (await s.text()).trim().split('\n').map((l) => JSON.parse(l) as Pred);
  assert.equal(out.length, 2);
  assert.equal(out[1]!.labels[0]!.group, 'physics');
});

test('batch file: CSV and xlsx through the source readers, streamed as events', async () => {
  const csv = 'id,title,abstract\n2101.00001,Graphene quantum dots,Electron transport in graphene quantum dots\n2101.00002,,\n2101.00003,Image segmentation with transformers,We segment images\n';
  const r = await post('/v1/classify/file?filename=papers.csv&k=1', csv, 'text/csv');
  assert.equal(r.status, 200);
  const events = (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; total?: number; line?: number; id?: string; labels?: Pred['labels']; classified?: number; skipped?: number });
  assert.equal(events[0]!.type, 'start');
  assert.equal(events[0]!.total, 2);
  const preds = events.filter((e) => e.type === 'prediction');
  assert.deepEqual(preds.map((p) => p.id), ['2101.00001', '2101.00003']);
  assert.equal(preds[0]!.labels![0]!.group, 'physics');
  assert.equal(events.filter((e) => e.type === 'skip').length, 1);
  assert.deepEqual(events.at(-1), { type: 'end', classified: 2, skipped: 1 });

  const parts = xlsxParts({
    sheetData:
      '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c><c r="B1" t="inlineStr"><is><t>abstract</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>Lattice QCD at finite density</t></is></c><c r="B2" t="inlineStr"><is><t>Quarks and gluons</t></is></c></row>',
  });
  const xlsx = Buffer.from(zipSync(Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, new TextEncoder().encode(v)]))));
  const x = await post('/v1/classify/file?filename=p.xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(x.status, 200);
  const xe = (await x.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; labels?: Pred['labels'] });
  assert.equal(xe.filter((e) => e.type === 'prediction').length, 1);
  assert.equal(xe[1]!.labels![0]!.code.split('-')[0], 'hep');

  const bad = await post('/v1/classify/file?filename=junk.bin', Buffer.from([0, 1, 2, 3, 0, 0, 9]), 'application/octet-stream');
  assert.equal(bad.status, 400);
  const be = (await bad.json()) as ErrorJson;
  assert.match(be.error.message, /junk\.bin/);
  assert.doesNotMatch(be.error.message, /axc-upload-/);
});

test('feedback needs the token, validates categories, stores canonical codes', async () => {
  const body = JSON.stringify({ id: '2101.00001', title: 'A paper', abstract: 'About codes', categories: ['math.IT', 'cs.LG'] });
  const none = await post('/v1/feedback', body);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
  const wrong = await post('/v1/feedback', body, 'application/json', { authorization: 'Bearer nope' });
  assert.equal(wrong.status, 401);
  const ok = await post('/v1/feedback', body, 'application/json', { authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 201);
  const stored = (await ok.json()) as { seq: number; categories: string[] };
  assert.deepEqual(stored.categories, ['cs.IT', 'cs.LG']);
  const bad = await post('/v1/feedback', JSON.stringify({ title: 'x', categories: ['cs.LG', 'nonsense.XX'] }), 'application/json', { authorization: `Bearer ${TOKEN}` });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as ErrorJson).error.field, 'categories[1]');
  const empty = await post('/v1/feedback', JSON.stringify({ title: 'x', categories: [] }), 'application/json', { authorization: `Bearer ${TOKEN}` });
  assert.equal(((await empty.json()) as ErrorJson).error.field, 'categories');
  assert.equal(srv.state.feedback!.count(), 1);
});

test('models, model file with ETag, taxonomy, report, health', async () => {
  const m = (await (await fetch(srv.url + '/v1/models')).json()) as { current: { task: string; labels: { code: string; name: string }[]; training: { papers: number }; validation: Record<string, number>; etag: string; report: string } };
  assert.equal(m.current.task, 'primary');
  assert.equal(m.current.labels.length, srv.state.slot.current.model.labels.length);
  assert.ok(m.current.labels.some((l) => l.code === 'cs.LG' && l.name === 'Machine Learning'));
  assert.ok(m.current.training.papers > 0);
  assert.ok(Object.keys(m.current.validation).length > 0);
  const f = await fetch(srv.url + '/v1/models/current/file');
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/octet-stream');
  const bytes = Buffer.from(await f.arrayBuffer());
  assert.ok(bytes.equals(readFileSync(modelPath)));
  assert.equal(f.headers.get('etag'), m.current.etag);
  const again = await fetch(srv.url + '/v1/models/current/file', { headers: { 'if-none-match': m.current.etag } });
  assert.equal(again.status, 304);
  // If-None-Match compares weakly and takes '*' (RFC 9110).
  for (const tag of [`W/${m.current.etag}`, `"other", ${m.current.etag}`, '*']) assert.equal((await fetch(srv.url + '/v1/models/current/file', { headers: { 'if-none-match': tag } })).status, 304, tag);
  assert.equal((await fetch(srv.url + '/v1/models/current/file', { headers: { 'if-none-match': '"other"' } })).status, 200);
  const tax = (await (await fetch(srv.url + '/v1/taxonomy')).json()) as { categories: { code: string; group: string }[]; groups: { code: string }[] };
  assert.ok(tax.categories.some((c) => c.code === 'hep-th' && c.group === 'physics'));
  assert.equal(tax.groups.length, 8);
  const rep = await fetch(srv.url + m.current.report);
  assert.match(await rep.text(), /Evaluation report/);
  assert.deepEqual(await (await fetch(srv.url + '/healthz')).json(), { status: 'ok' });
  assert.equal((await fetch(srv.url + '/readyz')).status, 200);
});

test('an evaluation report deleted after start-up is a 404 that says so, not a 500', async () => {
  const moved = reportPath + '.moved';
  renameSync(reportPath, moved);
  try {
    const r = await fetch(srv.url + '/v1/models/current/report');
    assert.equal(r.status, 404);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /report\.html can no longer be read \(ENOENT\)/);
  } finally {
    renameSync(moved, reportPath);
  }
  assert.equal((await fetch(srv.url + '/v1/models/current/report')).status, 200);
});

test('a JSON body may start with a byte-order mark', async () => {
  const r = await post('/v1/classify', '\uFEFF' + JSON.stringify({ title: 'Graphene nanoribbons' }));
  assert.equal(r.status, 200, await r.clone().text());
  assert.ok(((await r.json()) as { labels: unknown[] }).labels.length > 0);
});

/** What the server answers to raw bytes on a fresh connection. */
function raw(request: string): Promise<string> {
  const { port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('a request the HTTP parser refuses still gets a JSON error body, and the server answers the next one', async () => {
  const badLength = await raw('POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}');
  assert.match(badLength, /^HTTP\/1\.1 400 Bad Request\r\n/);
  const body = JSON.parse(badLength.slice(badLength.indexOf('\r\n\r\n') + 4)) as ErrorJson;
  assert.equal(body.error.status, 400);
  assert.match(body.error.message, /not valid HTTP/);
  const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(huge, /^HTTP\/1\.1 431 /);
  assert.equal((JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)) as ErrorJson).error.code, 'headers_too_large');
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
});

test('static files from the web directory, never outside it', async () => {
  const page = await fetch(srv.url + '/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
  assert.equal((await fetch(srv.url + '/assets/a.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/missing.js']) {
    const r = await fetch(srv.url + p);
    assert.equal(r.status, 404, p);
  }
});

test('CORS: allowed origins get the header and preflights are answered', async () => {
  const ok = await fetch(srv.url + '/healthz', { headers: { origin: 'https://example.org' } });
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://example.org');
  const other = await fetch(srv.url + '/healthz', { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  // Both answers depend on the origin, so a shared cache is told to keep them apart, on the model file's route too.
  for (const r of [ok, other]) assert.match(r.headers.get('vary') ?? '', /\bOrigin\b/);
  const file = await fetch(srv.url + '/v1/models/current/file', { headers: { origin: 'https://example.org' } });
  await file.arrayBuffer();
  assert.equal(file.headers.get('access-control-allow-origin'), 'https://example.org');
  assert.match(file.headers.get('vary') ?? '', /^Origin, Accept-Encoding$/);
  const pre = await fetch(srv.url + '/v1/classify', { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-methods')!, /POST/);
  assert.match(pre.headers.get('access-control-allow-headers')!, /authorization/);
});

test('/openapi.json matches the real routes', async () => {
  const doc = (await (await fetch(srv.url + '/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>> };
  assert.match(doc.openapi, /^3\./);
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(documented.sort(), ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  // Every documented operation exists on the server: answered by its route, not 404/405.
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const r = await fetch(srv.url + path, method === 'post' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } : {});
      await r.arrayBuffer();
      assert.notEqual(r.status, 404, `${method} ${path}`);
      assert.notEqual(r.status, 405, `${method} ${path}`);
      assert.ok(String(r.status) in op.responses, `${method} ${path} answered ${r.status}, which is not documented`);
      const route = ROUTES.find((x) => x.path === path && x.method === method.toUpperCase())!;
      assert.equal(Boolean(op.security), Boolean(route.auth), `${method} ${path} security`);
    }
  }
  // And an undocumented path is not served.
  assert.equal((await fetch(srv.url + '/v1/classify/other', { method: 'POST' })).status, 404);
});

test('reload swaps the model atomically and keeps the old one when the new file is bad', async () => {
  const before = srv.state.slot.current;
  const auth = { authorization: `Bearer ${TOKEN}` };
  assert.equal((await post('/v1/admin/reload', '')).status, 401);
  // A corrupt file: 409, and the old model still answers.
  writeFileSync(modelPath, Buffer.concat([readFileSync(defaultModelPath()!).subarray(0, 5000)]));
  const bad = await post('/v1/admin/reload', '', 'application/json', auth);
  assert.equal(bad.status, 409);
  assert.match(((await bad.json()) as ErrorJson).error.message, /old one/);
  assert.equal(srv.state.slot.current, before);
  const still = await post('/v1/classify', JSON.stringify(GRAPHENE));
  assert.equal(((await still.json()) as Pred).labels[0]!.code, 'cond-mat.mes-hall');
  // A different valid model: swapped in.
  const small = await train(syntheticPapers(30, 5), { epochs: 3, minDf: 1, threads: 1 });
  await small.save(modelPath);
  const good = await post('/v1/admin/reload', '', 'application/json', auth);
  assert.equal(good.status, 200);
  const after = srv.state.slot.current;
  assert.notEqual(after.etag, before.etag);
  assert.equal(after.model.labels.length, small.labels.length);
  const m = (await (await fetch(srv.url + '/v1/models')).json()) as { current: { labels: unknown[]; etag: string } };
  assert.equal(m.current.labels.length, small.labels.length);
  assert.equal(m.current.etag, after.etag);
  // Large batches (split across threads) are answered by the new model too.
  const batch = await post('/v1/classify/batch?k=1', JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ title: `prime zeta congruence ${i}` }))));
  const codes = new Set(((await batch.json()) as { predictions: Pred[] }).predictions.map((p) => p.labels[0]!.code));
  for (const c of codes) assert.ok(small.labels.includes(c), `${c} is not a label of the reloaded model`);
});

test('/metrics: Prometheus text with requests, latency histogram, papers and errors', async () => {
  await post('/v1/classify', JSON.stringify({ title: 'one more paper' }));
  const r = await fetch(srv.url + '/metrics');
  assert.match(r.headers.get('content-type')!, /text\/plain; version=0\.0\.4/);
  const text = await r.text();
  const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  assert.ok(value(/^axc_http_requests_total\{method="POST",route="\/v1\/classify",status="200"\} (\d+)$/m) >= 3);
  assert.ok(value(/^axc_http_requests_total\{method="POST",route="\/v1\/classify",status="400"\} (\d+)$/m) >= 5);
  assert.ok(value(/^axc_papers_classified_total (\d+)$/m) >= 10_000);
  assert.ok(value(/^axc_http_errors_total\{route="\/v1\/classify"\} (\d+)$/m) >= 10);
  assert.equal(value(/^axc_model_reloads_total\{result="failed"\} (\d+)$/m), 1);
  const inf = value(/^axc_http_request_duration_seconds_bucket\{route="\/v1\/classify",le="\+Inf"\} (\d+)$/m);
  const count = value(/^axc_http_request_duration_seconds_count\{route="\/v1\/classify"\} (\d+)$/m);
  assert.equal(inf, count);
  // Buckets are cumulative.
  const buckets = [...text.matchAll(/^axc_http_request_duration_seconds_bucket\{route="\/v1\/classify",le="[^"]+"\} (\d+)$/gm)].map((m) => Number(m[1]));
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]! >= buckets[i - 1]!);
  // Every sample line is well formed.
  for (const line of text.split('\n')) if (line && !line.startsWith('#')) assert.match(line, /^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/, line);
});

/** One raw HTTP/1.1 request, for targets fetch would normalise or refuse to send. */
async function rawRequest(head: string): Promise<string> {
  const { connect } = await import('node:net');
  const { port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${head}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('hostile requests are answered, never a crash: bad targets, Object-named fields, gzip bombs, long lines and names', async () => {
  for (const target of ['http://[/', 'http://%zz/', 'http://a:99999/']) {
    const answer = await rawRequest(`GET ${target} HTTP/1.1`);
    assert.match(answer, /^HTTP\/1\.1 400 /, target);
    assert.match(answer, /"code":"invalid_url"/);
  }
  // An origin-form target is a path: "//v1/classify" does not name a host "v1".
  assert.match(await rawRequest('POST //v1/classify HTTP/1.1'), /^HTTP\/1\.1 404 [^]*no route POST \/\/v1\/classify/);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200, 'the server is still up');

  for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
    const r = await post('/v1/classify', `{"title":"graphene","${key}":5}`);
    assert.equal(r.status, 400, key);
    assert.equal(((await r.json()) as ErrorJson).error.field, key);
  }

  // 65 MiB of text in 65 KiB of gzip: refused from the decompressed size, not read into rows.
  const { gzipSync } = await import('node:zlib');
  const bomb = gzipSync(Buffer.concat([Buffer.from('title,abstract\nx,'), Buffer.alloc(DEFAULT_LIMITS.maxBatchBodyBytes, 'a')]));
  assert.ok(bomb.length < 1 << 20);
  const b = await post('/v1/classify/file?filename=b.csv.gz', bomb, 'application/gzip');
  assert.equal(b.status, 413);
  assert.match(((await b.json()) as ErrorJson).error.message, /decompresses to more than/);
  // Gzip within the limit is read as before; a row over the JSON routes' field limits is skipped.
  const csv = `title,abstract\nGraphene transport,Dirac electrons\n${'t'.repeat(10_001)},x\n`;
  const g = await post(`/v1/classify/file?filename=${'a'.repeat(300)}.csv.gz`, gzipSync(csv), 'application/gzip');
  assert.equal(g.status, 200);
  const events = (await g.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; file?: string; error?: string });
  assert.ok(events[0]!.file!.length <= 100 && events[0]!.file!.endsWith('.gz'), events[0]!.file);
  assert.deepEqual(events.map((e) => e.type), ['start', 'prediction', 'skip', 'end']);
  assert.match(events[2]!.error!, /^title: must be at most 10000 characters/);

  // An NDJSON line over the limit (64 KiB here) is answered in place; the lines around it still are.
  const long = JSON.stringify({ title: 'x'.repeat(70 * 1024) });
  const pieces = [JSON.stringify({ id: 'a', ...GRAPHENE }) + '\n' + long.slice(0, 30_000), long.slice(30_000, 60_000), long.slice(60_000) + '\n', JSON.stringify({ id: 'c', title: 'Lattice QCD' })];
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });
  const n = await fetch(srv.url + '/v1/classify/batch', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: stream, duplex: 'half' } as RequestInit);
  const lines = (await n.text()).trim().split('\n').map((l) => JSON.parse(l) as Pred & { error?: { code: string; message: string } });
  assert.deepEqual(lines.map((l) => l.line), [1, 2, 3]);
  assert.equal(lines[0]!.id, 'a');
  assert.equal(lines[1]!.error!.code, 'payload_too_large');
  assert.match(lines[1]!.error!.message, /^line 2 is longer than the limit of 65536 bytes/);
  assert.equal(lines[2]!.id, 'c');
  assert.ok(!logs.some((l) => l.startsWith('error')), logs.join('\n'));
});

/** Another connection to the server's feedback store, holding its write lock as another process would. */
async function holdWriteLock(): Promise<{ release(): void }> {
  const Database = (await import('better-sqlite3')).default;
  const other = new Database(join(dir, 'feedback.sqlite'));
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('ROLLBACK');
      other.close();
    },
  };
}

test('feedback: a locked store is a 503 to retry, a failing one a logged 500; "bearer" in any case', async () => {
  const body = JSON.stringify({ title: 'A paper', categories: ['cs.LG'] });
  const auth = { authorization: `bearer ${TOKEN}` };
  const before = srv.state.feedback!.count();
  const lock = await holdWriteLock();
  try {
    const locked = await post('/v1/feedback', body, 'application/json', auth);
    assert.equal(locked.status, 503);
    assert.equal(locked.headers.get('retry-after'), '1');
    assert.equal(((await locked.json()) as ErrorJson).error.code, 'feedback_busy');
  } finally {
    lock.release();
  }
  assert.equal((await post('/v1/feedback', body, 'application/json', auth)).status, 201);
  assert.equal(srv.state.feedback!.count(), before + 1);

  // An error after the body was read still gets an answer and a log line.
  const store = srv.state.feedback!;
  const add = store.add.bind(store);
  store.add = () => {
    throw new Error('disk on fire');
  };
  try {
    const r = await post('/v1/feedback', body, 'application/json', auth);
    assert.equal(r.status, 500);
    assert.equal(((await r.json()) as ErrorJson).error.code, 'internal');
    assert.ok(logs.some((l) => l.startsWith('error: POST /v1/feedback') && l.includes('disk on fire')), logs.join('\n'));
  } finally {
    store.add = add;
  }
});

test('feedback: POSTs waiting for a locked store do not hold up other requests, and are stored once it frees', async () => {
  const body = JSON.stringify({ title: 'A paper', categories: ['cs.LG'] });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const before = srv.state.feedback!.count();
  const lock = await holdWriteLock();
  const posts = Array.from({ length: 5 }, () => post('/v1/feedback', body, 'application/json', auth));
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    assert.equal((await fetch(srv.url + '/healthz')).status, 200);
    const waited = performance.now() - started;
    assert.ok(waited < 250, `/healthz took ${Math.round(waited)} ms while five POSTs waited for the lock`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    lock.release();
  }
  assert.deepEqual((await Promise.all(posts)).map((r) => r.status), [201, 201, 201, 201, 201]);
  assert.equal(srv.state.feedback!.count(), before + 5);
});
