import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { FeedbackStore } from '../../src/serving/feedback-store.js';
import { startServer } from '../../src/serving/server.js';
import { run } from '../cli/run-cli.js';

// A store with one page overwritten, as a failing disk or a torn copy leaves it: refused at
// start, by serve and export alike, with a message rather than a SqliteError stack.
const dir = mkdtempSync(join(tmpdir(), 'axc-feedback-damaged-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let made = 0;
async function damagedStore(): Promise<string> {
  const path = join(dir, `damaged-${++made}.sqlite`);
  const store = new FeedbackStore(path);
  for (let i = 0; i < 400; i++) await store.add({ id: `p${i}`, title: `Paper ${i}`, abstract: 'words '.repeat(150), categories: ['hep-th'] });
  await store.close();
  const size = statSync(path).size;
  assert.ok(size > 40 * 4096, 'the store spans many pages');
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * Math.floor(size / 4096 / 2));
  closeSync(fd);
  return path;
}

test('a damaged store is refused at open with a clear message', async () => {
  const path = await damagedStore();
  assert.throws(() => new FeedbackStore(path), /damaged-\d+\.sqlite: the feedback store is damaged \(SQLite quick_check: .*\); restore it from a backup/);
});

test('serve refuses a damaged store instead of acknowledging writes into it', async () => {
  const path = await damagedStore();
  const config = { modelPath: defaultModelPath()!, feedbackPath: path, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, batchThreads: 0 };
  // Closed if it starts anyway, so that a failure here cannot keep the test process alive.
  const started = startServer(config, { port: 0, host: '127.0.0.1' }, () => {}).then(async (s) => s.close());
  await assert.rejects(started, /the feedback store is damaged/);
});

test('feedback export of a damaged store: exit 1, a message, no stack, no file', async () => {
  const path = await damagedStore();
  const out = join(dir, 'out.jsonl');
  const r = await run(['feedback', 'export', '--db', path, '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^arxiv-classifier feedback: .*damaged-\d+\.sqlite: the feedback store is damaged/);
  assert.doesNotMatch(r.err, /\n\s+at |SqliteError/);
  assert.ok(!existsSync(out));
});
