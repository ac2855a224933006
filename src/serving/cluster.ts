/**
 * Several serving processes on one port (node:cluster): the kernel spreads connections over
 * them, so classification uses every core. The primary process serves nothing; it starts the
 * workers, restarts one that dies, and relays what must reach all of them: a reload (SIGHUP or
 * POST /v1/admin/reload on any worker) and a metrics scrape (summed over the workers).
 */
import cluster, { type Worker } from 'node:cluster';
import type { ClusterHooks } from './app-state.js';
import { emptySnapshot, mergeSnapshots, processCpuSeconds, type MetricsSnapshot } from './metrics.js';
import type { ReloadResult } from './model-slot.js';
import type { RunningServer } from './server.js';

type WorkerStats = { snapshot: MetricsSnapshot; residentBytes: number; heapBytes: number; cpuSeconds: number };

/** Messages between the primary and the workers; `id` pairs an answer with its question. */
type Message =
  | { axc: 'ask-metrics'; id: number }
  | { axc: 'ask-reload'; id: number }
  | { axc: 'metrics'; id: number; stats: WorkerStats }
  | { axc: 'reloaded'; id: number; result: SerializedReload }
  | { axc: 'ready'; url: string }
  | { axc: 'all-metrics'; id: number; stats: WorkerStats }
  | { axc: 'all-reloaded'; id: number; result: SerializedReload };

type SerializedReload = { ok: true } | { ok: false; error: string };

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && typeof (m as { axc?: unknown }).axc === 'string';
}

// ---- Worker side -----------------------------------------------------------------------------

let nextId = 1;
const waiting = new Map<number, (m: Message) => void>();

function ask(m: { axc: 'ask-metrics' | 'ask-reload' }): Promise<Message> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    process.send!({ ...m, id });
  });
}

/**
 * Hooks for a worker's server, and the wiring that answers the primary's questions. `server` is
 * filled in once the worker's server is up.
 */
export function workerHooks(processes: number, running: () => RunningServer | null): ClusterHooks {
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    const server = running();
    if (m.axc === 'ask-metrics') {
      const mem = process.memoryUsage();
      const stats: WorkerStats = { snapshot: server?.state.metrics.snapshot ?? emptySnapshot(), residentBytes: mem.rss, heapBytes: mem.heapUsed, cpuSeconds: processCpuSeconds() };
      process.send!({ axc: 'metrics', id: m.id, stats } satisfies Message);
    } else if (m.axc === 'ask-reload') {
      const reload = server ? server.state.slot.reload() : Promise.resolve<ReloadResult | null>(null);
      void reload.then((r) => {
        const result: SerializedReload = r === null ? { ok: false, error: 'server not started' } : r.ok ? { ok: true } : { ok: false, error: r.error };
        process.send!({ axc: 'reloaded', id: m.id, result } satisfies Message);
      });
    } else if (m.axc === 'all-metrics' || m.axc === 'all-reloaded') {
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    }
  });
  return {
    processes,
    async metrics() {
      const m = await ask({ axc: 'ask-metrics' });
      return (m as Extract<Message, { axc: 'all-metrics' }>).stats;
    },
    async reload() {
      const m = (await ask({ axc: 'ask-reload' })) as Extract<Message, { axc: 'all-reloaded' }>;
      const server = running()!;
      // Every worker loaded the same file; this worker's slot says what it now serves.
      return m.result.ok ? { ok: true, model: server.state.slot.current } : { ok: false, error: m.result.error, kept: server.state.slot.current };
    },
  };
}

// ---- Primary side ----------------------------------------------------------------------------

/** Ask every live worker the same question and gather the answers (dead ones are skipped). */
function broadcast(kind: 'ask-metrics' | 'ask-reload'): Promise<Message[]> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
  const id = nextId++;
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<Message>((resolve) => {
          const onMessage = (m: unknown): void => {
            if (isMessage(m) && 'id' in m && m.id === id) {
              w.off('message', onMessage);
              w.off('exit', onExit);
              resolve(m);
            }
          };
          const onExit = (): void => resolve({ axc: 'metrics', id, stats: { snapshot: emptySnapshot(), residentBytes: 0, heapBytes: 0, cpuSeconds: 0 } });
          w.on('message', onMessage);
          w.once('exit', onExit);
          w.send({ axc: kind, id });
        }),
    ),
  );
}

async function reloadAll(): Promise<SerializedReload> {
  const answers = await broadcast('ask-reload');
  const failed = answers.find((a) => a.axc === 'reloaded' && !a.result.ok) as Extract<Message, { axc: 'reloaded' }> | undefined;
  return failed ? failed.result : { ok: true };
}

export interface Primary {
  /** Resolves with the URL once every worker listens. */
  ready: Promise<string>;
  reload(): Promise<SerializedReload>;
  /** SIGTERM every worker (each drains its requests) and wait for them to exit. */
  stop(): Promise<void>;
}

/** Fork `n` workers running this same program (they see `cluster.isPrimary === false`). */
export function startPrimary(n: number, log: (line: string) => void): Primary {
  let stopping = false;
  let resolveReady!: (url: string) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<string>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  let up = 0;
  let everReady = false;
  const fork = (): void => {
    const w = cluster.fork();
    w.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      if (m.axc === 'ready') {
        up++;
        if (up === n && !everReady) {
          everReady = true;
          resolveReady(m.url);
        }
      } else if (m.axc === 'ask-metrics') {
        void broadcast('ask-metrics').then((answers) => {
          const stats: WorkerStats = { snapshot: emptySnapshot(), residentBytes: process.memoryUsage().rss, heapBytes: 0, cpuSeconds: processCpuSeconds() };
          for (const a of answers) {
            if (a.axc !== 'metrics') continue;
            mergeSnapshots(stats.snapshot, a.stats.snapshot);
            stats.residentBytes += a.stats.residentBytes;
            stats.heapBytes += a.stats.heapBytes;
            stats.cpuSeconds += a.stats.cpuSeconds;
          }
          if (w.isConnected()) w.send({ axc: 'all-metrics', id: m.id, stats } satisfies Message);
        });
      } else if (m.axc === 'ask-reload') {
        void reloadAll().then((result) => {
          if (w.isConnected()) w.send({ axc: 'all-reloaded', id: m.id, result } satisfies Message);
        });
      }
    });
    w.on('exit', (code, signal) => {
      if (stopping) return;
      if (!everReady) {
        rejectReady(new Error(`a serving process exited before it was ready (${signal ?? `exit code ${code}`})`));
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
        return;
      }
      up--;
      log(`serving process ${w.process.pid} died (${signal ?? `exit code ${code}`}); starting another`);
      fork();
    });
  };
  for (let i = 0; i < n; i++) fork();
  return {
    ready,
    reload: reloadAll,
    async stop() {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Tell the primary that this worker listens. */
export function announceReady(url: string): void {
  process.send?.({ axc: 'ready', url } satisfies Message);
}
