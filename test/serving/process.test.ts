import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { train } from '../../src/index.js';
import { defaultModelPath } from '../../src/models/load-model.js';
import { syntheticPapers } from '../models/synthetic.js';
import { startServeChild } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-serve-proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SIGTERM finishes the request in flight, then the process exits 0', { timeout: 120_000 }, async () => {
  const s = await startServeChild(['--feedback-db', 'none', '--web', 'none']);
  const papers = Array.from({ length: 5000 }, (_, i) => ({ title: `graphene transport measurement number ${i}`, abstract: 'ballistic electrons in a magnetic field' }));
  const pending = fetch(`${s.url}/v1/classify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(papers) });
  // Let the request reach the server before the signal.
  await new Promise((r) => setTimeout(r, 150));
  s.child.kill('SIGTERM');
  const r = await pending;
  assert.equal(r.status, 200);
  const { predictions } = (await r.json()) as { predictions: unknown[] };
  assert.equal(predictions.length, 5000);
  assert.equal(await s.exited, 0);
  assert.match(s.stderr(), /shutting down/);
  await assert.rejects(fetch(`${s.url}/healthz`));
});

test('--workers 2: two processes on one port; metrics summed; SIGHUP and admin reload reach both', { timeout: 180_000 }, async () => {
  const model = join(dir, 'model.axcm');
  copyFileSync(defaultModelPath()!, model);
  const s = await startServeChild(['--model', model, '--workers', '2', '--feedback-db', 'none', '--web', 'none', '--token', 'tok']);
  try {
    const body = JSON.stringify({ title: 'graphene' });
    for (let i = 0; i < 40; i++) {
      const r = await fetch(`${s.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const text = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(text, /^axc_serving_processes 2$/m);
    assert.equal(Number(/^axc_papers_classified_total (\d+)$/m.exec(text)![1]), 40);

    // Replace the file with a small model and SIGHUP the primary: every process serves it.
    const small = await train(syntheticPapers(30, 5), { epochs: 3, minDf: 1, threads: 1 });
    await small.save(model);
    s.child.kill('SIGHUP');
    const want = small.labels.length;
    const deadline = Date.now() + 30_000;
    let seen = new Set<number>();
    while (Date.now() < deadline) {
      seen = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const m = (await (await fetch(`${s.url}/v1/models`, { headers: { connection: 'close' } })).json()) as { current: { labels: unknown[] } };
        seen.add(m.current.labels.length);
      }
      if (seen.size === 1 && seen.has(want)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual([...seen], [want]);

    // A broken file through the admin route: refused everywhere, the small model still served.
    writeFileSync(model, 'not a model');
    const bad = await fetch(`${s.url}/v1/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer tok' } });
    assert.equal(bad.status, 409);
    const still = (await (await fetch(`${s.url}/v1/models`)).json()) as { current: { labels: unknown[] } };
    assert.equal(still.current.labels.length, want);
  } finally {
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
  }
});
