/**
 * The per-chunk work of ingestion: rows → RawRecord → canonical paper → one JSON line, plus what
 * dedupe needs about each kept record (64-bit id hash, version, input line). For JSON lines it runs
 * in worker threads (UTF-8 bytes in, UTF-8 bytes out, both transferred without copying) or, with
 * --workers 0, in the main thread; every other format goes through the same ChunkBuilder in the
 * main thread, so all paths produce identical output.
 */
import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { parseJsonObject, tooLongLineItem } from '../sources/jsonl.js';
import { MAX_RECORD_SIZE } from '../sources/record-limit.js';
import { toRawRecord, type RecordColumns } from '../sources/fields.js';
import type { RowItem } from '../sources/source.js';
import { canonicalize, emptyReport, recordSkip, type IngestReport } from './canonical.js';
import { serializePaper } from './corpus-file.js';
import type { PaperRecord } from './record.js';
import { hashId } from './id-table.js';
import { JsonLineFastPath, type FastPathSink } from './json-line-fast-path.js';
import { defaultIdPrefix } from './synthetic-id.js';

/**
 * A run of whole JSON lines (UTF-8 bytes) for a worker to canonicalise. Both buffers are
 * transferred to the worker and come back in the result, so the main thread can reuse them: a
 * fresh megabyte-sized buffer per chunk, allocated in one thread and freed in another, fragments
 * the C heap and costs tens of MB of RSS.
 */
export interface ChunkTask {
  seq: number;
  file: string;
  format: string;
  /** Holds the chunk in its first `length` bytes: whole lines, ending just after a '\n' or at EOF. */
  buffer: ArrayBuffer;
  length: number;
  /** The file line number of the chunk's first line. */
  firstLine: number;
  /** What ids of id-less records start with; default: the file's base name (see synthetic-id.ts). */
  idPrefix?: string;
  /** Lines longer than this many bytes are skipped as bad (default MAX_RECORD_SIZE). */
  maxLineBytes?: number;
  /** False: skip the byte-level fast path (tests compare the two paths). */
  fastPath?: boolean;
  /** Fields the user named (`ingest --title-col` …); the fast path, which reads the usual names, is skipped. */
  columns?: RecordColumns;
  /** A buffer to write the output into (it is grown, i.e. replaced, when too small). */
  out?: ArrayBuffer;
  /** Also hand back the records as objects (loading a corpus into memory wants them). */
  papers?: boolean;
}

/** Canonical output of one chunk, in input order, and what the main thread needs to dedupe it. */
export interface ChunkResult {
  seq: number;
  /**
   * Canonical JSON lines as UTF-8, each ending in '\n' (empty when nothing was kept): a view at
   * offset 0 of its own ArrayBuffer, which the receiver may reuse once the bytes are written.
   */
  data: Uint8Array;
  /** The task's input buffer, handed back for reuse (JSON lines only). */
  input?: ArrayBuffer;
  /** Number of records (lines) in `data`. */
  count: number;
  /** Two 32-bit hash halves per record: [h1, h2, h1, h2, …]. */
  hashes: Uint32Array;
  /** Source version per record (0 when unknown). */
  versions: Uint32Array;
  /** Input line (or row) number per record, for duplicate examples. */
  lines: Int32Array;
  /** UTF-8 bytes of input this chunk covered (0 when not known, e.g. table formats). */
  bytes: number;
  /** Read/kept/skipped counts and code statistics of this chunk alone. */
  report: IngestReport;
  /** The records of `data` as objects, when the task asked for them. */
  papers?: PaperRecord[];
}

