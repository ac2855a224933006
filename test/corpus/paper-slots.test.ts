import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PaperSlots } from '../../src/corpus/paper-slots.js';

test('PaperSlots: one slot per id in order of first occurrence, holding the winner (highest version, later on ties)', () => {
  const slots = new PaperSlots();
  assert.deepEqual(slots.add(1, 1, 1, 'cs.LG', 202301), { slot: 0, duplicate: false });
  assert.deepEqual(slots.add(2, 2, 0, 'math.CO', 0), { slot: 1, duplicate: false });
  assert.deepEqual(slots.add(1, 1, 3, 'hep-th', 202302), { slot: 0, duplicate: true, replaces: true, previousVersion: 1 });
  assert.deepEqual(slots.add(1, 1, 2, 'q-bio.NC', 202303), { slot: 0, duplicate: true, replaces: false, previousVersion: 3 });
  assert.deepEqual(slots.add(2, 2, 0, 'econ.EM', 0), { slot: 1, duplicate: true, replaces: true, previousVersion: 0 });
  assert.deepEqual(slots.add(1, 2, 0, 'cs.LG', 0), { slot: 2, duplicate: false }, 'one half of the hash alike is another id');
  assert.equal(slots.size, 3);
  assert.equal(slots.records, 6);
  assert.deepEqual([0, 1, 2].map((i) => slots.primaryOf(i)), ['hep-th', 'econ.EM', 'cs.LG']);
  assert.deepEqual([0, 1, 2].map((i) => slots.monthOf(i)), [202302, 0, 0]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((r) => slots.isRepeat(r)), [false, false, true, true, true, false]);
  for (let i = 0; i < 70_000; i++) slots.add(10 + i, i, 0, `c${i % 3}`, 0);
  assert.equal(slots.size, 70_003, 'grows past its first arrays');
  assert.equal(slots.primaryOf(70_002), 'c0', 'slot 70002 holds the 69999th added');
  assert.equal(slots.monthOf(0), 202302);
});
