import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toIsoDate } from '../../src/sources/dates.js';
import { normalizeArxivId, toPaperText, toRawRecord, type FieldResult, missingColumns, withColumns } from '../../src/sources/fields.js';
import type { RawRecord, Row } from '../../src/sources/source.js';
import { KAGGLE_ELEMENTS, OAI_LINE_1, OAI_LINE_2 } from './text-fixtures.js';

function record(result: FieldResult): RawRecord {
  if ('reason' in result) assert.fail(`expected a record, got ${result.reason}: ${result.detail}`);
  return result.record;
}

function skipped(result: FieldResult): { reason: string; detail: string } {
  if ('record' in result) assert.fail(`expected a skip, got ${JSON.stringify(result.record)}`);
  return result;
}

test('toRawRecord: Cornell/Kaggle OAI snapshot rows', () => {
  assert.deepEqual(record(toRawRecord(JSON.parse(OAI_LINE_1) as Row)), {
    id: '0704.0001',
    title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
    abstract:
      'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders. All next-to-leading order perturbative contributions from quark-antiquark, gluon-(anti)quark, and gluon-gluon subprocesses are included.',
    categories: ['hep-ph'],
    date: '2008-11-13',
    version: 2,
  });
  const r2 = record(toRawRecord(JSON.parse(OAI_LINE_2) as Row));
  assert.equal(r2.id, 'hep-th/9901001', 'old-style ids are kept');
  assert.deepEqual(r2.categories, ['hep-th', 'math.CO', 'cs.CG']);
  assert.equal(r2.version, 3, 'highest version, not the last listed');
  assert.match(r2.abstract, /^We describe a new algorithm, the \$\(k,\\ell\)\$-pebble game with colors, and use it to/, 'LaTeX kept as written');
  assert.equal(r2.primary, undefined);
});

test('toRawRecord: Kaggle arxivData.json elements (tag literal, summary, year/month/day, id version)', () => {
  assert.deepEqual(record(toRawRecord(KAGGLE_ELEMENTS[0] as Row)), {
    id: '1802.00209',
    version: 1,
    title: 'Dual Recurrent Attention Units for Visual Question Answering',
    abstract:
      'We propose an architecture for VQA which utilizes recurrent layers to generate visual and textual attention. The memory characteristic of the proposed recurrent attention units offers a rich joint embedding of visual and textual features.',
    categories: ['cs.AI', 'cs.CL', 'cs.CV'],
    date: '2018-02-01',
  });
  const r2 = record(toRawRecord(KAGGLE_ELEMENTS[1] as Row));
  assert.equal(r2.title, 'Sequential Short-Text Classification with Recurrent and Convolutional Neural Networks');
  assert.deepEqual(r2.categories, ['cs.CL', 'cs.AI', 'stat.ML']);
  assert.equal(r2.date, '2016-03-12');
});

test('toRawRecord: Keras arxiv_data.csv rows (titles, summaries, terms literal)', () => {
  const r = record(
    toRawRecord({ titles: 'Survey on Semantic Stereo Matching', summaries: 'Stereo matching is one of\nthe widely used techniques.', terms: "['cs.CV', 'cs.LG', 'cs.CV']" }),
  );
  assert.deepEqual(r, {
    title: 'Survey on Semantic Stereo Matching',
    abstract: 'Stereo matching is one of the widely used techniques.',
    categories: ['cs.CV', 'cs.LG'],
  });
  assert.equal(r.id, undefined, 'no id field, no id');
});

test('toRawRecord: canonical JSONL keeps the explicit primary first', () => {
  const r = record(
    toRawRecord({ id: '2101.00001', title: 'T', abstract: 'A', categories: ['stat.ML', 'cs.LG'], primary: 'cs.LG', date: '2021-01-04', source: 'oai' }),
  );
  assert.deepEqual(r, { id: '2101.00001', title: 'T', abstract: 'A', categories: ['cs.LG', 'stat.ML'], primary: 'cs.LG', date: '2021-01-04' });
});

