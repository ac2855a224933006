import type { Rng } from '../../corpus/random.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../models/train.js';

/** The learner settings a search may change: numbers and choices in TrainOptions. */
export type TunableKey = 'maxFeatures' | 'epochs' | 'lr' | 'l2' | 'titleWeight' | 'dropAbstract' | 'minDf' | 'ngrams' | 'classWeight';

export type ParameterSpec =
  | { key: TunableKey; kind: 'int'; min: number; max: number; log?: boolean; step?: number }
  | { key: TunableKey; kind: 'float'; min: number; max: number; log?: boolean }
  | { key: TunableKey; kind: 'choice'; values: readonly (number | string)[] };

/** A point of the space: the tuned settings only, as `train --config` reads them. */
export type TunedSettings = Partial<Pick<TrainOptions, TunableKey>>;

/**
 * The default space: ranges around the defaults that measurements on the shared corpus found
 * (docs/benchmarks.md), wide enough to find something better on another corpus or task.
 * `l2` is applied to the rows a paper touches, once per paper, hence the small values.
 */
export const DEFAULT_SEARCH_SPACE: readonly ParameterSpec[] = [
  { key: 'maxFeatures', kind: 'int', min: 20_000, max: 300_000, log: true, step: 1000 },
  { key: 'epochs', kind: 'int', min: 3, max: 10 },
  { key: 'lr', kind: 'float', min: 0.25, max: 4, log: true },
  { key: 'l2', kind: 'choice', values: [0, 1e-6, 1e-5, 1e-4] },
  { key: 'titleWeight', kind: 'float', min: 0.5, max: 4 },
  { key: 'dropAbstract', kind: 'float', min: 0, max: 0.4 },
  { key: 'minDf', kind: 'choice', values: [1, 2, 3, 5] },
  { key: 'ngrams', kind: 'choice', values: [1, 2] },
  { key: 'classWeight', kind: 'choice', values: ['none', 'sqrt'] },
];

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
