import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PaperRecord } from '../../src/corpus/record.js';
import { groupCeiling } from '../../src/evaluation/group-ceiling.js';

let n = 0;
const paper = (...categories: string[]): PaperRecord => ({ id: `2401.${String(n++).padStart(5, '0')}`, title: 't', abstract: 'a', categories, primary: categories[0]! });
const times = (k: number, make: () => PaperRecord) => Array.from({ length: k }, make);

test('the group ceiling answers with the group most often primary for the same categories, or for the same groups', () => {
  const train = [
    ...times(3, () => paper('cs.LG', 'stat.ML')),
    paper('stat.ML', 'cs.LG'),
    // Same groups as above, other categories: only the rule that knows groups alone sees these.
    ...times(3, () => paper('stat.ML', 'cs.AI')),
    ...times(2, () => paper('eess.SP', 'cs.IT')),
    paper('cs.IT', 'eess.SP'),
    paper('stat.ME'),
    ...times(5, () => paper('cs.CV')),
  ];
  const test_ = [
    paper('stat.ML', 'cs.LG'), // categories: cs (3 to 1), wrong; groups: stat (4 to 3), right
    paper('stat.ML', 'cs.LG'),
    paper('cs.LG', 'stat.ML'), // categories right, groups wrong
    paper('cs.IT', 'eess.SP'), // eess (2 to 1) either way: wrong
    paper('math.PR', 'stat.ME'), // never seen: the group of the two most often primary overall is stat, wrong
    paper('cs.CV'), // right either way
  ];
  const c = groupCeiling(train, test_);
  assert.equal(c.papers, 6);
  assert.equal(c.multiGroup, 5);
  assert.equal(c.fromCategories, 2 / 6);
  assert.equal(c.fromGroups, 3 / 6);
});

test('the group ceiling of no test papers is 0, not NaN', () => {
  assert.deepEqual(groupCeiling([paper('cs.CV')], []), { papers: 0, multiGroup: 0, fromCategories: 0, fromGroups: 0 });
});
