import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { serializePaper } from '../../src/corpus/corpus-file.js';
import { loadPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { InputChangedError, PART_NAMES, splitFile, type PartName, type SplitRule } from '../../src/corpus/split-file.js';
import { splitRandom, splitTime, type Split } from '../../src/corpus/split.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-split-file-'));

const CLASSES: [string[], number][] = [
  [['cs.LG', 'stat.ML'], 120],
  [['math.CO'], 60],
  [['hep-th', 'gr-qc'], 25],
  [['q-bio.NC'], 7],
  [['econ.EM'], 1],
];

/**
 * A made-up corpus with every case dedupe has: a later higher version in another class (its place
 * is the first occurrence's), a later lower version, a tie (the later wins), an id three times,
 * plus undated papers, old-style ids, non-ASCII text and bad lines.
 */
function corpusLines(): string[] {
  const lines: string[] = [];
  let n = 0;
  for (const [cats, count] of CLASSES) {
    for (let i = 0; i < count; i++) {
      n++;
      const month = n % 3 === 0 ? '2206' : n % 3 === 1 ? '2211' : '2303';
      const id = n % 29 === 0 ? `hep-th/99${String((n % 12) + 1).padStart(2, '0')}${String(n).padStart(3, '0')}` : n % 31 === 0 ? `local-${n}` : `${month}.${String(n).padStart(5, '0')}`;
      const row: Record<string, unknown> = { id, title: `Paper ${n} – Müller’s 𝔽 ${cats[0]}`, abstract: `We study problem ${n} in ${cats.join(' and ')}.`, categories: cats.join(' ') };
      if (n % 7 === 0) row.date = '2021-05-04';
      lines.push(JSON.stringify(row));
    }
  }
  const dup = (id: string, cats: string, title: string) => JSON.stringify({ id, title, abstract: `Another version of ${id}.`, categories: cats });
  lines.splice(3, 0, dup('2206.90001v1', 'cs.LG', 'first seen early, replaced later by v3'));
  lines.splice(10, 0, dup('2211.90002v4', 'math.CO', 'v4 early: the later v2 loses'));
  lines.splice(20, 0, dup('2303.90003', 'hep-th', 'a tie: the later record wins'));
  lines.splice(30, 0, dup('2206.90004v1', 'q-bio.NC', 'seen three times, v3 wins'));
  lines.splice(60, 0, '{not json');
  lines.push(dup('2206.90004v3', 'econ.EM', 'the winner of three, in a one-paper class'));
  lines.push(dup('2206.90001v3', 'hep-th', 'the late winner, in another class and part'));
  lines.push(dup('2211.90002v2', 'cs.LG', 'a lower version, dropped'));
  lines.push(JSON.stringify({ id: '2301.99999', title: 'no category', abstract: 'x', categories: '' }));
  lines.push(dup('2303.90003', 'math.CO', 'the later of a tie, kept'));
  lines.push(dup('2206.90004v2', 'math.CO', 'v2 after v3: dropped'));
  return lines;
}

const corpus = join(dir, 'corpus.jsonl');
writeFileSync(corpus, corpusLines().join('\n') + '\n');

/** What split wrote before it streamed: loadPapers, then splitRandom / splitTime, then each part serialised. */
async function expected(path: string, rule: SplitRule): Promise<{ split: Split; text: Record<PartName, string> }> {
  const { papers } = await loadPapers(path);
  const split =
    rule.by === 'random'
      ? splitRandom(papers, rule)
      : splitTime(papers, { before: rule.before, ...(rule.validFrom !== undefined ? { validFrom: rule.validFrom } : { valid: rule.valid }), seed: rule.seed });
  const text = (ps: readonly PaperRecord[]) => ps.map((p) => serializePaper(p) + '\n').join('');
  return { split, text: { train: text(split.train), valid: text(split.valid), test: text(split.test) } };
}

function partFiles(out: string, ext = '.jsonl'): Record<PartName, string> {
  return { train: join(out, `train${ext}`), valid: join(out, `valid${ext}`), test: join(out, `test${ext}`) };
}

const RULES: [string, SplitRule, number][] = [
  ['random 0.2/0.1 seed 7', { by: 'random', test: 0.2, valid: 0.1, seed: 7 }, 2],
  ['random 0.1/0 seed 1', { by: 'random', test: 0.1, valid: 0, seed: 1 }, 2],
  ['time with --valid-from', { by: 'time', before: 202303, validFrom: 202211, valid: 0.1, seed: 42 }, 2],
  ['time with a valid fraction', { by: 'time', before: 202303, valid: 0.25, seed: 5 }, 2],
  ['time without valid', { by: 'time', before: 202211, valid: 0, seed: 42 }, 2],
];

