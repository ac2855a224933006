import { parseJsonText } from '../base/json-text.js';
import { readFileSync } from 'node:fs';
import { UsageError, UserError } from '../base/errors.js';
import type { Classifier, PriorChoice } from '../models/model.js';
import { checkPriorFor } from '../models/predict-options.js';
import { checkPriorChoice, parsePriorWord } from '../models/prior.js';

/** `--prior`, shared by the commands that classify. */
export const PRIOR_OPTION = { prior: { type: 'string' } } as const;

export const PRIOR_USAGE = `  --prior P       the class mix to assume (primary models): recent (the newest training
                  months; the shipped default leans a tenth of the way from it toward
                  equal classes), corpus (the training data's), balanced (toward equal
                  groups, and within each group toward equal categories half as hard:
                  for physics or maths collections; balanced:X sets the strength, 0 to
                  2 with 1 equal classes, balanced:X:Y the one within groups too), or
                  FILE: a JSON object of categories, archives or groups to shares or
                  counts, e.g. {"physics": 0.6, "math": 0.4}`;

/** The prior `--prior` names: a word, or a JSON file of shares (its errors name the file). */
export function priorOption(value: string | undefined): PriorChoice | undefined {
  if (value === undefined) return undefined;
  let word: PriorChoice | undefined;
  try {
    word = parsePriorWord(value);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
  if (word !== undefined) return word;
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--prior ${value}: not corpus, recent, balanced, balanced:X or balanced:X:Y, and ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : `unreadable (${code ?? (e as Error).message})`}`);
  }
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw new UserError(`${value}: not JSON (${(e as Error).message}); --prior FILE takes an object of category codes to shares, e.g. {"hep-th": 0.3, "math": 0.7}`);
  }
  try {
    // The file may hold the shares alone or the API's form, { "shares": { … } }.
    const shares = json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 1 && 'shares' in json ? json : { shares: json };
    return checkPriorChoice(shares);
  } catch (e) {
    throw new UserError(`${value}: ${(e as Error).message}`);
  }
}

/** Refuses, before any work, a prior the model cannot take (a multi-label or non-linear model, an unknown code). */
export function usablePrior(model: Classifier, prior: PriorChoice): void {
  try {
    checkPriorFor(model, prior);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--${e.message}`);
    throw e;
  }
}
