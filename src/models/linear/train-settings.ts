import { LABEL_TASKS, type LabelTask } from '../../corpus/labels.js';
import { defaultThreads, MAX_THREADS } from '../../parallel/threads.js';
import { DEFAULT_TERM_OPTIONS, MAX_CHAR_NGRAMS, MAX_TITLE_WEIGHT, MIN_TITLE_WEIGHT } from '../../text/terms.js';
import { DEFAULT_VOCABULARY_OPTIONS } from '../../text/vocabulary.js';

/** Hyperparameters as plain data: what `train --config` reads and a model file records. */
export interface TrainOptions {
  task: LabelTask;
  top?: number;
  minCount?: number;
  balance?: number;
  includeCrossLists?: boolean;
  seed: number;
  ngrams: number;
  titleWeight: number;
  /** Character n-grams of each word as features too (see TermOptions.charNgrams); 0 = off. */
  charNgrams: number;
  minDf: number;
  maxFeatures: number;
  /** Passes over the training papers, or 'auto' (see AUTO_EPOCHS): as many as the corpus size calls for. */
  epochs: number | 'auto';
  /** Initial learning rate, decayed linearly to 0 over all epochs. */
  lr: number;
  l2: number;
  /** Probability of training on the title alone (seed notebook 001 uses 0.2). */
  dropAbstract: number;
  /** 'auto': sqrt for multilabel, none for primary and group (classWeightFor). */
  classWeight: 'auto' | 'none' | 'balanced' | 'sqrt';
  /** Share of the training papers held out for early stopping and calibration when no valid set is given. */
  validFraction: number;
  /** Weight averages per epoch across threads: more is closer to sequential SGD, each costs one pass over the weights. */
  mixesPerEpoch: number;
  /**
   * Stop when the validation score has not improved for this many epochs. Single-label models are
   * scored by log-loss, their objective: on a few thousand papers accuracy moves by a handful of
   * papers from epoch to epoch, so it sometimes kept an earlier epoch whose loss, top-5 and
   * macro-F1 were worse. One-vs-rest models keep P@1: their summed binary loss is mostly the
   * many labels a paper does not have, and it says little about which labels cross the thresholds.
   */
  patience: number;
  /** Single-label tasks: assume the class mix of the newest this-many training months (0: off; see models/prior.ts). */
  recentPriorMonths: number;
  /** How much of the move to the recent class mix to apply (0 to 1). */
  recentPriorStrength: number;
  /** Single-label tasks: the class mix predictions assume unless the caller names one (prior.ts). */
  defaultPrior: 'recent' | 'corpus' | 'balanced';
  /** Strength of `balanced` (0: the training mix, 1: equal classes) when the caller names none. */
  balancedPrior: number;
  /** With defaultPrior 'recent': how far the default moves from the recent mix toward equal classes (0: not at all). */
  defaultBalance: number;
  /**
   * Single-label tasks: weight of a second, one-vs-rest loss on the same weights over all of a
   * paper's categories, cross-lists included (0 = off). The softmax learns from primaries alone;
   * this lets a category that is more often a cross-list than a primary learn from every paper
   * that carries it, which lifts it into the top few for papers like those.
   */
  crossListLoss: number;
  /** Single-label tasks: each category's gradient also takes this share of its archive's summed gradient (0 = off; sgd.ts, ArchiveShare). */
  archiveShare: number;
}

/** The legal values of a setting. Number bounds are inclusive unless marked open. */
export type SettingRule =
  | {
      kind: 'int' | 'float';
      min?: number;
      minOpen?: boolean;
      max?: number;
      maxOpen?: boolean;
      /** A value outside [min, max] that is legal too: the setting's 'off'. */
      off?: number;
      /** The word 'auto' is legal too: the learner picks the value. */
      auto?: boolean;
    }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'boolean' };

/** Where a hyperparameter search draws a setting from (evaluation/tuning/search-space.ts). */
export type TuneRange =
  | { kind: 'int'; min: number; max: number; log?: boolean; step?: number }
  | { kind: 'float'; min: number; max: number; log?: boolean }
  | { kind: 'choice'; values: readonly (number | string)[] };

/** Everything known about one setting, in one place. */
export interface Setting<V> {
  rule: SettingRule;
  /** undefined: off unless set. */
  default: V;
  /** The command-line flag (without --); absent: set only in a --config file. */
  flag?: string;
  /** How `--help` names the value (N, X…); absent for a boolean flag. */
  arg?: string;
  /** `train --help`'s text, lines joined by \n; `{default}` stands for the default. */
  help?: string;
  /** Searched by `tune` and `train --time-budget`, over this range. */
  tune?: TuneRange;
}

