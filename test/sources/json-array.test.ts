import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/base/errors.js';
import { JsonArrayScanner, readJsonArrayRows } from '../../src/sources/json-array.js';
import { MAX_RECORD_SIZE } from '../../src/sources/record-limit.js';
import type { RowItem } from '../../src/sources/source.js';
import { KAGGLE_ELEMENTS, collect, errorsOf, rowsOf, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

test('readJsonArrayRows: Kaggle arxivData.json, pretty-printed and compact, plain and gzipped', async () => {
  const dir = tempDir();
  const pretty = JSON.stringify(KAGGLE_ELEMENTS, null, 2);
  const compact = JSON.stringify(KAGGLE_ELEMENTS);
  for (const p of [
    writeFixture(dir, 'arxivData.json', pretty),
    writeFixture(dir, 'compact.json', compact),
    writeGzFixture(dir, 'arxivData.json.gz', pretty),
  ]) {
    const items = await collect(readJsonArrayRows(p));
    assert.deepEqual(items, [
      { row: KAGGLE_ELEMENTS[0], line: 1 },
      { row: KAGGLE_ELEMENTS[1], line: 2 },
    ]);
  }
});

test('readJsonArrayRows: a bad element is reported by index and the scan continues', async () => {
  const dir = tempDir();
  const good = JSON.stringify(KAGGLE_ELEMENTS[0]);
  const text = `[\n ${good},\n {"title": "bad, trailing comma", },\n "a string",\n ${JSON.stringify(KAGGLE_ELEMENTS[1])}\n]\n`;
  const items = await collect(readJsonArrayRows(writeFixture(dir, 'bad.json', text)));
  assert.deepEqual(
    rowsOf(items).map((r) => [r.line, r.row.id]),
    [
      [1, '1802.00209v1'],
      [4, '1603.03827v1'],
    ],
  );
  const errors = errorsOf(items);
  assert.deepEqual(
    errors.map((e) => e.line),
    [2, 3],
  );
  assert.match(errors[0]!.error, /^bad JSON: /);
  assert.equal(errors[1]!.error, 'bad JSON: expected an object, got a string');
});

test('readJsonArrayRows: strings holding brackets, commas, escaped quotes and backslashes', async () => {
  const dir = tempDir();
  const tricky = [
    { title: 'a ] b } c , d [ e {', abstract: 'quote \\" and \\\\ and "' },
    { title: '\\', abstract: '"]}' },
    { title: 'nested', tags: [{ term: 'x' }, [1, [2, { a: ']' }]]] },
    // Text that ends like the gap between two elements, in a valid string: not a broken element.
    { title: 'x}, {', abstract: '} , {', n: 1 },
  ];
  const items = await collect(readJsonArrayRows(writeFixture(dir, 'tricky.json', JSON.stringify(tricky))));
  assert.deepEqual(
    items,
    tricky.map((row, i) => ({ row, line: i + 1 })),
  );
});

test('JsonArrayScanner: same result wherever the text is split into chunks', () => {
  const rows = [...KAGGLE_ELEMENTS, { t: 'esc \\ " \\\\" end', n: [1, { x: '}' }] }];
  const text = ' ' + JSON.stringify(rows, null, 1) + '\n';
  const whole: RowItem[] = [];
  const s0 = new JsonArrayScanner('x.json');
  s0.feed(text, whole);
  s0.end(whole);
  assert.equal(whole.length, 3);
  for (let cut = 1; cut < text.length; cut++) {
    const out: RowItem[] = [];
    const s = new JsonArrayScanner('x.json');
    s.feed(text.slice(0, cut), out);
    s.feed(text.slice(cut), out);
    s.end(out);
    assert.deepEqual(out, whole, `split at ${cut}`);
  }
  // One character at a time.
  const out: RowItem[] = [];
  const s = new JsonArrayScanner('x.json');
  for (const ch of text) s.feed(ch, out);
  s.end(out);
  assert.deepEqual(out, whole);
});

/** Five Kaggle-shaped elements, the second with its title's closing quote missing. */
function withUnclosedTitle(indent: number | undefined): string {
  const rows = Array.from({ length: 5 }, (_, i) => ({ ...KAGGLE_ELEMENTS[i % 2]!, id: `id${i + 1}` }));
  const text = JSON.stringify(rows, null, indent);
  const title = JSON.stringify(rows[1]!.title);
  const at = text.indexOf(title, text.indexOf('"id2"'));
  assert.ok(at > 0);
  return text.slice(0, at + title.length - 1) + text.slice(at + title.length);
}

test('readJsonArrayRows: an unclosed string costs its own element, not the elements after it', async () => {
  const dir = tempDir();
  const stringLast = '[{"id": "a", "title": "fine"}, {"id": "b", "title": "no end}, {"id": "c", "title": "after"}]';
  const cases: [string, string, string[]][] = [
    ['compact.json', withUnclosedTitle(undefined), ['id1', 'id3', 'id4', 'id5']],
    ['pretty.json', withUnclosedTitle(2), ['id1', 'id3', 'id4', 'id5']],
    ['string-last.json', stringLast, ['a', 'c']],
  ];
  for (const [name, text, ids] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError, name);
    const items = await collect(readJsonArrayRows(writeFixture(dir, name, text)));
    assert.deepEqual(
      rowsOf(items).map((r) => r.row.id),
      ids,
      name,
    );
    assert.deepEqual(
      errorsOf(items).map((e) => [e.line, e.error]),
      [[2, 'bad JSON: a quote where no string can start (an unclosed string earlier in the element?); reading goes on from the next element']],
      name,
    );
    // Rows keep their place in the array.
    assert.deepEqual(
      rowsOf(items).map((r) => r.line),
      name === 'string-last.json' ? [1, 3] : [1, 3, 4, 5],
    );
  }
  // Objects nested in an element do not pass for the next element: it starts with the first key
  // of the array's first good element. Before there is one, any object after '}, {' does.
  const nested = '[{"id": "a", "tags": [{"t": "x"}, {"t": "y"}]}, {"id": "b, "tags": [{"t": "x"}, {"t": "y"}]}, {"id": "c", "tags": []}]';
  const firstBroken = '[{"id": "a, "tags": [{"t": "x"}]}, {"id": "b", "tags": []}]';
  for (const [name, text, ids] of [['nested.json', nested, ['a', 'c']], ['first.json', firstBroken, ['b']]] as const) {
    const items = await collect(readJsonArrayRows(writeFixture(dir, name, text)));
    assert.deepEqual(rowsOf(items).map((r) => r.row.id), ids, name);
    assert.equal(errorsOf(items).length, 1, name);
  }
  // In the last element there is no next one: the file ends inside it.
  const last = await collect(readJsonArrayRows(writeFixture(dir, 'last.json', '[{"id": "a"}, {"id": "b, "n": 1}]')));
  assert.deepEqual(rowsOf(last).map((r) => r.row.id), ['a']);
  assert.deepEqual(errorsOf(last).map((e) => e.line), [2]);
});

