import { readFile } from 'node:fs/promises';
import { DEFAULT_TRAIN_OPTIONS, MAX_ARCHIVE_SHARE, MAX_CROSS_LIST_LOSS, type TrainOptions } from '../models/train.js';
import { MAX_CHAR_NGRAMS, MAX_TITLE_WEIGHT, MIN_TITLE_WEIGHT } from '../text/terms.js';
import { UsageError, UserError } from '../base/errors.js';

/** The TrainOptions that hold numbers (one of them may also be 'auto'). */
type NumericKey = { [K in keyof TrainOptions]-?: NonNullable<TrainOptions[K]> extends number | 'auto' ? K : never }[keyof TrainOptions];

/** The legal values of one numeric option: every bound is inclusive unless marked open. */
interface NumberRule {
  /** The command-line flag; options without one are set only in a --config file. */
  flag?: string;
  integer: boolean;
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  /** A value outside [min, max] that is legal too: the option's 'off'. */
  off?: number;
  /** The word 'auto' is legal too: the learner picks the value (see epochsFor). */
  auto?: boolean;
}

/**
 * One rule per numeric option, applied alike to flags and to --config values: a config file is
 * only another way to give the same options, and what it holds is saved into the model file.
 * Out-of-range values do not fail early by themselves: a zero learning rate trains a model that
 * never moves, a huge one fills the weights with NaN that surface only when the model is saved.
 */
const NUMBER_RULES: Record<NumericKey, NumberRule> = {
  top: { flag: 'top', integer: true, min: 1 },
  minCount: { flag: 'min-count', integer: true, min: 0 },
  balance: { flag: 'balance', integer: true, min: 1 },
  seed: { flag: 'seed', integer: true },
  threads: { flag: 'threads', integer: true, min: 1 },
  epochs: { flag: 'epochs', integer: true, min: 1, auto: true },
  lr: { flag: 'lr', integer: false, min: 0, minOpen: true },
  l2: { flag: 'l2', integer: false, min: 0 },
  ngrams: { flag: 'ngrams', integer: true, min: 1, max: 4 },
  minDf: { flag: 'min-df', integer: true, min: 1 },
  maxFeatures: { flag: 'max-features', integer: true, min: 1 },
  titleWeight: { flag: 'title-weight', integer: false, min: MIN_TITLE_WEIGHT, max: MAX_TITLE_WEIGHT, off: 0 },
  charNgrams: { flag: 'char-ngrams', integer: true, min: 2, max: MAX_CHAR_NGRAMS, off: 0 },
  dropAbstract: { flag: 'drop-abstract', integer: false, min: 0, max: 1, maxOpen: true },
  recentPriorMonths: { flag: 'recent-prior', integer: true, min: 0 },
  recentPriorStrength: { flag: 'recent-prior-strength', integer: false, min: 0, max: 1 },
  crossListLoss: { flag: 'cross-list-loss', integer: false, min: 0, max: MAX_CROSS_LIST_LOSS },
  archiveShare: { flag: 'archive-share', integer: false, min: 0, max: MAX_ARCHIVE_SHARE },
  validFraction: { integer: false, min: 0, minOpen: true, max: 1, maxOpen: true },
  mixesPerEpoch: { integer: true, min: 1 },
  patience: { integer: true, min: 1 },
};

const OTHER_KEYS: readonly (keyof TrainOptions)[] = ['task', 'includeCrossLists', 'classWeight'];

function describe(rule: NumberRule): string {
  let range: string;
  if (rule.integer) {
    range = rule.min === undefined ? 'an integer' : rule.max === undefined ? `an integer >= ${rule.min}` : `an integer from ${rule.min} to ${rule.max}`;
  } else {
    range = rule.max === undefined ? `a number ${rule.minOpen ? '>' : '>='} ${rule.min}` : `in ${rule.minOpen ? '(' : '['}${rule.min}, ${rule.max}${rule.maxOpen ? ')' : ']'}`;
  }
  if (rule.auto) return `'auto' or ${range}`;
  return rule.off === undefined ? range : `${rule.off} (off) or ${range}`;
}

function legal(rule: NumberRule, v: number | string): boolean {
  if (v === 'auto') return rule.auto === true;
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (v === rule.off) return true;
  if (rule.integer && !Number.isSafeInteger(v)) return false;
  if (rule.min !== undefined && (rule.minOpen ? v <= rule.min : v < rule.min)) return false;
  if (rule.max !== undefined && (rule.maxOpen ? v >= rule.max : v > rule.max)) return false;
  return true;
}

/** A `--config` file: a JSON object of TrainOptions, every value checked as its flag would be. */
export async function readTrainConfig(path: string): Promise<Partial<TrainOptions>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not a JSON config (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`${path}: not a JSON config (expected an object of options, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed})`);
  }
  const config = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(config)) {
    const rule = (NUMBER_RULES as Record<string, NumberRule | undefined>)[key];
    if (rule) {
      // String(), not JSON.stringify: 1e999 in the file parses to Infinity, which JSON would print as null.
      if ((typeof value !== 'number' && typeof value !== 'string') || !legal(rule, value)) throw new UsageError(`--config ${path}: "${key}" must be ${describe(rule)}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
    } else if (key === 'includeCrossLists') {
      if (typeof value !== 'boolean') throw new UsageError(`--config ${path}: "${key}" must be true or false, got ${JSON.stringify(value)}`);
    } else if ((OTHER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'string') throw new UsageError(`--config ${path}: "${key}" must be a string, got ${JSON.stringify(value)}`);
    } else {
      throw new UsageError(`--config ${path}: unknown option "${key}" (known: ${[...Object.keys(NUMBER_RULES), ...OTHER_KEYS].join(', ')})`);
    }
  }
  return config as Partial<TrainOptions>;
}

/**
 * Every numeric option: its flag when given, else the config's value, else the default (none
 * for top, minCount and balance, which are off unless set).
 */
export function numericTrainOptions(flags: Record<string, string | boolean | string[] | undefined>, config: Partial<TrainOptions>): Pick<TrainOptions, NumericKey> {
  const out: Partial<Record<NumericKey, number | 'auto'>> = {};
  for (const [key, rule] of Object.entries(NUMBER_RULES) as [NumericKey, NumberRule][]) {
    const raw = rule.flag === undefined ? undefined : flags[rule.flag];
    if (typeof raw === 'string') {
      const v = rule.auto && raw.trim() === 'auto' ? 'auto' : raw.trim() === '' ? NaN : Number(raw);
      if (!legal(rule, v)) throw new UsageError(`--${rule.flag} must be ${describe(rule)}, got "${raw}"`);
      out[key] = v;
    } else {
      out[key] = config[key] ?? DEFAULT_TRAIN_OPTIONS[key];
    }
  }
  return out as Pick<TrainOptions, NumericKey>;
}