for (const [name, rule, passes] of RULES) {
  test(`splitFile writes what loadPapers + split wrote, byte for byte: ${name}`, async () => {
    const out = join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(out);
    const files = partFiles(out);
    const r = await splitFile(corpus, { rule, files });
    const want = await expected(corpus, rule);
    for (const part of PART_NAMES) assert.equal(readFileSync(files[part], 'utf8'), want.text[part], `${part} differs`);
    assert.deepEqual(r.counts, { train: want.split.train.length, valid: want.split.valid.length, test: want.split.test.length });
    assert.equal(r.passes, passes);
    const { report } = await loadPapers(corpus);
    assert.equal(r.report.read, report.read);
    assert.equal(r.report.kept, report.kept);
    assert.deepEqual(r.report.skipped, report.skipped);
    assert.equal(r.report.skipped.duplicate, 5);
    if (rule.by === 'time') assert.equal(r.undated, 'undated' in want.split ? want.split.undated : undefined);
    assert.deepEqual(readdirSync(out).sort(), ['test.jsonl', 'train.jsonl', 'valid.jsonl'], 'no temp file left');
  });
}

test('splitFile: the late winner sits at its first occurrence and duplicates are reported with file:line', async () => {
  const out = join(dir, 'late');
  mkdirSync(out);
  const files = partFiles(out);
  const r = await splitFile(corpus, { rule: { by: 'random', test: 0, valid: 0, seed: 1 }, files });
  const train = readFileSync(files.train, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as PaperRecord);
  assert.equal(train[3]!.id, '2206.90001');
  assert.equal(train[3]!.primary, 'hep-th');
  assert.match(train[3]!.title, /late winner/);
  assert.equal(train.filter((p) => p.id === '2206.90004').length, 1);
  assert.match(train.find((p) => p.id === '2206.90004')!.title, /winner of three/);
  assert.match(train.find((p) => p.id === '2303.90003')!.title, /later of a tie/);
  const examples = r.report.examples.duplicate ?? [];
  assert.ok(examples.length > 0 && examples.every((e) => e.file === corpus && e.line > 0));
  assert.ok((r.report.examples['bad-json'] ?? []).some((e) => e.line === 61), 'a bad line is reported with its line number');
});

test('splitFile routes a time split as it reads when the input has no duplicate ids: one pass', async () => {
  const unique = join(dir, 'unique.jsonl');
  const seen = new Set<string>();
  const lines = corpusLines().filter((l) => {
    const id = /"id":"([^"v]+)/.exec(l)?.[1];
    if (id === undefined || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  writeFileSync(unique, lines.join('\n') + '\n');
  const rules: SplitRule[] = [
    { by: 'time', before: 202303, validFrom: 202211, valid: 0, seed: 1 },
    { by: 'time', before: 202211, valid: 0, seed: 1 },
  ];
  for (const [k, rule] of rules.entries()) {
    const out = join(dir, `unique-${k}`);
    mkdirSync(out);
    const files = partFiles(out);
    const r = await splitFile(unique, { rule, files });
    assert.equal(r.passes, 1);
    const want = await expected(unique, rule);
    for (const part of PART_NAMES) assert.equal(readFileSync(files[part], 'utf8'), want.text[part]);
  }
});

test('splitFile: worker threads, gzip output and a JSON array give the same parts', async () => {
  const rule: SplitRule = { by: 'random', test: 0.2, valid: 0.1, seed: 3 };
  const want = await expected(corpus, rule);
  const out = join(dir, 'gz');
  mkdirSync(out);
  const files = partFiles(out, '.jsonl.gz');
  await splitFile(corpus, { rule, files, workers: 2 });
  for (const part of PART_NAMES) {
    const bytes = readFileSync(files[part]);
    assert.equal(gunzipSync(bytes).toString('utf8'), want.text[part]);
    assert.deepEqual(bytes, gzipSync(want.text[part], { level: 6 }), 'the same gzip bytes as one gzip of the whole part');
  }

  const array = join(dir, 'corpus.json');
  writeFileSync(array, '[' + corpusLines().filter((l) => l.startsWith('{"')).join(',\n') + ']');
  const wantArray = await expected(array, rule);
  const outArray = join(dir, 'array');
  mkdirSync(outArray);
  const arrayFiles = partFiles(outArray);
  await splitFile(array, { rule, files: arrayFiles });
  for (const part of PART_NAMES) assert.equal(readFileSync(arrayFiles[part], 'utf8'), wantArray.text[part]);
});

test('splitFile: an input that changes between the passes writes nothing', async () => {
  const changing = join(dir, 'changing.jsonl');
  writeFileSync(changing, readFileSync(corpus));
  const out = join(dir, 'changing');
  mkdirSync(out);
  const progress = {
    phase(label: string) {
      if (label.startsWith('writing')) appendFileSync(changing, JSON.stringify({ id: '2303.77777', title: 't', abstract: 'a', categories: 'cs.LG' }) + '\n');
    },
    update() {},
  };
  await assert.rejects(splitFile(changing, { rule: { by: 'random', test: 0.1, valid: 0.1, seed: 1 }, files: partFiles(out), progress }), InputChangedError);
  assert.deepEqual(readdirSync(out), [], 'no part and no temp file');
  assert.ok(!existsSync(join(out, 'train.jsonl')));
});
