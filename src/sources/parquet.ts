/**
 * Parquet reader (Hugging Face "arXiver"-style exports and any other flat table).
 *
 * The file is read one row group at a time through a positioned file handle, so memory is bounded by
 * the largest row group (its decoded columns plus the row objects built from them), never the file.
 * Values are made plain: BigInt → number (or decimal string beyond 2^53), Date → ISO string,
 * typed arrays → arrays, undefined → null. Every codec is supported (snappy built in; gzip, zstd,
 * brotli, lz4 via hyparquet-compressors).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DecompressionLimitError, UserError } from '../base/errors.js';
import type { DecompressionLimit } from './decompression-limit.js';
import { checkRowGroupPages } from './parquet-pages.js';
import type { Row, RowItem } from './source.js';

export interface ParquetRowsOptions {
  /**
   * Read only these top-level columns (names the file lacks are ignored). Skipping a large column
   * that no caller needs, such as arXiver's full-text `markdown`, saves most of the I/O and memory.
   */
  columns?: readonly string[];
  /** How messages name the file (default `path`): the user's file when `path` is a gunzipped copy. */
  name?: string;
  /** What the pages may decompress to, in all (unlimited when absent). */
  limit?: DecompressionLimit;
}

/** Yields every row of the file in order; `line` is the 1-based row number. */
export async function* readParquetRows(path: string, options: ParquetRowsOptions = {}): AsyncIterable<RowItem> {
  const name = options.name ?? path;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new UserError(`${name}: cannot open parquet file: ${message(err)}`);
  }
  try {
    const file = await fileBuffer(handle);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      throw new UserError(`${name}: not a readable parquet file: ${message(err)}`);
    }
    const columns = selectColumns(metadata, options.columns);
    let groupStart = 0;
    for (const [index, group] of metadata.row_groups.entries()) {
      const groupRows = Number(group.num_rows);
      if (groupRows <= 0) continue;
      const rowStart = groupStart;
      const rowEnd = groupStart + groupRows;
      groupStart = rowEnd;
      let rows: Record<string, unknown>[];
      try {
        // The check decompresses each page first, so it is what counts them against the limit.
        await checkRowGroupPages(file, metadata, group, columns, options.limit ? limited(options.limit) : compressors);
        rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, columns, compressors });
      } catch (err) {
        if (err instanceof DecompressionLimitError) throw err;
        throw new UserError(`${name}: cannot read parquet row group ${index + 1} (rows ${rowStart + 1}-${rowEnd}): ${message(err)}`);
      }
      for (let i = 0; i < rows.length; i++) {
        yield { row: plainRow(rows[i]), line: rowStart + i + 1 };
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The codecs, each counting the page size it is asked for against `limit` before it allocates it:
 * a page header may claim any size. (Uncompressed pages are never inflated, so never counted.)
 */
function limited(limit: DecompressionLimit): Compressors {
  const out: Compressors = {};
  for (const [codec, decompress] of Object.entries(compressors) as [keyof Compressors, NonNullable<Compressors[keyof Compressors]>][]) {
    out[codec] = (input, outputLength) => {
      limit.count(outputLength);
      return decompress(input, outputLength);
    };
  }
  return out;
}

/** An AsyncBuffer over an open file: each slice is one positioned read, nothing is cached. */
async function fileBuffer(handle: FileHandle): Promise<AsyncBuffer> {
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, size));
      const to = Math.max(from, Math.min(end ?? size, size));
      const bytes = new Uint8Array(to - from);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, from + done);
        if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${from + done}`);
        done += bytesRead;
      }
      return bytes.buffer;
    },
  };
}

function selectColumns(metadata: FileMetaData, wanted: readonly string[] | undefined): string[] | undefined {
  if (wanted === undefined) return undefined;
  const present = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
  return wanted.filter((name) => present.has(name));
}

function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const key of Object.keys(row)) setField(out, key, plainValue(row[key]));
  return out;
}

/** Sets an own property even for the name `__proto__`, which plain assignment would not. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Converts decoded parquet values into JSON-able ones. */
function plainValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'undefined':
      return null;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Array.isArray(value)) return value.map(plainValue);
      if (ArrayBuffer.isView(value)) {
        if (value instanceof DataView) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return Array.from(value as unknown as ArrayLike<number | bigint>, plainValue);
      }
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) setField(out, key, plainValue(inner));
      return out;
    }
    default:
      return null;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