const NEWLINE = 0x0a;
const idHash = new Uint32Array(2);
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * Accumulates canonical records for one chunk as UTF-8 bytes (so no big string is built or kept:
 * every record's line dies young); `finish()` hands them over and starts afresh.
 */
export class ChunkBuilder implements FastPathSink {
  private out: Uint8Array;
  private length = 0;
  private count = 0;
  private hashes: Uint32Array;
  private versions: Uint32Array;
  private lines: Int32Array;
  private currentReport: IngestReport = emptyReport();

  private readonly outBytes: number;

  constructor(
    private readonly file: string,
    private readonly format: string,
    /** What ids of id-less records start with (see synthetic-id.ts). */
    private readonly idPrefix = defaultIdPrefix(file),
    expectedBytes = 1 << 16,
    out?: ArrayBuffer,
    private readonly columns?: RecordColumns,
  ) {
    this.outBytes = Math.max(1024, expectedBytes);
    this.out = out ? new Uint8Array(out) : new Uint8Array(this.outBytes);
    const cap = Math.max(16, Math.ceil(expectedBytes / TYPICAL_LINE_BYTES));
    this.hashes = new Uint32Array(cap * 2);
    this.versions = new Uint32Array(cap);
    this.lines = new Int32Array(cap);
  }

  /** Bytes of canonical output held so far. */
  get size(): number {
    return this.length;
  }

  get report(): IngestReport {
    return this.currentReport;
  }

  add(item: RowItem): void {
    const report = this.currentReport;
    if ('error' in item) {
      report.read++;
      recordSkip(report, item.error.startsWith('bad JSON') ? 'bad-json' : 'bad-row', this.file, item.line, item.error);
      return;
    }
    const mapped = toRawRecord(item.row, this.columns);
    if ('reason' in mapped) {
      report.read++;
      recordSkip(report, mapped.reason, this.file, item.line, mapped.detail);
      return;
    }
    const raw = mapped.record;
    const paper = canonicalize(raw, this.file, item.line, this.format, report, this.idPrefix);
    if (!paper) return;
    this.append(serializePaper(paper));
    hashId(paper.id, idHash);
    this.record(idHash[0]!, idHash[1]!, raw.version ?? 0, item.line);
  }

  reserve(n: number): Uint8Array {
    if (this.out.length - this.length < n) this.grow(this.length + n);
    return this.out;
  }

  commit(end: number, h1: number, h2: number, version: number, line: number): void {
    this.length = end;
    this.record(h1, h2, version, line);
  }

  private record(h1: number, h2: number, version: number, line: number): void {
    const n = this.count;
    if (n === this.versions.length) this.growRecords();
    this.hashes[2 * n] = h1;
    this.hashes[2 * n + 1] = h2;
    this.versions[n] = version;
    this.lines[n] = line;
    this.count = n + 1;
  }

  private grow(atLeast: number): void {
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.outBytes, atLeast));
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  private append(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit; usually the line fits the room left.
    for (;;) {
      const room = this.out.length - this.length - 1;
      if (room >= line.length) {
        const { read, written } = encoder.encodeInto(line, this.out.subarray(this.length, this.out.length - 1));
        if (read === line.length) {
          this.length += written;
          this.out[this.length++] = NEWLINE;
          return;
        }
      }
      this.grow(this.length + line.length * 3 + 1);
    }
  }

  /** Hand over the records so far (the output buffer goes with them) and start afresh. */
  finish(seq: number, bytes = 0): ChunkResult {
    const n = this.count;
    const result: ChunkResult = {
      seq,
      data: this.out.subarray(0, this.length),
      count: n,
      hashes: this.hashes.slice(0, 2 * n),
      versions: this.versions.slice(0, n),
      lines: this.lines.slice(0, n),
      bytes,
      report: this.currentReport,
    };
    this.out = EMPTY;
    this.length = 0;
    this.count = 0;
    this.currentReport = emptyReport();
    return result;
  }

  private growRecords(): void {
    const cap = this.versions.length * 2;
    const hashes = new Uint32Array(cap * 2);
    hashes.set(this.hashes);
    const versions = new Uint32Array(cap);
    versions.set(this.versions);
    const lines = new Int32Array(cap);
    lines.set(this.lines);
    this.hashes = hashes;
    this.versions = versions;
    this.lines = lines;
  }
}

/** Average OAI line length, to size a chunk's arrays without regrowing. */
const TYPICAL_LINE_BYTES = 1000;

const OPEN_BRACE = 0x7b;

/** One fast path per input file, format and id prefix, kept across chunks for its buffers and caches. */
let cachedFastPath: { file: string; format: string; idPrefix: string; path: JsonLineFastPath } | undefined;

