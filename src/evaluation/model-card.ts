/**
 * A model card's numbers (ModelInfo.card): how well a model knows each field, measured on a time
 * split, the mix it learnt from, and for a primary model the trade-off of each class prior. Built from evaluations;
 * what is printed and where lives with the readers (models/README.md, /v1/models, the page).
 */
import type { ClassReportRow, DetailedEvaluation, MultiLabelEvaluation, SingleLabelEvaluation } from './evaluation.js';
import type { MultiLabelModelCard, PrimaryModelCard } from '../models/model.js';
import { precisionRecallF1FromCounts } from './metrics.js';
import { getCategory, groupName, groupOf, type GroupId } from '../taxonomy/taxonomy.js';

/** A category with at least this many test papers that is never predicted is a finding (issue 24's target). */
export const NEVER_PREDICTED_MIN_SUPPORT = 20;

/** Share of each group's test papers whose top category is right. */
export function groupTop1(ev: DetailedEvaluation): Record<string, number> {
  const right = new Map<string, number>();
  const all = new Map<string, number>();
  for (const row of ev.details.classes) {
    const g = groupOf(row.code);
    if (g === undefined || row.support === 0) continue;
    all.set(g, (all.get(g) ?? 0) + row.support);
    right.set(g, (right.get(g) ?? 0) + row.correct);
  }
  return Object.fromEntries([...all].map(([g, n]) => [g, round(right.get(g)! / n)]));
}

/** Categories with at least `minSupport` test papers that the model never answers with. */
export function neverPredicted(ev: DetailedEvaluation, minSupport = NEVER_PREDICTED_MIN_SUPPORT): string[] {
  return ev.details.classes.filter((r) => r.support >= minSupport && r.predicted === 0 && getCategory(r.code)).map((r) => r.code);
}

/** One row of the prior trade-off table. */
export function priorRow(prior: string, ev: DetailedEvaluation): PrimaryModelCard['priors'][number] {
  const s = ev.summary as SingleLabelEvaluation;
  return { prior, top1: round(s.accuracy), macroF1: round(s.macroF1), neverPredicted: neverPredicted(ev).length, groups: groupTop1(ev) };
}

export interface CardInput {
  /** The evaluation under the model's default prior. */
  evaluation: DetailedEvaluation;
  /** Training papers per category (of the model that was tested): primaries, or for a multi-label model every paper carrying it. */
  trainCounts: ReadonlyMap<string, number>;
  evaluationText: string;
  limitations: string[];
}

export function buildModelCard(input: CardInput & { priors: PrimaryModelCard['priors'] }): PrimaryModelCard {
  const { evaluation: ev, trainCounts } = input;
  const s = ev.summary as SingleLabelEvaluation;
  const { trainTotal, trainByGroup } = trainMix(trainCounts);
  const top1 = groupTop1(ev);
  const testByGroup = new Map<string, number>();
  for (const r of ev.details.classes) {
    const g = groupOf(r.code);
    if (g && r.support > 0) testByGroup.set(g, (testByGroup.get(g) ?? 0) + r.support);
  }
  const wrongGroup = new Map<string, number>();
  for (const c of ev.details.groupConfusions ?? []) wrongGroup.set(c.trueGroup, (wrongGroup.get(c.trueGroup) ?? 0) + c.count);
  const groups = [...new Set([...trainByGroup.keys(), ...testByGroup.keys()])]
    .map((g) => {
      const n = testByGroup.get(g) ?? 0;
      return { code: g, name: groupName(g as GroupId), trainShare: round((trainByGroup.get(g) ?? 0) / Math.max(1, trainTotal)), testPapers: n, top1: top1[g] ?? 0, groupAccuracy: n === 0 ? 0 : round(1 - (wrongGroup.get(g) ?? 0) / n) };
    })
    .sort((a, b) => b.trainShare - a.trainShare);
  return {
    evaluation: input.evaluationText,
    testPapers: s.n,
    overall: { top1: round(s.accuracy), top5: round(s.top5), macroF1: round(s.macroF1), groupAccuracy: round(s.groupAccuracy) },
    groups,
    categories: categoryRows(ev.details.classes, trainCounts),
    priors: input.priors,
    limitations: input.limitations,
  };
}

/**
 * A multi-label model's card: every answer scored against every category a paper carries. A
 * group's row pools its categories' answers, so a thin category counts as much as its papers do.
 */
export function buildMultiLabelModelCard(input: CardInput): MultiLabelModelCard {
  const { evaluation: ev, trainCounts } = input;
  const s = ev.summary as MultiLabelEvaluation;
  const { trainTotal, trainByGroup } = trainMix(trainCounts);
  const rowsOf = new Map<string, ClassReportRow[]>();
  for (const r of ev.details.classes) {
    const g = groupOf(r.code);
    if (!g) continue;
    const rows = rowsOf.get(g) ?? [];
    rows.push(r);
    rowsOf.set(g, rows);
  }
  const groups = [...new Set([...trainByGroup.keys(), ...rowsOf.keys()])]
    .map((g) => {
      const rows = rowsOf.get(g) ?? [];
      const counts = (pick: (r: ClassReportRow) => number) => Int32Array.from(rows, pick);
      const { precision, recall, f1 } = precisionRecallF1FromCounts(counts((r) => r.correct), counts((r) => r.predicted), counts((r) => r.support)).micro;
      const testLabels = rows.reduce((n, r) => n + r.support, 0);
      return { code: g, name: groupName(g as GroupId), trainShare: round((trainByGroup.get(g) ?? 0) / Math.max(1, trainTotal)), testLabels, precision: round(precision), recall: round(recall), f1: round(f1) };
    })
    .sort((a, b) => b.trainShare - a.trainShare);
  return {
    task: 'multilabel',
    evaluation: input.evaluationText,
    testPapers: s.n,
    overall: { microF1: round(s.microF1), samplesF1: round(s.samplesF1), precisionAt1: round(s.precisionAt1), macroF1: round(s.macroF1) },
    groups,
    categories: categoryRows(ev.details.classes, trainCounts),
    limitations: input.limitations,
  };
}

function trainMix(trainCounts: ReadonlyMap<string, number>): { trainTotal: number; trainByGroup: Map<string, number> } {
  let trainTotal = 0;
  const trainByGroup = new Map<string, number>();
  for (const [code, n] of trainCounts) {
    trainTotal += n;
    const g = groupOf(code);
    if (g) trainByGroup.set(g, (trainByGroup.get(g) ?? 0) + n);
  }
  return { trainTotal, trainByGroup };
}

function categoryRows(classes: readonly ClassReportRow[], trainCounts: ReadonlyMap<string, number>): PrimaryModelCard['categories'] {
  return classes
    .filter((r) => getCategory(r.code))
    .map((r) => ({ code: r.code, name: r.name, group: r.group, trainPapers: trainCounts.get(r.code) ?? 0, testPapers: r.support, precision: round(r.precision), recall: round(r.recall), f1: round(r.f1) }))
    .sort((a, b) => b.trainPapers - a.trainPapers || a.code.localeCompare(b.code));
}

function round(x: number): number {
  return Number(x.toFixed(4));
}