/** Beyond these the extra losses swamp the softmax they are there to help (models/README.md). */
export const MAX_CROSS_LIST_LOSS = 10;
export const MAX_ARCHIVE_SHARE = 2;

/**
 * Every training setting: its rule, default, flag, help and search range. The library's defaults
 * and checks, `train`'s flags, help and `--config` checks, and the search space are all read from
 * here, so a new setting is one entry. The order is `--help`'s, and the searched settings keep the
 * order the search draws them in.
 */
export const TRAIN_SETTINGS: { readonly [K in keyof TrainOptions]-?: Setting<TrainOptions[K]> } = {
  task: { rule: { kind: 'choice', values: LABEL_TASKS }, default: 'primary', flag: 'task', arg: 'T', help: 'primary (default), multilabel or group' },
  top: { rule: { kind: 'int', min: 1 }, default: undefined, flag: 'top', arg: 'N', help: 'keep the N most frequent classes' },
  minCount: { rule: { kind: 'int', min: 0 }, default: undefined, flag: 'min-count', arg: 'N', help: "fold classes with fewer papers into their archive, then 'other'" },
  balance: { rule: { kind: 'int', min: 1 }, default: undefined, flag: 'balance', arg: 'N', help: 'at most N papers per class (seeded)' },
  includeCrossLists: { rule: { kind: 'boolean' }, default: undefined, flag: 'include-cross-lists', help: 'count cross-lists when ranking and folding classes' },
  seed: { rule: { kind: 'int' }, default: 1, flag: 'seed', arg: 'N', help: 'random seed (default {default})' },
  maxFeatures: {
    rule: { kind: 'int', min: 1 },
    default: DEFAULT_VOCABULARY_OPTIONS.maxFeatures,
    flag: 'max-features',
    arg: 'N',
    help: 'vocabulary size cap (default {default})',
    tune: { kind: 'int', min: 20_000, max: 300_000, log: true, step: 1000 },
  },
  epochs: {
    rule: { kind: 'int', min: 1, auto: true },
    default: 'auto',
    flag: 'epochs',
    arg: 'N|auto',
    help: 'passes over the data (default auto: 5 up to 1M training\npapers; past that fewer, about 5M papers seen, never under 3)',
    tune: { kind: 'int', min: 3, max: 10 },
  },
  // Measured on the shared corpus's time split (docs/benchmarks.md): lr 2 over 5 passes beats 0.5
  // over 6 on top-1, top-5, macro-F1 and multi-label F1, and trains faster (sharper softmax, fewer
  // classes to update per paper).
  lr: { rule: { kind: 'float', min: 0, minOpen: true }, default: 2, flag: 'lr', arg: 'X', help: 'initial learning rate (default {default})', tune: { kind: 'float', min: 0.25, max: 4, log: true } },
  // Applied to the rows a paper touches, once per paper, hence the small values searched.
  l2: { rule: { kind: 'float', min: 0 }, default: 0, flag: 'l2', arg: 'X', help: 'L2 penalty (default {default})', tune: { kind: 'choice', values: [0, 1e-6, 1e-5, 1e-4] } },
  titleWeight: {
    rule: { kind: 'float', min: MIN_TITLE_WEIGHT, max: MAX_TITLE_WEIGHT, off: 0 },
    default: DEFAULT_TERM_OPTIONS.titleWeight,
    flag: 'title-weight',
    arg: 'X',
    help: 'title term weight, 0 (titles ignored) or 0.001–1000 (default {default})',
    tune: { kind: 'float', min: 0.5, max: 4 },
  },
  dropAbstract: {
    rule: { kind: 'float', min: 0, max: 1, maxOpen: true },
    default: 0.2,
    flag: 'drop-abstract',
    arg: 'P',
    help: 'train on the title alone with probability P (default {default})',
    tune: { kind: 'float', min: 0, max: 0.4 },
  },
  minDf: { rule: { kind: 'int', min: 1 }, default: DEFAULT_VOCABULARY_OPTIONS.minDf, flag: 'min-df', arg: 'N', help: 'drop terms in fewer papers (default {default})', tune: { kind: 'choice', values: [1, 2, 3, 5] } },
  ngrams: { rule: { kind: 'int', min: 1, max: 4 }, default: DEFAULT_TERM_OPTIONS.ngrams, flag: 'ngrams', arg: 'N', help: 'longest word n-gram (default {default})', tune: { kind: 'choice', values: [1, 2] } },
  classWeight: {
    rule: { kind: 'choice', values: ['auto', 'none', 'sqrt', 'balanced'] },
    default: 'auto',
    flag: 'class-weight',
    arg: 'W',
    help: 'auto (default: sqrt for multilabel, none otherwise), none, sqrt or\nbalanced',
    tune: { kind: 'choice', values: ['none', 'sqrt'] },
  },
  // Off: on the S2 split (models/README.md) 4-grams raised macro-F1 by 3 points and top-1 by 0.24,
  // but training took twice as long and scoring ran at half the speed.
  charNgrams: {
    rule: { kind: 'int', min: 2, max: MAX_CHAR_NGRAMS, off: 0 },
    default: 0,
    flag: 'char-ngrams',
    arg: 'N',
    help: "also each word's character N-grams, 2 to 8 (default {default} = off;\n4 is more accurate, see models/README.md, and twice as slow)",
  },
  // Chosen on an earlier time split of the shared corpus (train ≤ 2601, test 2602–2603), never on
  // the benchmark's test months: 3 months at half strength raised top-1 there from 0.719 to 0.728.
  recentPriorMonths: {
    rule: { kind: 'int', min: 0 },
    default: 3,
    flag: 'recent-prior',
    arg: 'N',
    help: 'primary/group: assume the class mix of the newest N months of TRAIN\nrather than of all of it (default {default}; 0 = off)',
  },
  recentPriorStrength: { rule: { kind: 'float', min: 0, max: 1 }, default: 0.5, flag: 'recent-prior-strength', arg: 'X', help: 'how far to move toward that mix, 0 to 1 (default {default})' },
  defaultPrior: {
    rule: { kind: 'choice', values: ['recent', 'corpus', 'balanced'] },
    default: 'recent',
    flag: 'default-prior',
    arg: 'P',
    help: 'primary/group: the class mix predictions assume unless told otherwise\n(--prior): recent (default), corpus or balanced',
  },
  // Chosen on the S2 split (models/README.md, "Class priors"), never on the benchmark's test months:
  // a tenth of the way toward equal classes cost 0.05 point of top-1 there and gave 1.1 points of
  // macro-F1; 0.2 cost 0.2 point. The default flattens groups and the categories within them
  // alike. `balanced` itself is for collections that are not our mix: 0.7 (within groups 0.35)
  // is the strongest whose top-1 on S2's CS-heavy test months stays half a point above 0.70.
  defaultBalance: {
    rule: { kind: 'float', min: 0, max: 1 },
    default: 0.1,
    flag: 'default-balance',
    arg: 'X',
    help: 'with --default-prior recent: move the default this far from the recent\nmix toward equal classes, 0 to 1 (default {default})',
  },
  balancedPrior: {
    rule: { kind: 'float', min: 0, max: 2 },
    default: 0.7,
    flag: 'balanced-prior',
    arg: 'X',
    help: "strength of --prior balanced between groups, 0 (the training mix) to 1 (equal\ngroups); within a group half as strong (default {default})",
  },
  // Both chosen on the S2 split (models/README.md, "Cross-lists and archives in training"): together
  // they raised top-1 there by 0.35 points, top-5 by 0.4 and macro-F1 by 3.9 (mean of two seeds).
  // A cross-list weight of 0.5 gave 0.05 more top-5 and 0.2 less top-1.
  crossListLoss: {
    rule: { kind: 'float', min: 0, max: MAX_CROSS_LIST_LOSS },
    default: 0.25,
    flag: 'cross-list-loss',
    arg: 'X',
    help: 'primary/group: also learn every category a paper carries, cross-lists\ntoo, in a one-vs-rest loss of this weight, 0 to 10 (default {default}; 0 = off)',
  },
  archiveShare: {
    rule: { kind: 'float', min: 0, max: MAX_ARCHIVE_SHARE },
    default: 0.25,
    flag: 'archive-share',
    arg: 'X',
    help: "each category also learns from this share of its archive's gradient,\n0 to 2 (default {default}; 0 = off)",
  },
  validFraction: { rule: { kind: 'float', min: 0, minOpen: true, max: 1, maxOpen: true }, default: 0.05 },
  mixesPerEpoch: { rule: { kind: 'int', min: 1 }, default: 2 },
  patience: { rule: { kind: 'int', min: 1 }, default: 2 },
};

