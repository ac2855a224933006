/**
 * A check of a row group's pages before hyparquet decodes them. hyparquet (1.31) repeats a
 * run-length-encoded run as many times as the page data says, writing past the page's array: a
 * damaged page that claims a run of 140 million values makes V8 abort the process ("Fatal
 * JavaScript invalid size error"), which no `try` catches, and a smaller claim takes gigabytes.
 * So every RLE run of a data page's levels and dictionary indices is measured against the page's
 * value count first, and a page that claims more is an error the reader can report.
 */
import type { AsyncBuffer, CompressionCodec, Compressors, FileMetaData, RowGroup } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getSchemaPath } from 'hyparquet/src/schema.js';

/** Bits needed for levels up to `max`. */
function bitWidth(max: number): number {
  return 32 - Math.clz32(max);
}

/** An unsigned LEB128 varint at `offset`: its value and the offset after it. */
function varint(view: DataView, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = view.getUint8(offset++);
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, offset];
    shift += 7;
  }
}

/**
 * Walk an RLE/bit-packed hybrid run list at `offset` as hyparquet reads it into `values` slots,
 * throwing when a run claims more than the slots left. Reading past the data throws a RangeError,
 * as hyparquet would. `end`: where to stop when the slots are fewer than `values` (dictionary
 * indices fill only the non-null slots, which only the levels tell).
 */
function checkRuns(view: DataView, offset: number, width: number, values: number, end = Infinity): void {
  let seen = 0;
  while (seen < values && offset < end) {
    const [header, next] = varint(view, offset);
    offset = next;
    if (header % 2 === 1) {
      // Bit-packed groups of 8: hyparquet stops writing at the last slot.
      const groups = Math.floor(header / 2);
      offset += groups * width;
      seen += groups * 8;
    } else {
      const count = header / 2;
      if (count > values - seen) throw new Error(`a page claims a run of ${count} values where ${values - seen} remain (damaged data?)`);
      offset += (width + 7) >> 3;
      seen += count;
    }
  }
}

/** Like checkRuns, for a run list that starts with its byte length (v1 pages' levels, booleans). */
function checkPrefixedRuns(view: DataView, offset: number, width: number, values: number): number {
  const length = view.getUint32(offset, true);
  checkRuns(view, offset + 4, width, values);
  return offset + 4 + length;
}

interface Column {
  maxRepetition: number;
  maxDefinition: number;
  boolean: boolean;
  codec: CompressionCodec;
}

/** The values of a data page (after its levels) where they are run lists: dictionary indices, booleans. */
function checkValues(view: DataView, offset: number, encoding: string | undefined, column: Column, values: number): void {
  if (encoding === 'RLE' && column.boolean) checkRuns(view, offset + 4, 1, values, view.byteLength);
  else if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') {
    const width = view.getUint8(offset);
    if (width > 0) checkRuns(view, offset + 1, width, values, view.byteLength);
  }
}

function checkChunk(bytes: Uint8Array, column: Column, compressors: Compressors): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  while (reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    const body = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    const v1 = header.data_page_header;
    const v2 = header.data_page_header_v2;
    if (header.type === 'DATA_PAGE' && v1) {
      const page = decompressPage(body, Number(header.uncompressed_page_size), column.codec, compressors);
      const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
      let offset = 0;
      if (column.maxRepetition > 0) offset = checkPrefixedRuns(pageView, offset, bitWidth(column.maxRepetition), v1.num_values);
      if (column.maxDefinition > 0) offset = checkPrefixedRuns(pageView, offset, bitWidth(column.maxDefinition), v1.num_values);
      checkValues(pageView, offset, v1.encoding, column, v1.num_values);
    } else if (header.type === 'DATA_PAGE_V2' && v2) {
      // Levels come first, never compressed, each of a length the header gives.
      const levels = new DataView(body.buffer, body.byteOffset, body.byteLength);
      if (column.maxRepetition > 0) checkRuns(levels, 0, bitWidth(column.maxRepetition), v2.num_values);
      if (column.maxDefinition > 0) checkRuns(levels, v2.repetition_levels_byte_length, bitWidth(column.maxDefinition), v2.num_values);
      const levelBytes = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
      let page = body.subarray(levelBytes);
      if (v2.is_compressed !== false) page = decompressPage(page, Number(header.uncompressed_page_size) - levelBytes, column.codec, compressors);
      checkValues(new DataView(page.buffer, page.byteOffset, page.byteLength), 0, v2.encoding, column, v2.num_values);
    }
  }
}

/**
 * Check the pages of `group`'s chunks of `columns` (all when undefined); throws on a page that
 * claims more values than it holds. Decompresses through `compressors`, so a limit they count
 * against sees each page before hyparquet allocates it.
 */
export async function checkRowGroupPages(file: AsyncBuffer, metadata: FileMetaData, group: RowGroup, columns: readonly string[] | undefined, compressors: Compressors): Promise<void> {
  for (const chunk of group.columns) {
    const meta = chunk.meta_data;
    if (!meta || (columns !== undefined && !columns.includes(meta.path_in_schema[0]!))) continue;
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const bytes = new Uint8Array(await file.slice(start, start + Number(meta.total_compressed_size)));
    const schemaPath = getSchemaPath(metadata.schema, meta.path_in_schema);
    const column: Column = { maxRepetition: getMaxRepetitionLevel(schemaPath), maxDefinition: getMaxDefinitionLevel(schemaPath), boolean: meta.type === 'BOOLEAN', codec: meta.codec };
    checkChunk(bytes, column, compressors);
  }
}
