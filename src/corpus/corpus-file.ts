import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import type { PaperRecord } from './record.js';

/** One canonical record per line, keys in a fixed order so files diff and hash stably. */
export function serializePaper(p: PaperRecord): string {
  const o: Record<string, unknown> = { id: p.id, title: p.title, abstract: p.abstract, categories: p.categories, primary: p.primary };
  if (p.date !== undefined) o.date = p.date;
  if (p.source !== undefined) o.source = p.source;
  return JSON.stringify(o);
}

/**
 * Writes a corpus to a temp file beside the target and renames it into place on `close()`, so a
 * crash or error never leaves a half-written corpus (and never clobbers the old one). Gzips when
 * the path ends in `.gz`.
 */
export class CorpusWriter {
  readonly tmpPath: string;
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private buffer: string[] = [];
  private bufferedChars = 0;
  count = 0;

  constructor(readonly path: string) {
    this.tmpPath = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    this.file = createWriteStream(this.tmpPath);
    if (path.endsWith('.gz')) {
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
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    this.count++;
    if (this.bufferedChars >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.bufferedChars = 0;
    if (!this.sink.write(chunk)) await new Promise<void>((resolve) => this.sink.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.file.once('error', reject);
      this.file.once('close', resolve);
      this.sink.end();
    });
    await rename(this.tmpPath, this.path);
  }

  /** Drop the temp file; the target is left as it was. */
  async abort(): Promise<void> {
    this.sink.destroy();
    this.file.destroy();
    await rm(this.tmpPath, { force: true });
  }
}
