import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PaperRecord } from '../../src/corpus/record.js';
import { groupAmbiguity } from '../../src/evaluation/group-ambiguity.js';

let n = 0;
const paper = (...categories: string[]): PaperRecord => ({ id: `2401.${String(n++).padStart(5, '0')}`, title: 't', abstract: 'a', categories, primary: categories[0]! });
const times = (k: number, make: () => PaperRecord) => Array.from({ length: k }, make);

test('group ambiguity: rules fitted on the training papers, and the best any rule of the same knowledge can do on the test papers', () => {
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
    paper('cs.AI', 'stat.ML'), // stat either way: wrong
  ];
  const a = groupAmbiguity(train, test_);
  assert.equal(a.papers, 7);
  assert.equal(a.multiGroup, 6);
  assert.equal(a.fromCategories, 2 / 7);
  assert.equal(a.fromGroups, 3 / 7);
  // Fitted on the test papers: {cs.LG, stat.ML} holds 2 stat and 1 cs, so one of its three is lost;
  // by groups, {cs, stat} holds 2 stat and 2 cs, so two of its four are lost.
  assert.equal(a.bestFromCategories, 6 / 7);
  assert.equal(a.bestFromGroups, 5 / 7);
});

test('group ambiguity of no test papers is 0, not NaN', () => {
  assert.deepEqual(groupAmbiguity([paper('cs.CV')], []), { papers: 0, multiGroup: 0, fromCategories: 0, fromGroups: 0, bestFromCategories: 0, bestFromGroups: 0 });
});
