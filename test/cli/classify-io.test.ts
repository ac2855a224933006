import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { lineByteChunks } from '../../src/sources/lines.js';
import { openStreamBytes } from '../../src/sources/open.js';
import { syntheticPapers } from '../models/synthetic.js';
import { run } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'axc-classify-io-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, 'model.axcm');
const papers = syntheticPapers(10, 5);

/** The CLI in its own process (tsx), for what needs a real stdin or stdout pipe. */
function spawnCli(args: string[], stdin: Buffer | null, onStdout?: (chunk: Buffer, closeStdout: () => void) => void): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    onStdout?.(b, () => child.stdout.destroy());
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  // The child may stop reading its stdin early; that is not this test's failure.
  child.stdin.on('error', () => {});
  child.stdin.end(stdin ?? undefined);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

test('classify: a model for these tests', async () => {
  const data = join(dir, 'train.jsonl');
  writeFileSync(data, syntheticPapers(30, 3).map((p) => JSON.stringify(p)).join('\n') + '\n');
  const r = await run(['train', '--data', data, '--out', model, '--epochs', '3', '--min-df', '1', '--threads', '1']);
  assert.equal(r.code, 0, r.err);
});

test('classify --out in a missing directory: exit 1 naming the path, before any work', async () => {
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, JSON.stringify({ id: 'a', title: papers[0]!.title }) + '\n');
  const out = join(dir, 'no-such-dir', 'p.jsonl');
  for (const threads of ['1', '2']) {
    const r = await run(['classify', '--model', model, '--input', input, '--out', out, '--threads', threads]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^arxiv-classifier classify: --out .*no-such-dir\/p\.jsonl: directory .*no-such-dir does not exist\n$/);
    assert.doesNotMatch(r.err, /classified/, 'nothing was classified');
  }
  const onDir = await run(['classify', '--model', model, '--input', input, '--out', dir]);
  assert.equal(onDir.code, 1);
  assert.match(onDir.err, /is a directory/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');
});

test('classify | head: a closed stdout ends the command quietly, with exit 0, on one thread or several', async () => {
  const input = join(dir, 'many.jsonl');
  // Far more output than a pipe holds, so the command is still writing when its reader goes.
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `p${i}`, title: papers[i % papers.length]!.title, abstract: papers[i % papers.length]!.abstract }));
  writeFileSync(input, lines.join('\n') + '\n');
  for (const [source, args, stdin] of [
    ['file', ['--input', input], null],
    ['stdin', ['--input', '-'], readFileSync(input)],
  ] as const) {
    for (const threads of ['1', '2']) {
      const r = await spawnCli(['classify', '--model', model, ...args, '--threads', threads], stdin, (_, close) => close());
      assert.equal(r.code, 0, `${source}, threads ${threads}: exit ${r.code} ${r.signal ?? ''}\n${r.err}`);
      assert.doesNotMatch(r.err, /EPIPE|\n\s+at /, `${source}, threads ${threads}: no error or stack`);
      assert.ok(r.out.startsWith('{"id":"p0"'), `${source}, threads ${threads}: the first line came out`);
    }
  }
});

test('classify --input -: stdin reads JSON lines exactly as a file, BOM, gzip, field names and ids included', async () => {
  const rows = [
    { id: 'arXiv:2401.00001v2', title: papers[0]!.title },
    { id: 1234, titles: papers[1]!.title },
    null,
    { arxiv_id: 'https://arxiv.org/abs/2401.00003', summaries: papers[2]!.abstract },
    { markdown: `# ${papers[3]!.title}\n\n${papers[3]!.abstract}` },
    { id: 'empty', title: '  ' },
    [1, 2],
  ];
  const text = '\ufeff' + rows.map((r) => JSON.stringify(r)).join('\r\n') + '\n\n{broken\n';
  const input = join(dir, 'odd.jsonl');
  writeFileSync(input, text);
  const fromFile = join(dir, 'odd-pred.jsonl');
  const f = await run(['classify', '--model', model, '--input', input, '--out', fromFile, '--threads', '1', '--k', '1']);
  assert.equal(f.code, 0, f.err);
  const expected = readFileSync(fromFile, 'utf8');
  assert.deepEqual(
    expected.trim().split('\n').map((l) => (JSON.parse(l) as { id?: string }).id ?? null),
    ['2401.00001', '1234', '2401.00003', null],
  );
  const fileSkips = f.err.split('\n').filter((l) => l.includes('skipped:')).map((l) => l.replace(input, 'IN'));
  assert.equal(fileSkips.length, 4, f.err);
  for (const threads of ['1', '2']) {
    for (const [what, bytes] of [['plain', Buffer.from(text)], ['gzip', gzipSync(Buffer.from(text))]] as const) {
      const s = await spawnCli(['classify', '--model', model, '--input', '-', '--threads', threads, '--k', '1'], bytes);
      assert.equal(s.code, 0, s.err);
      assert.equal(s.out, expected, `${what} stdin, threads ${threads}`);
      assert.deepEqual(s.err.split('\n').filter((l) => l.includes('skipped:')).map((l) => l.replace('stdin', 'IN')), fileSkips, `${what} stdin, threads ${threads}`);
    }
  }
  const csv = await run(['classify', '--model', model, '--input', '-', '--format', 'csv']);
  assert.equal(csv.code, 2);
  assert.match(csv.err, /--input - reads JSON lines/);
});

test('stdin bytes: whole lines, numbered as in a file, however the bytes arrive', async () => {
  const text = 'a\nbb\r\nccc\n\ndddd';
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  // One byte at a time: the BOM and gzip magic may be split across reads.
  for (const source of [[bytes], [...bytes].map((b) => Buffer.from([b])), [gzipSync(bytes)]]) {
    const chunks = [];
    for await (const c of lineByteChunks(openStreamBytes(Readable.from(source), 'test'), 4)) chunks.push({ text: c.bytes.toString(), firstLine: c.firstLine });
    assert.equal(chunks.map((c) => c.text).join(''), text);
    for (const c of chunks) {
      assert.ok(c.text.endsWith('\n') || c === chunks[chunks.length - 1], `chunk ${JSON.stringify(c.text)} ends a line`);
      assert.equal(c.firstLine, text.slice(0, text.indexOf(c.text)).split('\n').length);
    }
  }
  await assert.rejects(async () => {
    for await (const _ of lineByteChunks(openStreamBytes(Readable.from([gzipSync(bytes).subarray(0, 12)]), 'stdin'), 4)) void _;
  }, /stdin: gzip data is corrupt or truncated/);
});

test('a line over the record limit is skipped and reported, from a file and from stdin, with 1 and 2 threads', { timeout: 120_000 }, async () => {
  const path = join(dir, 'long-line.jsonl');
  const long = JSON.stringify({ title: 'x '.repeat(9 << 20) });
  writeFileSync(path, [JSON.stringify({ id: 'a', title: 'Graphene transport' }), long, JSON.stringify({ id: 'c', title: 'Prime gaps' })].join('\n') + '\n');
  for (const threads of ['1', '2']) {
    for (const viaStdin of [false, true]) {
      const args = ['classify', '--model', model, '--input', viaStdin ? '-' : path, '--threads', threads];
      const r = await spawnCli(args, viaStdin ? readFileSync(path) : null);
      const what = `threads ${threads}${viaStdin ? ', stdin' : ''}`;
      assert.equal(r.code, 0, `${what}: ${r.err}`);
      assert.deepEqual(r.out.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ['a', 'c'], what);
      assert.match(r.err, /:2: skipped: .*(over the limit|too large)/, what);
    }
  }
});
