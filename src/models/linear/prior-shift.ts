/**
 * Prior shift toward the newest training months. arXiv's mix of categories drifts (computer
 * science grows, a sampled corpus may lean one way in old months and another in new ones), and a
 * model is used on papers written after its training data: the class prior it should assume is
 * that of the latest months, not the average over every year it saw. A softmax model's
 * log-odds carry the training prior additively, so swapping priors is adding
 *   strength · (ln π_recent(c) − ln π_all(c))
 * to each class's calibrated logit (Saerens et al., 2002, with a strength below 1 because the
 * recent prior is estimated from fewer papers and the drift need not continue at the same pace).
 */

export interface PriorShiftOptions {
  /** Months at the end of the training data whose class mix is taken as current; 0 turns the shift off. */
  months: number;
  /** Share of the log-prior difference applied: 0 none, 1 the full swap. */
  strength: number;
}

export type PriorShiftResult =
  | {
      /** Added to each class's logit after temperature scaling. */
      shift: Float32Array;
      /** Papers in the recent window, and the window as YYYYMM months (inclusive). */
      papers: number;
      from: number;
      to: number;
    }
  | { skipped: string };

/** Recent windows smaller than this (or than 10 papers a class) give a prior too noisy to trust. */
const MIN_WINDOW_PAPERS = 1000;

/**
 * The logit shift from the whole training set's class prior to that of its last `months` months.
 * `months[i]` is paper i's submission month as YYYYMM (undefined or 0 when unknown: counted in the
 * overall prior, never in the window); `labels[i]` its class index. Counts are add-one smoothed.
 */
export function recentPriorShift(months: ArrayLike<number | undefined>, labels: ArrayLike<number>, classes: number, options: PriorShiftOptions): PriorShiftResult {
  if (options.months <= 0 || options.strength === 0) return { skipped: 'turned off' };
  let newest = -1;
  for (let i = 0; i < months.length; i++) {
    const m = months[i];
    if (m !== undefined && m > newest) newest = m;
  }
  if (newest < 0) return { skipped: 'no training paper has a date or a dated arXiv id' };
  const monthIndex = (yyyymm: number) => Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1;
  const first = monthIndex(newest) - options.months + 1;
  const all = new Float64Array(classes);
  const recent = new Float64Array(classes);
  let nAll = 0;
  let nRecent = 0;
  let papersInWindow = 0;
  for (let i = 0; i < labels.length; i++) {
    const m = months[i];
    // 0 is an unknown month, as in a typed array of months.
    const inWindow = m !== undefined && m > 0 && monthIndex(m) >= first;
    if (inWindow) papersInWindow++;
    const c = labels[i]!;
    all[c]!++;
    nAll++;
    if (inWindow) {
      recent[c]!++;
      nRecent++;
    }
  }
  const needed = Math.max(MIN_WINDOW_PAPERS, 10 * classes);
  if (papersInWindow < needed) return { skipped: `only ${papersInWindow} papers in the last ${options.months} months (needs ${needed})` };
  const shift = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    const pRecent = (recent[c]! + 1) / (nRecent + classes);
    const pAll = (all[c]! + 1) / (nAll + classes);
    shift[c] = options.strength * Math.log(pRecent / pAll);
  }
  return { shift, papers: papersInWindow, from: Math.floor(first / 12) * 100 + (first % 12) + 1, to: newest };
}
