/**
 * When a prediction should not be trusted. A linear model gives every text a distribution over
 * classes, also a text it cannot read: garbage, another language, numbers. Those answers fall back
 * on the base rates and look confident in a bar chart. Three signals catch them, each cheap and
 * each with a reason a person understands:
 * - the share of the text's content words that are in the model's vocabulary;
 * - whether it reads as English prose (function words are about a third of an abstract's words);
 * - how far the answer moved from the base rates (the model's answer to an empty text).
 * The thresholds were set on the shipped model so that about 99.5% of real abstracts pass and
 * generated garbage, non-English and number-only texts do not (test/models/uncertainty.test.ts).
 */
import type { WordCounts } from '../text/known-words.js';
import type { Uncertainty } from './model.js';

/** Below this share of known content words the model is mostly guessing. */
export const MIN_KNOWN_SHARE = 0.5;
/** Texts of at least this many words are long enough to judge as prose. */
const PROSE_WORDS = 12;
/** An English abstract has far more function words than this share; other languages far fewer. */
const MIN_FUNCTION_SHARE = 0.06;
/** KL divergence (nats) of the answer from the base rates below which the text told the model nothing. */
export const MIN_BASE_RATE_DISTANCE = 0.1;

export function uncertaintyOf(counts: WordCounts, baseRateDistance: number): Uncertainty | undefined {
  const knownWords = counts.content === 0 ? 0 : counts.known / counts.content;
  const at = (reason: string): Uncertainty => ({ reason, knownWords: Number(knownWords.toFixed(3)) });
  if (counts.known === 0) return at(counts.words === 0 ? 'the text has no words, only numbers, formulas, symbols or single letters' : 'the model knows none of the words of this text');
  if (knownWords < MIN_KNOWN_SHARE) return at(`the model knows only ${Math.round(knownWords * 100)}% of the words of this text`);
  if (counts.words >= PROSE_WORDS && counts.functionWords / counts.words < MIN_FUNCTION_SHARE) return at('the text does not read as English prose; the model was trained on English abstracts');
  if (baseRateDistance < MIN_BASE_RATE_DISTANCE) return at('the answer is hardly different from the base rates: the text says little about its field');
  return undefined;
}

/** Known features and distance from the base rates that only a readable text reaches (see clearlyReadable). */
const READABLE_FEATURES = 40;
const READABLE_DISTANCE = 1;

/**
 * A text with many known features (words and word pairs) whose answer moved far from the base
 * rates is one the model reads: it is never flagged, whatever its share of function words, and
 * where the feature counter could not count its words (no WebAssembly, a very long field) they
 * need no second tokenisation. Garbage, other languages and numbers have few known features
 * (test/models/uncertainty.test.ts checks they are still flagged).
 */
export function clearlyReadable(knownFeatures: number, baseRateDistance: number): boolean {
  return knownFeatures >= READABLE_FEATURES && baseRateDistance >= READABLE_DISTANCE;
}

/** KL(p ‖ q) in nats, over the entries where p > 0. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi > 0) d += pi * Math.log(pi / Math.max(q[i]!, 1e-300));
  }
  return d;
}