export type TrainSettingKey = keyof TrainOptions;

/**
 * Training's thread count: how a run uses the machine (TrainRun), not a hyperparameter, so no
 * model file records it and no search tries it. Threads average their weights between passes,
 * so the same seed and thread count give the same model.
 */
export const THREADS_SETTING: Setting<number> = { rule: { kind: 'int', min: 1, max: MAX_THREADS }, default: defaultThreads(), flag: 'threads', arg: 'N', help: 'worker threads (default: all cores, {default} here)' };

/** The settings in table order. */
export const TRAIN_SETTING_KEYS = Object.keys(TRAIN_SETTINGS) as TrainSettingKey[];

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = Object.fromEntries(
  TRAIN_SETTING_KEYS.filter((k) => TRAIN_SETTINGS[k].default !== undefined).map((k) => [k, TRAIN_SETTINGS[k].default]),
) as unknown as TrainOptions;

/** What a rule allows, as the end of "X must be …". */
export function describeRule(rule: SettingRule): string {
  if (rule.kind === 'boolean') return 'true or false';
  if (rule.kind === 'choice') return `one of ${rule.values.join(', ')}`;
  let range: string;
  if (rule.kind === 'int') {
    range = rule.min === undefined ? 'an integer' : rule.max === undefined ? `an integer >= ${rule.min}` : `an integer from ${rule.min} to ${rule.max}`;
  } else {
    range = rule.max === undefined ? `a number ${rule.minOpen ? '>' : '>='} ${rule.min}` : `in ${rule.minOpen ? '(' : '['}${rule.min}, ${rule.max}${rule.maxOpen ? ')' : ']'}`;
  }
  if (rule.auto) return `'auto' or ${range}`;
  return rule.off === undefined ? range : `${rule.off} (off) or ${range}`;
}

