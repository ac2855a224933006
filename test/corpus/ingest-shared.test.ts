import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { ingest } from '../../src/corpus/ingest.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { getCategory } from '../../src/taxonomy/taxonomy.js';

const DATA = resolve('..', 'shared/data/arxiv-papers.jsonl.gz');
const LINES = 20_000;
const skip = existsSync(DATA) ? false : `shared corpus not found at ${DATA} (run from the repo root with ../shared/data present)`;

async function firstLines(path: string, n: number): Promise<string[]> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) {
    lines.push(line);
    if (lines.length >= n) break;
  }
  rl.close();
  return lines;
}

test(`shared corpus: ingest the first ${LINES} lines, with and without workers`, { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'axc-'));
  const lines = await firstLines(DATA, LINES);
  assert.equal(lines.length, LINES);
  const slice = join(dir, 'slice.jsonl');
  writeFileSync(slice, lines.join('\n') + '\n');

  const out2 = join(dir, 'w2.jsonl');
  const r = await ingest([slice], out2, { workers: 2, chunkBytes: 256 << 10 });
  const r0 = await ingest([slice], join(dir, 'w0.jsonl'), { workers: 0 });
  assert.deepEqual(readFileSync(out2), readFileSync(join(dir, 'w0.jsonl')), 'workers change nothing');
  assert.deepEqual(r.skipped, r0.skipped);

  const blank = lines.filter((l) => l.trim() === '').length;
  assert.equal(r.read, LINES - blank);
  const skippedTotal = Object.values(r.skipped).reduce((s, v) => s + v, 0);
  assert.equal(r.kept + skippedTotal, r.read, 'every record is kept or skipped for a reason');

  const inputIds = new Set<string>();
  for (const l of lines) {
    try {
      const o = JSON.parse(l) as { id?: unknown };
      if (typeof o.id === 'string') inputIds.add(o.id);
    } catch {
      // counted as bad-json by ingest
    }
  }
  const recs = readFileSync(out2, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as PaperRecord);
  assert.equal(recs.length, r.kept);
  const ids = new Set(recs.map((p) => p.id));
  assert.equal(ids.size, recs.length, 'one record per id');
  for (const p of recs) {
    assert.ok(inputIds.has(p.id), `${p.id} comes from the input`);
    assert.ok(p.categories.length > 0 && p.categories[0] === p.primary, p.id);
    assert.equal(new Set(p.categories).size, p.categories.length, `${p.id}: no repeated category`);
    for (const c of p.categories) assert.ok(getCategory(c), `${p.id}: ${c} is canonical`);
    assert.ok(p.title.length > 0 || p.abstract.length > 0, p.id);
    assert.equal(p.title, p.title.trim());
    assert.ok(!/\s{2}|\n/.test(p.abstract), `${p.id}: whitespace normalised`);
    if (p.date) assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(p.source, 'jsonl');
  }
  assert.ok(r.mbPerSecond > 0);

  // The canonical corpus is a fixed point: ingesting it again changes nothing.
  const again = join(dir, 'again.jsonl');
  const r2 = await ingest([out2], again, { workers: 0 });
  assert.equal(r2.kept, r.kept);
  assert.deepEqual(readFileSync(again), readFileSync(out2));
});
