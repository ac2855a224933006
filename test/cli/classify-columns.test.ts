import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-columns-'));
let srv: RunningServer;
before(async () => {
  srv = await startServer({ modelPath: defaultModelPath()!, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
});
after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A spreadsheet saved with semicolons, with column names no reader knows. */
const CSV = 'Ref;Paper Name;Summary Text\n2101.00001;Free electron trajectories in graphene;"Ballistic transport; cyclotron orbits"\n;Primes in arithmetic progressions;We prove a zero-density estimate for Dirichlet L-functions and the Riemann zeta function.\n';

test('classify --title-col/--abstract-col/--id-col name the fields of a semicolon CSV, in any letter case, on one thread and two', async () => {
  const input = join(dir, 'papers.csv');
  writeFileSync(input, CSV);
  for (const threads of ['1', '2']) {
    const r = await run(['classify', '--input', input, '--title-col', 'paper name', '--abstract-col', 'SUMMARY TEXT', '--id-col', 'ref', '--k', '1', '--threads', threads]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id?: string; row?: number; labels: { group: string }[] });
    assert.deepEqual(lines.map((l) => l.id ?? l.row), ['2101.00001', 3]);
    assert.equal(lines[0]!.labels[0]!.group, 'physics');
    assert.equal(lines[1]!.labels[0]!.group, 'math');
  }
  // JSON lines with the same names: the threads' own parsing is not used, the names still are.
  const jsonl = join(dir, 'papers.jsonl');
  writeFileSync(jsonl, JSON.stringify({ 'Paper Name': 'Graph coloring with few colors', REF: '9' }) + '\n');
  const j = await run(['classify', '--input', jsonl, '--title-col', 'Paper Name', '--id-col', 'ref', '--threads', '2']);
  assert.equal(j.code, 0, j.err);
  assert.equal((JSON.parse(j.out) as { id: string }).id, '9');
});

test('a field name the file lacks is one error naming the fields it has; without the flags, the skip reason names them', async () => {
  const input = join(dir, 'papers.csv');
  writeFileSync(input, CSV);
  const r = await run(['classify', '--input', input, '--title-col', 'Heading', '--threads', '1']);
  assert.equal(r.code, 1);
  assert.match(r.err, /--title-col "Heading": no such field \(fields found: Ref, Paper Name, Summary Text; names match in any letter case\)/);
  const plain = await run(['classify', '--input', input, '--threads', '1']);
  assert.equal(plain.code, 1);
  assert.match(plain.err, /papers\.csv:2: skipped: no title or abstract field \(fields found: Ref, Paper Name, Summary Text; .* or name the fields with --title-col and --abstract-col/);
  const usage = await run(['classify', '--title', 'x', '--title-col', 'Name']);
  assert.equal(usage.code, 2);
});

test('POST /v1/classify/file takes title_col, abstract_col and id_col', async () => {
  const post = (query: string) => fetch(`${srv.url}/v1/classify/file?filename=p.csv&k=1${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV });
  const events = (await (await post('&title_col=paper%20name&abstract_col=summary%20text&id_col=REF')).text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; id?: string; row?: number });
  assert.deepEqual(events.filter((e) => e.type === 'prediction').map((e) => e.id ?? e.row), ['2101.00001', 3]);
  const bad = await post('&title_col=Heading');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /title_col "Heading": no such field \(fields found: Ref, Paper Name, Summary Text/);
});