test('toRawRecord: arXiver-style rows (aid URL with version, markdown as abstract fallback)', () => {
  const markdown = '# Title\n\n' + 'word '.repeat(1000);
  const r = record(
    toRawRecord({
      aid: 'http://arxiv.org/abs/2101.00001v2',
      title: 'A   paper\n title ',
      markdown,
      published_date: '2021-01-01T18:59:59Z',
      primary_category: 'cs.CL',
      categories: 'cs.CL, cs.AI',
    }),
  );
  assert.equal(r.id, '2101.00001');
  assert.equal(r.version, 2);
  assert.equal(r.title, 'A paper title');
  assert.ok(r.abstract.startsWith('# Title word word'));
  assert.ok(r.abstract.length <= 2000 && r.abstract.length > 1900, `cut near 2000 chars, got ${r.abstract.length}`);
  assert.ok(!r.abstract.endsWith(' '));
  assert.deepEqual(r.categories, ['cs.CL', 'cs.AI']);
  assert.equal(r.primary, 'cs.CL');
  assert.equal(r.date, '2021-01-01');
  // markdown is ignored when there is an abstract
  assert.equal(record(toRawRecord({ title: 'x', abstract: 'real abstract', markdown: 'full text', category: 'cs.AI' })).abstract, 'real abstract');
});

test('toRawRecord: spreadsheet rows (numbers, Excel serial dates, main_category)', () => {
  const r = record(toRawRecord({ paper_id: 704.0001, title: 42, summary: 'S', main_category: 'math.PR', categories: 'math.PR math.ST', date: 45292 }));
  assert.equal(r.id, '0704.0001', 'a numeric id gets back the leading zero it lost');
  assert.equal(r.title, '42');
  assert.deepEqual(r.categories, ['math.PR', 'math.ST']);
  assert.equal(r.primary, 'math.PR');
  assert.equal(r.date, '2024-01-01');
  const r2 = record(toRawRecord({ arxiv_id: 'arXiv:1706.03762v7', title: 'Attention', category: ' cs.CL ', created: 'Mon, 12 Jun 2017 17:57:34 GMT' }));
  assert.equal(r2.id, '1706.03762');
  assert.equal(r2.version, 7);
  assert.deepEqual(r2.categories, ['cs.CL']);
  assert.equal(r2.date, '2017-06-12');
});

test('toRawRecord: tag given as an array of objects and categories as a JSON list string', () => {
  assert.deepEqual(record(toRawRecord({ title: 't', tag: [{ term: 'cs.AI' }, { term: ' ' }, { label: null }] })).categories, ['cs.AI']);
  assert.deepEqual(record(toRawRecord({ title: 't', categories: '["q-bio.NC", "cs.NE"]' })).categories, ['q-bio.NC', 'cs.NE']);
  assert.deepEqual(record(toRawRecord({ title: 't', categories: 'cs.AI; cs.LG,cs.LG' })).categories, ['cs.AI', 'cs.LG']);
});

test('toRawRecord: skip reasons', () => {
  assert.deepEqual(skipped(toRawRecord({ id: '1', title: '  ', abstract: '\n', categories: 'cs.AI' })), {
    reason: 'no-text',
    detail: 'no title or abstract',
  });
  assert.equal(skipped(toRawRecord({ id: '1', categories: 'cs.AI' })).reason, 'no-text');
  assert.deepEqual(skipped(toRawRecord({ title: 'T', abstract: 'A' })), { reason: 'no-category', detail: 'no categories field' });
  assert.equal(skipped(toRawRecord({ title: 'T', categories: [] })).reason, 'no-category');
  assert.equal(skipped(toRawRecord({ title: 'T', terms: '[]' })).reason, 'no-category');
  assert.equal(skipped(toRawRecord({ title: 'T', categories: ' , ' })).reason, 'no-category');
  const bad = skipped(toRawRecord({ titles: 'T', summaries: 'S', terms: "['cs.LG', 'cs.AI'" }));
  assert.equal(bad.reason, 'bad-row');
  assert.match(bad.detail, /field "terms"/);
  assert.match(bad.detail, /position \d+/);
  const badTag = skipped(toRawRecord({ title: 'T', tag: "[{'term': 'cs.AI', 'label': Nope}]" }));
  assert.equal(badTag.reason, 'bad-row');
  assert.match(badTag.detail, /field "tag"/);
});

