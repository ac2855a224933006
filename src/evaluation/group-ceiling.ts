/**
 * How far the group of a paper's primary category can be told from the categories it carries.
 *
 * A paper listed in `cs.LG` and `stat.ML` has a Computer Science or a Statistics primary, and the
 * labels alone do not say which. This module measures that ambiguity with a rule that is *given*
 * each test paper's categories (what no text model knows, only guesses) and answers with the group
 * most often primary among training papers that carried exactly those categories, else the group
 * of those categories most often primary in training at all. A text model that matches it must
 * know every paper's full list of categories; one that beats it must read from the text which of
 * them the authors put first.
 */
import type { PaperRecord } from '../corpus/record.js';
import { groupOf } from '../taxonomy/taxonomy.js';

export interface GroupCeiling {
  papers: number;
  /** Test papers whose categories span more than one group. */
  multiGroup: number;
  /** Accuracy of the rule when it knows each test paper's set of categories. */
  fromCategories: number;
  /** The same when it knows only the set of groups those categories belong to. */
  fromGroups: number;
}

type Key = (paper: PaperRecord) => string;

const groupsOf = (paper: PaperRecord): string[] => [...new Set(paper.categories.map((c) => groupOf(c) ?? c))].sort();
const byCategories: Key = (p) => [...p.categories].sort().join(' ');
const byGroups: Key = (p) => groupsOf(p).join(' ');

export function groupCeiling(train: readonly PaperRecord[], test: readonly PaperRecord[]): GroupCeiling {
  const overall = new Map<string, number>();
  for (const p of train) bump(overall, groupOf(p.primary) ?? p.primary);
  const accuracy = (key: Key) => {
    const seen = new Map<string, Map<string, number>>();
    for (const p of train) {
      const k = key(p);
      const counts = seen.get(k) ?? new Map<string, number>();
      bump(counts, groupOf(p.primary) ?? p.primary);
      seen.set(k, counts);
    }
    let right = 0;
    for (const p of test) {
      const candidates = groupsOf(p);
      const guess = mostFrequent(candidates, seen.get(key(p))) ?? mostFrequent(candidates, overall);
      if (guess === (groupOf(p.primary) ?? p.primary)) right++;
    }
    return test.length === 0 ? 0 : right / test.length;
  };
  return {
    papers: test.length,
    multiGroup: test.filter((p) => groupsOf(p).length > 1).length,
    fromCategories: accuracy(byCategories),
    fromGroups: accuracy(byGroups),
  };
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
