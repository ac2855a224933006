import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { xlsxParts, zipXlsx } from '../sources/xlsx-fixture.js';

// Uploads built to exhaust the server rather than to be classified.
let srv: RunningServer;
const LIMIT = 1 << 20;

before(async () => {
  const config = { modelPath: defaultModelPath()!, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, maxBatchBodyBytes: LIMIT, batchThreads: 0 };
  srv = await startServer(config, { port: 0, host: '127.0.0.1' }, () => {});
});

after(async () => {
  await srv.close();
});

test('an xlsx whose cell inflates far past the limit is refused with 413, and the server stays up', async () => {
  const bomb = zipXlsx(
    xlsxParts({
      sheetData: '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>' + `<row r="2"><c r="A2" t="inlineStr"><is><t>${'a'.repeat(40 * LIMIT)}</t></is></c></row>`,
    }),
  );
  assert.ok(bomb.length < LIMIT / 4);
  const res = await fetch(`${srv.url}/v1/classify/file?filename=bomb.xlsx`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    body: bomb,
  });
  assert.equal(res.status, 413);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'payload_too_large');
  assert.match(body.error.message, /decompresses to more than the limit of 1048576 bytes/);
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
});

test('a number JSON cannot hold (1e999) is named as such, not "expected a number, got number"', async () => {
  const res = await fetch(`${srv.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"graphene","k":1e999}' });
  assert.equal(res.status, 400);
  const e = ((await res.json()) as { error: { field: string; message: string } }).error;
  assert.equal(e.field, 'k');
  assert.match(e.message, /expected an integer, got a number too large to represent/);
});