test('normalizeArxivId and toIsoDate', () => {
  assert.deepEqual(normalizeArxivId('2101.00001v3'), { id: '2101.00001', version: 3 });
  assert.deepEqual(normalizeArxivId('https://arxiv.org/pdf/2101.00001v1.pdf'), { id: '2101.00001', version: 1 });
  assert.deepEqual(normalizeArxivId('hep-th/9901001v2'), { id: 'hep-th/9901001', version: 2 });
  assert.deepEqual(normalizeArxivId('http://arxiv.org/abs/math/0211159'), { id: 'math/0211159' });
  assert.deepEqual(normalizeArxivId(' 0704.0001 '), { id: '0704.0001' });
  // An old-style id's subject class is not part of arXiv's id.
  assert.deepEqual(normalizeArxivId('math.GT/0309136'), { id: 'math/0309136' });
  assert.deepEqual(normalizeArxivId('arXiv:cond-mat.str-el/0101001v2'), { id: 'cond-mat/0101001', version: 2 });
  assert.deepEqual(normalizeArxivId('https://arxiv.org/abs/math.GT/0309136v3'), { id: 'math/0309136', version: 3 });
  assert.equal(toIsoDate('2008-11-13'), '2008-11-13');
  assert.equal(toIsoDate('2023-02-30T00:00:00'), '2023-02-30', 'the YYYY-MM-DD part is taken as written');
  assert.equal(toIsoDate('2023-13-01'), undefined);
  assert.equal(toIsoDate(1), '1899-12-31');
  assert.equal(toIsoDate(44197), '2021-01-01');
  assert.equal(toIsoDate(new Date(Date.UTC(2020, 4, 17))), '2020-05-17');
  assert.equal(toIsoDate('not a date'), undefined);
  assert.equal(toIsoDate(-5), undefined);
});

test('normalizeArxivId: numeric cells get back the zeros a number drops (yymm 4 digits, then 4 or 5)', () => {
  assert.deepEqual(normalizeArxivId(2101.0001), { id: '2101.00010' }, 'read from the cell 2101.00010');
  assert.deepEqual(normalizeArxivId(704.0001), { id: '0704.0001' });
  assert.deepEqual(normalizeArxivId(1412.999), { id: '1412.9990' }, 'before 1501: four digits after the point');
  assert.deepEqual(normalizeArxivId(1501.00001), { id: '1501.00001' }, 'from 1501: five');
  assert.deepEqual(normalizeArxivId(2312.1), { id: '2312.10000' });
  assert.deepEqual(normalizeArxivId(2312.12345), { id: '2312.12345' });
  // Numbers that cannot be a new-style id are left as String() writes them.
  assert.deepEqual(normalizeArxivId(12345), { id: '12345' });
  assert.deepEqual(normalizeArxivId(2113.5), { id: '2113.5' }, 'month 13');
  assert.deepEqual(normalizeArxivId(0.5), { id: '0.5' });
  // The same through a row, as xlsx and parquet readers hand numbers over.
  assert.equal(record(toRawRecord({ id: 2101.0001, title: 'T', categories: 'cs.LG' })).id, '2101.00010');
});

test('toRawRecord: list elements holding several codes are split like strings', () => {
  assert.deepEqual(record(toRawRecord({ title: 't', categories: ['cs.LG stat.ML'] })).categories, ['cs.LG', 'stat.ML']);
  assert.deepEqual(record(toRawRecord({ title: 't', categories: ['cs.LG, stat.ML', 'cs.AI;math.OC'] })).categories, ['cs.LG', 'stat.ML', 'cs.AI', 'math.OC']);
  assert.deepEqual(record(toRawRecord({ title: 't', terms: "['cs.LG stat.ML']" })).categories, ['cs.LG', 'stat.ML']);
  const primary = record(toRawRecord({ title: 't', primary_category: ['cs.CL cs.AI'], categories: ['cs.AI'] }));
  assert.equal(primary.primary, 'cs.CL', 'the first code of a list-valued primary');
  assert.deepEqual(primary.categories, ['cs.CL', 'cs.AI']);
});

test('toRawRecord: numpy-printed arrays of codes (no commas) are separate codes, not concatenated', () => {
  assert.deepEqual(record(toRawRecord({ titles: 'T', summaries: 'S', terms: "['cs.LG' 'cs.AI']" })).categories, ['cs.LG', 'cs.AI']);
  // numpy wraps long arrays onto several lines.
  assert.deepEqual(record(toRawRecord({ titles: 'T', summaries: 'S', terms: "['cs.LG' 'cs.AI'\n 'stat.ML']" })).categories, ['cs.LG', 'cs.AI', 'stat.ML']);
  assert.deepEqual(record(toRawRecord({ title: 'T', categories: '["cs.CV" "cs.LG"]' })).categories, ['cs.CV', 'cs.LG']);
});

test('toRawRecord: a date that cannot be read leaves the record undated, not skipped', () => {
  for (const date of ['43132x', '1', '1 2 3', '2018', 'Feb 2018', '2/30/2018', '+043132-01']) {
    const r = record(toRawRecord({ id: '1802.00209', title: 'T', categories: 'cs.LG', date }));
    assert.equal(r.date, undefined, `date ${JSON.stringify(date)}`);
  }
  // ... and year/month/day columns, when there are any, still count.
  assert.equal(record(toRawRecord({ title: 'T', categories: 'cs.LG', date: '1 2 3', year: 2018, month: 2, day: 1 })).date, '2018-02-01');
  assert.equal(record(toRawRecord({ title: 'T', categories: 'cs.LG', published: '43132' })).date, '2018-02-01', 'an Excel serial day as text');
});

