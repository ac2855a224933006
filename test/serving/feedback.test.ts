import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FeedbackStore } from '../../src/serving/feedback-store.js';
import { run } from '../cli/run-cli.js';
import { syntheticPapers } from '../models/synthetic.js';
import { startServeChild } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-feedback-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('export: canonical corpus JSONL, latest correction per paper, and train reads it with another corpus', async () => {
  const db = join(dir, 'fb.sqlite');
  const store = new FeedbackStore(db);
  // A topic the base corpus does not have, so the trained model can only know it from feedback.
  const extra = Array.from({ length: 40 }, (_, i) => ({ id: `fb${i}`, title: `galaxy cluster survey ${i}`, abstract: 'redshift survey of galaxy clusters and dark matter halos in cosmology', categories: ['astro-ph.CO'] }));
  for (const f of extra) await store.add(f);
  await store.add({ id: 'fb0', title: 'galaxy cluster survey 0', abstract: 'corrected', categories: ['astro-ph.GA', 'astro-ph.CO'] });
  await store.add({ title: 'no id here', abstract: 'x', categories: ['math.NT'] });
  await store.close();

  const out = join(dir, 'feedback.jsonl');
  const r = await run(['feedback', 'export', '--db', db, '--out', out, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { stored: 42, written: 41, out });
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 41);
  assert.deepEqual(Object.keys(lines[0]!), ['id', 'title', 'abstract', 'categories', 'primary', 'date', 'source']);
  const fb0 = lines.find((l) => l.id === 'fb0')!;
  assert.deepEqual(fb0.categories, ['astro-ph.GA', 'astro-ph.CO']);
  assert.equal(fb0.primary, 'astro-ph.GA');
  assert.equal(fb0.abstract, 'corrected');
  assert.ok(lines.some((l) => /^feedback:\d+$/.test(String(l.id)) && l.primary === 'math.NT'));

  const count = await run(['feedback', 'count', '--db', db, '--json']);
  assert.deepEqual(JSON.parse(count.out), { stored: 42 });

  // train --data base --data feedback: the feedback's category becomes a class.
  const base = join(dir, 'base.jsonl');
  writeFileSync(base, syntheticPapers(40, 7).map((p) => JSON.stringify(p)).join('\n') + '\n');
  const model = join(dir, 'm.axcm');
  const t = await run(['train', '--data', base, '--data', out, '--out', model, '--epochs', '4', '--min-df', '1', '--threads', '1', '--json']);
  assert.equal(t.code, 0, t.err);
  const report = JSON.parse(t.out) as { papers: number; classes: number };
  assert.equal(report.classes, 4 + 2);
  const c = await run(['classify', '--model', model, '--title', 'galaxy cluster redshift survey', '--json', '--k', '1']);
  assert.match((JSON.parse(c.out) as { labels: { code: string }[] }).labels[0]!.code, /^astro-ph\./);
});

test('export of a missing store is a clear error; bad usage is exit 2', async () => {
  const r = await run(['feedback', 'export', '--db', join(dir, 'nope.sqlite'), '--out', join(dir, 'x.jsonl')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /nope\.sqlite: no feedback store/);
  // A file that is not a SQLite database: the store itself says so, for serve and feedback alike.
  const notDb = join(dir, 'papers.jsonl');
  writeFileSync(notDb, '{"title":"not a database"}\n'.repeat(100));
  assert.throws(() => new FeedbackStore(notDb), /papers\.jsonl: not a feedback store \(file is not a database\)/);
  const e = await run(['feedback', 'export', '--db', notDb, '--out', join(dir, 'y.jsonl')]);
  assert.equal(e.code, 1);
  assert.match(e.err, /^arxiv-classifier feedback: .*papers\.jsonl: not a feedback store/);
  assert.equal((await run(['feedback', 'frobnicate'])).code, 2);
  assert.equal((await run(['feedback', 'export', '--db', join(dir, 'fb.sqlite')])).code, 2);
});

test('serve keeps corrections in a per-user data directory by default, and says where on stderr', { timeout: 60_000 }, async () => {
  const data = join(dir, 'xdg');
  const s = await startServeChild(['--web', 'none'], { ARXIV_CLASSIFIER_DATA: '', XDG_DATA_HOME: data });
  try {
    const store = join(data, 'arxiv-classifier', 'feedback.sqlite');
    assert.match(s.stderr(), new RegExp(`feedback store: ${store.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(the default`));
    const r = await fetch(`${s.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'A paper', categories: ['cs.LG'] }) });
    assert.equal(r.status, 201);
    assert.ok(existsSync(store), `no store at ${store}`);
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

test('kill -9 in the middle of a burst of feedback loses no acknowledged write', { timeout: 120_000 }, async () => {
  const db = join(dir, 'crash.sqlite');
  const s = await startServeChild(['--feedback-db', db, '--web', 'none']);
  const acked: string[] = [];
  let sent = 0;
  let killed = false;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !killed && i < 10_000; i++) {
      const id = `w${w}-${i}`;
      sent++;
      try {
        const r = await fetch(`${s.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, title: `paper ${id}`, abstract: 'text', categories: ['cs.LG'] }) });
        if (r.status === 201) acked.push(id);
        else assert.fail(`unexpected ${r.status}: ${await r.text()}`);
      } catch {
        return; // the server died under us: this write was never acknowledged
      }
      if (acked.length >= 150 && !killed) {
        killed = true;
        s.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  assert.equal(await s.exited, 'SIGKILL');
  assert.ok(acked.length >= 150, `only ${acked.length} writes were acknowledged`);
  const store = new FeedbackStore(db, { mustExist: true });
  const ids = new Set([...store.all()].map((f) => f.id));
  await store.close();
  const lost = acked.filter((id) => !ids.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes were lost`);
  // Some writes were in flight when the process died: the store may hold them or not, but never more than were sent.
  assert.ok(ids.size <= sent);
});
