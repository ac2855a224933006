import { hashId, IdTable } from './id-table.js';
import type { PaperLabels } from './labels.js';
import type { PaperRecord } from './record.js';
import { yymmOf } from './split.js';
import { grown } from '../base/typed-arrays.js';

/** Where a paper came from: the training files or the validation file (kept apart, never deduplicated together). */
export const FROM_TRAIN = 0;
export const FROM_VALID = 1;

/**
 * What training keeps of each paper while the text goes to the training threads: its categories
 * (interned codes), month, id, source and whether a later duplicate replaced it, all in typed
 * arrays. About 70 bytes a paper, growth slack included (177 MB for 2.7M papers), where the
 * papers as JS objects took over 1.5 KB each.
 */
export class PaperTable {
  /** Distinct category codes, in order of first appearance. */
  readonly codes: string[] = [];
  private readonly codeIndex = new Map<string, number>();
  private primary = new Uint16Array(1 << 12);
  private catPtr = new Int32Array(1 << 12);
  private catIdx = new Uint16Array(1 << 14);
  private month = new Int32Array(1 << 12);
  private source = new Uint8Array(1 << 12);
  private alive = new Uint8Array(1 << 12);
  private idPtr = new Uint32Array(1 << 12);
  private idBytes = new Uint8Array(1 << 16);
  private readonly dedupe = [new IdTable(), new IdTable()];
  private readonly hash = new Uint32Array(2);
  /** Papers added, duplicates included (their arrival indices run 0 … size-1). */
  size = 0;
  /** Papers a later duplicate replaced (or that lost to an earlier one of a higher version). */
  replaced = 0;

  /**
   * Add a paper; its arrival index is the `size` before the call. Returns the arrival index of the
   * paper this one makes obsolete (an earlier record of the same id with a version no higher, or
   * this one itself when the earlier had a higher version), or -1.
   */
  add(paper: PaperRecord, version: number, from: typeof FROM_TRAIN | typeof FROM_VALID): number {
    const i = this.size;
    this.reserve(i + 1, paper.categories.length + 1, paper.id.length * 3);
    this.primary[i] = this.code(paper.primary);
    let at = this.catPtr[i]!;
    for (const c of paper.categories) this.catIdx[at++] = this.code(c);
    this.catPtr[i + 1] = at;
    this.month[i] = yymmOf(paper) ?? 0;
    this.source[i] = from;
    this.alive[i] = 1;
    const end = this.idPtr[i]! + ENCODER.encodeInto(paper.id, this.idBytes.subarray(this.idPtr[i]!)).written;
    this.idPtr[i + 1] = end;
    this.size++;
    hashId(paper.id, this.hash);
    const loser = this.dedupe[from]!.offer(this.hash[0]!, this.hash[1]!, i, version);
    if (loser >= 0) {
      this.alive[loser] = 0;
      this.replaced++;
    }
    return loser;
  }

  /** False for a paper a duplicate replaced. */
  isAlive(i: number): boolean {
    return this.alive[i] === 1;
  }

  sourceOf(i: number): number {
    return this.source[i]!;
  }

  /** YYYYMM, or undefined when neither id nor date gives a month. */
  monthOf(i: number): number | undefined {
    return this.month[i] || undefined;
  }

  idOf(i: number): string {
    return DECODER.decode(this.idBytes.subarray(this.idPtr[i]!, this.idPtr[i + 1]!));
  }

  primaryOf(i: number): string {
    return this.codes[this.primary[i]!]!;
  }

  /** The paper's categories and primary, as labelling reads them (a fresh object each call). */
  labelsView(i: number): PaperLabels {
    const categories: string[] = [];
    for (let k = this.catPtr[i]!; k < this.catPtr[i + 1]!; k++) categories.push(this.codes[this.catIdx[k]!]!);
    return { primary: this.codes[this.primary[i]!]!, categories };
  }

  /** labelsView of the papers `indices` picks, in its order (iterable again and again, for buildLabelScheme's passes). */
  labelViews(indices: Int32Array): Iterable<PaperLabels> {
    return { [Symbol.iterator]: () => (function* (t: PaperTable) {
      for (const i of indices) yield t.labelsView(i);
    })(this) };
  }

  /** Bytes held, for the memory guard and reports. */
  get bytes(): number {
    const arrays = [this.primary, this.catPtr, this.catIdx, this.month, this.source, this.alive, this.idPtr, this.idBytes];
    return arrays.reduce((s, a) => s + a.byteLength, 0) + this.dedupe.reduce((s, t) => s + t.bytes, 0);
  }

  private code(c: string): number {
    let k = this.codeIndex.get(c);
    if (k === undefined) {
      k = this.codes.length;
      if (k > 0xffff) throw new RangeError('more than 65,536 distinct category codes');
      this.codes.push(c);
      this.codeIndex.set(c, k);
    }
    return k;
  }

  private reserve(papers: number, cats: number, idBytes: number): void {
    if (papers + 1 > this.primary.length) {
      const n = this.primary.length * 2;
      this.primary = grown(this.primary, n);
      this.catPtr = grown(this.catPtr, n + 1);
      this.month = grown(this.month, n);
      this.source = grown(this.source, n);
      this.alive = grown(this.alive, n);
      this.idPtr = grown(this.idPtr, n + 1);
    }
    const catNeed = this.catPtr[this.size]! + cats;
    if (catNeed > this.catIdx.length) this.catIdx = grown(this.catIdx, catNeed);
    const idNeed = this.idPtr[this.size]! + idBytes;
    if (idNeed > this.idBytes.length) this.idBytes = grown(this.idBytes, idNeed);
  }
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

