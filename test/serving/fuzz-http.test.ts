/**
 * Hostile HTTP against a started server, over raw sockets so that anything can be sent: random
 * methods, paths, headers, media types, bodies and bodies cut short. The server must answer every
 * whole request with something other than a 500, log no internal error, and still answer at the
 * end. Seeded (xorshift), so a failure names a request that can be made again.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { FILE_TYPES } from '../../src/serving/api-schemas.js';
import { ROUTES } from '../../src/serving/routes.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { pick, rng } from '../sources/json-fuzz.js';
import { xlsxParts, zipXlsx } from '../sources/xlsx-fixture.js';

const REQUESTS = 1500;
const AT_ONCE = 8;
const TOKEN = 'fuzz-token';

const dir = mkdtempSync(join(tmpdir(), 'axc-fuzz-http-'));
let srv: RunningServer;
const logs: string[] = [];

before(async () => {
  const modelPath = join(dir, 'model.axcm');
  copyFileSync(defaultModelPath()!, modelPath);
  const config = { modelPath, feedbackPath: join(dir, 'feedback.sqlite'), token: TOKEN, corsOrigins: ['https://example.org'], webDir: null, ...DEFAULT_LIMITS, maxBodyBytes: 64 << 10, maxBatchBodyBytes: 1 << 20, batchThreads: 1 };
  srv = await startServer(config, { port: 0, host: '127.0.0.1' }, (l) => logs.push(l));
});

after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Random = () => number;

function randomBytes(r: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let k = 0; k < n; k++) b[k] = Math.floor(r() * 256);
  return b;
}

const PAPER = { title: 'Free electron trajectories in graphene', abstract: 'Ballistic transport of Dirac electrons.' };
const XLSX = Buffer.from(zipXlsx(xlsxParts({ sheetData: '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>A graph paper</t></is></c></row>' })));

function path(r: Random): string {
  const route = pick(r, ROUTES).path;
  switch (Math.floor(r() * 8)) {
    case 0:
      return `${route}?${encodeURIComponent(randomBytes(r, 20).toString('latin1'))}=${'x'.repeat(Math.floor(r() * 100))}`;
    case 1:
      return pick(r, ['/%00', '/..%2f..%2fetc/passwd', '//v1//classify', '/v1/classify/', '/v1/classify/file?filename=../../x.csv', '/%E0%A4%A', '*', 'http://other.example/v1/classify', '/v1/models/current/file/..', '/\u00e9']);
    case 2:
      return '/' + 'a/'.repeat(Math.floor(r() * 3000));
    case 3:
      return `/v1/classify/file?filename=${pick(r, ['x.csv', 'x.tsv', 'x.xlsx', 'x.parquet', 'x.json', 'x.jsonl.gz', '', '%00', 'a'.repeat(5000)])}`;
    default:
      return route;
  }
}

function body(r: Random): Buffer {
  switch (Math.floor(r() * 14)) {
    case 0:
      return Buffer.from(`{"title":${JSON.stringify(PAPER.title)},"k":${pick(r, ['1', '3', '0', '-1', '1e999', '"3"', 'null', '1e9', '2.5'])}}`);
    case 1:
      return Buffer.from(JSON.stringify({ papers: Array.from({ length: Math.floor(r() * 20) }, () => PAPER) }));
    case 2:
      return Buffer.from(JSON.stringify(PAPER).slice(0, Math.floor(r() * 40)));
    case 3:
      return Buffer.from('['.repeat(20_000) + ']'.repeat(20_000));
    case 4:
      return Buffer.from(`{"title": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    case 5:
      return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 30) }, () => pick(r, [JSON.stringify(PAPER), '{"title":', 'null', '', '{"title":"x","k":"many"}', '\u0000'])).join('\n'));
    case 6:
      return Buffer.from(`id,title,abstract\n1,"unclosed,${PAPER.abstract}\n2,${PAPER.title},${PAPER.abstract}\n`);
    case 7:
      return r() < 0.5 ? XLSX : XLSX.subarray(0, Math.floor(r() * XLSX.length));
    case 8:
      return gzipSync(Buffer.from(JSON.stringify(PAPER))).subarray(0, r() < 0.5 ? undefined : 12);
    case 9:
      return Buffer.from(JSON.stringify({ title: PAPER.title, categories: pick(r, [['cs.LG'], ['nope'], 'cs.LG', [], [1]]), predicted: { a: 1 } }));
    case 10:
      return Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":1},"title":"\\ud800"}');
    case 11:
      return Buffer.alloc(0);
    default:
      return randomBytes(r, Math.floor(r() * 4096));
  }
}

interface Sent {
  head: string;
  body: Buffer;
  /** The body is shorter than the request says: the client hangs up instead of waiting. */
  truncated: boolean;
}