test('JsonArrayScanner: an unclosed string is contained wherever the text is split', () => {
  const text = withUnclosedTitle(1);
  for (let cut = 1; cut < text.length; cut += 7) {
    const out: RowItem[] = [];
    const s = new JsonArrayScanner('x.json');
    s.feed(text.slice(0, cut), out);
    s.feed(text.slice(cut), out);
    s.end(out);
    const ids = rowsOf(out).map((r) => r.row.id);
    // A gap between elements cut by the chunk boundary is found at the next one instead.
    assert.ok(ids.join() === 'id1,id3,id4,id5' || ids.join() === 'id1,id4,id5', `split at ${cut}: ${ids.join()}`);
    assert.equal(errorsOf(out).length, 1, `split at ${cut}`);
  }
});

test('readJsonArrayRows: escape split across a 1 MiB read boundary, element larger than a chunk', async () => {
  const dir = tempDir();
  const prefix = '[{"t":"';
  const filler = 'a'.repeat((1 << 20) - 1 - prefix.length);
  // The backslash is the last character of the first read; the escaped quote starts the second.
  const text = `${prefix}${filler}\\"${'b'.repeat(1 << 20)}"}, {"t": "next"}]`;
  const items = await collect(readJsonArrayRows(writeFixture(dir, 'boundary.json', text)));
  assert.equal(items.length, 2);
  const first = items[0]!;
  assert.ok('row' in first);
  assert.equal(first.row.t, `${filler}"${'b'.repeat(1 << 20)}`);
  assert.deepEqual(items[1], { row: { t: 'next' }, line: 2 });
});

