/**
 * Where `classify --input` writes its predictions, in the format the `--out` file's extension
 * names (src/models/prediction-table.ts): the start and end each format needs around the chunks,
 * and parquet's row groups. Everything streams: memory holds one chunk, or one parquet row group.
 */
import { extname } from 'node:path';
import { UsageError } from '../base/errors.js';
import { CSV_HEADER, PREDICTION_COLUMN_TYPES, PREDICTION_COLUMNS, PREDICTION_EXTENSIONS, type Cell, type PredictionFormat } from '../models/prediction-table.js';

export const OUT_EXTENSIONS_TEXT = `${Object.keys(PREDICTION_EXTENSIONS).join(', ')}`;

/** The format of `--out FILE` from its extension (any letter case); JSON lines on stdout (absent or `-`). */
export function predictionFormatOf(out: string | undefined): PredictionFormat {
  if (out === undefined || out === '-') return 'jsonl';
  const ext = extname(out).toLowerCase();
  const format = PREDICTION_EXTENSIONS[ext];
  if (format === undefined) {
    throw new UsageError(
      `--out ${out}: ${ext ? `"${ext}" is not` : 'no extension, which is not'} an output format; the extension says what is written: .jsonl or .ndjson (JSON lines), .json (a JSON array), .csv or .parquet (or - for JSON lines on stdout)`,
    );
  }
  return format;
}

/** Rows per parquet row group: large enough to compress well, small enough to hold (a few MB). */
const ROW_GROUP = 20_000;

/** Parquet predictions written a row group at a time through `write` (which may wait for the disk). */
export class ParquetPredictions {
  private pending: Cell[][] = [];

  private constructor(
    private readonly writer: { write(o: { columnData: { name: string; data: Cell[]; type: string; nullable: boolean }[]; rowGroupSize: number }): void | Promise<void>; finish(): void },
    private readonly flushBytes: () => Promise<void>,
  ) {}

  /** hyparquet-writer loads only when parquet is asked for. */
  static async open(write: (bytes: Uint8Array) => Promise<void>): Promise<ParquetPredictions> {
    const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
    const bytes = new ByteWriter();
    // Each row group's bytes leave memory as soon as it is encoded (hyparquet-writer calls flush
    // after each one and waits for the promise), as its own file writer does.
    const flush = (): Promise<void> => {
      if (bytes.index === 0) return Promise.resolve();
      const chunk = new Uint8Array(bytes.buffer.slice(0, bytes.index));
      bytes.index = 0;
      return write(chunk);
    };
    (bytes as unknown as { flush: () => Promise<void> }).flush = flush;
    const schema = [{ name: 'root', num_children: PREDICTION_COLUMNS.length }, ...PREDICTION_COLUMNS.map((name, i) => schemaElement(name, PREDICTION_COLUMN_TYPES[i]!))];
    const writer = new ParquetWriter({ writer: bytes, schema: schema as never, createdBy: 'arxiv-classifier' });
    return new ParquetPredictions(writer as never, flush);
  }

  async add(rows: readonly Cell[][]): Promise<void> {
    for (const r of rows) this.pending.push(r);
    if (this.pending.length >= ROW_GROUP) await this.writeGroup();
  }

  async finish(): Promise<void> {
    await this.writeGroup();
    this.writer.finish();
    await this.flushBytes();
  }

  private async writeGroup(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const columnData = PREDICTION_COLUMNS.map((name, c) => ({ name, data: rows.map((r) => r[c] ?? null), type: PREDICTION_COLUMN_TYPES[c]!, nullable: true }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}

function schemaElement(name: string, type: string): Record<string, unknown> {
  if (type === 'STRING') return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  return { name, type, repetition_type: 'OPTIONAL' };
}

/** What goes before the first chunk and after the last, and between two chunks. */
export function framing(format: PredictionFormat): { head: string; between: string; tail: (any: boolean) => string } {
  switch (format) {
    case 'csv':
      return { head: CSV_HEADER, between: '', tail: () => '' };
    case 'json':
      return { head: '[\n', between: ',\n', tail: (any) => (any ? '\n]\n' : ']\n') };
    default:
      return { head: '', between: '', tail: () => '' };
  }
}
