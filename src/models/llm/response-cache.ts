import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What is kept of one chat completion: the answer text and its token counts. */
export interface CachedResponse {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

/** The user cache folder for LLM answers: $XDG_CACHE_HOME or ~/.cache, then arxiv-classifier/llm. */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'arxiv-classifier', 'llm');
}

/**
 * Chat answers on disk, one JSON file per request, named by the SHA-256 of the endpoint and the
 * request body. The API key is no part of the key or the files: a cache can be shared or
 * inspected without leaking it, and a new key does not invalidate it.
 */
export class ResponseCache {
  constructor(readonly dir: string) {}

  static key(url: string, body: unknown): string {
    return createHash('sha256').update(JSON.stringify({ url, body })).digest('hex');
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const o = JSON.parse(text) as Partial<CachedResponse>;
      if (typeof o.content !== 'string') return undefined;
      return { content: o.content, promptTokens: Number(o.promptTokens) || 0, completionTokens: Number(o.completionTokens) || 0 };
    } catch {
      // A torn or hand-edited entry is a miss, not an error: the request is simply made again.
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    const path = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, path);
  }
}
