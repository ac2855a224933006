import { shownValue } from '../base/errors.js';
import { hasSyncPath, type Classifier, type PaperText, type PredictOptions, type PriorChoice } from './model.js';
import { checkPriorChoice } from './prior.js';

/**
 * The checks of what a caller hands a model, in one place, so that the library, the CLI and the
 * HTTP API refuse the same things in the same words (the CLI puts `--` before the option's name).
 */
export function checkPredictOptions(o: PredictOptions | undefined): void {
  if (o === undefined) return;
  if (o === null || typeof o !== 'object') throw new RangeError(`options must be an object, got ${shownValue(o)}`);
  if (o.k !== undefined && !(Number.isInteger(o.k) && o.k >= 1)) throw new RangeError(`k must be an integer >= 1, got ${shownValue(o.k)}`);
  if (o.threshold !== undefined && !(typeof o.threshold === 'number' && o.threshold >= 0 && o.threshold <= 1)) throw new RangeError(`threshold must be a number from 0 to 1, got ${shownValue(o.threshold)}`);
  if (o.explain !== undefined && typeof o.explain !== 'boolean' && !(Number.isInteger(o.explain) && o.explain >= 0)) throw new RangeError(`explain must be true, false or an integer >= 0, got ${shownValue(o.explain)}`);
  if (o.prior !== undefined) checkPriorChoice(o.prior);
}

/** For backends that cannot move their class prior (ONNX, LLM, ensembles): refuse one rather than ignore it. */
export function refusePrior(o: { prior?: unknown } | undefined, backend: string): void {
  if (o?.prior !== undefined) throw new RangeError(`prior applies to linear single-label models, not to the ${backend} backend`);
}

/**
 * Whether `model` can take `prior` (a multi-label or non-linear model cannot, nor shares that
 * name a code it does not predict), found before any work: a RangeError in the library's words.
 */
export function checkPriorFor(model: Classifier, prior: PriorChoice): void {
  if (hasSyncPath(model)) model.predictProba([], { prior });
  else refusePrior({ prior }, model.info.backend);
}

/** A paper to classify: an object whose title or abstract (strings) has text. */
export function checkPaper(p: unknown): asserts p is PaperText {
  checkPaperFields(p);
  if (isBlank(p.title) && isBlank(p.abstract)) throw new RangeError('a paper needs a title or an abstract');
}

/**
 * A paper's shape alone: an object whose title and abstract, where present, are strings. Scoring
 * (predictProba, evaluate) takes a blank paper and gives it the base rates; a number where the
 * title should be is the caller's mistake either way.
 */
export function checkPaperFields(p: unknown): asserts p is PaperText {
  if (p === null || typeof p !== 'object') throw new RangeError(`a paper must be an object with a title or an abstract, got ${shownValue(p)}`);
  const { title, abstract } = p as Record<string, unknown>;
  if (title !== undefined && typeof title !== 'string') throw new RangeError(`a paper's title must be a string, got ${shownValue(title)}`);
  if (abstract !== undefined && abstract !== null && typeof abstract !== 'string') throw new RangeError(`a paper's abstract must be a string, got ${shownValue(abstract)}`);
}

/**
 * A batch to predict, checked whole before any work (a remote backend's answers are paid for):
 * an array of papers, each as `checkPaper` wants it, or `fields` only as `checkPaperFields` does.
 * The message names the paper's place.
 */
export function checkPapers(papers: unknown, fields: 'all' | 'shape' = 'all'): asserts papers is readonly PaperText[] {
  if (!Array.isArray(papers)) throw new RangeError(`papers must be an array, got ${shownValue(papers)}`);
  for (let i = 0; i < papers.length; i++) {
    try {
      if (fields === 'all') checkPaper(papers[i]);
      else checkPaperFields(papers[i]);
    } catch (e) {
      throw new RangeError(`papers[${i}]: ${(e as Error).message}`);
    }
  }
}

/** Absent, or only whitespace; unlike trim(), copies nothing (abstracts are long). */
function isBlank(text: unknown): boolean {
  return typeof text !== 'string' || !/\S/.test(text);
}

