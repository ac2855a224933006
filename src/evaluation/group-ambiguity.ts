/**
 * How much a paper's categories say about the group of its primary category.
 *
 * A paper listed in `cs.LG` and `stat.ML` has a Computer Science or a Statistics primary, and the
 * labels alone do not say which. Two rules that are *given* each test paper's categories (which a
 * text model only guesses) measure that ambiguity:
 * - fitted on the training papers: answer with the group most often primary among training papers
 *   with exactly those categories, else the group of those categories most often primary at all;
 * - fitted on the test papers themselves: the same majority, counted on the papers it is scored on.
 *   No rule that sees only the categories can score more on those papers.
 * Neither bounds a text model, which may read from the words which category the authors put first.
 */
import type { PaperRecord } from '../corpus/record.js';
import { groupOf } from '../taxonomy/taxonomy.js';

export interface GroupAmbiguity {
  papers: number;
  /** Test papers whose categories span more than one group. */
  multiGroup: number;
  /** Accuracy of the rule fitted on training papers when it knows each test paper's set of categories. */
  fromCategories: number;
  /** The same when it knows only the set of groups those categories belong to. */
  fromGroups: number;
  /** The most any rule that knows each test paper's set of categories can score on these papers. */
  bestFromCategories: number;
  /** The same for rules that know only the set of groups. */
  bestFromGroups: number;
}

type Key = (paper: PaperRecord) => string;

const groupOfCode = (code: string): string => groupOf(code) ?? code;
const groupsOf = (paper: PaperRecord): string[] => [...new Set(paper.categories.map(groupOfCode))].sort();
const byCategories: Key = (p) => [...p.categories].sort().join(' ');
const byGroups: Key = (p) => groupsOf(p).join(' ');

export function groupAmbiguity(train: readonly PaperRecord[], test: readonly PaperRecord[]): GroupAmbiguity {
  const overall = new Map<string, number>();
  for (const p of train) bump(overall, groupOfCode(p.primary));
  const share = (right: number) => (test.length === 0 ? 0 : right / test.length);
  const fromTraining = (key: Key) => {
    const seen = primaryGroupsBy(train, key);
    let right = 0;
    for (const p of test) {
      const candidates = groupsOf(p);
      const guess = mostFrequent(candidates, seen.get(key(p))) ?? mostFrequent(candidates, overall);
      if (guess === groupOfCode(p.primary)) right++;
    }
    return share(right);
  };
  const best = (key: Key) => {
    let right = 0;
    for (const counts of primaryGroupsBy(test, key).values()) right += Math.max(...counts.values());
    return share(right);
  };
  return {
    papers: test.length,
    multiGroup: test.filter((p) => groupsOf(p).length > 1).length,
    fromCategories: fromTraining(byCategories),
    fromGroups: fromTraining(byGroups),
    bestFromCategories: best(byCategories),
    bestFromGroups: best(byGroups),
  };
}

/** For each key, how many papers had a primary of each group. */
function primaryGroupsBy(papers: readonly PaperRecord[], key: Key): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const p of papers) {
    const k = key(p);
    const counts = out.get(k) ?? new Map<string, number>();
    bump(counts, groupOfCode(p.primary));
    out.set(k, counts);
  }
  return out;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The candidate counted most often (the first in sorted order on a tie), or undefined when none was counted. */
function mostFrequent(candidates: readonly string[], counts: Map<string, number> | undefined): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const c of candidates) {
    const n = counts?.get(c) ?? 0;
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}
