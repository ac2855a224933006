import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toIsoDate } from '../../src/sources/dates.js';

test('toIsoDate: digit-only text is YYYYMMDD, a five-digit Excel serial day, or nothing', () => {
  assert.equal(toIsoDate('43132'), '2018-02-01');
  assert.equal(toIsoDate(' 45292 '), '2024-01-01');
  assert.equal(toIsoDate('20180201'), '2018-02-01');
  assert.equal(toIsoDate('20181301'), undefined, 'month 13');
  assert.equal(toIsoDate('1'), undefined);
  assert.equal(toIsoDate('2018'), undefined, 'a bare year names no day');
  assert.equal(toIsoDate('99999'), undefined, 'past 2100 as a serial day');
  assert.equal(toIsoDate('123456'), undefined);
});

test('toIsoDate: the lenient parser is held to what the text says', () => {
  assert.equal(toIsoDate('Mon, 2 Apr 2007 19:18:42 GMT'), '2007-04-02');
  assert.equal(toIsoDate('Feb 1, 2018'), '2018-02-01');
  assert.equal(toIsoDate('1 February 2018'), '2018-02-01');
  assert.equal(toIsoDate('Thursday, February 1, 2018'), '2018-02-01');
  assert.equal(toIsoDate('02/01/2018'), '2018-02-01', 'slashes read US-style, as Date.parse does');
  assert.equal(toIsoDate('2018/02/01'), '2018-02-01');
  // Invented by the parser: no year written, no day written, or a day that does not exist.
  assert.equal(toIsoDate('1 2 3'), undefined);
  assert.equal(toIsoDate('Feb 2018'), undefined);
  assert.equal(toIsoDate('Feb 2018 01:00'), undefined, 'a time of day is no day of the month');
  assert.equal(toIsoDate('2/30/2018'), undefined);
  assert.equal(toIsoDate('foo 2018'), undefined);
  assert.equal(toIsoDate('not a date'), undefined);
});

test('toIsoDate: years outside 1000-9999 are rejected, whatever the input type', () => {
  assert.equal(toIsoDate('+043132-01-01'), undefined);
  assert.equal(toIsoDate(new Date(Date.UTC(10000, 0, 1))), undefined);
  assert.equal(toIsoDate(new Date(Date.UTC(999, 11, 31))), undefined);
  assert.equal(toIsoDate(new Date(Number.NaN)), undefined);
  assert.equal(toIsoDate('Jan 5, 10000'), undefined);
  assert.equal(toIsoDate(2_958_465), '9999-12-31');
  assert.equal(toIsoDate(2_958_466), undefined);
});

test('toIsoDate: the same dates whatever the machine time zone', () => {
  const inputs = [
    '02/01/2018',
    'Feb 1, 2018',
    '1-Feb-2018',
    'Mon, 2 Apr 2007 19:18:42 GMT',
    'Mon, 2 Apr 2007 23:30:00',
    'Thu, 01 Feb 2018 00:30:00 +0900',
    'Thu, 01 Feb 2018 23:30:00 -0500',
    'Feb 1, 2018, 11:30:00 PM',
    '43132',
    43132.99,
    new Date(Date.UTC(2018, 1, 1, 23, 30)),
    '2018-02-01T23:30:00-05:00',
  ];
  // Each date as written, time and zone left aside (a Date object: its UTC date).
  const expected = ['2018-02-01', '2018-02-01', '2018-02-01', '2007-04-02', '2007-04-02', '2018-02-01', '2018-02-01', '2018-02-01', '2018-02-01', '2018-02-01', '2018-02-01', '2018-02-01'];
  const saved = process.env.TZ;
  try {
    for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      process.env.TZ = tz;
      if (tz !== 'UTC') assert.notEqual(new Date(Date.UTC(2018, 1, 1)).getTimezoneOffset(), 0, `TZ=${tz} took effect`);
      assert.deepEqual(inputs.map(toIsoDate), expected, `TZ=${tz}`);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});
