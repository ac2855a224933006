/**
 * English function words: they carry no subject, so explanations leave them out, and their share
 * of a text's words is how we tell English prose from other languages and from noise (real
 * abstracts are about a third function words). Lower case, as the tokenizer folds text.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also although am among an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each either few for from further had has have having he her here hers him his how however i if in into ' +
    'is it its itself just may me might more most much must my neither no nor not now of off on once only or other our ours out over own per ' +
    'same she should since so some such than that the their theirs them then there these they this those though through thus to too under ' +
    'until up upon us very via was we were what when where whether which while who whom whose why will with within without would yet you your'
  ).split(' '),
);

/** Tokens that stand for what a text had at their place (tokenize.ts): a number, a formula. */
export const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set(['#', '$math$']);

/** A term (a word or a space-joined n-gram) made only of function words and placeholders. */
export function isFunctionTerm(term: string): boolean {
  for (const word of term.split(' ')) if (!STOP_WORDS.has(word) && !PLACEHOLDER_TOKENS.has(word)) return false;
  return true;
}
