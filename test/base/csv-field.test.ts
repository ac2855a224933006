import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { csvField, FORMULA_START, spreadsheetField } from '../../src/base/csv-field.js';
import { PREDICTION_COLUMNS } from '../../src/models/prediction-table.js';

test('spreadsheetField: text a spreadsheet would run as a formula gets a leading quote; numbers and other text do not', () => {
  assert.equal(spreadsheetField('=1+2'), "'=1+2");
  assert.equal(spreadsheetField('+x'), "'+x");
  assert.equal(spreadsheetField('-5'), "'-5");
  assert.equal(spreadsheetField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(spreadsheetField('\tx'), "'\tx");
  assert.equal(spreadsheetField('\rx'), `"'\rx"`);
  assert.equal(spreadsheetField('=a,"b"'), `"'=a,""b"""`);
  assert.equal(spreadsheetField('cs.LG'), 'cs.LG');
  assert.equal(spreadsheetField(-0.5), '-0.5');
  assert.equal(csvField('=1+2'), '=1+2');
});

test("the web page's CSV download uses the same formula rule", () => {
  const page = readFileSync(new URL('../../src/serving/web/app.js', import.meta.url), 'utf8');
  const cell = /function csvCell\(v\) \{[\s\S]*?if \(\/(.+?)\/\.test\(s\)\) s = `'\$\{s\}`;/.exec(page);
  assert.ok(cell, 'csvCell in app.js prefixes a formula with a quote');
  assert.equal(cell[1], FORMULA_START.source);
});

test("the web page's CSV download has the columns classify --out x.csv writes", () => {
  const page = readFileSync(new URL('../../src/serving/web/app.js', import.meta.url), 'utf8');
  const columns = /const CSV_COLUMNS = \[([^\]]*)\];/.exec(page);
  assert.ok(columns, 'CSV_COLUMNS in app.js');
  assert.deepEqual(JSON.parse(`[${columns[1]!.replaceAll("'", '"')}]`), [...PREDICTION_COLUMNS]);
});
