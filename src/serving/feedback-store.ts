import Database from 'better-sqlite3';
import { WorkerClient } from '../parallel/rpc.js';
import { startWorker } from '../parallel/worker-url.js';
import type { WriteAnswer } from './feedback-writer.js';
import { CorpusWriter } from '../corpus/corpus-file.js';
import type { PaperRecord } from '../corpus/record.js';
import { UserError } from '../base/errors.js';

/** A correction someone sent: the categories a paper really has, primary first (canonical codes). */
export interface FeedbackInput {
  id?: string;
  title: string;
  abstract: string;
  categories: string[];
  /** What the served model said, for later analysis (top label code). */
  predicted?: string;
  /** ETag of the model that was served when the correction arrived. */
  modelEtag?: string;
}

export interface StoredFeedback extends FeedbackInput {
  seq: number;
  receivedAt: string;
}

interface Row {
  seq: number;
  received_at: string;
  paper_id: string | null;
  title: string;
  abstract: string;
  categories: string;
  predicted: string | null;
  model_etag: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS feedback (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at TEXT NOT NULL,
  paper_id TEXT,
  title TEXT NOT NULL,
  abstract TEXT NOT NULL,
  categories TEXT NOT NULL,
  predicted TEXT,
  model_etag TEXT
);
CREATE INDEX IF NOT EXISTS feedback_paper ON feedback(paper_id);
`;

/**
 * Corrections in SQLite. WAL mode lets readers (export, a second server process) run beside the
 * writer; `synchronous = FULL` makes each commit durable before `add` returns, which is what lets
 * the API acknowledge a write only once it would survive a crash or a power cut.
 */
export class FeedbackStore {
  private readonly db: Database.Database;
  /** Started with the first write: `feedback export` and a server with no corrections need none. */
  private writer: Promise<WorkerClient> | null = null;

  /** `mustExist`: refuse to create a new, empty store (export of a mistyped path). */
  constructor(readonly path: string, options: { mustExist?: boolean } = {}) {
    try {
      this.db = new Database(path, { fileMustExist: options.mustExist ?? false });
    } catch (e) {
      throw new UserError(`${path}: cannot open the feedback store: ${(e as Error).message}`);
    }
    try {
      // Opening may wait for another process's lock: nothing is served yet (see `add` for later).
      this.db.pragma('busy_timeout = 1000');
      // Read-write even for export: a read-only connection cannot open a WAL database whose
      // -shm file is missing (after a clean shutdown).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // A damaged page would otherwise go unnoticed until export reads it, long after the writes
      // that landed beside it were acknowledged. quick_check reads every page, not every index
      // entry: seconds for millions of corrections, once at start.
      const check = this.db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new UserError(`${path}: the feedback store is damaged (SQLite quick_check: ${String(check).replace(/\*\*\* in database main \*\*\*/, '').replace(/\s+/g, ' ').trim().slice(0, 200)}); restore it from a backup, or move it aside to start a new one`);
      this.db.exec(SCHEMA);
    } catch (e) {
      this.db.close();
      // SQLite's own errors here mean the file is not a SQLite database, or holds another table
      // named feedback: a message about the file, for `serve` and `feedback` alike.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_')) throw new UserError(`${path}: ${damagedOrForeign(code)} (${(e as Error).message})`);
      throw e;
    }
  }

  /**
   * Commit one correction; resolves with its sequence number once the commit is on disk. The
   * commit runs on a thread of its own, so neither the disk nor another process's write lock holds
   * up other requests; past `BUSY_WAIT_MS` of waiting for the lock it rejects with SQLite's
   * SQLITE_BUSY error (see isBusy).
   */
  async add(f: FeedbackInput): Promise<StoredFeedback> {
    const writer = await (this.writer ??= this.startWriter());
    const receivedAt = new Date().toISOString();
    const row = [receivedAt, f.id ?? null, f.title, f.abstract, JSON.stringify(f.categories), f.predicted ?? null, f.modelEtag ?? null];
    const answer = await writer.call<WriteAnswer>({ type: 'add', row });
    if ('code' in answer) throw Object.assign(new Error(`${this.path}: ${answer.message}`), { code: answer.code });
    return { ...f, seq: answer.seq, receivedAt };
  }

  private async startWriter(): Promise<WorkerClient> {
    const worker = startWorker(import.meta.url, './feedback-writer.js');
    // An idle writer must not keep a server that is shutting down alive.
    worker.unref();
    const client = new WorkerClient(worker);
    await client.call({ type: 'open', path: this.path, busyMs: BUSY_WAIT_MS });
    return client;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM feedback').get() as { n: number }).n;
  }

  /** Every stored correction, oldest first. */
  *all(): IterableIterator<StoredFeedback> {
    for (const r of this.db.prepare('SELECT * FROM feedback ORDER BY seq').iterate() as IterableIterator<Row>) {
      const f: StoredFeedback = { seq: r.seq, receivedAt: r.received_at, title: r.title, abstract: r.abstract, categories: JSON.parse(r.categories) as string[] };
      if (r.paper_id !== null) f.id = r.paper_id;
      if (r.predicted !== null) f.predicted = r.predicted;
      if (r.model_etag !== null) f.modelEtag = r.model_etag;
      yield f;
    }
  }

  /** Close the store; a write in flight finishes first. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    const writer = this.writer;
    this.writer = null;
    if (writer) {
      const client = await writer.catch(() => null);
      await client?.call({ type: 'close' }).catch(() => undefined);
      await client?.close();
    }
  }
}

/** How long a write waits for another process's lock before the client is told to try again. */
const BUSY_WAIT_MS = 1000;

/** SQLite could not take the write lock (another connection holds it). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** What a SQLite error code says about the file, in the user's terms. */
function damagedOrForeign(code: string): string {
  if (code.startsWith('SQLITE_CORRUPT')) return 'the feedback store is damaged; restore it from a backup, or move it aside to start a new one';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) return 'cannot write the feedback store (check its permissions and its folder)';
  return 'not a feedback store';
}

/** A stored correction as a canonical corpus record (`train --data` reads these). */
export function feedbackToPaper(f: StoredFeedback): PaperRecord {
  return {
    id: f.id ?? `feedback:${f.seq}`,
    title: f.title,
    abstract: f.abstract,
    categories: f.categories,
    primary: f.categories[0]!,
    date: f.receivedAt.slice(0, 10),
    source: 'feedback',
  };
}

/**
 * Write the store as a canonical corpus file. A paper corrected more than once keeps its latest
 * correction: people fix their own mistakes.
 */
export async function exportFeedback(dbPath: string, outPath: string): Promise<{ stored: number; written: number }> {
  const store = new FeedbackStore(dbPath, { mustExist: true });
  try {
    const latest = new Map<string, StoredFeedback>();
    let stored = 0;
    try {
      for (const f of store.all()) {
        stored++;
        latest.set(f.id ?? `feedback:${f.seq}`, f);
      }
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_')) throw new UserError(`${dbPath}: cannot read correction ${stored + 1} of the feedback store: ${(e as Error).message}`);
      throw e;
    }
    const writer = new CorpusWriter(outPath);
    try {
      for (const f of [...latest.values()].sort((a, b) => a.seq - b.seq)) await writer.write(feedbackToPaper(f));
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return { stored, written: latest.size };
  } finally {
    await store.close();
  }
}