/** Whether `v` is a legal value under `rule`. */
export function isLegal(rule: SettingRule, v: unknown): boolean {
  if (rule.kind === 'boolean') return typeof v === 'boolean';
  if (rule.kind === 'choice') return typeof v === 'string' && rule.values.includes(v);
  if (v === 'auto') return rule.auto === true;
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (v === rule.off) return true;
  if (rule.kind === 'int' && !Number.isSafeInteger(v)) return false;
  if (rule.min !== undefined && (rule.minOpen ? v <= rule.min : v < rule.min)) return false;
  if (rule.max !== undefined && (rule.maxOpen ? v >= rule.max : v > rule.max)) return false;
  return true;
}

/** Throws a RangeError naming the first setting of `o` that breaks its rule (unset optional ones pass). */
export function checkTrainOptions(o: Partial<TrainOptions>): void {
  // A misspelt option (`epoch` for `epochs`) would otherwise train with the default, silently.
  for (const key of Object.keys(o)) {
    if (!(TRAIN_SETTING_KEYS as readonly string[]).includes(key)) throw new RangeError(`unknown training option "${key}"; the options are ${TRAIN_SETTING_KEYS.join(', ')}`);
  }
  for (const key of TRAIN_SETTING_KEYS) {
    const v = o[key];
    if (v !== undefined) checkSetting(key, TRAIN_SETTINGS[key].rule, v);
  }
}

/** Throws a RangeError naming the setting when `v` breaks its rule. */
export function checkSetting(name: string, rule: SettingRule, v: unknown): void {
  if (!isLegal(rule, v)) throw new RangeError(`${name} must be ${describeRule(rule)}, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
}

/**
 * What `classWeight: 'auto'` means, measured per task on both time splits (models/README.md,
 * "Class priors" and "Class weights for the multi-label model"): a one-vs-rest model whose rare
 * labels' positives weigh 1/√share answers them at all (categories of the test months never
 * answered: 33 to 7 on S2) and scores higher on micro-, samples- and macro-F1; a softmax model
 * scored lower with any weighting, at every prior.
 */
export function classWeightFor(o: Pick<TrainOptions, 'classWeight' | 'task'>): Exclude<TrainOptions['classWeight'], 'auto'> {
  if (o.classWeight !== 'auto') return o.classWeight;
  return o.task === 'multilabel' ? 'sqrt' : 'none';
}

/**
 * What `epochs: 'auto'` means: 5 passes (measured best on the shared corpus's time split: lr 2
 * over 5 passes beats 0.5 over 6) up to 1M training papers; past that, as many as keep the papers
 * SGD sees near 5M, never fewer than 3. SGD is most of training's time and grows with papers ×
 * passes, and a bigger corpus needs fewer passes: on the learner split, 3 passes lost 2.8 points of
 * macro-F1 to 5 at 130k training papers but 0.7 at 261k, with the same top-1 (models/README.md,
 * "Passes and corpus size").
 */
export const AUTO_EPOCHS = { passes: 5, fewest: 3, papersSeen: 5_000_000 } as const;

/** The passes training makes over `papers` training papers. */
export function epochsFor(epochs: TrainOptions['epochs'], papers: number): number {
  if (epochs !== 'auto') return epochs;
  const fit = Math.round(AUTO_EPOCHS.papersSeen / Math.max(1, papers));
  return Math.min(AUTO_EPOCHS.passes, Math.max(AUTO_EPOCHS.fewest, fit));
}