test('field names are read in any letter case, with spaces around them, and in common spellings', () => {
  const r = toRawRecord({ ' Title ': 'Graphene', ABSTRACT: 'Electrons in graphene.', Categories: 'cond-mat.mes-hall', ID: '2101.00001' });
  assert.ok('record' in r, JSON.stringify(r));
  assert.equal(r.record.title, 'Graphene');
  assert.equal(r.record.abstract, 'Electrons in graphene.');
  assert.deepEqual(r.record.categories, ['cond-mat.mes-hall']);
  assert.equal(r.record.id, '2101.00001');
  const s = toPaperText({ paper_title: 'A title', abstract_text: 'An abstract' });
  assert.deepEqual(s, { title: 'A title', abstract: 'An abstract' });
  // The exact lower-case name wins over another spelling of it.
  const both = toPaperText({ Title: 'capital', title: 'lower' });
  assert.ok('title' in both && both.title === 'lower');
});

test('a row with no text field of a known name says which fields it has and which names are read', () => {
  const r = toPaperText({ 'Paper Name': 'x', 'Summary Text': 'y' });
  assert.ok('reason' in r);
  assert.match(r.detail, /fields found: Paper Name, Summary Text; a title is one of title, titles, paper_title, an abstract one of abstract, summary/);
  const empty = toPaperText({ title: '', abstract: ' ' });
  assert.ok('reason' in empty && empty.detail === 'no title or abstract', 'known fields, only empty');
});

test('fields named by the user (--title-col …) are read in any letter case instead of the usual names; one the row lacks is named with the fields it has', () => {
  const row = { 'Paper Name': ' Graphene  ribbons ', 'Summary Text': 'Electrons.', Ref: 'arXiv:2101.00001v2', title: 'not this one' };
  assert.deepEqual(toPaperText(row, { title: 'paper name', abstract: 'SUMMARY TEXT', id: 'ref' }), { id: '2101.00001', title: 'Graphene ribbons', abstract: 'Electrons.' });
  // A field not named is still found by its usual names.
  assert.deepEqual(toPaperText({ Name: 'T', abstract: 'A', id: '7' }, { title: 'name' }), { id: '7', title: 'T', abstract: 'A' });
  const missing = toPaperText(row, { title: 'Heading', id: 'ArxivRef' });
  assert.ok('reason' in missing);
  assert.equal(missing.detail, '--title-col "Heading", --id-col "ArxivRef": no such field (fields found: Paper Name, Summary Text, Ref, title; names match in any letter case)');
  assert.equal(missingColumns(row, { abstract: ' summary text ' }), undefined);
  const unknown = toPaperText({ 'Paper Name': 'x' });
  assert.ok('reason' in unknown && /--title-col and --abstract-col/.test(unknown.detail));
});

test('withColumns: named fields replace every usual spelling of the same thing, in any letter case', () => {
  const row: Row = { Heading: 'Named title', title: 'usual title', 'Summary Text': 'Named abstract', abstract: 'usual abstract', markdown: 'full text', Label: 'cs.LG; stat.ML', categories: 'hep-th', tag: "[{'term': 'math.AG'}]", main_category: 'hep-th', Ref: '2101.00001v2', id: 'other' };
  const r = record(toRawRecord(withColumns(row, { title: 'heading', abstract: 'summary text', categories: 'LABEL', id: 'ref' })));
  assert.equal(r.title, 'Named title');
  assert.equal(r.abstract, 'Named abstract');
  // The primary still comes from main_category (not named); the categories only from Label.
  assert.deepEqual(r.categories, ['hep-th', 'cs.LG', 'stat.ML']);
  assert.equal(r.id, '2101.00001');
  const primary = record(toRawRecord(withColumns(row, { categories: 'label', primary: 'Label' })));
  assert.deepEqual(primary.categories, ['cs.LG', 'stat.ML']);
  assert.equal(primary.primary, 'cs.LG');
  // Nothing named: the row reads as it did.
  assert.deepEqual(toRawRecord(withColumns(row, {})), toRawRecord(row));
  assert.match(missingColumns(row, { categories: 'labels' })!, /^--categories-col "labels": no such field \(fields found: Heading, title, /);
});
