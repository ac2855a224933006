import { BitSet, IdTable } from './id-table.js';

/** Slot arrays start this long and double. */
const INITIAL_SLOTS = 1 << 16;

/** What `add` found. */
export type SlotOutcome =
  /** A new id: its slot. */
  | { slot: number; duplicate: false }
  /** An id seen before: its slot, whether this record replaces the one held, and that one's version. */
  | { slot: number; duplicate: true; replaces: boolean; previousVersion: number };

/**
 * The papers `loadPapers` would return, known without the papers: one slot per distinct id in
 * order of first occurrence, each describing the record that wins it (the highest version, the
 * later record on ties) by its primary category and submission month. Ids are 64-bit hashes in an
 * IdTable, so two ids sharing a hash (about 2e-7 for 2.7M ids) would count as one paper.
 *
 * Memory grows with the corpus, as little as it can: about 20 to 40 bytes per distinct id for the
 * hash table, 6 to 12 per slot (class, version and, once any paper has one, month) and a bit per
 * record.
 */
export class PaperSlots {
  private readonly table = new IdTable();
  private classOf = new Uint16Array(INITIAL_SLOTS);
  private versions = new Uint32Array(INITIAL_SLOTS);
  /** YYYYMM of each slot's winner, 0 when it has none; not kept until some paper has a month. */
  private months: Uint32Array | undefined;
  private readonly repeats = new BitSet();
  private readonly classIndex = new Map<string, number>();
  /** Primary categories by class number. */
  readonly classes: string[] = [];
  /** Distinct ids. */
  size = 0;
  /** Records added. */
  records = 0;
  /** Records whose id was seen before. */
  duplicates = 0;

  /** Add the next record (its id hash, version, primary and month). */
  add(h1: number, h2: number, version: number, primary: string, month: number): SlotOutcome {
    const record = this.records++;
    const known = this.table.get(h1, h2);
    const cls = this.classNumber(primary);
    if (known < 0) {
      const slot = this.size++;
      if (slot === this.classOf.length) this.grow();
      this.table.offer(h1, h2, slot, 0);
      this.classOf[slot] = cls;
      this.versions[slot] = version;
      this.setMonth(slot, month);
      return { slot, duplicate: false };
    }
    this.repeats.add(record);
    this.duplicates++;
    const previousVersion = this.versions[known]!;
    const replaces = version >= previousVersion;
    if (replaces) {
      this.classOf[known] = cls;
      this.versions[known] = version;
      this.setMonth(known, month);
    }
    return { slot: known, duplicate: true, replaces, previousVersion };
  }

  /** Whether record `record` (in the order added) repeats an id seen before it. */
  isRepeat(record: number): boolean {
    return this.repeats.has(record);
  }

  /** The primary category of a slot's winner. */
  primaryOf(slot: number): string {
    return this.classes[this.classOf[slot]!]!;
  }

  /** The class number (index in `classes`) of a slot's winner. */
  classNumberOf(slot: number): number {
    return this.classOf[slot]!;
  }

  /** The YYYYMM month of a slot's winner, 0 when it has none. */
  monthOf(slot: number): number {
    return this.months?.[slot] ?? 0;
  }

  private setMonth(slot: number, month: number): void {
    if (month === 0 && !this.months) return;
    this.months ??= new Uint32Array(this.classOf.length);
    this.months[slot] = month;
  }

  private classNumber(primary: string): number {
    let c = this.classIndex.get(primary);
    if (c === undefined) {
      c = this.classes.length;
      if (c > 0xffff) throw new RangeError('more than 65536 distinct primary categories');
      this.classes.push(primary);
      this.classIndex.set(primary, c);
    }
    return c;
  }

  private grow(): void {
    const n = this.classOf.length * 2;
    const classOf = new Uint16Array(n);
    classOf.set(this.classOf);
    const versions = new Uint32Array(n);
    versions.set(this.versions);
    this.classOf = classOf;
    this.versions = versions;
    if (this.months) {
      const months = new Uint32Array(n);
      months.set(this.months);
      this.months = months;
    }
  }
}