test('readJsonArrayRows: empty array, trailing comma, empty element, trailing garbage', async () => {
  const dir = tempDir();
  assert.deepEqual(await collect(readJsonArrayRows(writeFixture(dir, 'empty.json', ' [ ] '))), []);
  assert.deepEqual(await collect(readJsonArrayRows(writeFixture(dir, 'trailing.json', '[{"a":1},]'))), [{ row: { a: 1 }, line: 1 }]);
  assert.deepEqual(await collect(readJsonArrayRows(writeFixture(dir, 'hole.json', '[{"a":1},,{"a":3}]'))), [
    { row: { a: 1 }, line: 1 },
    { error: 'bad JSON: empty array element', line: 2 },
    { row: { a: 3 }, line: 3 },
  ]);
  const garbage = await collect(readJsonArrayRows(writeFixture(dir, 'garbage.json', '[{"a":1}] xyz')));
  assert.equal(garbage.length, 2);
  assert.match(errorsOf(garbage)[0]!.error, /after the closing \]/);
});

test('readJsonArrayRows: truncated file reports the unfinished element; non-array fails', async () => {
  const dir = tempDir();
  const truncated = await collect(readJsonArrayRows(writeFixture(dir, 'cut.json', '[{"a":1}, {"a": "unfinish')));
  assert.deepEqual(truncated[0], { row: { a: 1 }, line: 1 });
  assert.equal(truncated.length, 2);
  assert.equal(errorsOf(truncated)[0]!.line, 2);
  assert.match(errorsOf(truncated)[0]!.error, /truncated/);
  const unclosed = await collect(readJsonArrayRows(writeFixture(dir, 'unclosed.json', '[{"a":1},\n')));
  assert.equal(errorsOf(unclosed).length, 1);
  await assert.rejects(
    collect(readJsonArrayRows(writeFixture(dir, 'object.json', '{"a": 1}'))),
    (err: unknown) => err instanceof UserError && err.message.includes('object.json') && /not a JSON array/.test(err.message),
  );
});

test('JsonArrayScanner: an element over the limit is reported and skipped, wherever the text is split', () => {
  const text = `[{"a":1}, {"t":"${'x'.repeat(50)}"}, {"a":3}, {"t":"${'y\\"'.repeat(30)}"}]`;
  const scan = (parts: string[]): RowItem[] => {
    const s = new JsonArrayScanner('x.json', 40);
    const out: RowItem[] = [];
    for (const part of parts) s.feed(part, out);
    s.end(out);
    return out;
  };
  const tooLarge = 'bad JSON: record too large: more than 40 bytes (an unclosed string?); skipped';
  const whole = scan([text]);
  assert.deepEqual(whole, [
    { row: { a: 1 }, line: 1 },
    { error: tooLarge, line: 2 },
    { row: { a: 3 }, line: 3 },
    { error: tooLarge, line: 4 },
  ]);
  for (let cut = 1; cut < text.length; cut++) assert.deepEqual(scan([text.slice(0, cut), text.slice(cut)]), whole, `split at ${cut}`);
  assert.deepEqual(scan([...text]), whole);
  // An unclosed string runs to the end of the file.
  const open = scan(['[{"a":1}, {"t":"', 'z'.repeat(30), 'z'.repeat(30)]);
  assert.deepEqual(open, [
    { row: { a: 1 }, line: 1 },
    { error: 'bad JSON: file ends inside this element, record too large: more than 40 bytes (an unclosed string?); skipped', line: 2 },
  ]);
});

test('readJsonArrayRows: an element past the 16 MiB limit is a bad element, and reading goes on', async () => {
  const dir = tempDir();
  const text = `[{"t":"${'x'.repeat(MAX_RECORD_SIZE + 10)}"}, {"t":"next"}]`;
  const items = await collect(readJsonArrayRows(writeFixture(dir, 'huge-element.json', text)));
  assert.deepEqual(items, [
    { error: 'bad JSON: record too large: more than 16 MiB (an unclosed string?); skipped', line: 1 },
    { row: { t: 'next' }, line: 2 },
  ]);
});
