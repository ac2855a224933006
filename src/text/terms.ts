import { combineHash, FNV_OFFSET, FNV_PRIME, fmix32 } from './hash.js';
import { TokenSpans } from './tokenize.js';

/** How a paper's text becomes weighted n-gram terms; stored in the model file. */
export interface TermOptions {
  /** Longest word n-gram (1 = unigrams, 2 = + bigrams). */
  ngrams: number;
  /** Counts of title terms are multiplied by this: a title word says more than an abstract word. */
  titleWeight: number;
  /**
   * Also the character n-grams of this length of each word, with '<' and '>' marking its ends
   * ("graph" at 4: "<gra", "grap", "raph", "aph>"); 0 or absent = none. Words shorter than this
   * give none.
   */
  charNgrams?: number;
}

export const DEFAULT_TERM_OPTIONS: TermOptions = { ngrams: 2, titleWeight: 2 };

/**
 * A title weight is 0 (titles ignored) or in [MIN_TITLE_WEIGHT, MAX_TITLE_WEIGHT]: far below the
 * minimum a title term's float32 count rounds to nothing and reads as "not seen"; past about 1e30
 * title terms overflow float32 features, and long before that the abstract stops counting.
 */
export const MIN_TITLE_WEIGHT = 0.001;
export const MAX_TITLE_WEIGHT = 1000;
/** Longest character n-grams a model may use. */
export const MAX_CHAR_NGRAMS = 8;

/**
 * Per-document term counts in a reusable open-addressing table, so counting allocates nothing
 * per paper. After `count`, `size` unique hashes sit in `hashes[0..size)` with weights in `tf`.
 */
export class TermCounter {
  hashes = new Uint32Array(4096);
  tf = new Float32Array(4096);
  size = 0;
  private slots = new Int32Array(8192).fill(-1);
  /** Slot of each entry, so clearing touches only used slots (probing chains stay intact). */
  private slotOfEntry = new Int32Array(4096);
  private mask = 8191;
  private readonly terms: TermHasher;

  constructor(readonly options: TermOptions) {
    this.terms = new TermHasher(options.ngrams, options.charNgrams ?? 0);
  }

  /** `afterTitle` sees the counter holding the title's terms alone (as `count(title, '')` would). */
  count(title: string, abstract: string, afterTitle?: (c: this) => void): this {
    this.clear();
    this.addField(title, this.options.titleWeight);
    afterTitle?.(this);
    this.addField(abstract, 1);
    return this;
  }

  private clear(): void {
    for (let k = 0; k < this.size; k++) this.slots[this.slotOfEntry[k]!] = -1;
    this.size = 0;
  }

  /** The slot holding `h`, or the empty slot where it would go. */
  private slotOf(h: number): number {
    let s = h & this.mask;
    for (;;) {
      const at = this.slots[s]!;
      if (at < 0 || this.hashes[at] === h) return s;
      s = (s + 1) & this.mask;
    }
  }

  private add(h: number, w: number): void {
    const s = this.slotOf(h);
    const at = this.slots[s]!;
    if (at >= 0) {
      this.tf[at]! += w;
      return;
    }
    if (this.size === this.hashes.length) this.grow();
    const free = this.slotOf(h);
    this.slots[free] = this.size;
    this.slotOfEntry[this.size] = free;
    this.hashes[this.size] = h;
    this.tf[this.size] = w;
    this.size++;
  }

  private grow(): void {
    const n = this.hashes.length * 2;
    const h = new Uint32Array(n);
    h.set(this.hashes);
    const t = new Float32Array(n);
    t.set(this.tf);
    this.hashes = h;
    this.tf = t;
    this.slotOfEntry = new Int32Array(n);
    this.slots = new Int32Array(n * 2).fill(-1);
    this.mask = n * 2 - 1;
    for (let k = 0; k < this.size; k++) {
      const free = this.slotOf(this.hashes[k]!);
      this.slots[free] = k;
      this.slotOfEntry[k] = free;
    }
  }

  private addField(text: string, weight: number): void {
    if (!text || weight <= 0) return;
    const n = this.terms.hash(text);
    const h = this.terms.hashes;
    for (let k = 0; k < n; k++) this.add(h[k]!, weight);
  }
}

