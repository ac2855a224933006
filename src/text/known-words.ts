import type { HashIndex } from './hash-index.js';
import { hashString } from './hash.js';
import { STOP_WORDS } from './stop-words.js';
import { TokenSpans } from './tokenize.js';

/** What a text is made of, as a model with a given vocabulary sees it. */
export interface WordCounts {
  /** Word tokens: neither numbers nor formulas. */
  words: number;
  /** Of those, the English function words (stop-words.ts). */
  functionWords: number;
  /** Content words: the others. */
  content: number;
  /** Content words the vocabulary has as a feature of their own. */
  known: number;
}

/**
 * Counts a text's words against a vocabulary, to tell whether a model can read it at all: the
 * reliability signal of a prediction (models/uncertainty.ts). Function words are looked up by
 * hash, so counting allocates nothing per token. The WebAssembly feature counter counts the same
 * words while it counts a paper's features (tools/feature-counter.as.ts; FeatureCounter.wordCounts),
 * so this second pass runs only where it could not: change the two together
 * (test/text/feature-counter.test.ts compares them).
 */
export class KnownWords {
  private readonly spans = new TokenSpans();
  private readonly stopHashes: Set<number>;

  constructor(private readonly vocabulary: HashIndex) {
    this.stopHashes = new Set([...STOP_WORDS].map((w) => hashString(w)));
  }

  count(...texts: (string | undefined)[]): WordCounts {
    const out: WordCounts = { words: 0, functionWords: 0, content: 0, known: 0 };
    for (const text of texts) {
      if (!text) continue;
      const spans = this.spans.scan(text);
      for (let t = 0; t < spans.size; t++) {
        // Numbers and formulas are placeholders, not words (tokenize.ts).
        if (spans.start[t]! < 0) continue;
        out.words++;
        const h = spans.hash(t);
        if (this.stopHashes.has(h)) out.functionWords++;
        else {
          out.content++;
          if (this.vocabulary.get(h) >= 0) out.known++;
        }
      }
    }
    return out;
  }
}
