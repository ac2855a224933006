/**
 * How member probabilities are pooled. `mean` averages them (the members vote). `product` takes
 * their weighted geometric mean, so a label must be likely under every member to score high: a
 * multi-label member's per-category probability then acts as a second opinion on whether a
 * category fits the paper at all, which re-ranks a primary model's runners-up.
 */
export const COMBINE_RULES = ['mean', 'product'] as const;
export type CombineRule = (typeof COMBINE_RULES)[number];

export interface EnsembleBackendOptions {
  /** Each member: a model file, a folder with model.onnx, or `llm` (then `llm` options apply). */
  members: string[];
  weights?: number[];
  /** Labelled papers on which to tune the weights. */
  valid?: string;
  /** How member probabilities are pooled (default `mean`). */
  combine?: CombineRule;
  /** Single-label product pools: a temperature fitted earlier (see `Ensemble.tune`), instead of refitting it on `valid`. */
  temperature?: number;
}