/** Word-boundary marks around a word for its character n-grams. */
const OPEN = 60; // '<'
const CLOSE = 62; // '>'
/** Mixed into character n-gram hashes so that a gram never shares a hash with the same word. */
const CHAR_GRAM_SALT = 0x2c1b3c6d;

/** Hash of the character n-gram of `word` (without its marks) from marked position p, length n. */
function charGramHash(text: string, a: number, z: number, p: number, n: number): number {
  const len = z - a + 2;
  let h = FNV_OFFSET;
  for (let q = p; q < p + n; q++) {
    h ^= q === 0 ? OPEN : q === len - 1 ? CLOSE : text.charCodeAt(a + q - 1);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h ^ CHAR_GRAM_SALT);
}

/** Character n-grams of one marked word, as strings (for explanations). */
function charGrams(word: string, n: number): string[] {
  const marked = `<${word}>`;
  const out: string[] = [];
  if (word.length < n) return out;
  for (let p = 0; p + n <= marked.length; p++) out.push(marked.slice(p, p + n));
  return out;
}

/**
 * The hashes of a text's terms: its tokens, then its n-grams of each order up to `ngrams`, in
 * text order, then (with `charNgrams`) each word's character n-grams. Reused across texts; `hash`
 * overwrites `hashes`.
 */
export class TermHasher {
  hashes = new Uint32Array(4096);
  private readonly spans = new TokenSpans();

  constructor(
    readonly ngrams: number,
    readonly charNgrams = 0,
  ) {}

  /** Fills `hashes` and returns how many there are. */
  hash(text: string): number {
    const spans = this.spans.scan(text);
    const n = spans.size;
    const orders = Math.max(1, this.ngrams);
    const cn = this.charNgrams;
    let need = n * orders;
    // '#' and '$math$' stand for what the text had there; they are not spelled in it.
    if (cn > 0) for (let i = 0; i < n; i++) if (spans.start[i]! >= 0) need += Math.max(0, spans.end[i]! - spans.start[i]! + 3 - cn);
    if (need > this.hashes.length) this.hashes = new Uint32Array(need * 2);
    const th = this.hashes;
    for (let i = 0; i < n; i++) th[i] = spans.hash(i);
    let size = n;
    for (let order = 2; order <= orders; order++) {
      for (let i = 0; i + order <= n; i++) {
        let h = th[i]!;
        for (let k = 1; k < order; k++) h = combineHash(h, th[i + k]!);
        th[size++] = h;
      }
    }
    if (cn > 0) {
      const text = spans.text;
      for (let i = 0; i < n; i++) {
        const a = spans.start[i]!;
        if (a < 0) continue;
        const z = spans.end[i]!;
        if (z - a < cn) continue;
        for (let p = 0; p + cn <= z - a + 2; p++) th[size++] = charGramHash(text, a, z, p, cn);
      }
    }
    return size;
  }
}

/** The n-gram strings of a text with their hashes, for explaining a prediction. */
export function termStrings(title: string, abstract: string, options: TermOptions): Map<number, string> {
  const out = new Map<number, string>();
  const cn = options.charNgrams ?? 0;
  for (const text of [title, abstract]) {
    if (!text) continue;
    const spans = new TokenSpans().scan(text);
    const tokens = Array.from({ length: spans.size }, (_, i) => spans.token(i));
    const th = tokens.map((_, i) => spans.hash(i));
    for (let i = 0; i < tokens.length; i++) out.set(th[i]!, tokens[i]!);
    if (cn > 0) {
      for (let i = 0; i < spans.size; i++) {
        const a = spans.start[i]!;
        if (a < 0) continue;
        charGrams(tokens[i]!, cn).forEach((gram, p) => out.set(charGramHash(spans.text, a, spans.end[i]!, p, cn), gram));
      }
    }
    for (let order = 2; order <= options.ngrams; order++) {
      for (let i = 0; i + order <= tokens.length; i++) {
        let h = th[i]!;
        for (let k = 1; k < order; k++) h = combineHash(h, th[i + k]!);
        out.set(h, tokens.slice(i, i + order).join(' '));
      }
    }
  }
  return out;
}