function request(r: Random): Sent {
  const method = pick(r, ['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO', 'get']);
  const b = method === 'GET' && r() < 0.7 ? Buffer.alloc(0) : body(r);
  const headers: string[] = ['Host: 127.0.0.1', 'Connection: close'];
  if (r() < 0.9) headers.push(`Content-Type: ${pick(r, [...FILE_TYPES, 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'text/html', '', ';;;', 'application/x-ndjson', 'application/vnd.apache.parquet'])}`);
  if (r() < 0.3) headers.push(`Authorization: ${pick(r, [`Bearer ${TOKEN}`, 'Bearer wrong', 'Basic Zm9vOmJhcg==', 'bearer', `Bearer ${TOKEN}${TOKEN}`])}`);
  if (r() < 0.1) headers.push(`Content-Encoding: ${pick(r, ['gzip', 'br', 'identity', 'x'])}`);
  if (r() < 0.1) headers.push(`Origin: ${pick(r, ['https://example.org', 'https://evil.example', 'null'])}`);
  if (r() < 0.05) headers.push(`X-Junk: ${'h'.repeat(Math.floor(r() * 20_000))}`);
  if (r() < 0.05) headers.push(pick(r, ['Expect: 100-continue', 'Accept: */*', 'Range: bytes=0-10', 'If-None-Match: *', 'Transfer-Encoding: chunked']));
  let truncated = false;
  if (!headers.includes('Transfer-Encoding: chunked')) {
    let length = b.length;
    if (r() < 0.1) {
      length += 1 + Math.floor(r() * 1000);
      truncated = true;
    }
    headers.push(`Content-Length: ${length}`);
  } else truncated = true;
  return { head: `${method} ${path(r)} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, body: b, truncated };
}

/**
 * The status the server answered (undefined when it closed without one), and whether the
 * connection was reset: a server that answers before reading a body and closes can reset it
 * before the answer is read.
 */
function send(port: number, sent: Sent): Promise<{ status: number | undefined; reset: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    const timer = setTimeout(() => {
      socket.destroy();
      if (sent.truncated) resolve({ status: undefined, reset });
      else reject(new Error(`no answer in 10 s to ${sent.head.split('\r\n')[0]}`));
    }, 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      // A 100 Continue (for Expect) comes before the answer.
      const head = Buffer.concat(chunks).subarray(0, 64).toString('latin1').replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: status ? Number(status[1]) : undefined, reset });
    });
    socket.write(sent.head);
    socket.write(sent.body);
    if (sent.truncated) setTimeout(() => socket.end(), 20);
  });
}

test(`${REQUESTS} hostile requests: never a 500, no internal error logged, the server still up`, async () => {
  const r = rng(0x5eed07);
  const port = Number(new URL(srv.url).port);
  const statuses = new Map<string, number>();
  const answered: { status: number | undefined; head: string }[] = [];
  for (let k = 0; k < REQUESTS; k += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, REQUESTS - k) }, () => request(r));
    const results = await Promise.all(batch.map((s) => send(port, s)));
    results.forEach(({ status, reset }, j) => {
      const head = batch[j]!.head.split('\r\n')[0]!;
      answered.push({ status, head });
      const key = status === undefined ? (reset ? 'reset' : 'none') : String(status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (!batch[j]!.truncated && !reset) assert.notEqual(status, undefined, `closed without an answer: ${head}`);
    });
  }
  const fivehundreds = answered.filter((a) => a.status === 500);
  assert.deepEqual(fivehundreds, [], `statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(logs.filter((l) => l.startsWith('error')), []);
  const health = await fetch(srv.url + '/healthz');
  assert.equal(health.status, 200);
  console.log(`fuzz-http: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});
