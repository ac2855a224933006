import type { Worker, TransferListItem } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';

/**
 * Request/response over a worker's message port: each request carries an id, the worker answers
 * with the same id and either a result or an error message.
 */
export class WorkerClient {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly worker: Worker) {
    worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  call<T>(message: Record<string, unknown>, transfer: TransferListItem[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Worker side: answer each request with `handle`'s result (and the buffers it wants to move). */
export function serve(handle: (message: Record<string, unknown>) => Promise<{ result: unknown; transfer?: TransferListItem[] }> | { result: unknown; transfer?: TransferListItem[] }): void {
  const port = parentPort;
  if (!port) throw new Error('serve() must run inside a worker thread');
  port.on('message', async (m: Record<string, unknown> & { id: number }) => {
    try {
      const { result, transfer } = await handle(m);
      port.postMessage({ id: m.id, result }, transfer ?? []);
    } catch (e) {
      port.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}
