import type { PaperRecord } from '../../corpus/record.js';

/**
 * What a learner reads of a paper: the part of the text and how it is cleaned beforehand.
 *
 * A variant is applied to the papers themselves, before training and before evaluation, so the
 * learner, the model file and every metric stay unaware of it: a model trained on a variant is an
 * ordinary model whose training papers happened to look different. That is also how seed
 * notebook 002 ran its comparison (it rebuilt the input column and re-ran one pipeline).
 */
export type TextSource = 'title' | 'abstract' | 'title+abstract';

/**
 * - `stopwords`: drop common English function words (notebooks 002 and 003 used NLTK's list).
 * - `letters`: hyphens become spaces, then everything but ASCII letters and whitespace goes
 *   (notebook 002's `clean_english` without its dictionary filter; notebook 004's regex).
 * - `lowercase`: case folding (our tokenizer folds case anyway; kept for notebook 003's recipe).
 */
export type Cleaning = 'stopwords' | 'letters' | 'lowercase';

export const TEXT_SOURCES: readonly TextSource[] = ['title', 'abstract', 'title+abstract'];
export const CLEANINGS: readonly Cleaning[] = ['stopwords', 'letters', 'lowercase'];

export interface TextVariant {
  source: TextSource;
  /** Applied in order to both title and abstract. */
  cleaning?: readonly Cleaning[];
}

/**
 * English function words. Written for this project (not NLTK's or scikit-learn's list): pronouns,
 * determiners, auxiliaries, prepositions and conjunctions, none of which tells one field of
 * science from another.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves also may might must shall us upon via whether within without thus hence
therefore however yet`.split(/\s+/),
);

function removeStopWords(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w.toLowerCase().replace(/^[^a-z]+|[^a-z]+$/g, '')))
    .join(' ');
}

function lettersOnly(text: string): string {
  return text
    .replace(/-/g, ' ')
    .replace(/[^A-Za-z\s]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One cleaning step on one string. */
export function cleanText(text: string, cleaning: Cleaning): string {
  switch (cleaning) {
    case 'stopwords':
      return removeStopWords(text);
    case 'letters':
      return lettersOnly(text);
    case 'lowercase':
      return text.toLowerCase();
  }
}

/**
 * The papers as the variant presents them: the unused field is emptied (an abstract-only paper
 * has an empty title, so the title weight cannot favour anything), then each cleaning step runs.
 * Ids, categories and dates are untouched, so splits and labels are the same for every variant.
 */
export function applyTextVariant(papers: readonly PaperRecord[], variant: TextVariant): PaperRecord[] {
  const steps = variant.cleaning ?? [];
  const clean = (s: string) => steps.reduce((t, c) => cleanText(t, c), s);
  return papers.map((p) => ({
    ...p,
    title: variant.source === 'abstract' ? '' : clean(p.title),
    abstract: variant.source === 'title' ? '' : clean(p.abstract),
  }));
}

/** Short name for tables: `abstract`, `abstract, stopwords removed`, ... */
export function describeTextVariant(v: TextVariant): string {
  const names: Record<Cleaning, string> = { stopwords: 'stop words removed', letters: 'letters only', lowercase: 'lowercased' };
  const steps = v.cleaning ?? [];
  return steps.length === 0 ? v.source : `${v.source}, ${steps.map((c) => names[c]).join(', ')}`;
}
