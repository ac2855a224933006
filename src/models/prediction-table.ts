/**
 * Predictions as the files `classify --out` writes: JSON lines, a JSON array, CSV or parquet,
 * chosen by the file's extension. The JSON forms hold `PredictionRecord`s (prediction-json.ts);
 * CSV and parquet hold one flat row per paper with the columns below. Chunks are encoded where
 * they are predicted (a prediction thread, or the CLI's own), so the thread that writes the file
 * only writes bytes.
 */
import { spreadsheetField } from '../base/csv-field.js';
import type { Prediction } from './model.js';
import { archiveOfCode, predictionLine } from './prediction-json.js';

export const PREDICTION_FORMATS = ['jsonl', 'json', 'csv', 'parquet'] as const;
export type PredictionFormat = (typeof PREDICTION_FORMATS)[number];

/** Output file extensions and what each writes. */
export const PREDICTION_EXTENSIONS: Readonly<Record<string, PredictionFormat>> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.parquet': 'parquet' };

/**
 * The columns of a CSV or parquet file of predictions: `id` or `row` as in PredictionRecord; the
 * top label's code, name and probability; its group (code, name and the group's probability) and
 * archive; every returned label as `code:probability` separated by spaces (4 decimals); the
 * reason the model should not be trusted on the text, and an LLM answer it could not read.
 */
export const PREDICTION_COLUMNS = ['id', 'row', 'label', 'name', 'probability', 'group', 'group_name', 'group_probability', 'archive', 'labels', 'uncertain', 'unparsed'] as const;

export type Cell = string | number | null;

/** Parquet types of PREDICTION_COLUMNS, in order. */
export const PREDICTION_COLUMN_TYPES = ['STRING', 'INT32', 'STRING', 'STRING', 'DOUBLE', 'STRING', 'STRING', 'DOUBLE', 'STRING', 'STRING', 'STRING', 'STRING'] as const;

/** One row of PREDICTION_COLUMNS; null where a value is absent (a probability that is not finite too). */
export function predictionCells(p: Prediction, id: string | undefined, row: number | undefined): Cell[] {
  const top = p.labels[0];
  const group = top ? (p.groups.find((g) => g.code === top.group) ?? null) : (p.groups[0] ?? null);
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return [
    id ?? null,
    id === undefined ? (row ?? null) : null,
    top?.code ?? null,
    top?.name ?? null,
    finite(top?.probability),
    top?.group ?? group?.code ?? null,
    top?.groupName ?? group?.name ?? null,
    finite(group?.probability),
    (top && archiveOfCode(top.code)?.code) ?? null,
    p.labels.map((l) => `${l.code}:${Number.isFinite(l.probability) ? l.probability.toFixed(4) : 'NaN'}`).join(' '),
    p.uncertain?.reason ?? null,
    p.unparsed ?? null,
  ];
}

/** A CSV record of cells, formula-safe (see spreadsheetField), ending in CRLF as RFC 4180 has it. */
export function csvRecord(cells: readonly Cell[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) out += ',';
    const c = cells[i];
    if (c !== null && c !== undefined) out += spreadsheetField(c);
  }
  return out + '\r\n';
}

export const CSV_HEADER = csvRecord([...PREDICTION_COLUMNS]);

/**
 * A chunk of predictions in one format: text for JSON lines (a line each), JSON arrays (records
 * separated by `,\n`, no separator after the last: the writer puts one between chunks) and CSV
 * (a record each, no header); rows of cells for parquet, which only the writer can encode.
 */
export class ChunkEncoder {
  private readonly parts: string[] = [];
  readonly rows: Cell[][] = [];

  constructor(readonly format: PredictionFormat) {}

  add(id: string | undefined, p: Prediction, row: number | undefined): void {
    switch (this.format) {
      case 'jsonl':
        this.parts.push(predictionLine(id, p, row) + '\n');
        return;
      case 'json':
        this.parts.push(predictionLine(id, p, row));
        return;
      case 'csv':
        this.parts.push(csvRecord(predictionCells(p, id, row)));
        return;
      case 'parquet':
        this.rows.push(predictionCells(p, id, row));
        return;
    }
  }

  get count(): number {
    return this.format === 'parquet' ? this.rows.length : this.parts.length;
  }

  text(): string {
    return this.parts.join(this.format === 'json' ? ',\n' : '');
  }
}