/**
 * Turn one chunk of JSON lines into canonical records (what a worker does per message), with file
 * line numbers counted from the task's firstLine.
 *
 * Each line first goes to the byte-level fast path (json-line-fast-path.ts: no JSON.parse of the
 * line, no UTF-8 decode of the text, no JSON.stringify); what it declines goes the general way,
 * which decodes lines one at a time rather than the chunk at once: most lines are ASCII, and an
 * ASCII line decodes to a one-byte string that JSON.parse, the whitespace regex and JSON.stringify
 * all handle faster (measured: about 20% less CPU per MB than decoding whole chunks). Lines are
 * skipped exactly as parseJsonlChunk skips them (blank ones), and invalid UTF-8 becomes U+FFFD,
 * which is why the fast path only sees lines that are valid UTF-8. A line over the record limit is
 * reported without being decoded: as a string it could be too long for V8 or for a worker's heap.
 */
export function processJsonlChunk(task: ChunkTask): ChunkResult {
  const idPrefix = task.idPrefix ?? defaultIdPrefix(task.file);
  const builder = new ChunkBuilder(task.file, task.format, idPrefix, task.length, task.out, task.columns);
  let fast: JsonLineFastPath | undefined;
  if (task.fastPath !== false && !task.columns) {
    if (cachedFastPath?.file !== task.file || cachedFastPath.format !== task.format || cachedFastPath.idPrefix !== idPrefix) {
      cachedFastPath = { file: task.file, format: task.format, idPrefix, path: new JsonLineFastPath(task.file, task.format, idPrefix) };
    }
    fast = cachedFastPath.path;
  }
  const { bytes, view } = fast ? fast.load(task.buffer, task.length) : { bytes: Buffer.from(task.buffer, 0, task.length), view: new DataView(task.buffer, 0, task.length) };
  // One check for the whole chunk (it almost always passes); else line by line.
  const validChunk = fast !== undefined && isUtf8(bytes);
  const n = task.length;
  const maxLine = task.maxLineBytes ?? MAX_RECORD_SIZE;
  let pos = 0;
  let line = task.firstLine;
  while (pos < n) {
    let nl = bytes.indexOf(NEWLINE, pos);
    if (nl < 0) nl = n;
    if (nl - pos > maxLine) {
      builder.add(tooLongLineItem(line, maxLine));
    } else if (nl > pos) {
      const done = fast !== undefined && bytes[pos] === OPEN_BRACE && (validChunk || isUtf8(bytes.subarray(pos, nl))) && fast.add(bytes, view, pos, nl, line, builder);
      if (!done) {
        const text = bytes.toString('utf8', pos, nl);
        if (bytes[pos] === OPEN_BRACE || text.trim().length > 0) builder.add(parseJsonObject(text, line));
      }
    }
    line++;
    pos = nl + 1;
  }
  const result = builder.finish(task.seq, n);
  result.input = task.buffer;
  return result;
}

/**
 * The records of a chunk's canonical lines (`data`, `count` lines). Decoded line by line, as
 * processJsonlChunk decodes its input: one non-ASCII character makes the whole decoded string
 * two-byte, and nearly every chunk of a real corpus has one, while most lines have none; their
 * strings then stay one-byte, which JSON.parse and tokenising handle faster (measured on the shared
 * corpus: 3.5 µs a record instead of 18–25).
 */
export function parseCanonicalLines(data: Uint8Array, count: number): PaperRecord[] {
  // Buffer's decoder: faster than TextDecoder on Node 20.
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  const out: PaperRecord[] = new Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const nl = bytes.indexOf(NEWLINE, pos);
    out[i] = JSON.parse(bytes.toString('utf8', pos, nl)) as PaperRecord;
    pos = nl + 1;
  }
  return out;
}

/** Marker in workerData so that importing this module elsewhere never starts a message loop. */
export const INGEST_WORKER_ROLE = 'arxiv-classifier:ingest';

const port = parentPort;
if (port && (workerData as { role?: unknown } | null)?.role === INGEST_WORKER_ROLE) {
  port.on('message', (task: ChunkTask) => {
    const r = processJsonlChunk(task);
    // Parsed here, in parallel, rather than by the receiver; structured cloning them is cheaper.
    if (task.papers) r.papers = parseCanonicalLines(r.data, r.count);
    const transfer = [r.data.buffer as ArrayBuffer, r.hashes.buffer as ArrayBuffer, r.versions.buffer as ArrayBuffer, r.lines.buffer as ArrayBuffer];
    if (r.input) transfer.push(r.input);
    port.postMessage(r, transfer);
  });
}
