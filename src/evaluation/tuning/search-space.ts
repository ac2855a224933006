import type { Rng } from '../../corpus/random.js';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_SETTING_KEYS, TRAIN_SETTINGS, type TrainOptions, type TuneRange } from '../../models/linear/train-settings.js';

/** The learner settings a search may change: any training setting (the default space names some). */
export type TunableKey = keyof TrainOptions;

export type ParameterSpec = { key: TunableKey } & TuneRange;

/** A point of the space: the tuned settings only, as `train --config` reads them. */
export type TunedSettings = Partial<TrainOptions>;

/**
 * The default space: the settings whose entry in TRAIN_SETTINGS has a search range, ranges around
 * the defaults that measurements on the shared corpus found (docs/benchmarks.md), wide enough to
 * find something better on another corpus or task.
 */
export const DEFAULT_SEARCH_SPACE: readonly ParameterSpec[] = TRAIN_SETTING_KEYS.flatMap((key) => {
  const range = TRAIN_SETTINGS[key].tune;
  return range ? [{ key, ...range }] : [];
});

function round(v: number, digits: number): number {
  return Number(v.toPrecision(digits));
}

function draw(spec: ParameterSpec, rng: Rng): number | string {
  if (spec.kind === 'choice') return spec.values[Math.floor(rng() * spec.values.length)]!;
  const u = rng();
  const x = spec.log ? Math.exp(Math.log(spec.min) + u * (Math.log(spec.max) - Math.log(spec.min))) : spec.min + u * (spec.max - spec.min);
  if (spec.kind === 'float') return round(x, 3);
  const step = spec.step ?? 1;
  return Math.min(spec.max, Math.max(spec.min, Math.round(x / step) * step));
}

/** One random point of the space. */
export function sampleSettings(space: readonly ParameterSpec[], rng: Rng): TunedSettings {
  const out: Record<string, number | string> = {};
  for (const spec of space) out[spec.key] = draw(spec, rng);
  return out as TunedSettings;
}

/** The learner's defaults restricted to the space: the first trial, so tuning never loses to them. */
export function defaultSettings(space: readonly ParameterSpec[]): TunedSettings {
  const out: Record<string, unknown> = {};
  for (const spec of space) out[spec.key] = DEFAULT_TRAIN_OPTIONS[spec.key];
  return out as TunedSettings;
}
