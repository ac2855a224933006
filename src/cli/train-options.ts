import { readFile } from 'node:fs/promises';
import { DEFAULT_TRAIN_OPTIONS, describeRule, isLegal, THREADS_SETTING, TRAIN_SETTING_KEYS, TRAIN_SETTINGS, type Setting, type TrainOptions } from '../models/linear/train-settings.js';
import { fileErrorText, UsageError, UserError } from '../base/errors.js';
import { parseJsonText } from '../base/json-text.js';

/**
 * `train`'s side of the settings table (models/train-settings.ts): its flags, their help, and
 * `--config` files, every value checked by the same rule. A config file is only another way to give
 * the same options, and what it holds is saved into the model file. Out-of-range values fail here,
 * before reading: a zero learning rate trains a model that never moves, a huge one fills the
 * weights with NaN that surface only when the model is saved.
 */

/** What `--config` holds: the model's settings, and the run's thread count. */
export type TrainConfig = Partial<TrainOptions> & { threads?: number };

type ConfigKey = keyof TrainConfig;
type Entry = readonly [ConfigKey, Setting<unknown>];

/** Every setting `train` takes, in `--help`'s order; the thread count sits beside the seed, as the two together fix the weights. */
const SETTINGS: readonly Entry[] = TRAIN_SETTING_KEYS.flatMap((k): Entry[] => {
  const entry: Entry = [k, TRAIN_SETTINGS[k]];
  return k === 'seed' ? [entry, ['threads', THREADS_SETTING]] : [entry];
});
const CONFIG_KEYS = SETTINGS.map(([k]) => k);

/** The settings that have a flag, in `--help`'s order. */
const FLAGGED = SETTINGS.filter(([, s]) => s.flag !== undefined);

/** The help column where descriptions start. */
const HELP_COLUMN = 23;

/** parseArgs options for every setting's flag. */
export function settingFlags(): Record<string, { type: 'string' } | { type: 'boolean' }> {
  const out: Record<string, { type: 'string' } | { type: 'boolean' }> = {};
  for (const [, s] of FLAGGED) out[s.flag!] = s.rule.kind === 'boolean' ? { type: 'boolean' } : { type: 'string' };
  return out;
}

/** `train --help`'s lines for the settings with a flag. */
export function settingsHelp(): string {
  const lines: string[] = [];
  for (const [, s] of FLAGGED) {
    const left = `  --${s.flag}${s.arg ? ` ${s.arg}` : ''}`;
    const text = (s.help ?? '').replaceAll('{default}', String(s.default)).split('\n');
    lines.push((left.length >= HELP_COLUMN - 1 ? `${left}  ` : left.padEnd(HELP_COLUMN - 1)) + text[0]);
    for (const more of text.slice(1)) lines.push(' '.repeat(HELP_COLUMN - 1) + more);
  }
  return lines.join('\n');
}

/** One flag's text as its setting's value, or a UsageError naming the flag. */
function fromFlag({ rule, flag }: Setting<unknown>, raw: string | boolean): unknown {
  let v: unknown = raw;
  if (typeof raw === 'string' && (rule.kind === 'int' || rule.kind === 'float')) {
    const text = raw.trim();
    v = rule.auto && text === 'auto' ? 'auto' : text === '' ? NaN : Number(text);
  }
  if (!isLegal(rule, v)) throw new UsageError(`--${flag} must be ${describeRule(rule)}, got "${String(raw)}"`);
  return v;
}

/** A `--config` file: a JSON object of settings, every value checked as its flag would be. */
export async function readTrainConfig(path: string): Promise<TrainConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`--config ${path}: ${fileErrorText(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseJsonText(text);
  } catch (e) {
    throw new UserError(`${path}: not a JSON config (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`${path}: not a JSON config (expected an object of options, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed})`);
  }
  const config = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(config)) {
    const setting = SETTINGS.find(([k]) => k === key)?.[1];
    if (!setting) throw new UsageError(`--config ${path}: unknown option "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
    const rule = setting.rule;
    // String(), not JSON.stringify: 1e999 in the file parses to Infinity, which JSON would print as null.
    if (!isLegal(rule, value)) throw new UsageError(`--config ${path}: "${key}" must be ${describeRule(rule)}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
  }
  return config as TrainConfig;
}

/** Every setting, the thread count too: its flag when given, else the config's value, else the default. */
export function trainOptionsFrom(flags: Record<string, unknown>, config: TrainConfig): { options: TrainOptions; threads: number } {
  const out: Record<string, unknown> = { ...DEFAULT_TRAIN_OPTIONS, threads: THREADS_SETTING.default, ...config };
  for (const [key, s] of FLAGGED) {
    const raw = flags[s.flag!];
    if (typeof raw === 'string' || typeof raw === 'boolean') out[key] = fromFlag(s, raw);
  }
  const { threads, ...options } = out;
  return { options: options as unknown as TrainOptions, threads: threads as number };
}

/** The settings given by flag: those a tuned setting must not override. */
export function settingsByFlag(flags: Record<string, unknown>): ConfigKey[] {
  return FLAGGED.filter(([, s]) => flags[s.flag!] !== undefined).map(([k]) => k);
}
