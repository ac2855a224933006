import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { renameDurably, tempPathBeside } from '../base/atomic-file.js';
import { createGzip, type Gzip } from 'node:zlib';
import type { PaperRecord } from './record.js';

/** One canonical record per line, keys in a fixed order so files diff and hash stably. */
export function serializePaper(p: PaperRecord): string {
  const o: Record<string, unknown> = { id: p.id, title: p.title, abstract: p.abstract, categories: p.categories, primary: p.primary };
  if (p.date !== undefined) o.date = p.date;
  if (p.source !== undefined) o.source = p.source;
  return JSON.stringify(o);
}

/** Bytes gathered before one write to the stream: few, large writes keep the stream cheap. */
const BUFFER_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * Writes a corpus to a temp file beside the target and renames it into place on `close()`, so a
 * crash or error never leaves a half-written corpus (and never clobbers the old one). Gzips when
 * the path ends in `.gz`. Lines are gathered as UTF-8 bytes, so canonical lines that are already
 * bytes (split copies them from the ingest workers' output) are never decoded to strings.
 */
export class CorpusWriter {
  readonly tmpPath: string;
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private buffer = new Uint8Array(BUFFER_BYTES);
  private length = 0;
  count = 0;

  constructor(readonly path: string) {
    this.tmpPath = tempPathBeside(path);
    this.file = createWriteStream(this.tmpPath);
    if (path.toLowerCase().endsWith('.gz')) {
      const gz = createGzip({ level: 6 });
      gz.pipe(this.file);
      this.sink = gz;
    } else {
      this.sink = this.file;
    }
  }

  /** Resolves once the stream has room again, so memory stays flat on huge inputs. */
  async write(paper: PaperRecord): Promise<void> {
    await this.writeLine(serializePaper(paper));
  }

  async writeLine(line: string): Promise<void> {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    await this.room(line.length * 3 + 1);
    this.length += encoder.encodeInto(line, this.buffer.subarray(this.length)).written;
    this.buffer[this.length++] = NEWLINE;
    this.count++;
  }

  /** One line given as UTF-8 bytes, without its newline. */
  async writeLineBytes(line: Uint8Array): Promise<void> {
    await this.room(line.length + 1);
    this.buffer.set(line, this.length);
    this.length += line.length;
    this.buffer[this.length++] = NEWLINE;
    this.count++;
  }

  /** Make room for `bytes` more in the buffer: write out what it holds when they would not fit. */
  private async room(bytes: number): Promise<void> {
    if (this.buffer.length - this.length >= bytes) return;
    await this.flush();
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
  }

  private async flush(): Promise<void> {
    if (this.length === 0) return;
    // The stream keeps the bytes until written, so the next ones go to a fresh buffer.
    const chunk = this.buffer.subarray(0, this.length);
    this.buffer = new Uint8Array(BUFFER_BYTES);
    this.length = 0;
    if (!this.sink.write(chunk)) await new Promise<void>((resolve) => this.sink.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.finish();
    await renameDurably(this.tmpPath, this.path);
  }

  /**
   * Close several writers so that their files appear together: every temp file is complete before
   * the first is renamed, so a failure while writing replaces none of them.
   */
  static async closeTogether(writers: readonly CorpusWriter[]): Promise<void> {
    await Promise.all(writers.map((w) => w.finish()));
    for (const w of writers) await renameDurably(w.tmpPath, w.path);
  }

  /** Write out what is buffered and close the temp file. */
  private async finish(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.file.once('error', reject);
      this.file.once('close', resolve);
      this.sink.end();
    });
  }

  /** Drop the temp file; the target is left as it was. */
  async abort(): Promise<void> {
    this.sink.destroy();
    this.file.destroy();
    // A stream destroyed while still opening creates its file after all: remove it once closed.
    if (!this.file.closed) await once(this.file, 'close').catch(() => undefined);
    await rm(this.tmpPath, { force: true });
  }
}
