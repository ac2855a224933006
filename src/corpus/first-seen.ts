import { recordSkip, type IngestReport } from './canonical.js';
import { IdTable } from './id-table.js';

/**
 * Duplicate ids in a stream of records that is scored as it is read, so a record cannot be
 * replaced by a later one: the first record of each id is kept, every later one is reported as a
 * duplicate (with its line and the line of the record kept) and should be left out. Ids are held
 * as 64-bit hashes in an IdTable, about 20 bytes an id (59 MB for 2.7M ids), not as strings.
 *
 * Unlike loadPapers, which keeps the highest version of an id wherever it appears, this keeps the
 * first: a corpus written by `ingest` or `split` has one record per id and is unaffected.
 */
export class FirstSeen {
  private readonly table = new IdTable();

  constructor(
    private readonly report: IngestReport,
    private readonly file: string,
  ) {}

  /**
   * Whether the record on `line` with id hash (h1, h2) is the first of its id. When it is not, it
   * is counted as skipped ('duplicate') and no longer as kept; `id` names it in the example.
   */
  keep(h1: number, h2: number, line: number, id: () => string): boolean {
    const first = this.table.get(h1, h2);
    if (first < 0) {
      this.table.offer(h1, h2, line, 0);
      return true;
    }
    recordSkip(this.report, 'duplicate', this.file, line, `duplicate id ${id()}: left out, the record on line ${first} was scored`);
    this.report.kept--;
    return false;
  }

  /** Bytes held by the table of ids. */
  get bytes(): number {
    return this.table.bytes;
  }
}
